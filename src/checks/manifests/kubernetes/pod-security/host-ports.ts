import type { PssControl, Violation } from './types.js';
import type { PodTemplate } from '../workload.js';
import { PSS_DOCS, containerLabel, containerViolation } from './helpers.js';

function hostPortsV1Dot0(pod: PodTemplate): Violation[] {
  return pod.containers.flatMap((container) =>
    (container.view.get('ports')?.items() ?? []).flatMap((port) => {
      const hostPort = port.get('hostPort');
      const value = hostPort?.number();
      if (!hostPort || value === undefined || value === 0) return [];
      return [
        containerViolation(
          container,
          hostPort,
          `ports.hostPort[${value}]`,
          `${containerLabel(container)} uses hostPort ${value}`,
        ),
      ];
    }),
  );
}

export const hostPorts: PssControl = {
  id: 'hostPorts',
  level: 'baseline',
  reason: 'hostPort',
  allowed: 'undefined/0',
  severity: 'medium',
  versions: [{ minimumVersion: 0, checkPod: hostPortsV1Dot0 }],
  doc: {
    title: 'hostPort used',
    description:
      'A container port sets `hostPort`, which binds the port on the node itself. The Baseline level forbids any non-zero hostPort.',
    rationale:
      'A hostPort exposes the pod on every node address, bypassing Services and NetworkPolicies, and lets a workload squat a port other node services expect (or intercept traffic meant for them).',
    fix: 'Remove `hostPort` and expose the port through a Service:\n\n```yaml\nports:\n  - containerPort: 8080\n```',
    references: [PSS_DOCS],
  },
};
