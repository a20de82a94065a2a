import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { K8sObject } from './documents.js';
import { objectFinding } from './findings.js';
import type { PodTemplate } from './workload.js';
import { apiGroup, containerKey } from './workload.js';

export const hostPortRule: RuleDefinition = {
  id: 'k8s/host-port',
  check: 'manifests',
  title: 'Container port bound on the node (hostPort)',
  severity: 'medium',
  description:
    "A container port sets `hostPort`, which opens the port on the node's own network interfaces. When the Pod Security level also forbids it, the one finding names `pss/hostPorts` too (an exception or ignore by either id applies).",
  rationale:
    'hostPorts bypass Services and NetworkPolicies, expose the pod on every node address (often reachable from outside the cluster) and pin scheduling; a workload can also grab a port other node services rely on.',
  fix: 'Remove `hostPort` and expose the port with a ClusterIP Service (plus an Ingress/Gateway when it must be public).',
  references: ['https://kubernetes.io/docs/concepts/configuration/overview/#services'],
};

export const serviceExposedRule: RuleDefinition = {
  id: 'k8s/service-exposed',
  check: 'manifests',
  title: 'Service exposed on nodes or a load balancer',
  severity: 'medium',
  description:
    'A Service has `type: NodePort` or `type: LoadBalancer`, which opens it on every node or on an external load balancer.',
  rationale:
    'NodePort and LoadBalancer Services are reachable from outside the cluster network unless firewalled, often without TLS or authentication, and skip the central controls (WAF, auth, rate limits) of the ingress layer.',
  fix: 'Use `type: ClusterIP` behind an Ingress or Gateway; if a load balancer is required, restrict it:\n\n```yaml\nspec:\n  type: LoadBalancer\n  loadBalancerSourceRanges: ["10.0.0.0/8"]\n```',
  references: ['https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types'],
};

export const missingNetworkPolicyRule: RuleDefinition = {
  id: 'k8s/missing-network-policy',
  check: 'manifests',
  title: 'Namespace without a NetworkPolicy',
  severity: 'medium',
  description:
    'The change defines namespaced objects in a namespace (or without a namespace, i.e. the namespace chosen at deploy time) but no NetworkPolicy for that namespace.',
  rationale:
    'Without a NetworkPolicy every pod accepts traffic from every other pod in the cluster: one compromised workload can reach databases, admin ports and internal APIs anywhere (lateral movement).',
  fix: 'Add a default-deny policy next to the workloads, then allow the flows you need:\n\n```yaml\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: my-app\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n```',
  references: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/'],
};

/** Kinds that are not namespaced: they never make a namespace "part of the change". */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'RuntimeClass',
  'IngressClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'CertificateSigningRequest',
  'ClusterIssuer',
  'GatewayClass',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'ComponentStatus',
]);

export function hostPortFindings(pod: PodTemplate): RawFinding[] {
  return pod.containers.flatMap((container) =>
    (container.view.get('ports')?.items() ?? []).flatMap((port) => {
      const view = port.get('hostPort');
      const value = view?.number();
      if (!view || value === undefined || value === 0) return [];
      return [
        objectFinding(
          hostPortRule,
          pod.object,
          view,
          `Container "${container.name}" binds hostPort ${value} on the node.`,
          `${containerKey(container)}.ports.hostPort[${value}]`,
          {
            container: container.name,
          },
        ),
      ];
    }),
  );
}

export function serviceFindings(object: K8sObject): RawFinding[] {
  if (object.kind !== 'Service' || object.apiVersion !== 'v1') return [];
  const type = object.view.path('spec', 'type');
  const value = type?.string();
  if (!type || (value !== 'NodePort' && value !== 'LoadBalancer')) return [];
  const ranges = object.view.path('spec', 'loadBalancerSourceRanges')?.items().length ?? 0;
  if (value === 'LoadBalancer' && ranges > 0) return [];
  return [
    objectFinding(
      serviceExposedRule,
      object,
      type,
      value === 'NodePort'
        ? 'The Service has type NodePort: it is opened on a port of every node.'
        : 'The Service has type LoadBalancer without loadBalancerSourceRanges: it gets an externally reachable load balancer.',
      'spec.type',
    ),
  ];
}

function isNamespaced(object: K8sObject): boolean {
  if (CLUSTER_SCOPED_KINDS.has(object.kind) || object.kind === 'List') return false;
  // Unknown kinds (CRDs) may be cluster-scoped; count them only when they name a namespace.
  return object.namespace !== undefined || KNOWN_NAMESPACED.has(object.kind);
}

const KNOWN_NAMESPACED = new Set([
  'Pod',
  'PodTemplate',
  'ReplicationController',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Service',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'Ingress',
  'PersistentVolumeClaim',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'Endpoints',
  'EndpointSlice',
  'LimitRange',
  'ResourceQuota',
]);

/**
 * One finding per namespace of the change that has namespaced objects but no NetworkPolicy, with the
 * object it is reported on (a Namespace object when the change has one, else the first namespaced object).
 */
export function networkPolicyFindings(objects: K8sObject[]): { object: K8sObject; finding: RawFinding }[] {
  const covered = new Set<string>();
  for (const object of objects) {
    if (object.kind === 'NetworkPolicy' && apiGroup(object.apiVersion) === 'networking.k8s.io')
      covered.add(object.namespace ?? '');
  }
  const first = new Map<string, K8sObject>();
  for (const object of objects) {
    if (object.kind === 'Namespace' && object.apiVersion === 'v1') {
      // A Namespace object is the best place to report (and to annotate an ignore).
      first.set(object.name, object);
      continue;
    }
    if (!isNamespaced(object) || object.kind === 'NetworkPolicy') continue;
    const namespace = object.namespace ?? '';
    const current = first.get(namespace);
    if (!current) first.set(namespace, object);
  }
  const out: { object: K8sObject; finding: RawFinding }[] = [];
  for (const [namespace, object] of first) {
    if (covered.has(namespace)) continue;
    const label = namespace
      ? `namespace "${namespace}"`
      : 'objects without metadata.namespace (deployed to the namespace chosen at deploy time)';
    const finding = objectFinding(
      missingNetworkPolicyRule,
      object,
      object.metadata ?? object.view,
      `The change defines objects in ${label} but no NetworkPolicy for it, so pods there accept traffic from anywhere in the cluster.`,
      'networkpolicy',
    );
    out.push({ object, finding: { ...finding, key: `namespace:${namespace}` } });
  }
  return out;
}
