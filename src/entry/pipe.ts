/**
 * `containersec explain --list | head`: once the reader closes the pipe, every further write fails with EPIPE
 * (then ERR_STREAM_DESTROYED). Nobody is left to read the output, so those errors are dropped instead of
 * crashing with a stack trace; the command still finishes and exits with its own code (a gate verdict is
 * never turned into a pass by a closed pipe).
 */
export function ignoreClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
}
