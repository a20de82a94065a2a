import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { renderJson } from '../../src/report/json.js';
import { imagesCheck } from '../../src/checks/images/index.js';
import { manifestsCheck } from '../../src/checks/manifests/index.js';
import { describe, expect, it } from 'vitest';
import { runGate } from '../../src/app/run-gate.js';
import type { GateOptions } from '../../src/app/run-gate.js';
import type { Check } from '../../src/core/check.js';
import { testCheck } from '../support/test-check.js';
import { isFileLocation } from '../../src/core/finding.js';
import { commitAll, runGit, tempRepo, writeFiles } from '../support/tmp.js';

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };

function gateOptions(dir: string, extra: Partial<GateOptions> = {}): GateOptions {
  return { dir, env: {}, log: quiet, checks: [testCheck], now: new Date('2026-11-28T12:00:00Z'), ...extra };
}

const POLICY = 'version: 1\nchecks:\n  manifests:\n    paths: ["deploy/**"]\n';

describe('runGate against a real git base revision', () => {
  it('classifies findings as new or existing by fingerprint, even when lines move', async () => {
    const dir = tempRepo({
      '.containersec.yml': POLICY,
      'deploy/web.yaml': 'kind: Deployment # object: Deployment/web\nprivileged: true # object: Deployment/web\n',
    });
    const base = commitAll(dir, 'base');
    // Head: unrelated lines inserted above the old finding, and a new finding in a new object.
    writeFiles(dir, {
      'deploy/web.yaml':
        '# a comment\n# another\nkind: Deployment # object: Deployment/web\nprivileged: true # object: Deployment/web\n',
      'deploy/api.yaml': 'kind: Deployment # object: Deployment/api\nprivileged: true # object: Deployment/api\n',
    });
    commitAll(dir, 'head');

    const outcome = await runGate(gateOptions(dir, { base }));
    expect(outcome.baseCommit).toBe(base);
    const findings = outcome.result.checks.find((c) => c.id === 'manifests')!.findings;
    const summary = findings.map((f) => [
      isFileLocation(f.location) ? `${f.location.path}:${f.location.startLine}` : '',
      f.new,
      f.blocking,
    ]);
    expect(summary).toEqual([
      ['deploy/api.yaml:2', true, true],
      ['deploy/web.yaml:4', false, false],
    ]);
    expect(outcome.result.verdict).toBe('fail');
  });

  it('reads the base through git only: uncommitted head changes count, the working tree is untouched', async () => {
    const dir = tempRepo({ '.containersec.yml': POLICY, 'deploy/a.yaml': 'privileged: true\n' });
    const base = commitAll(dir, 'base');
    writeFiles(dir, { 'deploy/a.yaml': 'privileged: false\n', 'deploy/b.yaml': 'privileged: true\n' });
    const outcome = await runGate(gateOptions(dir, { base }));
    const findings = outcome.result.checks.find((c) => c.id === 'manifests')!.findings;
    expect(findings.map((f) => [('path' in f.location && f.location.path) || '', f.new])).toEqual([
      ['deploy/b.yaml', true],
    ]);
    expect(runGit(dir, 'status', '--porcelain')).toContain('deploy/b.yaml');
  });

  it('treats everything as new, and says why, when the base revision is missing', async () => {
    const dir = tempRepo({ '.containersec.yml': POLICY, 'deploy/a.yaml': 'privileged: true\n' });
    commitAll(dir, 'only');
    const outcome = await runGate(gateOptions(dir, { base: '0123456789abcdef0123456789abcdef01234567' }));
    expect(outcome.notices.join(' ')).toContain('is not in this clone, so every finding counts as new');
    expect(outcome.result.checks.find((c) => c.id === 'manifests')!.findings[0]!.new).toBe(true);
  });

  it('keeps the verdict when a check crashes: that check errors, the others still report', async () => {
    const crashing: Check = {
      id: 'hardening',
      title: 'boom',
      fileBased: false,
      rules: [],
      run: () => Promise.reject(new Error('kaboom')),
    };
    const dir = tempRepo({ '.containersec.yml': POLICY, 'deploy/a.yaml': 'privileged: true\n' });
    const outcome = await runGate(gateOptions(dir, { checks: [testCheck, crashing] }));
    const byId = Object.fromEntries(outcome.result.checks.map((c) => [c.id, c]));
    expect(byId.hardening!.status).toBe('error');
    expect(byId.hardening!.errors[0]).toContain('kaboom');
    expect(byId.manifests!.findings).toHaveLength(1);
    expect(outcome.result.verdict).toBe('error');
  });

  it('stops a check at its timeout', async () => {
    const slow: Check = {
      id: 'hardening',
      title: 'slow',
      fileBased: false,
      rules: [],
      run: () => new Promise(() => undefined),
    };
    const dir = tempRepo({ '.containersec.yml': 'version: 1\non-error: warn\nchecks: {hardening: {timeout: 1}}\n' });
    const outcome = await runGate(gateOptions(dir, { checks: [slow] }));
    expect(outcome.result.checks.find((c) => c.id === 'hardening')!.errors[0]).toContain('did not finish within 1s');
    expect(outcome.result.verdict).toBe('warn');
  });

  it('applies inline ignores with a reason and reports those without one', async () => {
    const dir = tempRepo({
      '.containersec.yml': POLICY,
      'deploy/a.yaml':
        '# containersec:ignore testk8s/privileged needed for the CNI daemon\nprivileged: true\nx: 1 # containersec:ignore testk8s/latest\nimage: nginx:latest\n',
    });
    const outcome = await runGate(gateOptions(dir));
    const findings = outcome.result.checks.find((c) => c.id === 'manifests')!.findings;
    expect(findings.map((f) => [f.ruleId, f.exception?.reason ?? null])).toEqual([
      ['testk8s/privileged', 'needed for the CNI daemon'],
      ['manifests/ignore-without-reason', null],
      ['testk8s/latest', null],
    ]);
  });

  it('counts columns on line 1 as editors do when a file starts with a byte-order mark', async () => {
    const bom = '\uFEFF';
    const dir = tempRepo({
      '.containersec.yml': `${bom}version: 1\n`,
      Dockerfile: `${bom}FROM nginx:latest\nUSER app\n`,
    });
    const outcome = await runGate(gateOptions(dir, { checks: [manifestsCheck] }));
    const finding = outcome.result.checks
      .find((c) => c.id === 'manifests')!
      .findings.find((f) => f.ruleId === 'dockerfile/base-image-latest');
    expect(finding?.location).toMatchObject({ path: 'Dockerfile', startLine: 1, startColumn: 6 });
  });

  it('flags binary and oversized files instead of crashing', async () => {
    const dir = tempRepo({ '.containersec.yml': POLICY, 'deploy/bin.yaml': 'a\u0000b' });
    const outcome = await runGate(gateOptions(dir));
    const finding = outcome.result.checks.find((c) => c.id === 'manifests')!.findings[0]!;
    expect(finding.ruleId).toBe('manifests/parse-error');
    expect(finding.message).toContain('binary file');
  });

  it('errors when an asked-for image cannot be opened, and is "not configured" (skipped) when no image is given', async () => {
    const dir = tempRepo({});
    const checks = [testCheck, imagesCheck];
    const asked = await runGate(gateOptions(dir, { checks, images: ['oci:./no-such-image'] }));
    const images = asked.result.checks.find((c) => c.id === 'images')!;
    expect(images.status).toBe('error');
    expect(images.errors.join('\n')).toContain('no-such-image');
    const notAsked = await runGate(gateOptions(dir, { checks }));
    const idle = notAsked.result.checks.find((c) => c.id === 'images')!;
    expect(idle.status).toBe('skipped');
    expect(idle.skip).toMatchObject({ label: 'not configured', reason: 'no image targets.' });
    expect(idle.skip?.hint).toContain('checks.images.targets');
  });

  it('lists checks left out of a run as skipped', async () => {
    const outcome = await runGate(gateOptions(tempRepo({ 'deploy/ok.yaml': 'kind: ConfigMap\n' })));
    expect(outcome.result.checks.map((c) => [c.id, c.status])).toEqual([
      ['hardening', 'skipped'],
      ['images', 'skipped'],
      ['manifests', 'pass'],
      ['signatures', 'skipped'],
    ]);
    expect(outcome.result.verdict).toBe('pass');
  });

  it('a gate that checked nothing is a warning, not a green pass', async () => {
    const outcome = await runGate(gateOptions(tempRepo({ 'README.md': '# nothing to lint\n' })));
    expect(outcome.result.checks.map((c) => c.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    expect(outcome.result.checks.find((c) => c.id === 'manifests')!.skip?.label).toBe('nothing to check');
    expect(outcome.result.verdict).toBe('warn');
  });
});

describe('policy edits', () => {
  it('says so first when the change edits the policy file', async () => {
    const dir = tempRepo({ '.containersec.yml': POLICY });
    const base = commitAll(dir, 'base');
    writeFiles(dir, { '.containersec.yml': `${POLICY}mode: audit\n` });
    const outcome = await runGate(gateOptions(dir, { base }));
    expect(outcome.notices[0]).toContain('This change edits .containersec.yml');
    const unchanged = await runGate(gateOptions(tempRepo({ '.containersec.yml': POLICY })));
    expect(unchanged.notices.join(' ')).not.toContain('This change edits');
  });
});

describe('a checkout in a subdirectory of the repository', () => {
  it('compares the same subtree of the base revision (working-directory)', async () => {
    const repo = tempRepo({
      'services/web/.containersec.yml': POLICY,
      'services/web/deploy/a.yaml': 'privileged: true # object: Pod/a\n',
      'deploy/outside.yaml': 'privileged: true\n',
    });
    const base = commitAll(repo, 'base');
    writeFiles(repo, { 'services/web/deploy/b.yaml': 'privileged: true # object: Pod/b\n' });
    commitAll(repo, 'head');
    const outcome = await runGate(gateOptions(path.join(repo, 'services/web'), { base }));
    const findings = outcome.result.checks.find((c) => c.id === 'manifests')!.findings;
    expect(findings.map((f) => [isFileLocation(f.location) ? f.location.path : '', f.new])).toEqual([
      ['deploy/b.yaml', true],
      ['deploy/a.yaml', false],
    ]);
  });
});

describe('a baseline report', () => {
  const imageCheck: Check = {
    id: 'images',
    title: 'images (test)',
    fileBased: false,
    rules: [
      {
        id: 'vuln/*',
        check: 'images',
        title: 'Vulnerability',
        severity: 'high',
        description: 'd',
        rationale: 'r',
        fix: 'f',
      },
    ],
    run: (context) =>
      Promise.resolve({
        findings: context.images.map((ref) => ({
          ruleId: 'vuln/CVE-2024-1',
          severity: 'critical' as const,
          title: 'CVE-2024-1 in openssl',
          message: 'openssl is affected',
          location: { image: ref, path: '/var/lib/dpkg/status' },
          package: { ecosystem: 'Debian:12', name: 'openssl', version: '3.0.1' },
          vulnerability: { id: 'CVE-2024-1', aliases: [], fixed: ['3.0.2'] },
        })),
      }),
  };

  it('makes image findings it already had existing, also for a new digest of the same image', async () => {
    const dir = tempRepo({ '.containersec.yml': 'version: 1\nchecks: {images: {vulnerabilities: {fail-on: high}}}\n' });
    const before = await runGate(
      gateOptions(dir, { checks: [imageCheck], images: [`ghcr.io/acme/web:main@sha256:${'a'.repeat(64)}`] }),
    );
    const file = path.join(tempRepo({}), 'baseline.json');
    writeFileSync(file, renderJson(before));
    const after = await runGate(
      gateOptions(dir, {
        checks: [imageCheck],
        images: [`ghcr.io/acme/web:pr-7@sha256:${'b'.repeat(64)}`],
        baseline: file,
      }),
    );
    const finding = after.result.checks.find((c) => c.id === 'images')!.findings[0]!;
    expect(finding).toMatchObject({ new: false, blocking: false });
    expect(before.result.checks.find((c) => c.id === 'images')!.findings[0]).toMatchObject({
      new: true,
      blocking: true,
    });
  });

  it('rejects a file that is not a containersec JSON report', async () => {
    const file = path.join(tempRepo({}), 'x.json');
    writeFileSync(file, '{"version": "2.1.0"}');
    await expect(runGate(gateOptions(tempRepo({}), { baseline: file }))).rejects.toThrow(
      'not a containersec JSON report',
    );
  });
});

describe('base runs reuse what the head run computed for untouched files', () => {
  const deployment = (name: string, automount = ''): string =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: shop\nspec:\n  template:\n    spec:\n${automount}      serviceAccountName: web\n      containers: [{ name: app, image: "x:1" }]\n`;
  const policyDoc =
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: shop\nspec:\n  podSelector: {}\n';
  const account = (automount: boolean): string =>
    `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n  namespace: shop\nautomountServiceAccountToken: ${automount}\n`;

  it('cross-file findings on an untouched file are new when another file of the change causes them', async () => {
    const dir = tempRepo({
      'deploy/web.yaml': deployment('web'),
      'deploy/netpol.yaml': policyDoc,
      'deploy/sa.yaml': account(false),
    });
    const base = commitAll(dir, 'base');
    // The change deletes the NetworkPolicy and lets the service account mount tokens: deploy/web.yaml is untouched.
    writeFiles(dir, { 'deploy/sa.yaml': account(true) });
    runGit(dir, 'rm', '-q', 'deploy/netpol.yaml');
    commitAll(dir, 'head');
    const outcome = await runGate(gateOptions(dir, { base, checks: [manifestsCheck] }));
    const findings = outcome.result.checks.find((c) => c.id === 'manifests')!.findings;
    const byRule = (rule: string) => findings.filter((f) => f.ruleId === rule).map((f) => f.new);
    expect(byRule('k8s/missing-network-policy')).toEqual([true]);
    expect(byRule('k8s/automount-service-account-token')).toEqual([true]);
    // Findings of the untouched file itself existed in the base.
    expect(byRule('pss/runAsNonRoot')).toEqual([false]);
  });
});
