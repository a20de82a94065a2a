import { describe, expect, it } from 'vitest';
import { configFindings, runsAsRoot } from '../../../src/checks/images/config-findings.js';
import { detectRuntimes, osCycle, osEndOfLife, runtimeEndOfLife } from '../../../src/checks/images/eol.js';
import { fileFindings } from '../../../src/checks/images/file-findings.js';
import { detectConfigSecrets, detectFileSecrets, isSecretCandidate } from '../../../src/checks/images/secrets.js';
import { expandTarget, imageLabel } from '../../../src/checks/images/targets.js';
import type { ImagePackage, OsIdentity } from '../../../src/images/index.js';
import type { ImageConfig } from '../../../src/oci/image.js';
import { indexImage } from '../../../src/images/index.js';
import { tarLayer } from '../../support/layer-builder.js';

const config = (c: ImageConfig['config'], history: ImageConfig['history'] = []): ImageConfig => ({
  config: c,
  rootfs: { type: 'layers', diff_ids: [] },
  history,
});
const run = (c: ImageConfig, uids: Record<string, number> = {}) =>
  configFindings({ image: 'img', config: c, layers: ['sha256:l0', 'sha256:l1'], uidOf: (n) => uids[n], secrets: true });
const ids = (findings: { ruleId: string }[]) => findings.map((f) => f.ruleId).sort();
const HEALTHY = { Healthcheck: { Test: ['CMD', '/health'] } };

describe('image/runs-as-root', () => {
  it('flags empty, root, 0, root:group and names that map to uid 0', () => {
    for (const user of ['', 'root', '0', '0:0', 'root:root', ' toor '])
      expect(
        runsAsRoot(user, (n) => (n === 'toor' ? 0 : undefined)),
        user,
      ).toBe(true);
    expect(runsAsRoot(undefined, () => undefined)).toBe(true);
  });
  it('does not flag non-root users', () => {
    for (const user of ['1000', 'app', 'app:app', '10001:0'])
      expect(
        runsAsRoot(user, (n) => (n === 'app' ? 1000 : undefined)),
        user,
      ).toBe(false);
    expect(ids(run(config({ User: '10001', ...HEALTHY })))).toEqual([]);
  });
});

describe('image/exposes-ssh and image/no-healthcheck', () => {
  it('flags EXPOSE 22 and a missing or disabled healthcheck', () => {
    expect(ids(run(config({ User: '1', ExposedPorts: { '22/tcp': {} } })))).toEqual([
      'image/exposes-ssh',
      'image/no-healthcheck',
    ]);
    expect(ids(run(config({ User: '1', Healthcheck: { Test: ['NONE'] } })))).toEqual(['image/no-healthcheck']);
  });
  it('does not flag other ports or a real healthcheck', () => {
    expect(ids(run(config({ User: '1', ExposedPorts: { '2222/tcp': {}, '8022/tcp': {} }, ...HEALTHY })))).toEqual([]);
  });
});

describe('image/secret-in-config', () => {
  it('finds tokens and secret-named literals in Env, labels and history, redacted', () => {
    const token = `ghp_${'a'.repeat(36)}`;
    const findings = run(
      config(
        {
          User: '1',
          ...HEALTHY,
          Env: [`GITHUB_TOKEN=${token}`, 'DB_PASSWORD=hunter2hunter2'],
          Labels: { 'api.key': 'x' },
        },
        [
          { created_by: '/bin/sh -c #(nop) ENV X=1', empty_layer: true },
          { created_by: '|1 NPM_TOKEN=s3cr3t-value /bin/sh -c npm ci' },
        ],
      ),
    );
    expect(findings.map((f) => [f.ruleId, f.location])).toEqual([
      ['image/secret-in-config', { image: 'img' }],
      ['image/secret-in-config', { image: 'img' }],
      ['image/secret-in-config', { image: 'img', layer: 'sha256:l0' }],
    ]);
    const text = JSON.stringify(findings);
    expect(text).not.toContain(token.slice(4));
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('s3cr3t');
    expect(text).toContain('ghp_[redacted 36 chars]');
  });
  it('ignores references, paths, placeholders and non-secret names', () => {
    const findings = run(
      config({
        User: '1',
        ...HEALTHY,
        Env: [
          'DB_PASSWORD_FILE=/run/secrets/db',
          'API_TOKEN=${TOKEN}',
          'PASSWORD=changeme',
          'PATH=/usr/bin',
          'TOKEN_URL=https://x/token',
        ],
      }),
    );
    expect(findings).toEqual([]);
    expect(detectConfigSecrets('SECRET_KEY=')).toEqual([]);
  });
});

describe('image/secret-in-layer detection', () => {
  const KEY = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n';
  it('detects each credential format by content and file name', () => {
    const cases: [string, string, string][] = [
      ['root/.ssh/id_rsa', KEY, 'private-key'],
      ['app/.env', 'DATABASE_PASSWORD=pa55word-long\nDEBUG=1\n', 'env-secret'],
      ['root/.npmrc', '//registry.npmjs.org/:_authToken=abcdef123456\n', 'npmrc-credentials'],
      ['root/.pypirc', '[pypi]\nusername = me\npassword = pa55word-long\n', 'pypirc-credentials'],
      ['root/.git-credentials', 'https://me:ghx-secretvalue@github.com\n', 'url-credentials'],
      ['root/.docker/config.json', '{"auths":{"ghcr.io":{"auth":"dXNlcjpwYXNz"}}}', 'docker-auth'],
      [
        'app/sa.json',
        '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\nX"}',
        'gcp-service-account',
      ],
      [
        'root/.aws/credentials',
        `[default]\naws_access_key_id = AKIA${'A'.repeat(16)}\naws_secret_access_key = ${'a'.repeat(40)}\n`,
        'aws-secret-key',
      ],
      ['app/settings.conf', `AccountKey=${'A'.repeat(86)}==`, 'azure-storage-key'],
      [
        'root/.kube/config',
        'apiVersion: v1\nkind: Config\nclusters: []\nusers:\n- user:\n    token: eyJhbGciOiJSUzI1NiJ9.payload\n',
        'kubeconfig-credentials',
      ],
      ['app/deploy.sh', `export GL=glpat-${'x'.repeat(20)}\n`, 'gitlab-token'],
      ['app/x.txt', `pypi-AgEIcHlwaS5vcmc${'A'.repeat(60)}`, 'pypi-token'],
    ];
    for (const [path, text, kind] of cases) {
      const hits = detectFileSecrets(path, text);
      expect(
        hits.map((h) => h.kind),
        path,
      ).toContain(kind);
      expect(JSON.stringify(hits), path).not.toMatch(/pa55word|dXNlcjpwYXNz|MIIEow|secretvalue|payload/);
    }
  });
  it('reports nothing for clean files and placeholders', () => {
    expect(detectFileSecrets('app/.env', 'PASSWORD=\nTOKEN=${TOKEN}\nNAME=demo\n')).toEqual([]);
    expect(detectFileSecrets('root/.npmrc', 'registry=https://registry.npmjs.org/\n_authToken=${NPM_TOKEN}\n')).toEqual(
      [],
    );
    expect(detectFileSecrets('root/.docker/config.json', '{"credsStore":"desktop"}')).toEqual([]);
    expect(
      detectFileSecrets('etc/ssl/certs/ca.pem', '-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----'),
    ).toEqual([]);
  });
  it('chooses candidate files by name and place, never package trees or the distro snakeoil key', () => {
    expect(isSecretCandidate('root/.ssh/id_ed25519', 400)).toBe(true);
    expect(isSecretCandidate('app/config/.env.production', 100)).toBe(true);
    expect(isSecretCandidate('app/node_modules/x/config.json', 100)).toBe(false);
    expect(isSecretCandidate('usr/lib/python3/dist-packages/a/b.py', 100)).toBe(false);
    expect(isSecretCandidate('etc/ssl/private/ssl-cert-snakeoil.key', 1700)).toBe(false);
    expect(isSecretCandidate('root/huge.pem', 50 * 1024 * 1024)).toBe(false);
  });
});

describe('image/setuid-binary and image/world-writable', () => {
  it('flags unusual setuid/setgid and world-writable system paths, not the usual ones', async () => {
    const layer = await tarLayer([
      { path: 'usr/bin/passwd', content: 'x', mode: 0o4755 },
      { path: 'usr/local/bin/tool', content: 'x', mode: 0o4755 },
      { path: 'usr/bin/wall', content: 'x', mode: 0o2755 },
      { path: 'usr/bin/sgtool', content: 'x', mode: 0o2711 },
      { path: 'usr/local/bin/entry.sh', content: 'x', mode: 0o777 },
      { path: 'etc/app.conf', content: 'x', mode: 0o666 },
      { path: 'tmp/', type: 'directory', mode: 0o1777 },
      { path: 'app/data.txt', content: 'x', mode: 0o666 },
      { path: 'usr/lib/shared/', type: 'directory', mode: 0o1777 },
    ]);
    const index = await indexImage([layer]);
    const { findings } = fileFindings(index, 'img');
    expect(findings.map((f) => [f.ruleId, (f.location as { path: string }).path]).sort()).toEqual([
      ['image/setuid-binary', '/usr/bin/sgtool'],
      ['image/setuid-binary', '/usr/local/bin/tool'],
      ['image/world-writable', '/etc/app.conf'],
      ['image/world-writable', '/usr/local/bin/entry.sh'],
    ]);
  });
});

describe('end of life', () => {
  const os = (id: string, versionId: string): OsIdentity => ({
    id,
    versionId,
    path: 'etc/os-release',
    layer: 'sha256:l',
  });
  it('flags releases past their date and not those before it', () => {
    expect(osEndOfLife(os('debian', '10'), '2026-11-28')?.eol).toBe('2024-06-30');
    expect(osEndOfLife(os('debian', '12.5'), '2026-11-28')).toBeUndefined();
    expect(osEndOfLife(os('alpine', '3.18.4'), '2026-11-28')?.cycle).toBe('3.18');
    expect(osEndOfLife(os('alpine', '3.18.4'), '2025-05-09')).toBeUndefined();
    expect(osEndOfLife(os('ubuntu', '20.04'), '2026-11-28')?.product).toBe('Ubuntu');
    expect(osEndOfLife(os('amzn', '2'), '2026-11-28')?.eol).toBe('2026-06-30');
    expect(osEndOfLife(os('unknownos', '1'), '2026-11-28')).toBeUndefined();
    expect(osCycle(os('rocky', '9.3'))).toEqual({ key: 'rocky', cycle: '9' });
  });
  it('recognises runtimes from official-image ENV and OS packages', () => {
    const pkg = (name: string, version: string): ImagePackage => ({
      ecosystem: 'Debian:12',
      name,
      version,
      purl: `pkg:deb/debian/${name}@${version}`,
      path: 'var/lib/dpkg/status',
      layer: 'sha256:l',
      cataloger: 'dpkg',
    });
    const env = ['NODE_VERSION=16.20.2', 'PYTHON_VERSION=3.12.1', 'JAVA_VERSION=jdk-11.0.21+9'];
    expect(
      detectRuntimes(env, [pkg('python3.9', '3.9.2-1'), pkg('openjdk-17-jre-headless', '17.0.9+9-1')]).map(
        (r) => `${r.runtime}@${r.cycle}`,
      ),
    ).toEqual(['nodejs@16', 'python@3.12', 'java@11', 'python@3.9', 'java@17']);
    const hits = runtimeEndOfLife(env, [pkg('python3.9', '3.9.2-1')], '2026-11-28');
    // Debian's python3.9 is judged by Debian's support (image/eol-os), not by Python's end of life.
    expect(hits.map((h) => `${h.product} ${h.cycle}`)).toEqual(['Node.js 16']);
    expect(runtimeEndOfLife(['NODE_VERSION=22.1.0'], [], '2026-11-28')).toEqual([]);
  });
});

describe('targets', () => {
  it('expands ${VAR} and names a missing variable', () => {
    expect(expandTarget('ghcr.io/acme/web:${GITHUB_SHA}', { GITHUB_SHA: 'abc' })).toEqual({
      ok: true,
      value: 'ghcr.io/acme/web:abc',
    });
    const missing = expandTarget('ghcr.io/acme/${IMAGE}:${TAG}', { TAG: '1' });
    expect(missing.ok ? '' : missing.error).toContain('${IMAGE}');
    expect(imageLabel('oci:x', 'sha256:1')).toBe('oci:x@sha256:1');
    expect(imageLabel('r/x@sha256:1', 'sha256:1')).toBe('r/x@sha256:1');
  });
});
