import type { PssControl, Violation } from './types.js';
import type { PodTemplate } from '../workload.js';
import type { View } from '../yaml-view.js';
import { PSS_DOCS, containerLabel, podSecurityContext, quote, securityContext } from './helpers.js';
import { containerKey } from '../workload.js';

export const SELINUX_TYPES_V1_0 = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
export const SELINUX_TYPES_V1_31 = new Set([...SELINUX_TYPES_V1_0, 'container_engine_t']);

function checkOptions(
  options: View,
  setter: string,
  keyPrefix: string,
  allowedTypes: Set<string>,
  container?: PodTemplate['containers'][number],
): Violation[] {
  const out: Violation[] = [];
  const typeView = options.get('type');
  const type = typeView?.string() ?? '';
  if (!allowedTypes.has(type)) {
    out.push({
      at: typeView ?? options,
      container,
      detail: `${setter} set forbidden securityContext.seLinuxOptions: type ${quote(type)}`,
      key: `${keyPrefix}.type`,
    });
  }
  for (const field of ['user', 'role'] as const) {
    const view = options.get(field);
    if (view && (view.string() ?? '') !== '') {
      out.push({
        at: view,
        container,
        detail: `${setter} set forbidden securityContext.seLinuxOptions: ${field} may not be set`,
        key: `${keyPrefix}.${field}`,
      });
    }
  }
  return out;
}

function seLinuxOptions(allowedTypes: Set<string>) {
  return (pod: PodTemplate): Violation[] => {
    const out: Violation[] = [];
    const podOptions = podSecurityContext(pod)?.get('seLinuxOptions');
    if (podOptions) out.push(...checkOptions(podOptions, 'pod', 'spec.securityContext.seLinuxOptions', allowedTypes));
    for (const container of pod.containers) {
      const options = securityContext(container)?.get('seLinuxOptions');
      if (options) {
        out.push(
          ...checkOptions(
            options,
            containerLabel(container),
            `${containerKey(container)}.securityContext.seLinuxOptions`,
            allowedTypes,
            container,
          ),
        );
      }
    }
    return out;
  };
}

export const seLinuxOptionsControl: PssControl = {
  id: 'seLinuxOptions',
  level: 'baseline',
  reason: 'seLinuxOptions',
  allowed:
    'type: undefined/empty, container_t, container_init_t, container_kvm_t (and container_engine_t from policy 1.31); user and role: undefined/empty',
  severity: 'medium',
  versions: [
    { minimumVersion: 0, checkPod: seLinuxOptions(SELINUX_TYPES_V1_0) },
    { minimumVersion: 31, checkPod: seLinuxOptions(SELINUX_TYPES_V1_31) },
  ],
  doc: {
    title: 'Custom SELinux type, user or role',
    description:
      'The pod or a container sets `seLinuxOptions` with a type outside the container types (`container_t`, `container_init_t`, `container_kvm_t`, and `container_engine_t` from policy 1.31), or sets a custom SELinux `user` or `role`.',
    rationale:
      'Types such as `spc_t` (super-privileged container) or `unconfined_t` disable SELinux confinement, removing the protection that stops a container process from touching host files.',
    fix: 'Remove `seLinuxOptions`, or keep only an allowed type and MCS level:\n\n```yaml\nsecurityContext:\n  seLinuxOptions:\n    level: "s0:c123,c456"\n```',
    references: [PSS_DOCS],
  },
};
