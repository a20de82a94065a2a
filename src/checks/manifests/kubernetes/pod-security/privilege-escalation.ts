import type { PssControl, Violation } from './types.js';
import type { PodTemplate } from '../workload.js';
import { PSS_DOCS, containerLabel, containerViolation, isWindowsPod, nearest } from './helpers.js';

function allowPrivilegeEscalationV1Dot8(pod: PodTemplate): Violation[] {
  return pod.containers.flatMap((container) => {
    const field = container.view.path('securityContext', 'allowPrivilegeEscalation');
    if (field?.bool() === false) return [];
    return [
      containerViolation(
        container,
        field ?? nearest(container.view, 'securityContext'),
        'securityContext.allowPrivilegeEscalation',
        `${containerLabel(container)} must set securityContext.allowPrivilegeEscalation=false`,
      ),
    ];
  });
}

/** From 1.25, pods with `spec.os.name: windows` are exempt. */
function allowPrivilegeEscalationV1Dot25(pod: PodTemplate): Violation[] {
  return isWindowsPod(pod) ? [] : allowPrivilegeEscalationV1Dot8(pod);
}

export const allowPrivilegeEscalation: PssControl = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  reason: 'allowPrivilegeEscalation != false',
  allowed: 'false',
  severity: 'medium',
  versions: [
    { minimumVersion: 8, checkPod: allowPrivilegeEscalationV1Dot8 },
    { minimumVersion: 25, checkPod: allowPrivilegeEscalationV1Dot25 },
  ],
  doc: {
    title: 'Privilege escalation allowed',
    description:
      'Under the Restricted level every container must set `securityContext.allowPrivilegeEscalation: false` (it defaults to true). From policy 1.25 pods with `spec.os.name: windows` are exempt.',
    rationale:
      'Without `no_new_privs`, a process can gain privileges through set-user-ID/set-group-ID binaries or file capabilities in the image, turning an unprivileged foothold into root inside the container.',
    fix: '```yaml\nsecurityContext:\n  allowPrivilegeEscalation: false\n```',
    references: [PSS_DOCS],
  },
};
