import { cli } from './cli.js';
import { ignoreClosedPipe } from './pipe.js';

ignoreClosedPipe(process.stdout);
ignoreClosedPipe(process.stderr);

process.exitCode = await cli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
