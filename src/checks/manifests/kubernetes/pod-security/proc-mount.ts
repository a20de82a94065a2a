import type { PssControl, Violation } from './types.js';
import type { PodTemplate } from '../workload.js';
import { PSS_DOCS, containerLabel, containerViolation, inUserNamespace, quote, securityContext } from './helpers.js';

/** Upstream's procMount_1_0: any procMount other than "Default" (when set) is denied. */
function procMountV1Dot0(pod: PodTemplate): Violation[] {
  return pod.containers.flatMap((container) => {
    const field = securityContext(container)?.get('procMount');
    if (!field) return [];
    const value = field.string() ?? '';
    return value === 'Default'
      ? []
      : [
          containerViolation(
            container,
            field,
            'securityContext.procMount',
            `${containerLabel(container)} must not set securityContext.procMount to ${quote(value)}`,
          ),
        ];
  });
}

/** From 1.35 the Baseline check allows any procMount for pods in a user namespace (`hostUsers: false`). */
function procMountV1Dot35Baseline(pod: PodTemplate): Violation[] {
  return inUserNamespace(pod) ? [] : procMountV1Dot0(pod);
}

const doc = {
  description:
    'A container sets `securityContext.procMount` to something other than `Default` (i.e. `Unmasked`). From policy 1.35 the Baseline level allows it for pods with `hostUsers: false`; the Restricted level (`procMount_restricted`) still forbids it.',
  rationale:
    'The default proc mount masks and makes read-only sensitive paths under `/proc` (`/proc/kcore`, `/proc/sys`, `/proc/sysrq-trigger`...). Unmasking them gives a process in the container kernel memory and node-wide tunables.',
  fix: 'Remove `procMount` (it defaults to `Default`):\n\n```yaml\nsecurityContext:\n  procMount: Default\n```',
  references: [PSS_DOCS],
};

export const procMount: PssControl = {
  id: 'procMount',
  level: 'baseline',
  reason: 'procMount',
  allowed: 'undefined/null, "Default" (from policy 1.35, any value when hostUsers is false)',
  severity: 'high',
  versions: [
    { minimumVersion: 0, checkPod: procMountV1Dot0 },
    { minimumVersion: 35, checkPod: procMountV1Dot35Baseline },
  ],
  doc: { title: 'Unmasked /proc mount', ...doc },
};

export const procMountRestricted: PssControl = {
  id: 'procMount_restricted',
  level: 'restricted',
  reason: 'procMount',
  allowed: 'undefined/null, "Default"',
  severity: 'high',
  versions: [{ minimumVersion: 35, checkPod: procMountV1Dot0, overrideCheckIds: ['procMount'] }],
  doc: { title: 'Unmasked /proc mount (Restricted)', ...doc },
};
