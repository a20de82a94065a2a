import type { K8sObject } from './documents.js';
import type { View } from './yaml-view.js';

export type ContainerKind = 'initContainers' | 'containers' | 'ephemeralContainers';

export interface ContainerRef {
  kind: ContainerKind;
  index: number;
  name: string;
  view: View;
}

/** A pod spec found in an object, with the metadata admission would see for the pod. */
export interface PodTemplate {
  object: K8sObject;
  /** The pod's metadata: the object's for a Pod, the template's for workloads. */
  metadata?: View;
  /** The pod template's own metadata (for workloads), where ignore annotations may also be written. */
  templateMetadata?: View;
  spec: View;
  /** In pod-security-admission's visiting order: init containers, containers, ephemeral containers. */
  containers: ContainerRef[];
}

const CONTAINER_KINDS: ContainerKind[] = ['initContainers', 'containers', 'ephemeralContainers'];

/** Where each built-in pod-bearing kind keeps its pod template, and the API groups it lives in. */
const TEMPLATE_PATHS: Record<string, { groups: string[]; path: string[] }> = {
  Pod: { groups: [''], path: [] },
  PodTemplate: { groups: [''], path: ['template'] },
  ReplicationController: { groups: [''], path: ['spec', 'template'] },
  Deployment: { groups: ['apps', 'extensions'], path: ['spec', 'template'] },
  ReplicaSet: { groups: ['apps', 'extensions'], path: ['spec', 'template'] },
  StatefulSet: { groups: ['apps'], path: ['spec', 'template'] },
  DaemonSet: { groups: ['apps', 'extensions'], path: ['spec', 'template'] },
  Job: { groups: ['batch'], path: ['spec', 'template'] },
  CronJob: { groups: ['batch'], path: ['spec', 'jobTemplate', 'spec', 'template'] },
};

/** Pod templates at these paths are checked in objects of unknown kinds (CRDs, operators' resources). */
const WELL_KNOWN_TEMPLATE_PATHS = [
  ['spec', 'template'],
  ['spec', 'jobTemplate', 'spec', 'template'],
];

export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export function isBuiltinWorkload(object: K8sObject): boolean {
  const entry = TEMPLATE_PATHS[object.kind];
  return entry !== undefined && entry.groups.includes(apiGroup(object.apiVersion));
}

/** The pod template of a pod-bearing object, or undefined. */
export function podTemplate(object: K8sObject): PodTemplate | undefined {
  const entry = TEMPLATE_PATHS[object.kind];
  if (entry && entry.groups.includes(apiGroup(object.apiVersion))) {
    if (entry.path.length === 0) {
      const spec = object.view.get('spec');
      return spec ? build(object, object.metadata, undefined, spec) : undefined;
    }
    const template = object.view.path(...entry.path);
    const spec = template?.get('spec');
    if (!template || !spec) return undefined;
    const metadata = template.get('metadata');
    return build(object, metadata, metadata, spec);
  }
  for (const path of WELL_KNOWN_TEMPLATE_PATHS) {
    const template = object.view.path(...path);
    const spec = template?.get('spec');
    if (template && spec?.get('containers')?.isSeq()) {
      const metadata = template.get('metadata');
      return build(object, metadata, metadata, spec);
    }
  }
  return undefined;
}

function build(
  object: K8sObject,
  metadata: View | undefined,
  templateMetadata: View | undefined,
  spec: View,
): PodTemplate | undefined {
  if (!spec.isMap()) return undefined;
  const containers: ContainerRef[] = [];
  for (const kind of CONTAINER_KINDS) {
    spec
      .get(kind)
      ?.items()
      .forEach((view, index) => {
        if (view.isMap()) containers.push({ kind, index, name: view.get('name')?.string() ?? '', view });
      });
  }
  return { object, metadata, templateMetadata, spec, containers };
}

/** `containers[app]`-style discriminator for finding keys. */
export function containerKey(container: ContainerRef): string {
  return `${container.kind}[${container.name || container.index}]`;
}
