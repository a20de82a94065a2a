import { posix } from 'node:path';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Node } from 'yaml';
import type { ComposeFile, ComposeRule } from './report.js';
import { Reporter, code, withDefaults } from './report.js';
import { CONTAINER_RUNTIME_SOCKETS, isDockerEnginePipe, isRuntimeSocketName } from '../runtime-sockets.js';

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

const RUNTIME_SOCKET = 'the container runtime socket (root on the host)';
const ENGINE_PIPE = 'the Docker Engine API pipe (administrator on the host)';

/** Why a host path is sensitive, or undefined. */
export function sensitiveHostPath(path: string): string | undefined {
  if (isDockerEnginePipe(path)) return ENGINE_PIPE;
  if (/^[$~]/.test(path) && isRuntimeSocketName(path)) return RUNTIME_SOCKET;
  if (!path.startsWith('/')) return undefined;
  const normalized = posix.normalize(path).replace(/(.)\/+$/, '$1');
  if (RUNTIME_SOCKETS.has(normalized) || isRuntimeSocketName(normalized)) return RUNTIME_SOCKET;
  if (SENSITIVE_DIRS.has(normalized))
    return normalized === '/' ? 'the whole host filesystem' : `the host's ${normalized}`;
  const tree = SENSITIVE_TREES.find((root) => normalized === root || normalized.startsWith(`${root}/`));
  return tree ? `the host's ${tree}` : undefined;
}

/** The source part of a short-syntax volume (`src:dst[:mode]`), `${…}` kept whole; undefined when there is none. */
export function shortVolumeSourcePart(spec: string): string | undefined {
  if (/^[A-Za-z]:[\\/]/.test(spec)) return undefined;
  let depth = 0;
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i];
    if (c === '{' && spec[i - 1] === '$') depth++;
    else if (c === '}' && depth > 0) depth--;
    else if (c === ':' && depth === 0) return i > 0 ? spec.slice(0, i) : undefined;
  }
  return undefined;
}

/** Host path of a short-syntax volume (`src:dst[:mode]`), or undefined for named and anonymous volumes. */
export function shortVolumeSource(spec: string): string | undefined {
  const source = shortVolumeSourcePart(spec);
  return source !== undefined && /^(?:\/|\.|~)/.test(source) ? source : undefined;
}

/** Top-level named volumes that are local bind mounts (`driver_opts: {type: none, o: bind, device: /path}`). */
function boundNamedVolumes(file: ComposeFile): Map<string, string> {
  const { view } = file;
  const result = new Map<string, string>();
  const volumes = view.get(view.doc.contents, 'volumes');
  for (const entry of view.entries(volumes?.value)) {
    const name = view.scalar(entry.key);
    const options = view.get(entry.value, 'driver_opts')?.value;
    const o = view.scalar(view.get(options, 'o')?.value) ?? '';
    const device = view.scalar(view.get(options, 'device')?.value);
    if (name === undefined || device === undefined || !o.split(',').some((opt) => /^r?bind$/.test(opt.trim())))
      continue;
    const resolved = withDefaults(device);
    if (resolved !== undefined) result.set(name, resolved);
  }
  return result;
}

/** The host path a service volume mounts, through a bind-mounted named volume when needed. */
function mountedHostPath(file: ComposeFile, item: Node, named: Map<string, string>): string | undefined {
  const { view } = file;
  const spec = view.scalar(item);
  if (spec !== undefined) {
    const resolved = withDefaults(spec);
    if (resolved === undefined) {
      // `${XDG_RUNTIME_DIR}/docker.sock:/var/run/docker.sock`: the directory is unknown, the socket is not.
      const raw = shortVolumeSourcePart(spec);
      return raw !== undefined && isRuntimeSocketName(raw) ? raw : undefined;
    }
    const part = shortVolumeSourcePart(resolved);
    if (part !== undefined && isDockerEnginePipe(part)) return part;
    return shortVolumeSource(resolved) ?? (part === undefined ? undefined : named.get(part));
  }
  if (!view.asMap(item)) return undefined;
  const type = view.scalar(view.get(item, 'type')?.value);
  const raw = view.scalar(view.get(item, 'source')?.value);
  if (raw === undefined) return undefined;
  const source = withDefaults(raw);
  if (source === undefined) return isRuntimeSocketName(raw) ? raw : undefined;
  if (type === 'bind' || type === 'npipe') return source;
  return type === 'volume' ? named.get(source) : undefined;
}

const rule: RuleDefinition = {
  id: 'compose/sensitive-host-mount',
  check: 'manifests',
  title: 'Sensitive host path mounted',
  severity: 'high',
  description:
    'A compose service bind-mounts the Docker (or containerd, CRI-O, Podman) socket (critical, as in Kubernetes), the host root `/`, or a ' +
    'sensitive host directory: `/etc`, `/proc`, `/sys`, `/dev`, `/boot`, `/root`, `/run`, `/var/run`, `/usr`, ' +
    '`/home`, `/lib/modules`, or anything under `/var/lib/docker`, `/var/lib/containerd`, `/var/lib/kubelet`, ' +
    '`/etc/kubernetes`. Both the short `src:dst[:mode]` syntax and the long `type: bind` / `source:` syntax are ' +
    'checked, and so are named volumes defined as local bind mounts (`driver_opts: {o: bind, device: /}`); ' +
    '`${VAR:-default}` sources use their default. Runtime sockets are recognised by name in any directory ' +
    '(`${XDG_RUNTIME_DIR}/docker.sock` of rootless Docker), and the Windows `//./pipe/docker_engine` pipe is the ' +
    'Docker API too. Single files such as `/etc/localtime` are not reported. ' +
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
    const named = boundNamedVolumes(file);
    for (const service of file.services) {
      const entry = view.get(service.node, 'volumes');
      if (!entry) continue;
      for (const item of view.items(entry.value)) {
        const source = mountedHostPath(file, item, named);
        if (source === undefined) continue;
        const why = sensitiveHostPath(source);
        if (!why) continue;
        reporter.report(service, item, {
          // The runtime API is root on the host, as in Kubernetes (k8s/container-runtime-socket): critical.
          ...(why === RUNTIME_SOCKET || why === ENGINE_PIPE ? { severity: 'critical' as const } : {}),
          key: isDockerEnginePipe(source) ? 'docker_engine' : posix.normalize(source),
          message: `Service \`${service.name}\` mounts ${code(source)}, ${why}.`,
          fix: 'Mount only the files the service needs; use a socket proxy for the Docker API.',
        });
      }
    }
    return reporter.findings;
  },
};
