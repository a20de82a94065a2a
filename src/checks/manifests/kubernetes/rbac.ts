import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { K8sObject } from './documents.js';
import { objectFinding } from './findings.js';
import type { View } from './yaml-view.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const RBAC_DOCS = 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/';

export const rbacWildcardRule: RuleDefinition = {
  id: 'k8s/rbac-wildcard',
  check: 'manifests',
  title: 'RBAC rule with wildcard verbs or resources',
  severity: 'high',
  description: 'A Role or ClusterRole rule grants `*` in `verbs` or `resources`.',
  rationale:
    'Wildcards grant every current and future verb or resource, including ones added later by CRDs (and subresources like `pods/exec`): a role meant for one job silently becomes near-admin.',
  fix: 'List the exact resources and verbs the subject needs:\n\n```yaml\nrules:\n  - apiGroups: ["apps"]\n    resources: ["deployments"]\n    verbs: ["get", "list", "watch"]\n```',
  references: [RBAC_DOCS],
};

export const rbacEscalationRule: RuleDefinition = {
  id: 'k8s/rbac-escalation-verbs',
  check: 'manifests',
  title: 'RBAC rule grants escalate, bind or impersonate',
  severity: 'high',
  description: 'A Role or ClusterRole rule grants the `escalate`, `bind` or `impersonate` verb.',
  rationale:
    '`escalate` lets the subject create roles with more rights than it has, `bind` lets it bind any role (cluster-admin included) to itself, and `impersonate` lets it act as any user, group or service account: each is a direct path to cluster-admin.',
  fix: 'Remove the verb. If a controller really manages RBAC, restrict it with `resourceNames` to the exact roles it may bind.',
  references: [
    RBAC_DOCS,
    'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping',
  ],
};

export const rbacSecretsRule: RuleDefinition = {
  id: 'k8s/rbac-secrets-access',
  check: 'manifests',
  title: 'RBAC rule can read Secrets',
  severity: 'medium',
  description: 'A Role or ClusterRole rule grants `get`, `list`, `watch` or `*` on `secrets`.',
  rationale:
    'Reading Secrets exposes every credential in scope, including service account tokens of more privileged accounts. `list` and `watch` return secret contents too, not just names.',
  fix: 'Mount the specific Secret into the pod instead of reading it through the API, or restrict the rule with `resourceNames`:\n\n```yaml\n- apiGroups: [""]\n  resources: ["secrets"]\n  resourceNames: ["my-app-tls"]\n  verbs: ["get"]\n```',
  references: [RBAC_DOCS],
};

export const clusterAdminBindingRule: RuleDefinition = {
  id: 'k8s/cluster-admin-binding',
  check: 'manifests',
  title: 'Binding to cluster-admin',
  severity: 'high',
  description: 'A ClusterRoleBinding or RoleBinding grants the `cluster-admin` ClusterRole.',
  rationale:
    'cluster-admin is full control of the cluster. Any subject bound to it (often a service account of a workload) turns a compromise of that workload into a compromise of everything.',
  fix: 'Create a dedicated role with only the permissions needed and bind that instead.',
  references: [RBAC_DOCS],
};

function strings(view: View | undefined): { value: string; view: View }[] {
  return (view?.items() ?? []).flatMap((item) => {
    const value = item.string();
    return value === undefined ? [] : [{ value, view: item }];
  });
}

export function rbacFindings(object: K8sObject): RawFinding[] {
  if (!object.apiVersion.startsWith(`${RBAC_GROUP}/`)) return [];
  if (object.kind === 'ClusterRoleBinding' || object.kind === 'RoleBinding') return bindingFindings(object);
  if (object.kind !== 'Role' && object.kind !== 'ClusterRole') return [];
  const out: RawFinding[] = [];
  (object.view.get('rules')?.items() ?? []).forEach((rule, index) => {
    const verbs = strings(rule.get('verbs'));
    const resources = strings(rule.get('resources'));
    const groups = strings(rule.get('apiGroups')).map((g) => g.value);
    const wildVerb = verbs.find((v) => v.value === '*');
    const wildResource = resources.find((r) => r.value === '*');
    for (const wild of [wildVerb, wildResource]) {
      if (!wild) continue;
      const field = wild === wildVerb ? 'verbs' : 'resources';
      out.push(
        objectFinding(
          rbacWildcardRule,
          object,
          wild.view,
          `Rule ${index + 1} of ${object.kind} "${object.name}" grants "*" in ${field}.`,
          `rules[${index}].${field}`,
        ),
      );
    }
    for (const verb of verbs) {
      if (verb.value === 'escalate' || verb.value === 'bind' || verb.value === 'impersonate') {
        out.push(
          objectFinding(
            rbacEscalationRule,
            object,
            verb.view,
            `Rule ${index + 1} of ${object.kind} "${object.name}" grants the "${verb.value}" verb.`,
            `rules[${index}].verbs[${verb.value}]`,
          ),
        );
      }
    }
    const coreGroup = groups.includes('') || groups.includes('*');
    const secrets = resources.find((r) => r.value === 'secrets');
    const readVerb = verbs.find((v) => ['get', 'list', 'watch', '*'].includes(v.value));
    if (coreGroup && secrets && readVerb) {
      out.push(
        objectFinding(
          rbacSecretsRule,
          object,
          secrets.view,
          `Rule ${index + 1} of ${object.kind} "${object.name}" grants "${readVerb.value}" on secrets.`,
          `rules[${index}].secrets`,
        ),
      );
    }
  });
  return out;
}

function bindingFindings(object: K8sObject): RawFinding[] {
  const roleRef = object.view.get('roleRef');
  const name = roleRef?.get('name');
  if (!name || name.string() !== 'cluster-admin' || roleRef?.get('kind')?.string() !== 'ClusterRole') return [];
  const subjects = (object.view.get('subjects')?.items() ?? [])
    .map(
      (s) =>
        `${s.get('kind')?.string() ?? '?'} ${s.get('namespace')?.string() ? `${s.get('namespace')?.string()}/` : ''}${s.get('name')?.string() ?? '?'}`,
    )
    .join(', ');
  return [
    objectFinding(
      clusterAdminBindingRule,
      object,
      name,
      `${object.kind} "${object.name}" grants cluster-admin${subjects ? ` to ${subjects}` : ''}${object.kind === 'RoleBinding' ? ' (within its namespace)' : ''}.`,
      'roleRef',
    ),
  ];
}
