import { spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ruleRegistry } from '../../src/checks/index.js';
import { ruleDocPath } from '../../src/docs/rule-doc.js';
import { componentInputs } from '../../src/docs/component-doc.js';
import { tempRepo } from '../support/tmp.js';
import pkg from '../../package.json' with { type: 'json' };

/**
 * `npm pack` → `npm i -g ./containersec-*.tgz` → `containersec …`, as issue #13 asks: in an empty directory,
 * with an empty npm cache and `--offline`, so nothing can come from a registry. dist/ is bundled by esbuild, so
 * the package has no runtime dependencies to fetch; this test fails as soon as one is added.
 * It packs the checkout as it is (the committed dist/, as CI has it after `npm run build`).
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface Packed {
  tarball: string;
  files: string[];
  prefix: string;
  bin: string;
  env: NodeJS.ProcessEnv;
}

/** An environment with a throwaway HOME, npm cache and config, offline: no registry, no user config. */
function isolatedEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^npm_/i.test(key) && !key.startsWith('GITHUB_') && !key.startsWith('GITLAB_') && key !== 'CI')
      env[key] = value;
  return {
    ...env,
    HOME: home,
    XDG_CACHE_HOME: path.join(home, '.cache'),
    npm_config_cache: path.join(home, 'npm-cache'),
    npm_config_userconfig: path.join(home, '.npmrc'),
    npm_config_offline: 'true',
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    NO_COLOR: '1',
  };
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
}

let packed: Packed;

let work = '';

beforeAll(() => {
  // Not tempRepo(): that one is removed after each test, and the installed package serves all of them.
  work = mkdtempSync(path.join(os.tmpdir(), 'containersec-pack-'));
  const env = isolatedEnv(path.join(work, 'home'));
  const pack = run(npm, ['pack', '--json', '--pack-destination', work], ROOT, env);
  expect(pack.status, pack.stderr).toBe(0);
  const [info] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
  const prefix = path.join(work, 'prefix');
  const install = run(npm, ['install', '--global', '--prefix', prefix, path.join(work, info.filename)], work, env);
  expect(install.status, install.stdout + install.stderr).toBe(0);
  packed = {
    tarball: path.join(work, info.filename),
    files: info.files.map((f) => f.path),
    prefix,
    bin: path.join(prefix, 'bin', 'containersec'),
    env,
  };
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata: { name: web }
spec:
  containers:
    - name: app
      image: registry.example.com/web:1
      securityContext: { privileged: true }
`;

describe('npm pack → npm i -g ./containersec-*.tgz, offline in an empty directory', () => {
  it('declares no runtime dependencies: dist/ is bundled', () => {
    expect(pkg).not.toHaveProperty('dependencies');
    expect(pkg.bin).toEqual({ containersec: 'dist/cli.js' });
    expect(pkg.repository.url).toContain('github.com/containersec/containersec');
  });

  it('ships the CLI, its templates, the schema, LICENSE, docs/policy.md and every rule page', () => {
    for (const file of ['dist/cli.js', 'templates/comment.md.hbs', 'templates/finding.md.hbs', 'LICENSE'])
      expect(packed.files).toContain(file);
    expect(packed.files).toContain('schema/containersec.schema.json');
    expect(packed.files).toContain('docs/policy.md');
    const missing = ruleRegistry()
      .all()
      .map((rule) => ruleDocPath(rule.id))
      .filter((page) => !packed.files.includes(page));
    expect(missing).toEqual([]);
    expect(packed.files.some((f) => f.startsWith('src/') || f.startsWith('test/'))).toBe(false);
  });

  it('ships every docs/ page a message of the CLI points to', () => {
    const mentioned = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.ts'))
          // Bare repository paths only; https://… links to other projects' docs/ folders are not ours.
          for (const match of readFileSync(file, 'utf8').matchAll(/(?<![\w/.:-])docs\/[\w./-]*\w\.md\b/g))
            mentioned.add(match[0]);
      }
    };
    walk(path.join(ROOT, 'src'));
    expect(mentioned).toContain('docs/policy.md');
    for (const page of mentioned) {
      expect(existsSync(path.join(ROOT, page)), page).toBe(true);
      expect(packed.files, page).toContain(page);
    }
  });

  it('`containersec check` runs from the installed package and blocks a privileged pod', () => {
    const repo = tempRepo({ 'deploy/pod.yaml': PRIVILEGED_POD });
    const out = path.join(repo, 'report.md');
    const result = run(packed.bin, ['check', '.', '--format', 'markdown', '--output', out], repo, packed.env);
    expect(result.status, result.stdout + result.stderr).toBe(1);
    expect(result.stdout + result.stderr).toContain('verdict fail');
    const markdown = readFileSync(out, 'utf8');
    expect(markdown).toContain('pss/privileged');
    expect(markdown).toContain('<!-- containersec:comment');

    const text = run(packed.bin, ['check', '.'], repo, packed.env);
    expect(text.status).toBe(1);
    expect(text.stdout).toContain('pss/privileged');
    expect(text.stdout).toContain('deploy/pod.yaml');
  });

  it("`npx containersec` in a checkout runs the package's own bin (README: Run it locally), offline", () => {
    const result = run(npm, ['exec', '--', 'containersec', 'explain', 'manifests/parse-error'], ROOT, packed.env);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('# manifests/parse-error:');
  });

  it('`containersec explain` and `init` work from the installed package', () => {
    const explain = run(packed.bin, ['explain', 'pss/privileged'], packed.prefix, packed.env);
    expect(explain.status, explain.stderr).toBe(0);
    expect(explain.stdout).toContain('# pss/privileged: Privileged container');
    expect(explain.stdout).toContain('## How to except it');

    const dir = tempRepo({});
    const init = run(packed.bin, ['init'], dir, packed.env);
    expect(init.status, init.stderr).toBe(0);
    const policy = readFileSync(path.join(dir, '.containersec.yml'), 'utf8');
    expect(policy).toContain('docs/policy.md');
    expect(parse(policy)).toMatchObject({ version: 1 });
    const check = run(packed.bin, ['check', '.'], dir, packed.env);
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });

  it('the GitLab component runs the package from a tarball given as `package:` (npx, offline)', () => {
    const repo = tempRepo({ 'deploy/pod.yaml': PRIVILEGED_POD });
    const result = runComponentJob(repo, { package: packed.tarball, comment: 'off' });
    expect(result.status, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toContain('pss/privileged');
    const report = JSON.parse(readFileSync(path.join(repo, 'containersec.json'), 'utf8')) as { verdict: string };
    expect(report.verdict).toBe('fail');
    expect(existsSync(path.join(repo, 'gl-code-quality-report.json'))).toBe(true);
  });

  it('with default inputs the policy picks the vulnerability source, so an offline OSV directory passes (#15)', () => {
    const repo = tempRepo({
      '.containersec.yml':
        'version: 1\nchecks:\n  hardening: { runner-probe: false }\n  images:\n    targets: ["dir:rootfs"]\n    vulnerabilities: { source: ./osv }\n',
      'rootfs/etc/os-release': 'NAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n',
      'rootfs/var/lib/dpkg/status':
        'Package: zlib1g\nStatus: install ok installed\nVersion: 1:1.2.13.dfsg-1\nArchitecture: amd64\nSource: zlib\n\n',
      'osv/OSV-TEST-1.json': JSON.stringify({
        schema_version: '1.6.0',
        id: 'OSV-TEST-1',
        modified: '2026-01-01T00:00:00Z',
        affected: [
          {
            package: { ecosystem: 'npm', name: 'left-pad' },
            ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.3.0' }] }],
          },
        ],
      }),
    });
    const passes = runComponentJob(repo, { package: packed.tarball });
    expect(passes.status, passes.stdout + passes.stderr).toBe(0);
    const report = JSON.parse(readFileSync(path.join(repo, 'containersec.json'), 'utf8')) as {
      checks: { id: string; status: string; notes?: string[] }[];
    };
    const images = report.checks.find((c) => c.id === 'images');
    expect(images?.status).toBe('pass');
    expect(images?.notes?.join('\n')).toContain('OSV files in ./osv');
    // What the old default (`vuln-db: osv-api`) did: override the policy and fail closed without the network.
    const overridden = runComponentJob(repo, { package: packed.tarball, 'vuln-db': 'osv-api:http://127.0.0.1:9' });
    expect(overridden.status).toBe(3);
  });
});

/**
 * The component's job as GitLab's runner runs it: its `variables:` with the inputs interpolated (defaults, then
 * `inputs`), and its `script:` lines in `sh -e`, in the checkout.
 */
function runComponentJob(repo: string, inputs: Record<string, unknown>): SpawnSyncReturns<string> {
  const source = readFileSync(path.join(ROOT, 'templates/containersec.yml'), 'utf8');
  const values: Record<string, unknown> = {
    ...Object.fromEntries(Object.entries(componentInputs(source)).map(([name, input]) => [name, input.default])),
    ...inputs,
  };
  const jobText = source
    .slice(source.indexOf('\n---\n') + 5)
    .replace(/\$\[\[\s*inputs\.([\w-]+)\s*\]\]/g, (_, name: string) => {
      const value = values[name];
      return typeof value === 'string' ? value : JSON.stringify(value);
    });
  const [job] = Object.values(
    parse(jobText) as Record<string, { variables: Record<string, string>; script: string[] }>,
  );
  const variables = Object.fromEntries(
    Object.entries(job!.variables).map(([name, value]) => [name, value.replace('$CI_PROJECT_DIR', repo)]),
  );
  return spawnSync('sh', ['-e', '-c', job!.script.join('\n')], {
    cwd: repo,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...packed.env, ...variables, CI_PROJECT_DIR: repo },
  });
}
