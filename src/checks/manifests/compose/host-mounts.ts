import { posix } from 'node:path';
import type { RuleDefinition } from '../../../core/rules.js';
import type { ComposeRule } from './report.js';
import { Reporter, code, withDefaults } from './report.js';
import { CONTAINER_RUNTIME_SOCKETS } from '../runtime-sockets.js';

const RUNTIME_SOCKETS = new Set(CONTAINER_RUNTIME_SOCKETS);
/** Host directories whose bind mount exposes the host itself. Only the directory itself, not files inside. */
const SENSITIVE_DIRS = new Set([
  '/',
  '/etc',
  '/proc',
  '/sys',
  '/dev',
  '/boot',
  '/root',
  '/run',
  '/var/run',
  '/lib/modules',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/home',
]);
/** Host directories that are sensitive together with everything under them. */
const SENSITIVE_TREES = [
  '/var/lib/docker',
  '/var/lib/containerd',
  '/var/lib/kubelet',
  '/etc/kubernetes',
  '/proc/sys',
  '/sys/kernel',
];

/** Why a host path is sensitive, or undefined. */
export function sensitiveHostPath(path: string): string | undefined {
  if (!path.startsWith('/')) return undefined;
  const normalized = posix.normalize(path).replace(/(.)\/+$/, '$1');
  if (RUNTIME_SOCKETS.has(normalized)) return 'the container runtime socket (root on the host)';
  if (SENSITIVE_DIRS.has(normalized))
    return normalized === '/' ? 'the whole host filesystem' : `the host's ${normalized}`;
  const tree = SENSITIVE_TREES.find((root) => normalized === root || normalized.startsWith(`${root}/`));
  return tree ? `the host's ${tree}` : undefined;
}

/** Host path of a short-syntax volume (`src:dst[:mode]`), or undefined for named and anonymous volumes. */
export function shortVolumeSource(spec: string): string | undefined {
  if (/^[A-Za-z]:[\\/]/.test(spec)) return undefined;
  const parts = spec.split(':');
  if (parts.length < 2) return undefined;
  const source = parts[0]!;
  return /^(?:\/|\.|~)/.test(source) ? source : undefined;
}

const rule: RuleDefinition = {
  id: 'compose/sensitive-host-mount',
  check: 'manifests',
  title: 'Sensitive host path mounted',
  severity: 'high',
  description:
    'A compose service bind-mounts the Docker (or containerd, CRI-O, Podman) socket, the host root `/`, or a ' +
    'sensitive host directory: `/etc`, `/proc`, `/sys`, `/dev`, `/boot`, `/root`, `/run`, `/var/run`, `/usr`, ' +
    '`/home`, `/lib/modules`, or anything under `/var/lib/docker`, `/var/lib/containerd`, `/var/lib/kubelet`, ' +
    '`/etc/kubernetes`. Both the short `src:dst[:mode]` syntax and the long `type: bind` / `source:` syntax are ' +
    'checked; `${VAR:-default}` sources use their default. Single files such as `/etc/localtime` are not reported. ' +
    'Read-only mounts are reported too: a read-only socket still accepts API calls, and `/etc` or `/proc` read-only ' +
    'still leak host secrets.',
  rationale:
    'Access to the runtime socket is root on the host: the container can start a privileged container that mounts ' +
    'the host filesystem. Mounting `/`, `/etc`, `/root` or `/var/lib/docker` exposes host credentials, SSH keys and ' +
    "every other container's data, and write access lets the container plant cron jobs or binaries on the host. " +
    '`/proc` and `/sys` expose kernel knobs and other processes.',
  fix:
    'Mount only the data the service needs, read-only when possible. For tools that need the Docker API, put a ' +
    'filtering proxy in front of it:\n\n```yaml\nservices:\n  app:\n    volumes:\n      - ./config:/etc/app:ro\n' +
    '  docker-proxy:\n    image: tecnativa/docker-socket-proxy:0.3.0\n    environment: { CONTAINERS: 1, POST: 0 }\n```',
  references: [
    'https://docs.docker.com/reference/compose-file/services/#volumes',
    'https://docs.docker.com/engine/security/#docker-daemon-attack-surface',
  ],
};

export const sensitiveHostMount: ComposeRule = {
  rule,
  check(file) {
    const reporter = new Reporter(file, rule);
    const { view } = file;
    for (const service of file.services) {
      const entry = view.get(service.node, 'volumes');
      if (!entry) continue;
      for (const item of view.items(entry.value)) {
        let source: string | undefined;
        const spec = view.scalar(item);
        if (spec !== undefined) {
          const resolved = withDefaults(spec);
          source = resolved === undefined ? undefined : shortVolumeSource(resolved);
        } else if (view.asMap(item)) {
          const type = view.scalar(view.get(item, 'type')?.value);
          const raw = view.scalar(view.get(item, 'source')?.value);
          source = type === 'bind' && raw !== undefined ? withDefaults(raw) : undefined;
        }
        if (source === undefined) continue;
        const why = sensitiveHostPath(source);
        if (!why) continue;
        reporter.report(service, item, {
          key: posix.normalize(source),
          message: `Service \`${service.name}\` mounts ${code(source)}, ${why}.`,
          fix: 'Mount only the files the service needs; use a socket proxy for the Docker API.',
        });
      }
    }
    return reporter.findings;
  },
};
