import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/policy/load.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { RuleRegistry } from '../../src/core/rules.js';
import { commonFileRules } from '../../src/checks/common-rules.js';
import { STARTER_POLICY } from '../../src/policy/starter.js';
import { tempRepo } from '../support/tmp.js';
import path from 'node:path';
import { rmSync, symlinkSync } from 'node:fs';

const rules = new RuleRegistry([
  ...commonFileRules('manifests', 'x'),
  ...commonFileRules('hardening', 'x'),
  { id: 'vuln/*', check: 'images', title: 'v', severity: 'high', description: '', rationale: '', fix: '' },
]);

async function errorOf(yaml: string, extra: Record<string, string> = {}): Promise<ConfigurationError> {
  const root = tempRepo({ '.containersec.yml': yaml, ...extra });
  try {
    await loadPolicy({ root, rules });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('expected a policy error');
}

describe('loadPolicy', () => {
  it('uses the recommended defaults and says so when there is no policy file', async () => {
    const root = tempRepo({});
    const { policy, notices } = await loadPolicy({ root, rules });
    expect(policy.mode).toBe('enforce');
    expect(policy.checks.manifests['pod-security']).toEqual({ level: 'restricted', version: 'latest' });
    expect(notices[0]).toContain('using the built-in "recommended" policy');
  });

  it('rejects an explicit --policy file that does not exist', async () => {
    const root = tempRepo({});
    await expect(loadPolicy({ root, rules, file: path.join(root, 'nope.yml') })).rejects.toThrow(
      'nope.yml: policy file not found.',
    );
  });

  it('rejects an empty file with a pointer to init', async () => {
    const error = await errorOf('# only a comment\n');
    expect(error.code).toBe('POLICY_EMPTY');
    expect(error.message).toBe(
      '.containersec.yml:1:1: the policy file is empty; expected a mapping with at least `version: 1`. Run `containersec init` to write a commented starter file.',
    );
  });

  it('reports YAML syntax errors with their position', async () => {
    const error = await errorOf('version: 1\nchecks:\n  manifests: {fail-on: high\n');
    expect(error.code).toBe('POLICY_SYNTAX');
    expect(error.message).toMatch(/^\.containersec\.yml:\d+:\d+: YAML syntax error: /);
  });

  it('names file:line:column, the key, what was expected, and a did-you-mean for every problem', async () => {
    const error = await errorOf(
      [
        'version: 1',
        'gate:',
        '  new-only: yes',
        'checks:',
        '  hardening:',
        '    fial-on: high',
        '  manifests:',
        '    pod-security: { level: restricte, version: "1.30" }',
        'exceptions:',
        '  - rule: manifests/parse-eror',
        '    reason: legacy',
        '    expires: 2027-02-30',
        '',
      ].join('\n'),
    );
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('.containersec.yml:3:13: gate.new-only is "yes"; expected true or false.');
    expect(lines[1]).toBe(
      '.containersec.yml:6:5: unknown key "fial-on" in checks.hardening. Expected one of: enabled, fail-on, on-error, paths, timeout, allowed-unpinned, unpinned-uses, runner-probe. Did you mean "fail-on"?',
    );
    expect(lines[2]).toBe(
      '.containersec.yml:8:28: checks.manifests.pod-security.level is "restricte"; expected one of: privileged, baseline, restricted. Did you mean "restricted"?',
    );
    expect(lines).toContain(
      '.containersec.yml:12:14: "2027-02-30" is not a real date; expected YYYY-MM-DD, e.g. 2027-01-31.',
    );
    expect(lines.find((l) => l.startsWith('.containersec.yml:10:11:'))).toContain(
      'unknown rule id "manifests/parse-eror"',
    );
    expect(lines.find((l) => l.startsWith('.containersec.yml:10:11:'))).toContain(
      'Did you mean "manifests/parse-error"?',
    );
  });

  it('requires version: 1', async () => {
    expect((await errorOf('checks: {}\n')).message).toContain(
      '.containersec.yml:1:1: the top level is missing the required key "version".',
    );
    expect((await errorOf('version: 2\n')).message).toContain(
      '.containersec.yml:1:10: version is number 2; expected 1.',
    );
  });

  it('rejects a wrong type with what was expected', async () => {
    const error = await errorOf('version: 1\nextends: 5\nexceptions: {}\n');
    expect(error.message).toContain('.containersec.yml:2:10: extends is number 5; expected a string or a list.');
    expect(error.message).toContain('.containersec.yml:3:13: exceptions is a mapping; expected a list.');
  });

  it('requires a reason on every exception and validates the pod-security version', async () => {
    const error = await errorOf(
      'version: 1\nchecks:\n  manifests:\n    pod-security: {version: 1.30}\nexceptions:\n  - rule: manifests/parse-error\n',
    );
    expect(error.message).toContain(
      '.containersec.yml:4:29: checks.manifests.pod-security.version is number 1.3; expected a string.',
    );
    expect(error.message).toContain('.containersec.yml:6:5: exceptions[0] is missing the required key "reason".');
  });

  it('accepts rule globs and run-time rule families in exceptions', async () => {
    const root = tempRepo({
      '.containersec.yml':
        'version: 1\nexceptions:\n  - {rule: "manifests/*", reason: a}\n  - {rule: vuln/CVE-2024-1234, reason: b}\n',
    });
    const { policy } = await loadPolicy({ root, rules });
    expect(policy.exceptions.map((e) => [e.rule, e.source?.line, e.source?.column])).toEqual([
      ['manifests/*', 3, 6],
      ['vuln/CVE-2024-1234', 4, 6],
    ]);
  });

  it('merges presets, extends files and the file itself, and adds up exceptions along the chain', async () => {
    const root = tempRepo({
      'policies/base.yml':
        'version: 1\nextends: strict\nchecks: {manifests: {fail-on: low}}\nexceptions: [{rule: manifests/parse-error, reason: base}]\n',
      '.containersec.yml':
        'version: 1\nextends: [policies/base.yml]\ngate: {new-only: true}\nexceptions: [{rule: hardening/parse-error, reason: own}]\n',
    });
    const { policy } = await loadPolicy({ root, rules });
    expect(policy.checks.manifests['fail-on']).toBe('low');
    expect(policy.checks.hardening['fail-on']).toBe('medium');
    expect(policy.gate['new-only']).toBe(true);
    expect(policy.exceptions.map((e) => e.reason)).toEqual(['base', 'own']);
    expect(policy.exceptions[0]?.source?.file).toBe('policies/base.yml');
  });

  it('the audit preset never blocks and only warns on errors', async () => {
    const root = tempRepo({ '.containersec.yml': 'version: 1\nextends: audit\n' });
    const { policy } = await loadPolicy({ root, rules });
    expect(policy.mode).toBe('audit');
    expect(policy['on-error']).toBe('warn');
  });

  it('refuses unknown presets, files outside the repository and extends cycles', async () => {
    expect((await errorOf('version: 1\nextends: recomended\n')).message).toContain(
      '.containersec.yml:2:10: unknown preset "recomended"; expected one of: recommended, strict, audit, or a path to a policy file. Did you mean "recommended"?',
    );
    expect((await errorOf('version: 1\nextends: ../../etc/policy.yml\n')).message).toContain(
      'is outside the repository',
    );
    const cycle = await errorOf('version: 1\nextends: a.yml\n', {
      'a.yml': 'version: 1\nextends: .containersec.yml\n',
    });
    expect(cycle.message).toContain('cycle');
  });

  it('caps YAML alias expansion', async () => {
    const bomb = [
      'version: 1',
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
      '',
    ].join('\n');
    const error = await errorOf(bomb);
    expect(error.message).toMatch(/alias/i);
  });

  it('the starter policy written by init is valid', async () => {
    const root = tempRepo({ '.containersec.yml': STARTER_POLICY });
    const { policy } = await loadPolicy({ root, rules });
    expect(policy.extends).toEqual(['recommended']);
  });
});

describe('paths named by the policy', () => {
  it('must stay inside the repository (the policy comes from the change under review)', async () => {
    const error = await errorOf(
      'version: 1\nchecks:\n  images:\n    targets: ["dir:/home/runner", "oci:../other:v1", "oci:.image:demo", "ghcr.io/acme/web:1"]\n    vulnerabilities: {source: /etc/osv}\n',
    );
    expect(error.message).toContain('.containersec.yml:4:15: "dir:/home/runner" is outside the repository');
    expect(error.message).toContain('"oci:../other:v1" is outside the repository');
    expect(error.message).toContain('"/etc/osv" is outside the repository');
    expect(error.message).not.toContain('oci:.image:demo');
    expect(error.message).not.toContain('ghcr.io');
  });

  it('may not leave the repository through a committed symlink', async () => {
    const outside = tempRepo({ 'osv/x.json': '{}', 'policy.yml': 'version: 1\n' });
    const root = tempRepo({
      '.containersec.yml':
        'version: 1\nextends: ./base.yml\nchecks:\n  images:\n    targets: ["dir:home"]\n    vulnerabilities: {source: data/osv}\n',
    });
    symlinkSync(outside, path.join(root, 'home'));
    symlinkSync(outside, path.join(root, 'data'));
    symlinkSync(path.join(outside, 'policy.yml'), path.join(root, 'base.yml'));
    const error = await loadPolicy({ root, rules }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain('.containersec.yml:5:15: "dir:home" is outside the repository');
    expect(error?.message).toContain('"data/osv" is outside the repository');
    rmSync(path.join(root, 'home'));
    rmSync(path.join(root, 'data'));
    await expect(loadPolicy({ root, rules })).rejects.toThrow(
      '"./base.yml" is outside the repository; `extends:` may only name files inside it.',
    );
    rmSync(path.join(root, '.containersec.yml'));
    symlinkSync(path.join(outside, 'policy.yml'), path.join(root, '.containersec.yml'));
    await expect(loadPolicy({ root, rules })).rejects.toThrow(
      '.containersec.yml: is a symlink to a file outside the repository',
    );
  });
});
