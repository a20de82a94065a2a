import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ENTRY = fileURLToPath(new URL('../../src/entry/cli-main.ts', import.meta.url));

describe('the CLI on a closed pipe', () => {
  it('`explain --list | head -1` prints one line and exits quietly, with no EPIPE stack trace', () => {
    const run = spawnSync('sh', ['-c', `node --import tsx "${ENTRY}" explain --list | head -1`], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\S+\/\S+\s+(critical|high|medium|low|info)\s/);
    expect(run.stderr).not.toMatch(/EPIPE|Error|at /);
  });
});
