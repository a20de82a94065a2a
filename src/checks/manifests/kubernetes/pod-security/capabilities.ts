import type { PssControl, Violation } from './types.js';
import type { PodTemplate } from '../workload.js';
import {
  PSS_DOCS,
  containerLabel,
  containerViolation,
  isWindowsPod,
  nearest,
  quote,
  securityContext,
  stringItems,
} from './helpers.js';

/** Upstream's capabilities_allowed_1_0: the container runtime's default set, minus NET_RAW. */
export const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

function capabilitiesBaselineV1Dot0(pod: PodTemplate): Violation[] {
  return pod.containers.flatMap((container) =>
    stringItems(securityContext(container)?.path('capabilities', 'add'))
      .filter((cap) => !BASELINE_CAPABILITIES.has(cap.value))
      .map((cap) =>
        containerViolation(
          container,
          cap.view,
          `securityContext.capabilities.add[${cap.value}]`,
          `${containerLabel(container)} must not include ${quote(cap.value)} in securityContext.capabilities.add`,
        ),
      ),
  );
}

function capabilitiesRestrictedV1Dot22(pod: PodTemplate): Violation[] {
  const out: Violation[] = [];
  for (const container of pod.containers) {
    const capabilities = securityContext(container)?.get('capabilities');
    const drop = capabilities?.get('drop');
    if (!stringItems(drop).some((cap) => cap.value === 'ALL')) {
      out.push(
        containerViolation(
          container,
          drop ?? nearest(container.view, 'securityContext', 'capabilities'),
          'securityContext.capabilities.drop',
          `${containerLabel(container)} must set securityContext.capabilities.drop=["ALL"]`,
        ),
      );
    }
    if (!capabilities) continue;
    for (const cap of stringItems(capabilities.get('add'))) {
      if (cap.value === 'NET_BIND_SERVICE') continue;
      out.push(
        containerViolation(
          container,
          cap.view,
          `securityContext.capabilities.add[${cap.value}]`,
          `${containerLabel(container)} must not include ${quote(cap.value)} in securityContext.capabilities.add`,
        ),
      );
    }
  }
  return out;
}

/** From 1.25, pods with `spec.os.name: windows` are exempt (Linux capabilities do not apply to them). */
function capabilitiesRestrictedV1Dot25(pod: PodTemplate): Violation[] {
  return isWindowsPod(pod) ? [] : capabilitiesRestrictedV1Dot22(pod);
}

export const capabilitiesBaseline: PssControl = {
  id: 'capabilities_baseline',
  level: 'baseline',
  reason: 'non-default capabilities',
  allowed: `undefined/empty, or only capabilities from the default set: ${[...BASELINE_CAPABILITIES].join(', ')}`,
  severity: 'high',
  versions: [{ minimumVersion: 0, checkPod: capabilitiesBaselineV1Dot0 }],
  doc: {
    title: 'Capability added beyond the default set',
    description:
      'A container adds a Linux capability (`securityContext.capabilities.add`) that is not in the container runtime default set. `NET_RAW` and names with a `CAP_` prefix are not in the set.',
    rationale:
      'Capabilities such as `SYS_ADMIN`, `SYS_PTRACE`, `NET_ADMIN`, `SYS_MODULE` or `DAC_READ_SEARCH` are each enough to break out of the container or attack the node (mounting filesystems, reading other processes, rewriting host networking). `NET_RAW` allows ARP/DNS spoofing against other pods.',
    fix: 'Remove the capability, or replace it with one from the default set:\n\n```yaml\nsecurityContext:\n  capabilities:\n    drop: ["ALL"]\n    add: ["NET_BIND_SERVICE"]\n```',
    references: [PSS_DOCS],
  },
};

export const capabilitiesRestricted: PssControl = {
  id: 'capabilities_restricted',
  level: 'restricted',
  reason: 'unrestricted capabilities',
  allowed: 'drop must include "ALL"; add may only contain "NET_BIND_SERVICE"',
  severity: 'medium',
  versions: [
    { minimumVersion: 22, checkPod: capabilitiesRestrictedV1Dot22, overrideCheckIds: ['capabilities_baseline'] },
    { minimumVersion: 25, checkPod: capabilitiesRestrictedV1Dot25, overrideCheckIds: ['capabilities_baseline'] },
  ],
  doc: {
    title: 'Capabilities not dropped',
    description:
      'Under the Restricted level (policy 1.22+) every container must drop `ALL` capabilities and may add back only `NET_BIND_SERVICE`. From policy 1.25, pods with `spec.os.name: windows` are exempt. One finding per container lists every capability problem; it is MEDIUM, or HIGH when the container adds a capability outside the runtime default set (`SYS_ADMIN`, `NET_ADMIN`, `NET_RAW`...), which breaks Baseline too (Restricted replaces the `capabilities_baseline` check, so that is reported here).',
    rationale:
      'The runtime default set still includes capabilities (`CHOWN`, `DAC_OVERRIDE`, `SETUID`, `FOWNER`...) that turn a foothold into file tampering or privilege changes inside the container, and widen the kernel attack surface for escapes.',
    fix: '```yaml\nsecurityContext:\n  capabilities:\n    drop: ["ALL"]\n    add: ["NET_BIND_SERVICE"]   # only if it binds a port below 1024\n```',
    references: [PSS_DOCS],
  },
};
