import type { GateOutcome } from '../../src/core/outcome.js';
import { applyGate } from '../../src/core/gate.js';
import type { RawFinding } from '../../src/core/finding.js';
import { fingerprintAll } from '../../src/core/fingerprint.js';
import { RuleRegistry } from '../../src/core/rules.js';
import { defaultPolicy } from '../../src/policy/presets.js';
import { mergePolicy } from '../../src/policy/merge.js';
import { testLowRule, testRule } from './test-check.js';

export const HOSTILE =
  '@octocat #1 <!-- containersec:comment key=x --> | `rm -rf` [x](javascript:alert(1)) **bold** <img src=x onerror=alert(1)> \u001b[31mred\n# heading';

/** A gate outcome with one of everything: blocking, new, existing, excepted, image finding, stale exception. */
export function sampleOutcome(extraFindings: RawFinding[] = []): GateOutcome {
  const rules = new RuleRegistry([
    testRule,
    testLowRule,
    {
      id: 'vuln/*',
      check: 'images',
      title: 'Known vulnerability',
      severity: 'high',
      description: 'd',
      rationale: 'r',
      fix: 'f',
    },
  ]);
  const manifests: RawFinding[] = [
    {
      ruleId: testRule.id,
      severity: 'high',
      title: 'Privileged container',
      message: 'privileged: true',
      location: { path: 'deploy/web.yaml', startLine: 12, startColumn: 7, object: 'Deployment/web', container: 'app' },
      fix: 'remove privileged',
    },
    {
      ruleId: testLowRule.id,
      severity: 'low',
      title: 'Latest tag',
      message: 'nginx:latest',
      location: { path: 'deploy/web.yaml', startLine: 20, startColumn: 14, object: 'Deployment/web' },
    },
    {
      ruleId: testLowRule.id,
      severity: 'low',
      title: 'Latest tag',
      message: 'old',
      location: { path: 'deploy/old.yaml', startLine: 2, startColumn: 1 },
    },
    {
      ruleId: testRule.id,
      severity: 'high',
      title: 'Privileged container',
      message: 'ok here',
      location: { path: 'deploy/cni.yaml', startLine: 5, startColumn: 3 },
    },
    ...extraFindings,
  ];
  const images: RawFinding[] = [
    {
      ruleId: 'vuln/CVE-2024-0001',
      severity: 'critical',
      title: 'CVE-2024-0001 in openssl',
      message: 'openssl 3.0.1 is affected',
      location: { image: 'ghcr.io/acme/web:1.0', layer: 'sha256:' + 'a'.repeat(64), path: '/var/lib/dpkg/status' },
      package: { ecosystem: 'Debian:12', name: 'openssl', version: '3.0.1', purl: 'pkg:deb/debian/openssl@3.0.1' },
      vulnerability: { id: 'CVE-2024-0001', aliases: ['DSA-1'], fixed: ['3.0.2'] },
    },
  ];
  const base = new Set(fingerprintAll(manifests).slice(2, 3));
  const policy = mergePolicy(defaultPolicy(), {
    exceptions: [
      { rule: testRule.id, paths: ['deploy/cni.yaml'], reason: 'CNI needs it', owner: '@net', expires: '2026-12-01' },
      {
        rule: 'testk8s/latest',
        paths: ['nothing/**'],
        reason: 'stale one',
        source: { file: '.containersec.yml', line: 9, column: 5 },
      },
    ],
  });
  policy.file = '.containersec.yml';
  const result = applyGate({
    runs: [
      { id: 'hardening', ran: true, findings: [], fingerprints: [], errors: [], notes: [] },
      { id: 'images', ran: true, findings: images, fingerprints: fingerprintAll(images), errors: [], notes: [] },
      {
        id: 'manifests',
        ran: true,
        findings: manifests,
        fingerprints: fingerprintAll(manifests),
        errors: [],
        notes: [],
        baseFingerprints: base,
      },
      {
        id: 'signatures',
        ran: false,
        skip: { label: 'not run', reason: 'not available' },
        findings: [],
        fingerprints: [],
        errors: [],
        notes: [],
      },
    ],
    policy,
    rules,
    today: '2026-11-28',
  });
  return { result, policy, rules, notices: ['a notice'], root: '/repo', baseCommit: 'b'.repeat(40) };
}

/** A GitHub workflow the recommended policy has nothing to say about: a repository where the gate checks something and passes. */
export const CLEAN_WORKFLOW = {
  '.github/workflows/ci.yml':
    'name: ci\non: push\npermissions: {}\njobs:\n  test:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - run: echo hi\n',
};
