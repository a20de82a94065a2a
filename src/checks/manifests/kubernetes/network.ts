import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { K8sObject } from './documents.js';
import { objectRef } from './documents.js';
import { objectFinding } from './findings.js';
import type { AnnotationIgnore } from './annotations.js';
import { applyIgnores } from './annotations.js';
import type { PodTemplate } from './workload.js';
import { apiGroup, containerKey, podTemplate } from './workload.js';

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
    'The change defines pod-creating workloads (Pods, Deployments, Jobs, ... or custom resources with a pod template) in a namespace (or without a namespace, i.e. the namespace chosen at deploy time) but no NetworkPolicy for that namespace. Namespaces holding only configuration, RBAC or Services are not reported.',
  rationale:
    'Without a NetworkPolicy every pod accepts traffic from every other pod in the cluster: one compromised workload can reach databases, admin ports and internal APIs anywhere (lateral movement).',
  fix: 'Add a default-deny policy next to the workloads, then allow the flows you need:\n\n```yaml\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: my-app\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n```',
  references: ['https://kubernetes.io/docs/concepts/services-networking/network-policies/'],
};

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

/** Whether an object makes pods: a workload or a CRD with a pod template (a PodTemplate alone does not). */
function createsPods(object: K8sObject): boolean {
  return object.kind !== 'PodTemplate' && podTemplate(object) !== undefined;
}

/** An object the namespace finding may be reported on: its finding (message left for later) and ignores. */
interface Candidate {
  namespace: string;
  ref: string;
  finding: RawFinding;
  ignores: AnnotationIgnore[];
}

/** What one file tells about namespaces, so files can be linted one at a time (see networkPolicyFindings). */
export interface NetworkFacts {
  /** Namespaces a NetworkPolicy of the file covers ('' for no metadata.namespace). */
  covered: string[];
  /** Namespace objects of the file. */
  namespaces: Candidate[];
  /** The first pod-creating workload of each namespace in the file. */
  workloads: Candidate[];
}

function candidate(object: K8sObject, namespace: string, ignores: AnnotationIgnore[]): Candidate {
  const finding = objectFinding(missingNetworkPolicyRule, object, object.metadata ?? object.view, '', 'networkpolicy');
  return { namespace, ref: objectRef(object), finding: { ...finding, key: `namespace:${namespace}` }, ignores };
}

export function networkFacts(objects: K8sObject[], ignoresOf: (object: K8sObject) => AnnotationIgnore[]): NetworkFacts {
  const facts: NetworkFacts = { covered: [], namespaces: [], workloads: [] };
  const seen = new Set<string>();
  for (const object of objects) {
    const namespace = object.namespace ?? '';
    if (object.kind === 'NetworkPolicy' && apiGroup(object.apiVersion) === 'networking.k8s.io')
      facts.covered.push(namespace);
    else if (object.kind === 'Namespace' && object.apiVersion === 'v1')
      facts.namespaces.push(candidate(object, object.name, ignoresOf(object)));
    else if (!seen.has(namespace) && createsPods(object)) {
      seen.add(namespace);
      facts.workloads.push(candidate(object, namespace, ignoresOf(object)));
    }
  }
  return facts;
}

/**
 * One finding per namespace of the change that holds pod-creating workloads but no NetworkPolicy, reported
 * on the Namespace object when the change has one (the best place to annotate an ignore), else on the first
 * workload. Namespaces with only ConfigMaps, RBAC, Services and the like have no pods a policy would protect.
 */
export function networkPolicyFindings(files: NetworkFacts[]): RawFinding[] {
  const covered = new Set(files.flatMap((f) => f.covered));
  const namespaces = new Map<string, Candidate>();
  const workloads = new Map<string, Candidate>();
  for (const file of files) {
    for (const c of file.namespaces) if (!namespaces.has(c.namespace)) namespaces.set(c.namespace, c);
    for (const c of file.workloads) if (!workloads.has(c.namespace)) workloads.set(c.namespace, c);
  }
  const out: RawFinding[] = [];
  for (const [namespace, workload] of workloads) {
    if (covered.has(namespace)) continue;
    const target = (namespace && namespaces.get(namespace)) || workload;
    const label = namespace
      ? `namespace "${namespace}"`
      : 'objects without metadata.namespace (deployed to the namespace chosen at deploy time)';
    const message = `The change runs workloads (${workload.ref}) in ${label} but defines no NetworkPolicy for it, so their pods accept traffic from anywhere in the cluster.`;
    out.push(...applyIgnores([{ ...target.finding, message }], target.ignores));
  }
  return out;
}
