import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Says once, at the top of `npm test`, whether the conformance suites run against ../shared/fixtures, and
 * gives the run a temp directory of its own (TMPDIR, inherited by the test workers), removed at the end,
 * so a test run leaves nothing behind in /tmp whatever the tests and the code under test create there.
 */
export default function setup(): () => void {
  const fixtures = path.resolve('..', 'shared', 'fixtures');
  if (existsSync(fixtures)) {
    console.log(`conformance: ${fixtures} found; the conformance suites run against it.`);
  } else {
    console.warn(
      'conformance: ../shared/fixtures not found; the conformance suites are SKIPPED (the other tests use fixtures they build).',
    );
  }
  const outer = process.env.TMPDIR;
  const runTemp = mkdtempSync(path.join(os.tmpdir(), 'containersec-test-run-'));
  process.env.TMPDIR = runTemp;
  return () => {
    rmSync(runTemp, { recursive: true, force: true });
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
  };
}
