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
