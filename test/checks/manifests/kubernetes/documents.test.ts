import { describe, expect, it } from 'vitest';
import { kubernetesLinter } from '../../../../src/checks/manifests/kubernetes/index.js';
import { MAX_LIST_ITEMS, MAX_NESTING_DEPTH } from '../../../../src/checks/manifests/kubernetes/documents.js';
import { lint, lintContext, lintFiles, where } from './helpers.js';

const PRIV_CONTAINER = `      containers:
        - name: app
          image: x:1
          securityContext:
            privileged: true
`;

function pssPrivileged(text: string, path?: string): string[] {
  return lint(text, { level: 'baseline' }, path)
    .filter((f) => f.ruleId === 'pss/privileged')
    .map((f) => `${where(f)} ${(f.location as { object?: string }).object}`);
}

describe('pod-bearing kinds', () => {
  const workload = (apiVersion: string, kind: string, specPrefix: string): string =>
    `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: w\n${specPrefix}`;
  for (const [apiVersion, kind] of [
    ['apps/v1', 'Deployment'],
    ['apps/v1', 'ReplicaSet'],
    ['apps/v1', 'StatefulSet'],
    ['apps/v1', 'DaemonSet'],
    ['batch/v1', 'Job'],
    ['v1', 'ReplicationController'],
  ] as const) {
    it(`${kind} spec.template.spec`, () => {
      expect(pssPrivileged(workload(apiVersion, kind, `spec:\n  template:\n    spec:\n${PRIV_CONTAINER}`))).toEqual([
        `pss/privileged@12:13[app] ${kind}/w`,
      ]);
    });
  }
  it('Pod spec', () => {
    expect(
      pssPrivileged(
        `apiVersion: v1\nkind: Pod\nmetadata:\n  name: w\nspec:\n  containers:\n    - name: app\n      image: x:1\n      securityContext: { privileged: true }\n`,
      ),
    ).toEqual(['pss/privileged@9:26[app] Pod/w']);
  });
  it('CronJob spec.jobTemplate.spec.template', () => {
    const text = `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: w\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: app\n              image: x:1\n              securityContext:\n                privileged: true\n`;
    expect(pssPrivileged(text)).toEqual(['pss/privileged@15:17[app] CronJob/w']);
  });
  it('PodTemplate template', () => {
    const text = `apiVersion: v1\nkind: PodTemplate\nmetadata:\n  name: w\ntemplate:\n  spec:\n    containers:\n      - name: app\n        image: x:1\n        securityContext:\n          privileged: true\n`;
    expect(pssPrivileged(text)).toEqual(['pss/privileged@11:11[app] PodTemplate/w']);
  });
  it('unknown CRD with a pod template at spec.template.spec is checked', () => {
    const text = `apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n${PRIV_CONTAINER}`;
    expect(pssPrivileged(text)).toEqual(['pss/privileged@12:13[app] Rollout/w']);
  });
  it('unknown CRD without a pod template is skipped', () => {
    const text = `apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  template:\n    privileged: true\n`;
    expect(lint(text).map(where)).toEqual([]);
  });
  it('a built-in kind name in another API group is treated as unknown but its template still checked', () => {
    const text = `apiVersion: example.com/v1\nkind: Deployment\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n${PRIV_CONTAINER}`;
    expect(pssPrivileged(text)).toEqual(['pss/privileged@12:13[app] Deployment/w']);
  });
});

describe('documents', () => {
  it('multi-document files: every document is checked', () => {
    const pod = (name: string): string =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  hostPID: true\n  containers: [{ name: app, image: "x:1" }]\n`;
    const findings = lint(`${pod('a')}---\n${pod('b')}`, { level: 'baseline' }).filter(
      (f) => f.ruleId === 'pss/hostNamespaces',
    );
    expect(findings.map(where)).toEqual(['pss/hostNamespaces@6:3', 'pss/hostNamespaces@14:3']);
    expect(findings.map((f) => (f.location as { object?: string }).object)).toEqual(['Pod/a', 'Pod/b']);
  });
  it('kind: List items are checked', () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Pod\n    metadata:\n      name: a\n    spec:\n      hostIPC: true\n      containers: [{ name: app, image: "x:1" }]\n`;
    expect(
      lint(text, { level: 'baseline' })
        .filter((f) => f.ruleId.startsWith('pss/'))
        .map(where),
    ).toEqual(['pss/hostNamespaces@9:7']);
  });
  it('JSON manifests are checked with exact positions', () => {
    const text = JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'j' },
        spec: { hostNetwork: true, containers: [{ name: 'a', image: 'x:1' }] },
      },
      null,
      2,
    );
    expect(
      lint(text, { level: 'baseline' }, 'deploy/pod.json')
        .filter((f) => f.ruleId.startsWith('pss/'))
        .map(where),
    ).toEqual(['pss/hostNamespaces@8:5']);
  });
  it('non-Kubernetes YAML is skipped silently', () => {
    const workflow = `name: ci\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n`;
    const compose = `services:\n  web:\n    image: nginx\n    privileged: true\n`;
    const config = `apiVersion: 3\nfoo: bar\n`;
    for (const text of [workflow, compose, config, '', '# only a comment\n', 'just a string\n', '[1, 2]\n'])
      expect(lint(text)).toEqual([]);
  });
  it('matches manifests but not files other linters own', () => {
    expect(kubernetesLinter.matches('deploy/app.yaml')).toBe(true);
    expect(kubernetesLinter.matches('k8s/app.YML')).toBe(true);
    expect(kubernetesLinter.matches('deploy/app.json')).toBe(true);
    expect(kubernetesLinter.matches('.github/workflows/ci.yml')).toBe(false);
    expect(kubernetesLinter.matches('docker-compose.yml')).toBe(false);
    expect(kubernetesLinter.matches('Dockerfile')).toBe(false);
  });
});

describe('YAML 1.1 semantics used by kubectl', () => {
  it('plain yes/on are booleans, quoted "yes" is not', () => {
    const pod = (value: string): string =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: ${value}\n  containers: [{ name: app, image: "x:1" }]\n`;
    for (const value of ['yes', 'on', 'Y', 'TRUE'])
      expect(lint(pod(value), { level: 'baseline' }).map(where)).toContain('pss/hostNamespaces@6:3');
    for (const value of ['"yes"', 'no', 'off'])
      expect(lint(pod(value), { level: 'baseline' }).map(where)).not.toContain('pss/hostNamespaces@6:3');
  });
  it('merge keys are expanded', () => {
    const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nbase: &base\n  privileged: true\nspec:\n  containers:\n    - name: app\n      image: x:1\n      securityContext:\n        <<: *base\n        runAsUser: 1\n`;
    expect(lint(text, { level: 'baseline' }).map(where)).toContain('pss/privileged@6:3[app]');
  });
  it('explicit keys override merged ones', () => {
    const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nbase: &base\n  privileged: true\nspec:\n  containers:\n    - name: app\n      image: x:1\n      securityContext:\n        <<: *base\n        privileged: false\n`;
    expect(lint(text, { level: 'baseline' }).filter((f) => f.ruleId.startsWith('pss/'))).toEqual([]);
  });
});

describe('bad input', () => {
  const good = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ok\nspec:\n  hostPID: true\n  containers: [{ name: app, image: "x:1" }]\n`;
  it('a syntax error gives a located parse-error and the other documents go on', () => {
    const findings = lint(`apiVersion: v1\nkind: Pod\nmetadata: {name: [\n---\n${good}`, { level: 'baseline' });
    const errors = findings.filter((f) => f.ruleId === 'manifests/parse-error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.severity).toBe('high');
    expect(errors.map(where)).toEqual(['manifests/parse-error@4:1']);
    expect(errors[0]?.message).toMatch(/^YAML syntax error: /);
    expect(findings.map(where)).toContain('pss/hostNamespaces@10:3');
  });
  it('a Go/Helm template that is not YAML gets a parse-error that says so', () => {
    const text =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels: {{- include "x" . | nindent 4 }}\n';
    const errors = lint(text, {}, 'chart/templates/deploy.yaml');
    expect(errors.map((f) => f.ruleId)).toEqual(['manifests/parse-error']);
    expect(errors[0]?.message).toMatch(/looks like a template/);
  });
  it('a template leftover that happens to be valid YAML ({{ x }} as a flow mapping) is a parse-error, not a pod', async () => {
    const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: {{ .Values.image }}\n---\n${good}`;
    const warnings: unknown[] = [];
    const onWarning = (warning: unknown): number => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const findings = lint(text, { level: 'baseline' });
      expect(findings.filter((f) => f.ruleId === 'manifests/parse-error').map(where)).toEqual([
        'manifests/parse-error@8:14',
      ]);
      const error = findings.find((f) => f.ruleId === 'manifests/parse-error');
      expect(error?.message).toMatch(/looks like a template/);
      expect(error?.key).toBe('collection-key');
      // The template document is skipped as a whole; the next document is still checked.
      expect(findings.filter((f) => f.ruleId.startsWith('pss/')).map(where)).toEqual(['pss/hostNamespaces@15:3']);
      // yaml reports stringified collection keys through process.emitWarning, which fires on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });
  it('YAML or JSON that neither parses nor looks like a Kubernetes object is left out, with a note', () => {
    const notes: string[] = [];
    const files = [
      { path: 'config/settings.json', text: '{\n  "name": "x" /* JSONC comment */,\n  "b": 1\n}\n' },
      { path: 'docs/data.yaml', text: 'items: [a, b\nother: 1\n' },
      { path: 'deploy/app.yaml', text: `${good}---\nnot: [a manifest\n` },
    ];
    const result = kubernetesLinter.lint(files, { ...lintContext({ level: 'baseline' }), note: (m) => notes.push(m) });
    const found = Array.isArray(result) ? result.map(where) : [];
    expect(found.filter((w) => /^(pss|manifests)\//.test(w))).toEqual(['pss/hostNamespaces@6:3']);
    expect(notes).toEqual([
      expect.stringMatching(/^kubernetes: 3 YAML\/JSON files left out: .* checks\.manifests\.paths/),
    ]);
  });
  it('the same files are errors when the policy names them', () => {
    const files = [
      { path: 'config/settings.json', text: '{\n  "name": "x" /* JSONC comment */,\n  "b": 1\n}\n', explicit: true },
      { path: 'docs/data.yaml', text: 'items: [a, b\nother: 1\n', explicit: true },
    ];
    expect(
      lintFiles(files).map((f) => `${f.ruleId} ${f.location && 'path' in f.location ? f.location.path : ''}`),
    ).toEqual(['manifests/parse-error config/settings.json', 'manifests/parse-error docs/data.yaml']);
  });
  it('a document that does not parse but has apiVersion and kind is still an error', () => {
    const json = '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "p",}\n  oops\n}\n';
    expect(lint(json, {}, 'deploy/pod.json').map((f) => f.ruleId)).toEqual(['manifests/parse-error']);
  });
  it('dev container configuration (JSONC) is never taken for a manifest', () => {
    expect(kubernetesLinter.matches('.devcontainer/devcontainer.json')).toBe(false);
    expect(kubernetesLinter.matches('.devcontainer.json')).toBe(false);
    expect(kubernetesLinter.matches('deploy/devcontainer-pod.json')).toBe(true);
  });
  it('single-quoted scalars continued at the key indentation parse as kubectl reads them', () => {
    const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    description: 'first line\n    second line'\nspec:\n  hostPID: true\n  containers: [{ name: app, image: "x:1" }]\n`;
    const found = lint(text, { level: 'baseline' }).map(where);
    expect(found.filter((w) => /^(pss|manifests)\//.test(w))).toEqual(['pss/hostNamespaces@9:3']);
  });
  it('a complex key without any template is a parse-error too', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  ? [a, b]\n  : x\n';
    expect(lint(text).map(where)).toEqual(['manifests/parse-error@6:5']);
  });
  it('an alias bomb is refused with a parse-error, not expanded', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++)
      lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: bomb\n${lines.join('\n')}\nspec:\n  containers: *a9\n---\n${good}`;
    const findings = lint(text, { level: 'baseline' });
    expect(findings.filter((f) => f.ruleId === 'manifests/parse-error').map(where)).toEqual([
      'manifests/parse-error@1:1',
    ]);
    expect(findings.map(where)).toContain('pss/hostNamespaces@23:3');
  });
  it('an alias without its anchor is a parse-error; markdown asterisks in descriptions are not aliases', () => {
    const unresolved = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec: *missing\n';
    expect(lint(unresolved).map(where)).toEqual(['manifests/parse-error@1:1']);
    const described = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations:\n    note: see *this* and * that\n`;
    expect(lint(described)).toEqual([]);
  });
  it('a huge List is checked up to its cap and says so', () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n${'  - {}\n'.repeat(MAX_LIST_ITEMS + 1)}`;
    const findings = lint(text);
    expect(findings.map(where)).toEqual(['manifests/parse-error@3:1']);
    expect(findings[0]?.message).toMatch(/only the first 10000 were checked/);
  });
  it('parse-error keys do not depend on the document position', () => {
    const broken = 'apiVersion: v1\nkind: Pod\nmetadata: {name: [\n';
    const key = (text: string): string | undefined => lint(text).find((f) => f.ruleId === 'manifests/parse-error')?.key;
    expect(key(`${good}---\n${broken}`)).toBe(key(broken));
  });
  it('a binary file with a .yaml name is an error when the policy names it, else it is no manifest', () => {
    const binary = { path: 'deploy/x.yaml', text: '\u0000\u0001ELF\u0000binary' };
    expect(lintFiles([{ ...binary, explicit: true }]).map(where)).toEqual(['manifests/parse-error@1:1']);
    expect(lintFiles([binary])).toEqual([]);
    const garbledManifest = 'apiVersion: v1\nkind: Pod\n\u0000';
    expect(lintFiles([{ path: 'deploy/x.yaml', text: garbledManifest }]).map(where)).toEqual([
      'manifests/parse-error@1:1',
    ]);
  });
  it('deeply nested JSON is refused before parsing', () => {
    const text = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(lint(text, {}, 'deploy/x.json').map(where)).toEqual([`manifests/parse-error@1:${MAX_NESTING_DEPTH + 1}`]);
  });
  it('deeply nested block sequences are refused', () => {
    const text = '- '.repeat(50_000) + 'x\n';
    expect(lint(text).map((f) => f.ruleId)).toEqual(['manifests/parse-error']);
  });
  it('brackets inside strings and comments do not count as nesting', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: n\ndata:\n  a: "${'['.repeat(1000)}"\n  b: '${'{'.repeat(1000)}'\n# ${'['.repeat(1000)}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: d, namespace: n }\nspec: { podSelector: {} }\n`;
    expect(lint(text)).toEqual([]);
  });
  it('the linter never throws on garbage', () => {
    for (const text of [
      '\t\t:\n- : -',
      '{{{',
      'apiVersion: v1\nkind: Pod\nspec: 5\n',
      'apiVersion: v1\nkind: Pod\nspec:\n  containers: 7\n',
      '%YAML 9\n---\n',
      '*unknown\n',
      '&a [*a]\n',
    ]) {
      expect(() => lint(text)).not.toThrow();
    }
  });
});
