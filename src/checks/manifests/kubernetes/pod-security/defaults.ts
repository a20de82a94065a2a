import type { View } from '../yaml-view.js';
import type { ContainerRef, PodTemplate } from '../workload.js';

/**
 * The API server's defaulting (kubernetes pkg/apis/core/v1/defaults.go) that changes what a
 * pod-security check sees, applied on read: admission evaluates the defaulted object, not the manifest.
 * The other defaults there (probe timeouts, httpGet path/scheme, dnsPolicy, an empty pod securityContext...)
 * touch no field a check reads; `hostUsers` and `procMount` have no default (unset means host users and
 * the default proc mount, which the checks already treat as allowed).
 */

/** Every field of core/v1 VolumeSource (a volume is `name` plus exactly one of these). */
export const VOLUME_SOURCES = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
];

const KNOWN_VOLUME_FIELDS = new Set(['name', ...VOLUME_SOURCES]);

export type VolumeSource =
  | { kind: 'explicit'; sources: string[] }
  /** SetDefaults_Volume: a volume whose sources are all nil becomes `emptyDir: {}`. */
  | { kind: 'implicit-emptyDir' }
  /** Fields that are no VolumeSource we know: a newer API server may know them, so they are not defaulted. */
  | { kind: 'unknown'; fields: string[] };

/** The volume's source(s) as admission sees them after defaulting (null values count as unset). */
export function volumeSource(volume: View): VolumeSource {
  const present = volume.entries().filter(([, value]) => !isNull(value));
  const sources = present.map(([key]) => key).filter((key) => VOLUME_SOURCES.includes(key));
  if (sources.length > 0) return { kind: 'explicit', sources };
  const unknown = present.map(([key]) => key).filter((key) => !KNOWN_VOLUME_FIELDS.has(key));
  return unknown.length > 0 ? { kind: 'unknown', fields: unknown } : { kind: 'implicit-emptyDir' };
}

function isNull(view: View): boolean {
  return !view.isMap() && !view.isSeq() && view.string() === undefined;
}

/**
 * SetDefaults_Pod: in a Pod (not a template: the defaulting is Pod-only) with `hostNetwork: true`, every
 * port of a regular or init container without a hostPort gets hostPort = containerPort.
 */
export function defaultsHostPorts(pod: PodTemplate, container: ContainerRef): boolean {
  return (
    pod.object.kind === 'Pod' &&
    pod.object.apiVersion === 'v1' &&
    container.kind !== 'ephemeralContainers' &&
    pod.spec.get('hostNetwork')?.bool() === true
  );
}
