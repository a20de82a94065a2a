// `npm run demo`: runs the gate from dist/ on examples/demo, offline, and explains the exit code.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The demo image (examples/demo/.image) is rebuilt byte for byte, so the committed layout stays in sync.
const image = spawnSync(process.execPath, [path.join(root, 'scripts/build-demo-image.mjs')], { stdio: 'inherit' });
if (image.status !== 0) process.exit(1);
const result = spawnSync(
  process.execPath,
  [path.join(root, 'dist/cli.js'), 'check', path.join(root, 'examples/demo')],
  {
    stdio: 'inherit',
    env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : process.env.FORCE_COLOR },
  },
);
const meaning = {
  0: 'the gate passed',
  1: 'the gate blocked, as it should for this demo',
  2: 'a usage or policy error',
  3: 'a check could not finish (fail closed)',
};
console.log(`\ncontainersec exited with ${result.status}: ${meaning[result.status] ?? 'unexpected'}.`);
process.exit(result.status === 1 || result.status === 0 ? 0 : 1);
