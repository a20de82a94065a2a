import { minimatch } from 'minimatch';
import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import { objectRef } from './documents.js';
import { objectFinding } from './findings.js';
import type { PodTemplate } from './workload.js';

export const runtimeClassRule: RuleDefinition = {
  id: 'k8s/untrusted-without-runtime-class',
  check: 'manifests',
  title: 'Untrusted workload without a sandbox runtimeClass',
  severity: 'high',
  description:
    "The workload matches a `checks.manifests.untrusted` pattern of the policy (matched against `Kind/name` and `namespace/Kind/name`) but does not set `spec.runtimeClassName`, so it runs in the node's default, shared-kernel runtime.",
  rationale:
    'Workloads that run untrusted code (user builds, plugins, customer jobs) should be isolated by a sandboxed runtime (gVisor, Kata Containers): a kernel exploit from a normal container owns the node, from a sandbox it only reaches the sandbox kernel.',
  fix: 'Set the sandbox runtime class your cluster provides:\n\n```yaml\nspec:\n  template:\n    spec:\n      runtimeClassName: gvisor\n```',
  references: ['https://kubernetes.io/docs/concepts/containers/runtime-class/'],
  exceptions: 'Remove the workload from `checks.manifests.untrusted` when it no longer runs untrusted code.',
};

export function matchesUntrusted(pod: PodTemplate, patterns: readonly string[]): string | undefined {
  const ref = objectRef(pod.object);
  const names = [ref, `${pod.object.namespace ?? ''}/${ref}`];
  return patterns.find((pattern) =>
    names.some((name) => minimatch(name, pattern, { dot: true, nocomment: true, nonegate: true })),
  );
}

export function runtimeClassFindings(pod: PodTemplate, patterns: readonly string[]): RawFinding[] {
  if (patterns.length === 0) return [];
  const pattern = matchesUntrusted(pod, patterns);
  if (!pattern) return [];
  const field = pod.spec.get('runtimeClassName');
  if (field?.string()) return [];
  return [
    objectFinding(
      runtimeClassRule,
      pod.object,
      field ?? pod.spec,
      `${objectRef(pod.object)} matches the untrusted pattern "${pattern}" but sets no runtimeClassName, so it runs without a sandbox.`,
      'spec.runtimeClassName',
      { fix: 'runtimeClassName: <sandbox runtime class, e.g. gvisor>' },
    ),
  ];
}
