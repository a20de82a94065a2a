import { existsSync } from 'node:fs';
import path from 'node:path';
import { K8S_TOOLS_DIR, K8S_TOOLS_SKIP, ensureK8sTools } from './k8s-tools.js';

/**
 * Says once, at the top of `npm test`, whether the conformance suites run against ../shared/fixtures, and
 * fetches the real helm and kubectl for the rendering tests when they are missing.
 */
export default function setup(): void {
  if (ensureK8sTools()) console.log(`render: helm and kubectl found in ${K8S_TOOLS_DIR}.`);
  else console.warn(`render: ${K8S_TOOLS_SKIP}.`);
  const fixtures = path.resolve('..', 'shared', 'fixtures');
  if (existsSync(fixtures)) {
    console.log(`conformance: ${fixtures} found; the conformance suites run against it.`);
  } else {
    console.warn(
      'conformance: ../shared/fixtures not found; the conformance suites are SKIPPED (the other tests use fixtures they build).',
    );
  }
}
