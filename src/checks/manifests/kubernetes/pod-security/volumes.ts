import type { PssControl, Violation } from './types.js';
import type { PodTemplate } from '../workload.js';
import type { View } from '../yaml-view.js';
import { PSS_DOCS, quote } from './helpers.js';
import { volumeSource } from './defaults.js';

interface NamedVolume {
  name: string;
  view: View;
}

function volumes(pod: PodTemplate): NamedVolume[] {
  return (pod.spec.get('volumes')?.items() ?? []).map((view) => ({ name: view.get('name')?.string() ?? '', view }));
}

function hostPathVolumesV1Dot0(pod: PodTemplate): Violation[] {
  return volumes(pod).flatMap(({ name, view }) => {
    const hostPath = view.get('hostPath');
    return hostPath ? [{ at: hostPath, detail: `volume ${quote(name)}`, key: `volumes[${name}].hostPath` }] : [];
  });
}

/** Volume sources the Restricted level allows (upstream checks these first, in this order). */
export const ALLOWED_VOLUME_SOURCES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/** The restricted volume types upstream names in its message (its switch order), then "unknown". */
const RESTRICTED_VOLUME_SOURCES = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];

/**
 * Upstream has a single 1.0 revision; `image` volumes were added to it in place (Kubernetes 1.33), so they
 * are allowed at every policy version. The volume is judged after API defaulting: one with no source is an
 * `emptyDir`; one whose only fields are no VolumeSource we know is denied as "unknown" (a newer API server
 * would read them as a source this check does not allow).
 */
function restrictedVolumesV1Dot0(pod: PodTemplate): Violation[] {
  return volumes(pod).flatMap(({ name, view }) => {
    const source = volumeSource(view);
    if (source.kind === 'implicit-emptyDir') return [];
    if (source.kind === 'explicit' && source.sources.some((s) => ALLOWED_VOLUME_SOURCES.includes(s))) return [];
    const type = RESTRICTED_VOLUME_SOURCES.find((s) => view.get(s));
    return [
      {
        at: type ? (view.get(type) ?? view) : view,
        detail: `volume ${quote(name)} uses restricted volume type ${quote(type ?? 'unknown')}`,
        key: `volumes[${name}]`,
      },
    ];
  });
}

export const hostPathVolumes: PssControl = {
  id: 'hostPathVolumes',
  level: 'baseline',
  reason: 'hostPath volumes',
  allowed: 'undefined/null',
  severity: 'high',
  versions: [{ minimumVersion: 0, checkPod: hostPathVolumesV1Dot0 }],
  doc: {
    title: 'hostPath volume',
    description: 'The pod mounts a `hostPath` volume, which the Baseline level forbids.',
    rationale:
      'A hostPath volume gives the container direct access to the node filesystem: mounting `/`, `/etc`, the kubelet directory or a container runtime socket is a full node takeover, and even a harmless-looking directory can be used with symlinks to reach other files.',
    fix: 'Use an `emptyDir`, `configMap`, `secret`, `projected` or a PersistentVolumeClaim instead:\n\n```yaml\nvolumes:\n  - name: cache\n    emptyDir: {}\n```',
    references: [PSS_DOCS],
  },
};

export const restrictedVolumes: PssControl = {
  id: 'restrictedVolumes',
  level: 'restricted',
  reason: 'restricted volume types',
  allowed: `only ${ALLOWED_VOLUME_SOURCES.join(', ')} volumes`,
  severity: 'medium',
  versions: [{ minimumVersion: 0, checkPod: restrictedVolumesV1Dot0, overrideCheckIds: ['hostPathVolumes'] }],
  doc: {
    title: 'Volume type not allowed by the Restricted level',
    description:
      'Under the Restricted level a pod may only use `configMap`, `csi`, `downwardAPI`, `emptyDir`, `ephemeral`, `image`, `persistentVolumeClaim`, `projected` and `secret` volumes. Any other inline volume source (hostPath, nfs, gitRepo, iscsi, cephfs...) is denied. The pod is judged as the API server stores it: a volume with only a `name` is defaulted to an `emptyDir` and allowed.',
    rationale:
      'Inline volume sources bypass the PersistentVolume model the cluster admin controls: they let a workload author attach arbitrary network storage, node paths or (gitRepo) run git on the node with attacker-controlled input.',
    fix: 'Provision the storage as a PersistentVolume and claim it:\n\n```yaml\nvolumes:\n  - name: data\n    persistentVolumeClaim:\n      claimName: data\n```',
    references: [PSS_DOCS],
  },
};
