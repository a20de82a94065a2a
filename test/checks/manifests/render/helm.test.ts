import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderManifests } from '../../../../src/checks/manifests/render/index.js';
import { RENDER_LIMITS } from '../../../../src/checks/manifests/render/limits.js';
import { HELM, K8S_TOOLS_SKIP, haveK8sTools } from '../../../support/k8s-tools.js';
import { tempRepo } from '../../../support/tmp.js';
import { DIGEST, at, chart, checkRepo, renderContext, rules } from './helpers.js';

const tools = haveK8sTools();
if (!tools) console.warn(K8S_TOOLS_SKIP);

describe.skipIf(!tools)('Helm charts rendered with the real helm', () => {
  it('lints the rendered objects with the policy values file, at the key in the template', async () => {
    const files = chart('deploy/web', 'web', { 'deploy/values-prod.yaml': 'privileged: true\n' });
    const plain = await checkRepo(files);
    expect(plain.errors).toEqual([]);
    expect(rules(plain.findings, 'pss/privileged')).toEqual([]);
    expect(plain.findings.filter((f) => f.ruleId === 'manifests/parse-error')).toEqual([]);

    const prod = await checkRepo(files, {
      policy: (p) => {
        p.checks.manifests.helm = {
          enabled: true,
          release: 'rel',
          namespace: 'default',
          charts: [{ path: 'deploy/web', values: ['deploy/values-prod.yaml'] }],
        };
      },
    });
    // Line 17: `privileged:` in the template (its value comes from values).
    expect(rules(prod.findings, 'pss/privileged')).toEqual(['pss/privileged deploy/web/templates/deployment.yaml:17']);
    const finding = prod.findings.find((f) => f.ruleId === 'pss/privileged')!;
    expect(finding.message).toContain(
      'the Helm chart deploy/web; line 17 is where `privileged:` is written in the object in deploy/web/templates/deployment.yaml',
    );
    expect(finding.location).toMatchObject({ object: 'Deployment/rel-web' });
    expect(prod.notes?.find((n) => n.startsWith('rendered'))).toMatch(
      /^rendered 1 of 1 Helm chart\(s\) and 0 of 0 top-level kustomization\(s\) in \d/,
    );
  });

  it('never parses template files as plain YAML, and without helm says so once per chart', async () => {
    const files = {
      ...chart('charts/a', 'a'),
      ...chart('charts/b', 'b'),
      'charts/b/templates/svc.yaml':
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\nspec: {{- toYaml .Values.svc | nindent 2 }}\n',
    };
    const result = await checkRepo(files, { env: { PATH: '/nonexistent' } });
    expect(result.findings.filter((f) => f.ruleId.startsWith('manifests/'))).toEqual([]);
    expect(result.findings).toEqual([]);
    expect(result.notes?.filter((n) => n.startsWith('helm:'))).toEqual([
      'helm: chart charts/a not rendered: no helm binary on PATH; install helm or set checks.manifests.helm.binary.',
      'helm: chart charts/b not rendered: no helm binary on PATH; install helm or set checks.manifests.helm.binary.',
    ]);
  });

  it('uses checks.manifests.helm.binary, and refuses a binary inside the repository', async () => {
    const files = chart('web', 'web', {
      'web/values.yaml': `image: x@${DIGEST}\nprivileged: true\n`,
      'bin/helm': '#!/bin/sh\necho pwned\n',
    });
    const configured = await checkRepo(files, {
      env: { PATH: '/nonexistent' },
      policy: (p) =>
        (p.checks.manifests.helm = { enabled: true, binary: HELM, release: 'r', namespace: 'default', charts: [] }),
    });
    expect(rules(configured.findings, 'pss/privileged')).toEqual(['pss/privileged web/templates/deployment.yaml:17']);

    const root = tempRepo(files);
    execFileSync('chmod', ['+x', path.join(root, 'bin/helm')]);
    const inside = await renderManifests(
      renderContext(root, {
        env: { PATH: path.join(root, 'bin') },
        policy: (p) =>
          (p.checks.manifests.helm = {
            enabled: true,
            binary: path.join(root, 'bin/helm'),
            release: 'r',
            namespace: 'default',
            charts: [],
          }),
      }),
      ['web/Chart.yaml'],
    );
    expect(inside.units).toEqual([]);
    expect(inside.notes[0]).toMatch(/inside the repository, which is never executed/);
    // On PATH, a directory inside the checkout is skipped too.
    const onPath = await renderManifests(renderContext(root, { env: { PATH: path.join(root, 'bin') } }), [
      'web/Chart.yaml',
    ]);
    expect(onPath.notes[0]).toMatch(/no helm binary on PATH/);
  });

  it('renders vendored dependencies (directory and packaged) and maps their findings', async () => {
    const root = tempRepo({
      ...chart(
        'app',
        'app',
        {},
        'dependencies:\n  - name: sub\n    version: 0.1.0\n  - name: packed\n    version: 0.1.0\n',
      ),
      ...chart('app/charts/sub', 'sub', { 'app/charts/sub/values.yaml': `image: x@${DIGEST}\nprivileged: true\n` }),
      ...chart('src/packed', 'packed', { 'src/packed/values.yaml': `image: y@${DIGEST}\nprivileged: true\n` }),
    });
    execFileSync(HELM, ['package', path.join(root, 'src/packed'), '-d', path.join(root, 'app/charts')], {
      env: {
        HOME: root,
        PATH: '/nonexistent',
        HELM_CACHE_HOME: path.join(root, '.h'),
        HELM_CONFIG_HOME: path.join(root, '.h'),
        HELM_DATA_HOME: path.join(root, '.h'),
      },
    });
    execFileSync('rm', ['-rf', path.join(root, 'src'), path.join(root, '.h')]);
    const { manifestsCheck } = await import('../../../../src/checks/manifests/index.js');
    const result = await manifestsCheck.run(renderContext(root));
    expect(result.errors).toEqual([]);
    expect(rules(result.findings, 'pss/privileged').sort()).toEqual([
      'pss/privileged app/charts/packed-0.1.0.tgz:1',
      'pss/privileged app/charts/sub/templates/deployment.yaml:17',
    ]);
    const packed = result.findings.find((f) => at(f).includes('.tgz'))!;
    expect(packed.message).toContain("file-level: the object's line in app/charts/packed-0.1.0.tgz is not known");
    // The vendored chart is not rendered a second time on its own.
    expect(result.notes?.find((n) => n.startsWith('rendered'))).toMatch(/^rendered 1 of 1 Helm chart/);
  });

  it('a missing dependency is a note, and the chart still renders without it', async () => {
    const result = await checkRepo(
      chart(
        'app',
        'app',
        { 'app/values.yaml': `image: x@${DIGEST}\nprivileged: true\n` },
        'dependencies:\n  - name: redis\n    version: 1.0.0\n    repository: https://charts.example.com\n',
      ),
    );
    expect(result.notes).toContain(
      'the Helm chart app: dependency redis is not vendored in charts/, so the chart was rendered without it (run `helm dependency build` before the gate to check it too).',
    );
    expect(rules(result.findings, 'manifests/render-failed')).toEqual([]);
    expect(rules(result.findings, 'pss/privileged')).toEqual(['pss/privileged app/templates/deployment.yaml:17']);
  });

  it('a chart with a broken template gives one render-failed finding, not one per template', async () => {
    const templates: Record<string, string> = {};
    for (let i = 0; i < 20; i++)
      templates[`bad/templates/cm${i}.yaml`] =
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm${i}\ndata: {{ toYaml .Values.data | nindent 2 }}\n`;
    templates['bad/templates/broken.yaml'] = '{{ if .Values.x }}\napiVersion: v1\n';
    const result = await checkRepo({ ...chart('bad', 'bad'), ...templates });
    expect(result.findings.map(at)).toEqual(['manifests/render-failed bad/Chart.yaml:1']);
    expect(result.findings[0]?.severity).toBe('medium');
    expect(result.findings[0]?.message).toMatch(
      /The Helm chart bad was not rendered.*helm template failed: .*broken\.yaml/,
    );
  });

  it('a chart that needs values is rendered with its chart-testing ci/*-values.yaml, and says so', async () => {
    const files = chart('app', 'app', {
      'app/values.yaml': 'privileged: true\n',
      'app/ci/a-values.yaml': 'unrelated: 1\n',
      'app/ci/b-values.yaml': `image: x@${DIGEST}\n`,
    });
    files['app/templates/deployment.yaml'] = files['app/templates/deployment.yaml']!.replace(
      '"{{ .Values.image }}"',
      '{{ required "image is required" .Values.image | quote }}',
    );
    const result = await checkRepo(files);
    expect(rules(result.findings, 'manifests/render-failed')).toEqual([]);
    expect(rules(result.findings, 'pss/privileged')).toEqual(['pss/privileged app/templates/deployment.yaml:17']);
    expect(result.notes?.find((n) => n.includes('ci/b-values.yaml'))).toMatch(
      /^the Helm chart app does not render with its default values \(.*image is required.*\); it was rendered with app\/ci\/b-values\.yaml/,
    );
  });

  it('passes --kube-version from the Pod Security version', async () => {
    const files = chart('app', 'app', {}, 'kubeVersion: ">=1.31.0-0"\n');
    const old = await checkRepo(files, { policy: (p) => (p.checks.manifests['pod-security'].version = '1.30') });
    expect(rules(old.findings, 'manifests/render-failed')).toEqual(['manifests/render-failed app/Chart.yaml:1']);
    expect(old.findings[0]?.message).toMatch(/1\.30\.0/);
    const current = await checkRepo(files, { policy: (p) => (p.checks.manifests['pod-security'].version = '1.33') });
    expect(rules(current.findings, 'manifests/render-failed')).toEqual([]);
  });

  it('stops a render that exceeds the output cap or the time limit, once per chart', async () => {
    const root = tempRepo({
      ...chart('big', 'big', {
        'big/templates/cm.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  x: {{ repeat 200000 "x" | quote }}\n',
      }),
      ...chart('slow', 'slow', {
        'slow/templates/cm.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: slow\ndata:\n{{- range $i := until 100000 }}{{ range $j := until 100000 }}{{ end }}{{ end }}\n',
      }),
    });
    const outcome = await renderManifests(renderContext(root), ['big/Chart.yaml', 'slow/Chart.yaml'], {
      ...RENDER_LIMITS,
      maxOutputBytes: 100_000,
      timeoutMs: 1_500,
    });
    expect(outcome.units).toEqual([]);
    expect(outcome.findings.map(at)).toEqual([
      'manifests/render-failed big/Chart.yaml:1',
      'manifests/render-failed slow/Chart.yaml:1',
    ]);
    expect(outcome.findings[0]?.message).toMatch(/output exceeded 100000 bytes/);
    expect(outcome.findings[1]?.message).toMatch(/ran longer than 1\.5 s/);
  });

  it('renders identical inputs once per process (the base run reuses the head run of an unchanged chart)', async () => {
    const bin = tempRepo();
    const count = path.join(bin, 'count');
    writeFileSync(path.join(bin, 'helm'), `#!/bin/sh\necho run >> ${count}\nexec ${HELM} "$@"\n`, { mode: 0o755 });
    const files = chart('cached', 'cached', { 'cached/values.yaml': `image: x@${DIGEST}\nprivileged: true\n` });
    const env = { PATH: bin };
    const first = await checkRepo(files, { env });
    const second = await checkRepo(files, { env });
    expect(rules(second.findings, 'pss/privileged')).toEqual(rules(first.findings, 'pss/privileged'));
    expect(readFileSync(count, 'utf8')).toBe('run\n');
    files['cached/values.yaml'] = `image: x@${DIGEST}\nprivileged: false\n`;
    expect(rules((await checkRepo(files, { env })).findings, 'pss/privileged')).toEqual([]);
    expect(readFileSync(count, 'utf8')).toBe('run\nrun\n');
  });

  it('switched off, charts are not rendered and templates are still not parsed', async () => {
    const result = await checkRepo(chart('app', 'app'), {
      policy: (p) => (p.checks.manifests.helm = { enabled: false, release: 'r', namespace: 'default', charts: [] }),
    });
    expect(result.findings).toEqual([]);
    expect(result.notes).toContain(
      'helm: rendering is off (checks.manifests.helm.enabled: false); 1 chart(s) not checked: app',
    );
  });

  it('honours inline ignores written in the template (helm keeps comments)', async () => {
    const files = chart('app', 'app', {
      'app/values.yaml': `image: x@${DIGEST}\nprivileged: true\n`,
    });
    files['app/templates/deployment.yaml'] = files['app/templates/deployment.yaml']!.replace(
      '            privileged:',
      `            # containersec:ignore pss/privileged the device plugin needs it\n            privileged:`,
    );
    const result = await checkRepo(files);
    const privileged = result.findings.filter((f) => f.ruleId === 'pss/privileged');
    expect(privileged).toHaveLength(1);
    expect(privileged[0]?.suppressed).toEqual({ reason: 'the device plugin needs it' });
  });
});
