import type { PssControl, Violation } from './types.js';
import type { PodTemplate } from '../workload.js';
import {
  PSS_DOCS,
  containerLabel,
  containerViolation,
  podSecurityContext,
  podViolation,
  securityContext,
} from './helpers.js';

function windowsHostProcessV1Dot0(pod: PodTemplate): Violation[] {
  const out: Violation[] = [];
  const podField = podSecurityContext(pod)?.path('windowsOptions', 'hostProcess');
  if (podField?.bool() === true) {
    out.push(
      podViolation(
        podField,
        'securityContext.windowsOptions.hostProcess',
        'pod must not set securityContext.windowsOptions.hostProcess=true',
      ),
    );
  }
  for (const container of pod.containers) {
    const field = securityContext(container)?.path('windowsOptions', 'hostProcess');
    if (field?.bool() === true) {
      out.push(
        containerViolation(
          container,
          field,
          'securityContext.windowsOptions.hostProcess',
          `${containerLabel(container)} must not set securityContext.windowsOptions.hostProcess=true`,
        ),
      );
    }
  }
  return out;
}

export const windowsHostProcess: PssControl = {
  id: 'windowsHostProcess',
  level: 'baseline',
  reason: 'hostProcess',
  allowed: 'undefined/false',
  severity: 'critical',
  versions: [{ minimumVersion: 0, checkPod: windowsHostProcessV1Dot0 }],
  doc: {
    title: 'Windows HostProcess container',
    description: 'The pod or a container sets `securityContext.windowsOptions.hostProcess: true`.',
    rationale:
      'A Windows HostProcess container runs directly on the host as a host process with the privileges of a node administrator: it is the Windows equivalent of a privileged container.',
    fix: 'Remove `hostProcess: true`; run node-level tooling through a dedicated, separately governed node management path.\n\n```yaml\nsecurityContext:\n  windowsOptions:\n    hostProcess: false\n```',
    references: [PSS_DOCS],
  },
};
