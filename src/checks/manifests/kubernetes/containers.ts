import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import { objectFinding } from './findings.js';
import type { PodTemplate } from './workload.js';
import { containerKey } from './workload.js';
import type { View } from './yaml-view.js';

export const readOnlyRootFilesystemRule: RuleDefinition = {
  id: 'k8s/readonly-root-filesystem',
  check: 'manifests',
  title: 'Root filesystem is writable',
  severity: 'low',
  description: 'A container (init, regular or ephemeral) does not set `securityContext.readOnlyRootFilesystem: true`.',
  rationale:
    'A writable root filesystem lets an attacker who gets code execution drop tools, replace binaries or scripts the application later runs, and persist across process restarts inside the container.',
  fix: 'Make the root filesystem read-only and mount `emptyDir` volumes where the app must write:\n\n```yaml\nsecurityContext:\n  readOnlyRootFilesystem: true\nvolumeMounts:\n  - name: tmp\n    mountPath: /tmp\n```',
  references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
};

export const resourceLimitsRule: RuleDefinition = {
  id: 'k8s/resource-limits',
  check: 'manifests',
  title: 'No CPU or memory limit',
  severity: 'low',
  description: 'A container (init or regular) does not set `resources.limits.memory` or `resources.limits.cpu`.',
  rationale:
    'Without limits one compromised or buggy pod can exhaust a node (crypto-mining, memory leaks, fork bombs), starving or evicting every other workload on it: a cheap denial of service.',
  fix: '```yaml\nresources:\n  requests: { cpu: 100m, memory: 128Mi }\n  limits: { cpu: 500m, memory: 256Mi }\n```',
  references: ['https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/'],
};

export const envSecretRule: RuleDefinition = {
  id: 'k8s/env-secret-literal',
  check: 'manifests',
  title: 'Secret written as a literal environment value',
  severity: 'high',
  description:
    'An environment variable has a literal `value` that is a credential: its name looks like a secret (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`, `*API_KEY*`, `*PRIVATE_KEY*`, `*CREDENTIAL*`...) or its value has the shape of a known key format (AWS access key, GitHub/GitLab/Slack token, private key block, JWT). The value itself is never shown in the report.',
  rationale:
    'A secret in a manifest is in git history forever, readable by anyone with repository read access and by anyone who can `get` the workload in the cluster (pod specs are not encrypted like Secrets and show up in audit logs and dashboards).',
  fix: 'Rotate the credential, then reference it from a Secret:\n\n```yaml\nenv:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db\n        key: password\n```',
  references: ['https://kubernetes.io/docs/concepts/configuration/secret/'],
};

const SECRET_NAME_RE =
  /(PASS(WORD|WD)?|SECRET|TOKEN|API_?KEY|APIKEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH_?KEY|CLIENT_?SECRET|CONN(ECTION)?_?STRING|DSN)$|^(PASS(WORD)?|SECRET|TOKEN)|_(PASSWORD|SECRET|TOKEN)_/i;
const NON_SECRET_NAME_RE = /(_FILE|_PATH|_DIR|_URL_PATH|_NAME|_USER(NAME)?|_HEADER|_TTL|_EXPIRY|_LENGTH|_ENABLED)$/i;

/** Value shapes of well-known credentials (checked whatever the variable is called). */
const SECRET_VALUE_RES: { re: RegExp; label: string }[] = [
  { re: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/, label: 'an AWS access key id' },
  { re: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/, label: 'a GitHub token' },
  { re: /\bgithub_pat_[A-Za-z0-9_]{40,}\b/, label: 'a GitHub token' },
  { re: /\bglpat-[A-Za-z0-9_-]{20,}\b/, label: 'a GitLab token' },
  { re: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/, label: 'a Slack token' },
  { re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, label: 'a private key' },
  { re: /\b(sk|rk)_live_[A-Za-z0-9]{16,}\b/, label: 'a Stripe key' },
  { re: /\bAIza[0-9A-Za-z_-]{35}\b/, label: 'a Google API key' },
  { re: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, label: 'a JSON Web Token' },
  { re: /:\/\/[^/\s:@]+:[^/\s@]{3,}@/, label: 'a URL with an embedded password' },
];

/** Values that are obviously not the secret itself: empty, templated, placeholders, booleans. */
function isPlaceholder(value: string): boolean {
  const v = value.trim();
  return (
    v.length < 4 ||
    /^\$\(?\{?[A-Za-z_][A-Za-z0-9_]*\}?\)?$/.test(v) ||
    /^\{\{.*\}\}$/.test(v) ||
    /^<.*>$/.test(v) ||
    /^(true|false|yes|no|none|null|changeme|change-me|placeholder|example|dummy|redacted|xxx+|\*+)$/i.test(v) ||
    v.startsWith('/')
  );
}

export function secretReason(name: string, value: string): string | undefined {
  for (const { re, label } of SECRET_VALUE_RES) if (re.test(value)) return `its value looks like ${label}`;
  if (SECRET_NAME_RE.test(name) && !NON_SECRET_NAME_RE.test(name) && !isPlaceholder(value))
    return 'its name says it holds a secret';
  return undefined;
}

function limitsFinding(pod: PodTemplate, container: PodTemplate['containers'][number]): RawFinding | undefined {
  const resources = container.view.get('resources');
  const limits = resources?.get('limits');
  const missing = ['cpu', 'memory'].filter((r) => !limits?.get(r));
  if (missing.length === 0) return undefined;
  const at: View = limits ?? resources ?? container.view;
  return objectFinding(
    resourceLimitsRule,
    pod.object,
    at,
    `Container "${container.name}" has no ${missing.join(' or ')} limit (resources.limits.${missing.join(', resources.limits.')}).`,
    `${containerKey(container)}.resources.limits`,
    { container: container.name },
  );
}

export function containerHardeningFindings(pod: PodTemplate): RawFinding[] {
  const out: RawFinding[] = [];
  // The API rejects readOnlyRootFilesystem on Windows pods, so it cannot be asked of them.
  const windows = pod.spec.path('os', 'name')?.string() === 'windows';
  for (const container of pod.containers) {
    const readOnly = container.view.path('securityContext', 'readOnlyRootFilesystem');
    if (!windows && readOnly?.bool() !== true) {
      out.push(
        objectFinding(
          readOnlyRootFilesystemRule,
          pod.object,
          readOnly ?? container.view.get('securityContext') ?? container.view,
          `Container "${container.name}" does not set securityContext.readOnlyRootFilesystem: true.`,
          `${containerKey(container)}.securityContext.readOnlyRootFilesystem`,
          { container: container.name },
        ),
      );
    }
    // Ephemeral (debug) containers may not set resources at all.
    if (container.kind !== 'ephemeralContainers') {
      const limits = limitsFinding(pod, container);
      if (limits) out.push(limits);
    }
    for (const env of container.view.get('env')?.items() ?? []) {
      const name = env.get('name')?.string() ?? '';
      const valueView = env.get('value');
      const value = valueView?.string();
      if (!valueView || value === undefined || value === '') continue;
      const reason = secretReason(name, value);
      if (!reason) continue;
      out.push(
        objectFinding(
          envSecretRule,
          pod.object,
          valueView,
          `Container "${container.name}" sets environment variable "${name}" to a literal value, and ${reason} (value redacted).`,
          `${containerKey(container)}.env[${name}]`,
          {
            container: container.name,
            fix: `valueFrom: { secretKeyRef: { name: <secret>, key: ${name.toLowerCase()} } }`,
          },
        ),
      );
    }
  }
  return out;
}
