import type { PssControl, Violation } from './types.js';
import type { PodTemplate } from '../workload.js';
import {
  PSS_DOCS,
  containerLabel,
  containerViolation,
  nearest,
  podSecurityContext,
  podViolation,
  quote,
  securityContext,
} from './helpers.js';

export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedAnnotationValue(value: string): boolean {
  return value === '' || value === 'runtime/default' || value.startsWith('localhost/');
}

function allowedProfileType(type: string | undefined): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

/**
 * Upstream has one 1.0 revision that checks both the `appArmorProfile` fields (added in place with the
 * fields in Kubernetes 1.30) and the deprecated beta annotations, at every policy version.
 */
function appArmorProfileV1Dot0(pod: PodTemplate): Violation[] {
  const out: Violation[] = [];
  const podProfile = podSecurityContext(pod)?.get('appArmorProfile');
  if (podProfile) {
    const type = podProfile.get('type')?.string();
    if (!allowedProfileType(type)) {
      out.push(
        podViolation(
          nearest(podProfile, 'type'),
          'securityContext.appArmorProfile.type',
          `pod must not set AppArmor profile type to ${quote(type ?? '')}`,
        ),
      );
    }
  }
  for (const container of pod.containers) {
    const profile = securityContext(container)?.get('appArmorProfile');
    if (!profile) continue;
    const type = profile.get('type')?.string();
    if (!allowedProfileType(type)) {
      out.push(
        containerViolation(
          container,
          nearest(profile, 'type'),
          'securityContext.appArmorProfile.type',
          `${containerLabel(container)} must not set AppArmor profile type to ${quote(type ?? '')}`,
        ),
      );
    }
  }
  for (const [key, view] of pod.metadata?.get('annotations')?.entries() ?? []) {
    if (!key.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
    const value = view.string() ?? '';
    if (!allowedAnnotationValue(value)) {
      out.push({
        at: view,
        detail: `annotation must not set AppArmor profile to ${key}=${quote(value)}`,
        key: `annotations[${key}]`,
      });
    }
  }
  return out;
}

export const appArmorProfile: PssControl = {
  id: 'appArmorProfile',
  level: 'baseline',
  reason: 'forbidden AppArmor profile',
  allowed:
    'securityContext.appArmorProfile.type: RuntimeDefault, Localhost or undefined; annotation container.apparmor.security.beta.kubernetes.io/*: runtime/default, localhost/*, empty or undefined',
  severity: 'medium',
  versions: [{ minimumVersion: 0, checkPod: appArmorProfileV1Dot0 }],
  doc: {
    title: 'AppArmor disabled or overridden',
    description:
      'The pod or a container sets an AppArmor profile other than `RuntimeDefault` or `Localhost` (that is, `Unconfined`), through `securityContext.appArmorProfile.type` or the deprecated `container.apparmor.security.beta.kubernetes.io/<container>` annotation.',
    rationale:
      'The runtime default AppArmor profile blocks mounts, raw access to `/proc` and `/sys` files and other operations used in container escapes. `Unconfined` removes that layer.',
    fix: '```yaml\nsecurityContext:\n  appArmorProfile:\n    type: RuntimeDefault\n```',
    references: [PSS_DOCS],
  },
};
