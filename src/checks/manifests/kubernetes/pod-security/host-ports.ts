import type { PssControl, Violation } from './types.js';
import type { PodTemplate } from '../workload.js';
import { PSS_DOCS, containerLabel, containerViolation } from './helpers.js';
import { defaultsHostPorts } from './defaults.js';

/** Judged after API defaulting: a Pod with hostNetwork gets hostPort = containerPort where unset. */
function hostPortsV1Dot0(pod: PodTemplate): Violation[] {
  return pod.containers.flatMap((container) => {
    const defaulted = defaultsHostPorts(pod, container);
    return (container.view.get('ports')?.items() ?? []).flatMap((port) => {
      const explicit = port.get('hostPort')?.number() ?? 0;
      const value = explicit === 0 && defaulted ? (port.get('containerPort')?.number() ?? 0) : explicit;
      if (value === 0) return [];
      const at = explicit !== 0 ? port.get('hostPort') : port.get('containerPort');
      const why = explicit !== 0 ? '' : ' (hostNetwork defaults the hostPort to the containerPort)';
      return [
        containerViolation(
          container,
          at ?? port,
          `ports.hostPort[${value}]`,
          `${containerLabel(container)} uses hostPort ${value}${why}`,
        ),
      ];
    });
  });
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
      'A container port sets `hostPort`, which binds the port on the node itself. The Baseline level forbids any non-zero hostPort. In a Pod with `hostNetwork: true` the API server defaults every unset hostPort to the containerPort, so those ports are reported too (admission sees the defaulted Pod).',
    rationale:
      'A hostPort exposes the pod on every node address, bypassing Services and NetworkPolicies, and lets a workload squat a port other node services expect (or intercept traffic meant for them).',
    fix: 'Remove `hostPort` and expose the port through a Service:\n\n```yaml\nports:\n  - containerPort: 8080\n```',
    references: [PSS_DOCS],
  },
};
