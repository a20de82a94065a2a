/**
 * Kubernetes manifest linting against parsing alone: a seeded corpus of 10,000 documents in ~500
 * multi-document files, parsed the way the linter parses (parseAllDocuments with a LineCounter, then
 * `toJS` per document), then linted by `kubernetesLinter` with the default policy. Alternated in one run.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { kubernetesLinter } from '../src/checks/manifests/kubernetes/index.js';
import type { LintContext, SourceFile } from '../src/checks/linter.js';
import type { RawFinding } from '../src/core/finding.js';
import type { FileTree } from '../src/core/tree.js';
import { documentToJS, parseYaml } from '../src/core/yaml.js';
import { defaultPolicy } from '../src/policy/presets.js';
import type { BenchResult } from './report.js';
import type { Picker } from './measure.js';
import { alternate, median, ms, perSecond, picker, roundRange } from './measure.js';

export const DOCUMENTS = 10_000;
export const FILES = 500;

type Json = Record<string, unknown>;

const APPS = ['api', 'web', 'worker', 'billing', 'auth', 'search', 'cart', 'mailer', 'ingest', 'reports', 'gateway'];
const TEAMS = ['payments', 'platform', 'growth', 'data', 'identity'];
const REGISTRIES = [
  'ghcr.io/acme',
  'registry.example.com/team',
  'docker.io/library',
  '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
];
const DIGEST = 'sha256:' + 'a3f1c9e2b7d4'.repeat(5) + 'a3f1';

function image(p: Picker, app: string): string {
  const name = p.chance(0.2) ? p.pick(['nginx', 'redis', 'postgres', 'busybox']) : app;
  const registry = p.pick(REGISTRIES);
  const roll = p.next();
  if (roll < 0.35) return `${registry}/${name}:1.${p.int(0, 30)}.${p.int(0, 9)}@${DIGEST}`;
  if (roll < 0.75) return `${registry}/${name}:1.${p.int(0, 30)}.${p.int(0, 9)}`;
  if (roll < 0.9) return `${registry}/${name}:latest`;
  return `${registry}/${name}`;
}

function labels(app: string, p: Picker): Json {
  return {
    'app.kubernetes.io/name': app,
    'app.kubernetes.io/part-of': p.pick(TEAMS),
    'app.kubernetes.io/managed-by': p.pick(['helm', 'kustomize', 'argocd']),
  };
}

/** A container that passes the restricted profile, or one with a few realistic mistakes. */
function container(p: Picker, app: string, name: string, hardened: boolean): Json {
  const port = p.pick([8080, 3000, 9090, 5000]);
  const out: Json = {
    name,
    image: image(p, app),
    imagePullPolicy: p.pick(['IfNotPresent', 'Always']),
    args: p.chance(0.5) ? ['--port', String(port), '--log-format=json'] : undefined,
    ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
    env: [
      { name: 'LOG_LEVEL', value: p.pick(['info', 'debug', 'warn']) },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: `${app}-db`, key: 'url' } } },
      ...(p.chance(0.2) ? [{ name: 'API_TOKEN', value: 'tok_live_51HxQ2eZvKYlo2C0a7' }] : []),
    ],
    envFrom: p.chance(0.4) ? [{ configMapRef: { name: `${app}-config` } }] : undefined,
    resources: p.chance(0.8)
      ? {
          requests: { cpu: `${p.int(1, 5) * 50}m`, memory: `${p.int(1, 8) * 64}Mi` },
          limits: { cpu: `${p.int(1, 4) * 250}m`, memory: `${p.int(2, 16) * 64}Mi` },
        }
      : undefined,
    livenessProbe: { httpGet: { path: '/healthz', port }, initialDelaySeconds: 10, periodSeconds: 10 },
    readinessProbe: { httpGet: { path: '/ready', port }, periodSeconds: 5, failureThreshold: 3 },
    volumeMounts: [
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'config', mountPath: '/etc/app', readOnly: true },
    ],
  };
  if (hardened) {
    out.securityContext = {
      runAsNonRoot: true,
      runAsUser: 10001,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    };
  } else {
    const roll = p.next();
    if (roll < 0.25) out.securityContext = { privileged: true };
    else if (roll < 0.5) out.securityContext = { capabilities: { add: ['NET_ADMIN', 'SYS_PTRACE'] }, runAsUser: 0 };
    else if (roll < 0.75) out.securityContext = { allowPrivilegeEscalation: true, readOnlyRootFilesystem: false };
    // else: no securityContext at all.
  }
  return JSON.parse(JSON.stringify(out)) as Json;
}

function podSpec(p: Picker, app: string, hardened: boolean): Json {
  const spec: Json = {
    serviceAccountName: p.chance(0.7) ? app : undefined,
    automountServiceAccountToken: p.chance(0.5) ? false : undefined,
    securityContext: hardened
      ? { runAsNonRoot: true, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } }
      : p.chance(0.5)
        ? { runAsUser: 0 }
        : undefined,
    initContainers: p.chance(0.3) ? [container(p, app, 'migrate', hardened)] : undefined,
    containers: [container(p, app, app, hardened), ...(p.chance(0.3) ? [container(p, app, 'sidecar', hardened)] : [])],
    volumes: [
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
      { name: 'config', configMap: { name: `${app}-config` } },
      ...(!hardened && p.chance(0.3) ? [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }] : []),
    ],
    nodeSelector: p.chance(0.3) ? { 'kubernetes.io/os': 'linux' } : undefined,
    tolerations: p.chance(0.2)
      ? [{ key: 'dedicated', operator: 'Equal', value: app, effect: 'NoSchedule' }]
      : undefined,
  };
  if (!hardened && p.chance(0.15)) spec.hostNetwork = true;
  if (!hardened && p.chance(0.1)) spec.hostPID = true;
  return JSON.parse(JSON.stringify(spec)) as Json;
}

function meta(p: Picker, name: string, app: string, namespace: string): Json {
  const metadata: Json = { name, namespace, labels: labels(app, p) };
  if (p.chance(0.03)) {
    metadata.annotations = {
      'containersec.io/ignore': 'k8s/image-unpinned: the release pipeline pins digests at deploy time',
    };
  }
  return metadata;
}

function template(p: Picker, app: string, hardened: boolean): Json {
  return {
    metadata: { labels: { 'app.kubernetes.io/name': app }, annotations: { 'prometheus.io/scrape': 'true' } },
    spec: podSpec(p, app, hardened),
  };
}

function workload(p: Picker, kind: string, name: string, app: string, ns: string): Json {
  const hardened = p.chance(0.6);
  const selector = { matchLabels: { 'app.kubernetes.io/name': app } };
  const metadata = meta(p, name, app, ns);
  switch (kind) {
    case 'Deployment':
      return {
        apiVersion: 'apps/v1',
        kind,
        metadata,
        spec: {
          replicas: p.int(1, 6),
          revisionHistoryLimit: 5,
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
          selector,
          template: template(p, app, hardened),
        },
      };
    case 'StatefulSet':
      return {
        apiVersion: 'apps/v1',
        kind,
        metadata,
        spec: {
          serviceName: app,
          replicas: 3,
          selector,
          template: template(p, app, hardened),
          volumeClaimTemplates: [
            {
              metadata: { name: 'data' },
              spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
            },
          ],
        },
      };
    case 'DaemonSet':
      return { apiVersion: 'apps/v1', kind, metadata, spec: { selector, template: template(p, app, hardened) } };
    case 'Job':
      return {
        apiVersion: 'batch/v1',
        kind,
        metadata,
        spec: { backoffLimit: 2, ttlSecondsAfterFinished: 3600, template: restartNever(template(p, app, hardened)) },
      };
    case 'CronJob':
      return {
        apiVersion: 'batch/v1',
        kind,
        metadata,
        spec: {
          schedule: `${p.int(0, 59)} ${p.int(0, 23)} * * *`,
          concurrencyPolicy: 'Forbid',
          jobTemplate: { spec: { template: restartNever(template(p, app, hardened)) } },
        },
      };
    default:
      return { apiVersion: 'v1', kind: 'Pod', metadata, spec: podSpec(p, app, hardened) };
  }
}

function restartNever(t: Json): Json {
  return { ...t, spec: { ...(t.spec as Json), restartPolicy: 'Never' } };
}

function other(p: Picker, kind: string, name: string, app: string, ns: string): Json {
  const metadata = meta(p, name, app, ns);
  switch (kind) {
    case 'Service':
      return {
        apiVersion: 'v1',
        kind,
        metadata,
        spec: {
          type: p.pick(['ClusterIP', 'ClusterIP', 'LoadBalancer', 'NodePort']),
          selector: { 'app.kubernetes.io/name': app },
          ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
          ...(p.chance(0.1) ? { externalIPs: ['203.0.113.10'] } : {}),
        },
      };
    case 'ConfigMap':
      return {
        apiVersion: 'v1',
        kind,
        metadata,
        data: {
          LOG_FORMAT: 'json',
          'app.yaml': `server:\n  port: 8080\n  timeout: 30s\nfeatures:\n  search: ${p.chance(0.5)}\n`,
        },
      };
    case 'Role':
    case 'ClusterRole': {
      const broad = p.chance(0.3);
      const md = kind === 'ClusterRole' ? { name, labels: metadata.labels } : metadata;
      return {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind,
        metadata: md,
        rules: broad
          ? [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]
          : [
              { apiGroups: [''], resources: ['configmaps', 'pods'], verbs: ['get', 'list', 'watch'] },
              ...(p.chance(0.3) ? [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }] : []),
            ],
      };
    }
    case 'RoleBinding':
    case 'ClusterRoleBinding': {
      const cluster = kind === 'ClusterRoleBinding';
      return {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind,
        metadata: cluster ? { name } : metadata,
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: cluster ? 'ClusterRole' : 'Role',
          name: p.chance(0.2) ? 'cluster-admin' : app,
        },
        subjects: [
          p.chance(0.1)
            ? { kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' }
            : { kind: 'ServiceAccount', name: app, namespace: ns },
        ],
      };
    }
    case 'ServiceAccount':
      return { apiVersion: 'v1', kind, metadata, automountServiceAccountToken: p.chance(0.5) ? false : undefined };
    default:
      return {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata,
        spec: p.chance(0.3)
          ? { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }
          : {
              podSelector: { matchLabels: { 'app.kubernetes.io/name': app } },
              policyTypes: ['Ingress'],
              ingress: [
                {
                  from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
                  ports: [{ protocol: 'TCP', port: 8080 }],
                },
              ],
            },
      };
  }
}

/** Relative weights of each kind in the corpus (workloads dominate, as in real repositories). */
const KINDS: [string, number][] = [
  ['Deployment', 22],
  ['StatefulSet', 5],
  ['DaemonSet', 3],
  ['CronJob', 5],
  ['Job', 4],
  ['Pod', 3],
  ['Service', 18],
  ['ConfigMap', 12],
  ['ServiceAccount', 6],
  ['Role', 4],
  ['ClusterRole', 2],
  ['RoleBinding', 4],
  ['ClusterRoleBinding', 2],
  ['NetworkPolicy', 10],
];
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job', 'Pod']);

function pickKind(p: Picker): string {
  const total = KINDS.reduce((sum, [, w]) => sum + w, 0);
  let roll = p.next() * total;
  for (const [kind, weight] of KINDS) if ((roll -= weight) < 0) return kind;
  return 'Deployment';
}

/** Documents per file: the mean ± up to 15, in pairs that sum to twice the mean, so the total is exact. */
function fileSizes(p: Picker, documents: number, files: number): number[] {
  const mean = documents / files;
  const sizes: number[] = [];
  for (let f = 0; f < files; f += 2) {
    const spread = p.int(0, Math.min(15, mean - 1));
    sizes.push(mean + spread, mean - spread);
  }
  return sizes;
}

/** The corpus: `documents` documents in `fileCount` files (an even number dividing `documents`). */
export function generateManifests(seed = 1, documents = DOCUMENTS, fileCount = FILES): SourceFile[] {
  const p = picker(seed);
  const files: SourceFile[] = [];
  const sizes = fileSizes(p, documents, fileCount);
  for (let f = 0; f < fileCount; f++) {
    const count = sizes[f]!;
    const app = p.pick(APPS);
    const ns = `${p.pick(TEAMS)}-${p.pick(['prod', 'staging', 'dev'])}`;
    const docs: string[] = [];
    for (let d = 0; d < count; d++) {
      const kind = pickKind(p);
      const name = `${app}-${kind.toLowerCase()}-${f}-${d}`;
      const object = WORKLOADS.has(kind) ? workload(p, kind, name, app, ns) : other(p, kind, name, app, ns);
      const body = stringify(JSON.parse(JSON.stringify(object)), { lineWidth: 0 });
      docs.push(d % 4 === 0 ? `# ${kind} for ${app} (generated)\n${body}` : body);
    }
    files.push({ path: `deploy/${ns}/${app}-${String(f).padStart(3, '0')}.yaml`, text: docs.join('---\n') });
  }
  return files;
}

/** What the linter's parse step costs without the rules: its own `parseYaml` (positions), then `toJS` each document. */
export function parseOnly(files: SourceFile[]): number {
  let documents = 0;
  for (const file of files) {
    for (const doc of parseYaml(file.text).documents) {
      documentToJS(doc);
      documents++;
    }
  }
  return documents;
}

const emptyTree: FileTree = {
  label: 'bench',
  list: () => Promise.resolve([]),
  read: () => Promise.resolve(undefined),
  size: () => Promise.resolve(undefined),
};

export function lintContext(): LintContext {
  return { policy: defaultPolicy(), tree: emptyTree, isBase: false, env: {} };
}

/** Writes the corpus to a temporary directory and reads it back, as the check reads a checkout. */
export function roundTrip(files: SourceFile[]): SourceFile[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'containersec-bench-'));
  try {
    for (const file of files) {
      mkdirSync(path.join(dir, path.dirname(file.path)), { recursive: true });
      writeFileSync(path.join(dir, file.path), file.text);
    }
    return files.map((file) => ({ path: file.path, text: readFileSync(path.join(dir, file.path), 'utf8') }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function countByRule(findings: RawFinding[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export async function manifests(repetitions = 9): Promise<BenchResult> {
  const files = roundTrip(generateManifests());
  const bytes = files.reduce((sum, f) => sum + Buffer.byteLength(f.text), 0);
  const context = lintContext();
  const documents = parseOnly(files);
  const lint = (): RawFinding[] => {
    const result = kubernetesLinter.lint(files, context);
    if (result instanceof Promise) throw new Error('the kubernetes linter is expected to be synchronous');
    return result;
  };
  const findings = lint();
  const times = await alternate(
    [
      { label: 'parse', run: () => parseOnly(files) },
      { label: 'lint', run: lint },
    ],
    repetitions,
  );
  const parse = median(times.get('parse')!);
  const full = median(times.get('lint')!);
  const ratio = full / parse;
  const byRule = countByRule(findings);
  return {
    name: 'manifests',
    title: 'Kubernetes manifests: full lint against parsing alone',
    markdown: [
      `${documents.toLocaleString('en-US')} generated documents (workloads of every kind, Services, ConfigMaps, RBAC, NetworkPolicies; about 60% of pod templates hardened, the rest with realistic mistakes) in ${files.length} multi-document files, ${(bytes / 1024 / 1024).toFixed(1)} MiB, written to a temporary directory and read back. Median of ${repetitions} alternating in-process runs after one warm-up run each, full GC before every run, Node ${process.version}.`,
      '',
      '| subject | median ms | documents/s |',
      '| :-- | --: | --: |',
      `| parse only (reference): the linter's \`parseYaml\` (parseAllDocuments + LineCounter), \`toJS\` per document | ${ms(parse)} | ${perSecond(documents, parse)} |`,
      `| \`kubernetesLinter.lint\`, default policy (restricted, latest) | ${ms(full)} | ${perSecond(documents, full)} |`,
      `| **lint / parse** (range over the ${repetitions} rounds) | **${ratio.toFixed(2)}×** (${roundRange(times.get('lint')!, times.get('parse')!)}) | |`,
      '',
      `Findings: ${findings.length.toLocaleString('en-US')} from ${byRule.length} rules (most frequent: ${byRule
        .slice(0, 5)
        .map(([id, n]) => `${id} ${n.toLocaleString('en-US')}`)
        .join(', ')}).`,
      '',
      `Aim: rules add less than 50% on top of parsing (lint / parse < 1.5×): ${ratio < 1.5 ? 'met' : 'NOT met'}.`,
    ].join('\n'),
  };
}
