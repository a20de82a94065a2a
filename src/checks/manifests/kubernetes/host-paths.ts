import { posix } from 'node:path';
import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import { objectFinding } from './findings.js';
import type { PodTemplate } from './workload.js';
import { CONTAINER_RUNTIME_SOCKETS, isRuntimeSocketName } from '../runtime-sockets.js';

export const runtimeSocketRule: RuleDefinition = {
  id: 'k8s/container-runtime-socket',
  check: 'manifests',
  title: 'Container runtime socket mounted',
  severity: 'critical',
  description:
    'A `hostPath` volume mounts a container runtime socket (Docker, containerd, CRI-O, Podman, cri-dockerd, BuildKit) or a directory containing one (`/`, `/run`, `/var/run`, `/run/containerd`...). Sockets are also recognised by file name wherever they live (`/run/user/1000/docker.sock` of rootless Docker). When the Pod Security level also forbids the volume, the one finding names `pss/hostPathVolumes` or `pss/restrictedVolumes` too (an exception or ignore by either id applies).',
  rationale:
    "The runtime socket is an unauthenticated root API for the node: with it a container can start a privileged container that mounts the host filesystem, read every other container's secrets and environment, and take over the node.",
  fix: 'Remove the volume. Build images with a rootless builder (BuildKit rootless, kaniko, buildah) and use the Kubernetes API instead of the runtime for introspection.',
  references: ['https://kubernetes.io/docs/concepts/storage/volumes/#hostpath'],
};

export const sensitiveHostPathRule: RuleDefinition = {
  id: 'k8s/sensitive-host-path',
  check: 'manifests',
  title: 'Sensitive host path mounted',
  severity: 'high',
  description:
    'A `hostPath` volume mounts a sensitive node path: system directories (`/etc`, `/proc`, `/sys`, `/dev`, `/boot`, `/root`, `/home`, `/usr`, `/lib`...), kubelet or etcd state (`/var/lib/kubelet`, `/etc/kubernetes`, `/var/lib/etcd`), runtime storage (`/var/lib/docker`, `/var/lib/containerd`), or a parent of one of them. When the Pod Security level also forbids the volume, the one finding names `pss/hostPathVolumes` or `pss/restrictedVolumes` too.',
  rationale:
    'These paths hold node credentials (kubelet client certificates, service account tokens of every pod on the node), kernel interfaces and binaries. Reading them leaks cluster credentials; writing them is node compromise.',
  fix: 'Mount only what the workload needs, read-only, or use a projected/configMap volume instead:\n\n```yaml\nvolumes:\n  - name: config\n    configMap:\n      name: app-config\n```',
  references: ['https://kubernetes.io/docs/concepts/storage/volumes/#hostpath'],
};

const SENSITIVE_PATHS = [
  '/etc',
  '/proc',
  '/sys',
  '/dev',
  '/boot',
  '/root',
  '/home',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib64',
  '/var/lib/kubelet',
  '/var/lib/etcd',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/var/lib/containers',
  '/var/lib/cri-o',
  '/var/log',
  '/etc/kubernetes',
];

/** Normalised absolute path (collapses `//`, `.`, `..`, trailing slashes). */
export function normalizeHostPath(path: string): string {
  const normalized = posix.normalize(`/${path.trim()}`);
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

function within(path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(`${dir}/`);
}

export function classifyHostPath(raw: string): 'socket' | 'sensitive' | undefined {
  const path = normalizeHostPath(raw);
  if (CONTAINER_RUNTIME_SOCKETS.some((socket) => within(socket, path)) || isRuntimeSocketName(path)) return 'socket';
  if (SENSITIVE_PATHS.some((dir) => within(path, dir) || within(dir, path))) return 'sensitive';
  return undefined;
}

export function hostPathFindings(pod: PodTemplate): RawFinding[] {
  return (pod.spec.get('volumes')?.items() ?? []).flatMap((volume) => {
    const pathView = volume.path('hostPath', 'path');
    const path = pathView?.string();
    if (!pathView || path === undefined) return [];
    const kind = classifyHostPath(path);
    if (!kind) return [];
    const name = volume.get('name')?.string() ?? '';
    const rule = kind === 'socket' ? runtimeSocketRule : sensitiveHostPathRule;
    const what =
      kind === 'socket' ? 'the container runtime socket (or a directory containing it)' : 'a sensitive host path';
    return [
      objectFinding(
        rule,
        pod.object,
        pathView,
        `Volume "${name}" mounts ${what}: hostPath "${path}".`,
        `volumes[${name}].hostPath`,
      ),
    ];
  });
}
