import { existsSync } from 'node:fs';
import path from 'node:path';

/** Says once, at the top of `npm test`, whether the conformance suites run against ../shared/fixtures. */
export default function setup(): void {
  const fixtures = path.resolve('..', 'shared', 'fixtures');
  if (existsSync(fixtures)) {
    console.log(`conformance: ${fixtures} found; the conformance suites run against it.`);
  } else {
    console.warn(
      'conformance: ../shared/fixtures not found; the conformance suites are SKIPPED (the other tests use fixtures they build).',
    );
  }
}
