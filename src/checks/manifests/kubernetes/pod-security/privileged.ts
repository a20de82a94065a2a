import type { PssControl, Violation } from './types.js';
import type { PodTemplate } from '../workload.js';
import { PSS_DOCS, containerLabel, containerViolation, securityContext } from './helpers.js';

function privilegedV1Dot0(pod: PodTemplate): Violation[] {
  return pod.containers.flatMap((container) => {
    const field = securityContext(container)?.get('privileged');
    return field?.bool() === true
      ? [
          containerViolation(
            container,
            field,
            'securityContext.privileged',
            `${containerLabel(container)} must not set securityContext.privileged=true`,
          ),
        ]
      : [];
  });
}

export const privileged: PssControl = {
  id: 'privileged',
  level: 'baseline',
  reason: 'privileged',
  allowed: 'false, undefined/null',
  severity: 'critical',
  versions: [{ minimumVersion: 0, checkPod: privilegedV1Dot0 }],
  doc: {
    title: 'Privileged container',
    description:
      'A container (including init and ephemeral containers) sets `securityContext.privileged: true`. The Pod Security Standards forbid this from the Baseline level on.',
    rationale:
      'A privileged container gets every capability, all host devices and no seccomp/AppArmor confinement. Anyone who can run code in it (a compromised dependency, an RCE in the app) can mount the host disk, load kernel modules and take over the node and every pod on it.',
    fix: 'Remove `privileged: true`. Grant only the specific capability the workload needs, if any:\n\n```yaml\nsecurityContext:\n  privileged: false\n  capabilities:\n    drop: ["ALL"]\n```',
    references: [PSS_DOCS],
  },
};
