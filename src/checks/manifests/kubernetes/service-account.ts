import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { K8sObject } from './documents.js';
import { objectFinding } from './findings.js';
import type { PodTemplate } from './workload.js';

export const automountTokenRule: RuleDefinition = {
  id: 'k8s/automount-service-account-token',
  check: 'manifests',
  title: 'Service account token mounted automatically',
  severity: 'medium',
  description:
    'The pod does not set `automountServiceAccountToken: false`, and its service account (when defined in the same change) does not either, so a Kubernetes API token is mounted into every container.',
  rationale:
    "Most applications never call the Kubernetes API. A mounted token turns any file-read or RCE bug into authenticated API access with the service account's RBAC rights, often enough to read Secrets or create pods.",
  fix: 'Disable the mount on the pod (or on its ServiceAccount), and mount a projected token only where the API is really used:\n\n```yaml\nspec:\n  automountServiceAccountToken: false\n```',
  references: [
    'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
  ],
};

/** `namespace/name` of ServiceAccounts that set `automountServiceAccountToken: false`. */
export function serviceAccountsWithoutToken(objects: K8sObject[]): string[] {
  const out: string[] = [];
  for (const object of objects) {
    if (
      object.kind === 'ServiceAccount' &&
      object.apiVersion === 'v1' &&
      object.view.get('automountServiceAccountToken')?.bool() === false
    ) {
      out.push(`${object.namespace ?? ''}/${object.name}`);
    }
  }
  return out;
}

/**
 * The pod's automount finding, and the `namespace/name` of its service account when the finding only holds
 * if that account (maybe defined in another file of the change) does not turn the token off.
 */
export function automountTokenFinding(pod: PodTemplate): { finding: RawFinding; unlessAccount?: string } | undefined {
  const field = pod.spec.get('automountServiceAccountToken');
  const value = field?.bool();
  if (value === false) return undefined;
  const account = pod.spec.get('serviceAccountName')?.string() || pod.spec.get('serviceAccount')?.string() || 'default';
  const finding = objectFinding(
    automountTokenRule,
    pod.object,
    field ?? pod.spec,
    value === true
      ? `The pod sets automountServiceAccountToken: true, mounting an API token for service account "${account}" into every container.`
      : `The pod does not set automountServiceAccountToken: false, so an API token for service account "${account}" is mounted into every container.`,
    'spec.automountServiceAccountToken',
    { fix: 'automountServiceAccountToken: false' },
  );
  return value === undefined ? { finding, unlessAccount: `${pod.object.namespace ?? ''}/${account}` } : { finding };
}
