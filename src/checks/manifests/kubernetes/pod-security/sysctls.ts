import type { PssControl, Violation } from './types.js';
import type { PodTemplate } from '../workload.js';
import { PSS_DOCS, podSecurityContext, quote } from './helpers.js';

/** Upstream's safe sysctl sets, each a superset of the previous one. */
export const SYSCTLS_V1_0 = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
]);
export const SYSCTLS_V1_27 = new Set([...SYSCTLS_V1_0, 'net.ipv4.ip_local_reserved_ports']);
export const SYSCTLS_V1_29 = new Set([
  ...SYSCTLS_V1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);
export const SYSCTLS_V1_32 = new Set([...SYSCTLS_V1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']);
export const SYSCTLS_V1_37 = new Set([
  ...SYSCTLS_V1_32,
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
]);

function sysctlsCheck(allowed: Set<string>) {
  return (pod: PodTemplate): Violation[] =>
    (podSecurityContext(pod)?.get('sysctls')?.items() ?? []).flatMap((sysctl) => {
      const nameView = sysctl.get('name');
      const name = nameView?.string() ?? '';
      return allowed.has(name)
        ? []
        : [{ at: nameView ?? sysctl, detail: quote(name), key: `spec.securityContext.sysctls[${name}]` }];
    });
}

export const sysctls: PssControl = {
  id: 'sysctls',
  level: 'baseline',
  reason: 'forbidden sysctls',
  allowed: 'undefined/empty, or only the safe sysctls of the policy version',
  severity: 'medium',
  versions: [
    { minimumVersion: 0, checkPod: sysctlsCheck(SYSCTLS_V1_0) },
    { minimumVersion: 27, checkPod: sysctlsCheck(SYSCTLS_V1_27) },
    { minimumVersion: 29, checkPod: sysctlsCheck(SYSCTLS_V1_29) },
    { minimumVersion: 32, checkPod: sysctlsCheck(SYSCTLS_V1_32) },
    { minimumVersion: 37, checkPod: sysctlsCheck(SYSCTLS_V1_37) },
  ],
  doc: {
    title: 'Unsafe sysctl',
    description:
      'The pod sets a sysctl (`spec.securityContext.sysctls`) outside the safe, namespaced set. Safe: `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`, `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`, `net.ipv4.ip_unprivileged_port_start`; from policy 1.27 `net.ipv4.ip_local_reserved_ports`; from 1.29 `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`, `net.ipv4.tcp_keepalive_intvl`, `net.ipv4.tcp_keepalive_probes`; from 1.32 `net.ipv4.tcp_rmem`, `net.ipv4.tcp_wmem`; from 1.37 `net.ipv4.tcp_slow_start_after_idle`, `net.ipv4.tcp_notsent_lowat`.',
    rationale:
      'Other sysctls are not isolated per pod: they change kernel behaviour for the whole node (other tenants included) or disable security mechanisms.',
    fix: 'Remove the sysctl, or configure it on the nodes through your node provisioning:\n\n```yaml\nspec:\n  securityContext:\n    sysctls:\n      - name: net.ipv4.ip_local_port_range\n        value: "1024 65000"\n```',
    references: [PSS_DOCS, 'https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/'],
  },
};
