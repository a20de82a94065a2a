import { Decompress } from 'fzstd';

/**
 * Streaming zstd decompression (RFC 8878) with fzstd, a pure-JS decoder, because Node 20's zlib has no zstd.
 *
 * fzstd allocates one buffer of the frame's window size up front, and a hostile frame header can ask for
 * 2 GiB. So a small scanner walks the frame and block headers of the compressed stream first and refuses
 * windows above the limit, and it also knows when the input stops in the middle of a frame (truncation).
 */
export interface ZstdOptions {
  maxWindowBytes: number;
}

export class ZstdFormatError extends Error {
  constructor(
    message: string,
    readonly truncated = false,
  ) {
    super(message);
    this.name = 'ZstdFormatError';
  }
}

const FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const BLOCK_HEADER_BYTES = 3;
const CHECKSUM_BYTES = 4;

type State =
  | { kind: 'magic' }
  | { kind: 'frameHeader'; need: number }
  | { kind: 'skippableSize' }
  | { kind: 'skip'; remaining: number; then: 'magic' | 'block' }
  | { kind: 'block'; checksum: boolean }
  | { kind: 'checksum' };

/** Frame header size from its descriptor byte (magic excluded). */
function frameHeaderSize(descriptor: number): number {
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const dictFlag = descriptor & 3;
  const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
  const dictBytes = dictFlag === 3 ? 4 : dictFlag;
  return 1 + (singleSegment ? 0 : 1) + dictBytes + fcsBytes;
}

function readLE(bytes: Uint8Array, offset: number, length: number): number {
  let value = 0;
  for (let i = length - 1; i >= 0; i--) value = value * 256 + (bytes[offset + i] ?? 0);
  return value;
}

/** The window a frame needs, per RFC 8878 section 3.1.1.1.2. */
export function frameWindowSize(header: Uint8Array): number {
  const descriptor = header[0] ?? 0;
  if (descriptor & 0x08) throw new ZstdFormatError('zstd frame header has the reserved bit set');
  const singleSegment = (descriptor >> 5) & 1;
  if (!singleSegment) {
    const windowDescriptor = header[1] ?? 0;
    const base = 2 ** (10 + (windowDescriptor >> 3));
    return base + (base / 8) * (windowDescriptor & 7);
  }
  const fcsFlag = descriptor >> 6;
  const dictFlag = descriptor & 3;
  const dictBytes = dictFlag === 3 ? 4 : dictFlag;
  const fcsBytes = fcsFlag === 0 ? 1 : 1 << fcsFlag;
  const size = readLE(header, 1 + dictBytes, fcsBytes);
  return fcsBytes === 2 ? size + 256 : size;
}

/** Walks frame and block boundaries of a zstd stream without decoding. */
export class ZstdFrameScanner {
  private state: State = { kind: 'magic' };
  private pending: number[] = [];
  private sawFrame = false;

  constructor(private readonly maxWindowBytes: number) {}

  /** Consumes a chunk; returns the offsets in it where a block ended (safe points to drain the decoder). */
  push(chunk: Uint8Array): number[] {
    const cuts: number[] = [];
    let i = 0;
    while (i < chunk.length) {
      const state = this.state;
      if (state.kind === 'skip') {
        const take = Math.min(state.remaining, chunk.length - i);
        i += take;
        state.remaining -= take;
        if (state.remaining === 0) {
          this.state = state.then === 'magic' ? { kind: 'magic' } : this.afterBlockState;
          if (state.then === 'block') cuts.push(i);
        }
        continue;
      }
      this.pending.push(chunk[i++] ?? 0);
      if (this.step()) cuts.push(i);
    }
    return cuts;
  }

  private afterBlockState: State = { kind: 'magic' };

  /** Advances on the pending bytes; true when an empty block just ended. */
  private step(): boolean {
    const state = this.state;
    const bytes = this.pending;
    switch (state.kind) {
      case 'magic': {
        if (bytes.length < 4) return false;
        const magic = readLE(Uint8Array.from(bytes), 0, 4);
        this.pending = [];
        if (magic === FRAME_MAGIC) {
          this.state = { kind: 'frameHeader', need: 1 };
          this.sawFrame = true;
        } else if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC) {
          this.state = { kind: 'skippableSize' };
        } else {
          throw new ZstdFormatError('not a zstd frame (bad magic number)');
        }
        return false;
      }
      case 'skippableSize': {
        if (bytes.length < 4) return false;
        const size = readLE(Uint8Array.from(bytes), 0, 4);
        this.pending = [];
        this.state = size === 0 ? { kind: 'magic' } : { kind: 'skip', remaining: size, then: 'magic' };
        return false;
      }
      case 'frameHeader': {
        if (bytes.length === 1) state.need = frameHeaderSize(bytes[0] ?? 0);
        if (bytes.length < state.need) return false;
        const header = Uint8Array.from(bytes);
        this.pending = [];
        const window = frameWindowSize(header);
        if (window > this.maxWindowBytes) {
          throw new ZstdFormatError(
            `zstd frame asks for a ${window}-byte window, more than the ${this.maxWindowBytes}-byte limit`,
          );
        }
        this.state = { kind: 'block', checksum: ((header[0] ?? 0) >> 2) % 2 === 1 };
        return false;
      }
      case 'block': {
        if (bytes.length < BLOCK_HEADER_BYTES) return false;
        const header = readLE(Uint8Array.from(bytes), 0, 3);
        this.pending = [];
        const last = header & 1;
        const type = (header >> 1) & 3;
        const size = header >> 3;
        if (type === 3) throw new ZstdFormatError('zstd block has the reserved block type');
        const content = type === 1 ? 1 : size;
        const next: State = last ? (state.checksum ? { kind: 'checksum' } : { kind: 'magic' }) : state;
        if (content === 0) {
          this.state = next;
          return true;
        } else {
          this.afterBlockState = next;
          this.state = { kind: 'skip', remaining: content, then: 'block' };
        }
        return false;
      }
      case 'checksum': {
        if (bytes.length < CHECKSUM_BYTES) return false;
        this.pending = [];
        this.state = { kind: 'magic' };
        return false;
      }
    }
    return false;
  }

  /** Throws when the input ended inside a frame. */
  end(): void {
    if (!this.sawFrame) throw new ZstdFormatError('empty zstd stream', true);
    if (this.state.kind !== 'magic' || this.pending.length > 0) {
      throw new ZstdFormatError('zstd stream ends in the middle of a frame (unexpected end of data)', true);
    }
  }
}

export async function* zstdDecompress(source: AsyncIterable<Buffer>, options: ZstdOptions): AsyncGenerator<Buffer> {
  const scanner = new ZstdFrameScanner(options.maxWindowBytes);
  let output: Buffer[] = [];
  // fzstd hands out views into its window buffer, which it reuses: copy.
  const decoder = new Decompress((data) => {
    if (data.length > 0) output.push(Buffer.from(data));
  });
  const decode = (chunk: Uint8Array, final: boolean) => {
    try {
      decoder.push(chunk, final);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      throw new ZstdFormatError(`zstd: ${text}`, /unexpected EOF/i.test(text));
    }
  };
  for await (const chunk of source) {
    // Decode block by block: one input chunk of tiny RLE blocks could otherwise expand to gigabytes at once.
    let start = 0;
    for (const cut of [...scanner.push(chunk), chunk.length]) {
      if (cut <= start) continue;
      decode(chunk.subarray(start, cut), false);
      start = cut;
      if (output.length > 0) {
        const ready = output;
        output = [];
        yield* ready;
      }
    }
  }
  scanner.end();
  decode(new Uint8Array(0), true);
  yield* output;
}
