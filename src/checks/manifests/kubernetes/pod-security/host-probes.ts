import type { PssControl, Violation } from './types.js';
import type { PodTemplate } from '../workload.js';
import { PSS_DOCS, containerLabel, containerViolation, quote } from './helpers.js';

const HANDLER_PATHS = [
  ['livenessProbe'],
  ['readinessProbe'],
  ['startupProbe'],
  ['lifecycle', 'postStart'],
  ['lifecycle', 'preStop'],
];

function hostProbesAndHostLifecycleV1Dot34(pod: PodTemplate): Violation[] {
  const out: Violation[] = [];
  for (const container of pod.containers) {
    for (const path of HANDLER_PATHS) {
      const handler = container.view.path(...path);
      if (!handler) continue;
      for (const action of ['httpGet', 'tcpSocket']) {
        const host = handler.path(action, 'host');
        const value = host?.string() ?? '';
        if (host && value !== '') {
          out.push(
            containerViolation(
              container,
              host,
              `${path.join('.')}.${action}.host`,
              `${containerLabel(container)} uses probe or lifecycle host ${quote(value)}`,
            ),
          );
        }
      }
    }
  }
  return out;
}

export const hostProbesAndHostLifecycle: PssControl = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  reason: 'probe or lifecycle host',
  allowed: '"" or undefined',
  severity: 'medium',
  versions: [{ minimumVersion: 34, checkPod: hostProbesAndHostLifecycleV1Dot34 }],
  doc: {
    title: 'Probe or lifecycle hook with a host',
    description:
      'A liveness, readiness or startup probe, or a `postStart`/`preStop` hook, sets `httpGet.host` or `tcpSocket.host`. From policy 1.34 the Baseline level forbids any non-empty host (even `127.0.0.1`).',
    rationale:
      'Probes and hooks are executed by the kubelet from the node. A `host` turns them into a server-side request forgery primitive: the kubelet connects to any address the pod author chooses, including node-local and control-plane endpoints.',
    fix: 'Remove `host` so the kubelet probes the pod IP:\n\n```yaml\nlivenessProbe:\n  httpGet:\n    path: /healthz\n    port: 8080\n```',
    references: [PSS_DOCS],
  },
};
