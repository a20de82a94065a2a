import type { PssControl, Violation } from './types.js';
import type { PodTemplate } from '../workload.js';
import {
  PSS_DOCS,
  containerLabel,
  containerViolation,
  isWindowsPod,
  nearest,
  podSecurityContext,
  podViolation,
  quote,
  securityContext,
} from './helpers.js';

export const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
export const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

function validSeccompType(type: string | undefined): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

function validAnnotationValue(value: string): boolean {
  return value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/');
}

/** Policy 1.0-1.18: the alpha annotations (pod and per visited container). */
function seccompProfileBaselineV1Dot0(pod: PodTemplate): Violation[] {
  const annotations = pod.metadata?.get('annotations');
  if (!annotations) return [];
  const entries = new Map(annotations.entries());
  const out: Violation[] = [];
  const check = (key: string, container?: PodTemplate['containers'][number]): void => {
    const view = entries.get(key);
    if (!view) return;
    const value = view.string() ?? '';
    if (!validAnnotationValue(value))
      out.push({
        at: view,
        container,
        detail: `forbidden annotation ${key}=${quote(value)}`,
        key: `annotations[${key}]`,
      });
  };
  check(SECCOMP_POD_ANNOTATION);
  for (const container of pod.containers) check(SECCOMP_CONTAINER_ANNOTATION_PREFIX + container.name, container);
  return out;
}

/** Explicitly bad `seccompProfile.type` values on the pod and the containers. */
function explicitlyBad(pod: PodTemplate): Violation[] {
  const out: Violation[] = [];
  const podProfile = podSecurityContext(pod)?.get('seccompProfile');
  if (podProfile) {
    const type = podProfile.get('type')?.string();
    if (!validSeccompType(type)) {
      out.push(
        podViolation(
          nearest(podProfile, 'type'),
          'securityContext.seccompProfile.type',
          `pod must not set securityContext.seccompProfile.type to ${quote(type ?? '')}`,
        ),
      );
    }
  }
  for (const container of pod.containers) {
    const profile = securityContext(container)?.get('seccompProfile');
    if (!profile) continue;
    const type = profile.get('type')?.string();
    if (!validSeccompType(type)) {
      out.push(
        containerViolation(
          container,
          nearest(profile, 'type'),
          'securityContext.seccompProfile.type',
          `${containerLabel(container)} must not set securityContext.seccompProfile.type to ${quote(type ?? '')}`,
        ),
      );
    }
  }
  return out;
}

/** Policy 1.19+: the `seccompProfile` fields; undefined is allowed. */
function seccompProfileBaselineV1Dot19(pod: PodTemplate): Violation[] {
  return explicitlyBad(pod);
}

/** Restricted: a valid type must be set on the pod, or on every container. */
function seccompProfileRestrictedV1Dot19(pod: PodTemplate): Violation[] {
  const explicit = explicitlyBad(pod);
  if (explicit.length > 0) return explicit;
  const podSet = podSecurityContext(pod)?.get('seccompProfile') !== undefined;
  if (podSet) return [];
  return pod.containers
    .filter((container) => !securityContext(container)?.get('seccompProfile'))
    .map((container) =>
      containerViolation(
        container,
        nearest(container.view, 'securityContext'),
        'securityContext.seccompProfile.type',
        `pod or ${containerLabel(container)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
      ),
    );
}

/** From 1.25, pods with `spec.os.name: windows` are exempt. */
function seccompProfileRestrictedV1Dot25(pod: PodTemplate): Violation[] {
  return isWindowsPod(pod) ? [] : seccompProfileRestrictedV1Dot19(pod);
}

export const seccompProfileBaseline: PssControl = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  reason: 'seccompProfile',
  allowed:
    'policy 1.19+: securityContext.seccompProfile.type RuntimeDefault, Localhost or undefined; before 1.19: seccomp annotations runtime/default, docker/default, localhost/* or undefined',
  severity: 'medium',
  versions: [
    { minimumVersion: 0, checkPod: seccompProfileBaselineV1Dot0 },
    { minimumVersion: 19, checkPod: seccompProfileBaselineV1Dot19 },
  ],
  doc: {
    title: 'Seccomp disabled',
    description:
      'The pod or a container sets a seccomp profile other than `RuntimeDefault` or `Localhost` (that is, `Unconfined`). Policy versions before 1.19 check the alpha annotations `seccomp.security.alpha.kubernetes.io/pod` and `container.seccomp.security.alpha.kubernetes.io/<container>` instead of the fields.',
    rationale:
      'Seccomp filters the system calls a container can make. `Unconfined` re-opens syscalls (keyctl, unshare, bpf, ptrace...) behind many kernel exploits and container escapes.',
    fix: '```yaml\nspec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n```',
    references: [PSS_DOCS],
  },
};

export const seccompProfileRestricted: PssControl = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  reason: 'seccompProfile',
  allowed: 'RuntimeDefault or Localhost, set on the pod or on every container',
  severity: 'medium',
  versions: [
    { minimumVersion: 19, checkPod: seccompProfileRestrictedV1Dot19, overrideCheckIds: ['seccompProfile_baseline'] },
    { minimumVersion: 25, checkPod: seccompProfileRestrictedV1Dot25, overrideCheckIds: ['seccompProfile_baseline'] },
  ],
  doc: {
    title: 'Seccomp profile not set',
    description:
      'Under the Restricted level (policy 1.19+) the pod, or every container, must set `seccompProfile.type` to `RuntimeDefault` or `Localhost`. From policy 1.25 pods with `spec.os.name: windows` are exempt.',
    rationale:
      'Without an explicit profile many runtimes run containers `Unconfined`, leaving the full syscall surface reachable from a compromised process.',
    fix: '```yaml\nspec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n```',
    references: [PSS_DOCS],
  },
};
