import type { PssControl, Violation } from './types.js';
import type { PodTemplate } from '../workload.js';
import {
  PSS_DOCS,
  containerLabel,
  containerViolation,
  inUserNamespace,
  nearest,
  podSecurityContext,
  podViolation,
  securityContext,
} from './helpers.js';

function runAsNonRootV1Dot0(pod: PodTemplate): Violation[] {
  const explicit: Violation[] = [];
  const podField = podSecurityContext(pod)?.get('runAsNonRoot');
  const podValue = podField?.bool();
  if (podField && podValue === false) {
    explicit.push(
      podViolation(podField, 'securityContext.runAsNonRoot', 'pod must not set securityContext.runAsNonRoot=false'),
    );
  }
  const podRunAsNonRoot = podValue === true;
  const implicit: Violation[] = [];
  for (const container of pod.containers) {
    const field = securityContext(container)?.get('runAsNonRoot');
    if (field) {
      // Go decodes the field as a bool; we treat anything but `true` as explicitly not true.
      if (field.bool() !== true) {
        explicit.push(
          containerViolation(
            container,
            field,
            'securityContext.runAsNonRoot',
            `${containerLabel(container)} must not set securityContext.runAsNonRoot=false`,
          ),
        );
      }
    } else if (!podRunAsNonRoot) {
      implicit.push(
        containerViolation(
          container,
          nearest(container.view, 'securityContext'),
          'securityContext.runAsNonRoot',
          `pod or ${containerLabel(container)} must set securityContext.runAsNonRoot=true`,
        ),
      );
    }
  }
  return explicit.length > 0 ? explicit : implicit;
}

/** From 1.35 the check is skipped for pods in a user namespace (`hostUsers: false`), per KEP-127. */
function runAsNonRootV1Dot35(pod: PodTemplate): Violation[] {
  return inUserNamespace(pod) ? [] : runAsNonRootV1Dot0(pod);
}

function runAsUserV1Dot23(pod: PodTemplate): Violation[] {
  const out: Violation[] = [];
  const podField = podSecurityContext(pod)?.get('runAsUser');
  if (podField?.number() === 0)
    out.push(podViolation(podField, 'securityContext.runAsUser', 'pod must not set runAsUser=0'));
  for (const container of pod.containers) {
    const field = securityContext(container)?.get('runAsUser');
    if (field?.number() === 0)
      out.push(
        containerViolation(
          container,
          field,
          'securityContext.runAsUser',
          `${containerLabel(container)} must not set runAsUser=0`,
        ),
      );
  }
  return out;
}

function runAsUserV1Dot35(pod: PodTemplate): Violation[] {
  return inUserNamespace(pod) ? [] : runAsUserV1Dot23(pod);
}

export const runAsNonRoot: PssControl = {
  id: 'runAsNonRoot',
  level: 'restricted',
  reason: 'runAsNonRoot != true',
  allowed: 'true (undefined at container level when the pod sets true)',
  severity: 'medium',
  versions: [
    { minimumVersion: 0, checkPod: runAsNonRootV1Dot0 },
    { minimumVersion: 35, checkPod: runAsNonRootV1Dot35 },
  ],
  doc: {
    title: 'Container may run as root',
    description:
      'Under the Restricted level `runAsNonRoot: true` must be set on the pod (and not overridden with `false`), or on every container. From policy 1.35 pods with `hostUsers: false` (user namespaces) are exempt.',
    rationale:
      'Root in a container is root on the node as far as the kernel is concerned (without user namespaces): any escape, writable hostPath or kernel bug becomes a node compromise.',
    fix: '```yaml\nspec:\n  securityContext:\n    runAsNonRoot: true\n    runAsUser: 10001\n```\nMake sure the image has a numeric non-root `USER`.',
    references: [PSS_DOCS],
  },
};

export const runAsUser: PssControl = {
  id: 'runAsUser',
  level: 'restricted',
  reason: 'runAsUser=0',
  allowed: 'non-zero values, undefined/null',
  severity: 'medium',
  versions: [
    { minimumVersion: 23, checkPod: runAsUserV1Dot23 },
    { minimumVersion: 35, checkPod: runAsUserV1Dot35 },
  ],
  doc: {
    title: 'runAsUser set to root (0)',
    description:
      'Under the Restricted level (policy 1.23+) neither the pod nor a container may set `runAsUser: 0`. From policy 1.35 pods with `hostUsers: false` are exempt.',
    rationale:
      'UID 0 is root; explicitly running as root defeats `runAsNonRoot` and gives a compromised process root privileges over everything the container can reach.',
    fix: '```yaml\nsecurityContext:\n  runAsUser: 10001\n```',
    references: [PSS_DOCS],
  },
};
