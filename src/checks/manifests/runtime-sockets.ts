/** Container runtime API sockets: whoever can reach one controls every container on the host, and the host. */
export const CONTAINER_RUNTIME_SOCKETS: readonly string[] = [
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/run/containerd/containerd.sock',
  '/run/containerd/containerd.sock',
  '/var/run/crio/crio.sock',
  '/run/crio/crio.sock',
  '/var/run/cri-dockerd.sock',
  '/run/cri-dockerd.sock',
  '/var/run/dockershim.sock',
  '/run/podman/podman.sock',
  '/var/run/podman/podman.sock',
  '/run/k3s/containerd/containerd.sock',
];

/**
 * File names of runtime API sockets. Rootless Docker and Podman put them under `$XDG_RUNTIME_DIR`
 * (`/run/user/<uid>/docker.sock`), so a mount is judged by name wherever the socket lives.
 */
export const RUNTIME_SOCKET_NAMES: ReadonlySet<string> = new Set([
  'docker.sock',
  'containerd.sock',
  'crio.sock',
  'podman.sock',
  'cri-dockerd.sock',
  'dockershim.sock',
  'buildkitd.sock',
]);

/** The Docker Engine API named pipe on Windows hosts (`\\.\pipe\docker_engine`, `//./pipe/docker_engine`). */
export function isDockerEnginePipe(path: string): boolean {
  return /^[\\/]{2}\.[\\/]pipe[\\/]docker_engine$/i.test(path.trim());
}

export function isRuntimeSocketName(path: string): boolean {
  const name =
    path
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? '';
  return RUNTIME_SOCKET_NAMES.has(name);
}
