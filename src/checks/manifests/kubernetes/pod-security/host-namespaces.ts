import type { PssControl, Violation } from './types.js';
import type { PodTemplate } from '../workload.js';
import { PSS_DOCS, podViolation } from './helpers.js';

function hostNamespacesV1Dot0(pod: PodTemplate): Violation[] {
  return (['hostNetwork', 'hostPID', 'hostIPC'] as const).flatMap((field) => {
    const view = pod.spec.get(field);
    return view?.bool() === true ? [podViolation(view, field, `${field}=true`)] : [];
  });
}

export const hostNamespaces: PssControl = {
  id: 'hostNamespaces',
  level: 'baseline',
  reason: 'host namespaces',
  allowed: 'false, undefined/null',
  severity: 'high',
  versions: [{ minimumVersion: 0, checkPod: hostNamespacesV1Dot0 }],
  doc: {
    title: 'Host namespaces shared with the pod',
    description: 'The pod sets `hostNetwork`, `hostPID` or `hostIPC` to `true`, which the Baseline level forbids.',
    rationale:
      'With `hostPID` a container sees and can signal or ptrace every process on the node; with `hostNetwork` it can sniff node traffic, reach services bound to localhost (kubelet, cloud metadata) and bypass NetworkPolicies; with `hostIPC` it can read shared memory of host processes.',
    fix: 'Remove the fields (they default to false):\n\n```yaml\nspec:\n  hostNetwork: false\n  hostPID: false\n  hostIPC: false\n```',
    references: [PSS_DOCS],
  },
};
