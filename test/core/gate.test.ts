import { describe, expect, it } from 'vitest';
import { applyGate } from '../../src/core/gate.js';
import type { CheckRun } from '../../src/core/gate.js';
import type { Finding, RawFinding } from '../../src/core/finding.js';
import { isFileLocation } from '../../src/core/finding.js';
import { fingerprintAll } from '../../src/core/fingerprint.js';
import { RuleRegistry } from '../../src/core/rules.js';
import { defaultPolicy } from '../../src/policy/presets.js';
import { mergePolicy } from '../../src/policy/merge.js';
import type { Policy } from '../../src/policy/types.js';
import { testLowRule, testRule } from '../support/test-check.js';

const rules = new RuleRegistry([
  testRule,
  testLowRule,
  { id: 'vuln/*', check: 'images', title: 'Vulnerability', severity: 'high', description: '', rationale: '', fix: '' },
  {
    id: 'image/secret-in-layer',
    check: 'images',
    title: 'Secret',
    severity: 'high',
    description: '',
    rationale: '',
    fix: '',
  },
]);
const TODAY = '2026-11-28';

function finding(overrides: Partial<RawFinding> = {}): RawFinding {
  return {
    ruleId: testRule.id,
    severity: 'high',
    title: 'Privileged container',
    message: 'privileged',
    location: { path: 'deploy/web.yaml', startLine: 3, startColumn: 5, object: 'Deployment/web' },
    ...overrides,
  };
}

function run(findings: RawFinding[], extra: Partial<CheckRun> = {}): CheckRun {
  return {
    id: 'manifests',
    ran: true,
    findings,
    fingerprints: fingerprintAll(findings),
    errors: [],
    notes: [],
    ...extra,
  };
}

function policy(fragment: Record<string, unknown> = {}): Policy {
  return mergePolicy(defaultPolicy(), fragment);
}

function gate(runs: CheckRun[], p: Policy = policy()) {
  return applyGate({ runs, policy: p, rules, today: TODAY });
}

describe('applyGate', () => {
  it('blocks at or above fail-on and warns below it', () => {
    const result = gate([run([finding(), finding({ ruleId: testLowRule.id, severity: 'low' })])]);
    expect(result.verdict).toBe('fail');
    expect(result.checks[0]!.findings.map((f) => [f.severity, f.blocking])).toEqual([
      ['high', true],
      ['low', false],
    ]);
    const relaxed = gate([run([finding()])], policy({ checks: { manifests: { 'fail-on': 'critical' } } }));
    expect(relaxed.verdict).toBe('warn');
    expect(relaxed.checks[0]!.status).toBe('warn');
    expect(gate([run([finding()])], policy({ checks: { manifests: { 'fail-on': 'none' } } })).verdict).toBe('warn');
  });

  it('passes with no findings and skips checks that did not run', () => {
    const skip = { label: 'disabled', reason: 'disabled' };
    const result = gate([run([]), { ...run([]), id: 'images', ran: false, skip }]);
    expect(result.verdict).toBe('pass');
    expect(result.checks.map((c) => c.status)).toEqual(['pass', 'skipped']);
    expect(result.checks[1]!.skip).toEqual(skip);
  });

  it('applies exceptions by rule and scope, and the excepted finding does not block', () => {
    const p = policy({
      exceptions: [
        {
          rule: testRule.id,
          paths: ['deploy/**'],
          objects: ['Deployment/web'],
          reason: 'accepted',
          owner: '@team',
          expires: '2027-01-31',
        },
      ],
    });
    const result = gate([run([finding(), finding({ location: { path: 'other/x.yaml', startLine: 1 } })])], p);
    const [covered, uncovered] = [
      result.checks[0]!.findings.find((f) => f.exception),
      result.checks[0]!.findings.find((f) => !f.exception),
    ];
    expect(covered?.blocking).toBe(false);
    expect(covered?.exception).toEqual({ reason: 'accepted', owner: '@team', expires: '2027-01-31', source: 'policy' });
    expect(uncovered?.blocking).toBe(true);
    expect(result.staleExceptions).toEqual([]);
  });

  it('an expired exception stops applying and is reported as expired', () => {
    const p = policy({ exceptions: [{ rule: testRule.id, reason: 'was fine', expires: '2026-11-27' }] });
    const result = gate([run([finding()])], p);
    expect(result.verdict).toBe('fail');
    expect(result.checks[0]!.findings[0]!.exception).toMatchObject({ expired: true, expires: '2026-11-27' });
    expect(result.expiredExceptions.map((e) => e.reason)).toEqual(['was fine']);
    // The expiry day itself still counts.
    const lastDay = gate(
      [run([finding()])],
      policy({ exceptions: [{ rule: testRule.id, reason: 'x', expires: TODAY }] }),
    );
    expect(lastDay.verdict).toBe('pass');
  });

  it('reports an exception that matches nothing as stale (a warning), but only when its check ran cleanly', () => {
    const p = policy({ exceptions: [{ rule: testLowRule.id, reason: 'old' }] });
    const clean = gate([run([])], p);
    expect(clean.staleExceptions.map((s) => s.exception.rule)).toEqual([testLowRule.id]);
    expect(clean.verdict).toBe('warn');
    const errored = gate(
      [run([], { errors: ['boom'] })],
      policy({ 'on-error': 'warn', exceptions: [{ rule: testLowRule.id, reason: 'old' }] }),
    );
    expect(errored.staleExceptions).toEqual([]);
    const imageRule = gate([run([])], policy({ exceptions: [{ rule: 'vuln/CVE-2024-1', reason: 'x' }] }));
    expect(imageRule.staleExceptions).toEqual([]);
  });

  it('honours inline suppressions as exceptions with their reason', () => {
    const result = gate([run([finding({ suppressed: { reason: 'needs host networking' } })])]);
    expect(result.verdict).toBe('pass');
    expect(result.checks[0]!.findings[0]!.exception).toEqual({ reason: 'needs host networking', source: 'inline' });
  });

  it('fails closed on check errors unless on-error: warn', () => {
    expect(gate([run([], { errors: ['registry unreachable'] })]).verdict).toBe('error');
    expect(gate([run([], { errors: ['x'] })], policy({ 'on-error': 'warn' })).verdict).toBe('warn');
    expect(gate([run([], { errors: ['x'] })], policy({ checks: { manifests: { 'on-error': 'warn' } } })).verdict).toBe(
      'warn',
    );
    expect(gate([run([finding()], { errors: ['x'] })], policy({ 'on-error': 'warn' })).verdict).toBe('fail');
  });

  it('audit mode never blocks and never errors', () => {
    const result = gate([run([finding()], { errors: ['x'] })], policy({ mode: 'audit' }));
    expect(result.verdict).toBe('warn');
    expect(result.checks[0]!.findings[0]!.blocking).toBe(false);
  });

  it('new-only blocks only findings missing from the base revision', () => {
    const existing = finding();
    const introduced = finding({ location: { path: 'deploy/new.yaml', startLine: 1 } });
    const base = new Set(fingerprintAll([existing]));
    const result = gate([run([existing, introduced], { baseFingerprints: base })]);
    const byPath: Record<string, Finding> = Object.fromEntries(
      result.checks[0]!.findings.map((f) => [isFileLocation(f.location) ? f.location.path : '', f]),
    );
    expect(byPath['deploy/web.yaml']).toMatchObject({ new: false, blocking: false });
    expect(byPath['deploy/new.yaml']).toMatchObject({ new: true, blocking: true });
    const strict = gate(
      [run([existing, introduced], { baseFingerprints: base })],
      policy({ gate: { 'new-only': false } }),
    );
    expect(strict.checks[0]!.findings.every((f) => f.blocking)).toBe(true);
  });

  it('uses the vulnerability threshold for vuln/ findings', () => {
    const vuln = finding({ ruleId: 'vuln/CVE-2024-1', severity: 'high', location: { image: 'ghcr.io/acme/web:1' } });
    const images = { ...run([vuln]), id: 'images' as const };
    expect(gate([images]).verdict).toBe('warn');
    expect(gate([images], policy({ checks: { images: { vulnerabilities: { 'fail-on': 'high' } } } })).verdict).toBe(
      'fail',
    );
  });
});

describe('fingerprints', () => {
  it('stay the same when lines move and differ per object, container and key', () => {
    const a = finding();
    const moved = finding({
      location: { path: 'deploy/web.yaml', startLine: 40, startColumn: 9, object: 'Deployment/web' },
    });
    expect(fingerprintAll([a])).toEqual(fingerprintAll([moved]));
    const other = finding({ location: { path: 'deploy/web.yaml', startLine: 3, object: 'Deployment/api' } });
    expect(fingerprintAll([other])).not.toEqual(fingerprintAll([a]));
    expect(fingerprintAll([finding({ key: 'A' })])).not.toEqual(fingerprintAll([finding({ key: 'B' })]));
  });

  it('numbers identical findings so both survive', () => {
    const prints = fingerprintAll([finding(), finding()]);
    expect(new Set(prints).size).toBe(2);
  });
});

describe('vulnerability exceptions', () => {
  it('match the advisory by any of its aliases', () => {
    const vuln = finding({
      ruleId: 'vuln/CVE-2024-1',
      severity: 'critical',
      location: { image: 'ghcr.io/acme/web:1' },
      vulnerability: { id: 'CVE-2024-1', aliases: ['GHSA-aaaa-bbbb-cccc', 'DSA-5000-1'], fixed: [] },
    });
    const images = { ...run([vuln]), id: 'images' as const };
    const byGhsa = gate(
      [images],
      policy({ exceptions: [{ rule: 'vuln/GHSA-aaaa-bbbb-cccc', reason: 'not reachable' }] }),
    );
    expect(byGhsa.checks[0]!.findings[0]!.exception?.reason).toBe('not reachable');
    expect(byGhsa.verdict).toBe('pass');
    const other = gate([images], policy({ exceptions: [{ rule: 'vuln/GHSA-zzzz-zzzz-zzzz', reason: 'x' }] }));
    expect(other.verdict).toBe('fail');
  });
});

describe('exception paths', () => {
  const secret = finding({
    ruleId: 'image/secret-in-layer',
    severity: 'high',
    location: { image: 'ghcr.io/acme/web:1', layer: 'sha256:aa', path: '/etc/nsswitch.conf' },
  });
  const images = { ...run([secret]), id: 'images' as const };
  const withPaths = (paths: string[]) =>
    gate([images], policy({ exceptions: [{ rule: 'image/secret-in-layer', paths, reason: 'stock file' }] }));

  it('match an image path written as the report prints it, with or without the leading slash', () => {
    for (const paths of [['/etc/nsswitch.conf'], ['etc/nsswitch.conf'], ['/etc/*.conf'], ['./etc/nsswitch.conf']]) {
      const result = withPaths(paths);
      expect(result.checks[0]!.findings[0]!.exception?.reason, paths[0]).toBe('stock file');
      expect(result.staleExceptions, paths[0]).toEqual([]);
      expect(result.verdict, paths[0]).toBe('pass');
    }
    expect(withPaths(['/etc/passwd']).verdict).toBe('fail');
  });

  it('match a repository path written from the repository root', () => {
    const result = gate(
      [run([finding()])],
      policy({ exceptions: [{ rule: testRule.id, paths: ['/deploy/web.yaml'], reason: 'x' }] }),
    );
    expect(result.verdict).toBe('pass');
    expect(result.staleExceptions).toEqual([]);
  });
});

describe('warn-only findings', () => {
  it('are reported but never block', () => {
    const result = gate([run([finding({ warnOnly: true })])]);
    expect(result.verdict).toBe('warn');
    expect(result.checks[0]!.findings[0]).toMatchObject({ blocking: false });
    expect(result.checks[0]!.findings[0]).not.toHaveProperty('warnOnly');
  });
});

describe('image identity in fingerprints', () => {
  it('ignores the digest and the tag, keeps the repository', async () => {
    const { imageIdentity } = await import('../../src/core/fingerprint.js');
    expect(imageIdentity(`ghcr.io/acme/web:1.2@sha256:${'a'.repeat(64)}`)).toBe('ghcr.io/acme/web');
    expect(imageIdentity('localhost:5000/acme/web:pr-7')).toBe('localhost:5000/acme/web');
    expect(imageIdentity('localhost:5000/web')).toBe('localhost:5000/web');
    expect(imageIdentity('oci:.image:demo')).toBe('oci:.image');
    expect(imageIdentity('nginx')).toBe('nginx');
  });
});

describe('one finding per problem (aggregation after the gate)', () => {
  const inherited = (job: string) =>
    finding({
      ruleId: testRule.id,
      message: 'Image `node:latest` is not pinned. (Inherited from `default:` in .gitlab-ci.yml.)',
      location: { path: '.gitlab-ci.yml', startLine: 2, startColumn: 10, object: job },
    });
  const jobs = ['build', 'test', 'lint'];

  it('joins identical findings at one source location into one that lists the objects', () => {
    const result = gate([run(jobs.map(inherited))]);
    const findings = result.checks[0]!.findings;
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ objects: jobs, location: { object: 'build' }, blocking: true });
    expect(findings[0]!.fingerprints).toEqual(fingerprintAll(jobs.map(inherited)));
    expect(findings[0]!.fingerprint).toBe(findings[0]!.fingerprints![0]);
  });

  it('keeps apart what differs: another line, another message, a file-level finding', () => {
    const other = finding({ ...inherited('x'), location: { path: '.gitlab-ci.yml', startLine: 3, object: 'x' } });
    const fileLevel = (object: string) => finding({ location: { path: 'a.yaml', object } });
    const result = gate([run([inherited('a'), other, fileLevel('p'), fileLevel('q')])]);
    expect(result.checks[0]!.findings).toHaveLength(4);
  });

  it('an exception for one job applies to that job only; the others stay one blocking finding', () => {
    const result = gate(
      [run(jobs.map(inherited))],
      policy({ exceptions: [{ rule: testRule.id, objects: ['lint'], reason: 'lint runs nothing' }] }),
    );
    const findings = result.checks[0]!.findings;
    expect(findings.map((f) => [f.objects ?? [(f.location as { object: string }).object], f.blocking])).toEqual([
      [['build', 'test'], true],
      [['lint'], false],
    ]);
    expect(result.staleExceptions).toEqual([]);
  });

  it('a job added by this change is a new finding of its own; the inherited ones stay existing', () => {
    const base = new Set(fingerprintAll(['build', 'test'].map(inherited)));
    const result = gate([run(jobs.map(inherited), { baseFingerprints: base })]);
    expect(
      result.checks[0]!.findings.map((f) => [f.objects ?? (f.location as { object: string }).object, f.new]),
    ).toEqual([
      ['lint', true],
      [['build', 'test'], false],
    ]);
  });

  it('groups what a check marks as one group at one place, naming every rule id', () => {
    const at = { path: 'deploy/web.yaml', startLine: 17, startColumn: 11, object: 'Deployment/web', container: 'app' };
    const members = [
      finding({
        ruleId: testLowRule.id,
        severity: 'low',
        title: 'Root filesystem is writable',
        location: at,
        group: 'Container not hardened',
      }),
      finding({
        ruleId: testRule.id,
        severity: 'high',
        title: 'Privileged',
        location: at,
        group: 'Container not hardened',
      }),
      finding({
        ruleId: testRule.id,
        severity: 'high',
        title: 'Elsewhere',
        location: { ...at, startLine: 30 },
        group: 'Container not hardened',
      }),
    ];
    const relaxed = policy({ checks: { manifests: { 'fail-on': 'critical' } } });
    const findings = gate([run(members)], relaxed).checks[0]!.findings;
    expect(findings).toHaveLength(2);
    expect(findings[0]).toMatchObject({
      ruleId: testRule.id,
      relatedRuleIds: [testLowRule.id],
      severity: 'high',
      title: 'Container not hardened',
      message: `Container "app": Root filesystem is writable (${testLowRule.id}); Privileged (${testRule.id}).`,
    });
    expect(findings[0]).not.toHaveProperty('group');
    // A different decision (this one blocks, the low one does not) keeps them apart.
    expect(gate([run(members)]).checks[0]!.findings).toHaveLength(3);
  });

  it('an exception naming a related rule id covers the finding', () => {
    const merged = finding({ relatedRuleIds: [testLowRule.id] });
    const result = gate([run([merged])], policy({ exceptions: [{ rule: testLowRule.id, reason: 'same problem' }] }));
    expect(result.verdict).toBe('pass');
    expect(result.staleExceptions).toEqual([]);
  });
});

describe('what was checked (issue 13.1, 13.2)', () => {
  const nothing = { label: 'not configured', reason: 'no image targets.' };

  it('a check with warnings (data it could not reach) is warn, never pass, even without findings', () => {
    const result = gate([run([], { warnings: ['vulnerabilities not checked: OSV API unreachable'] })]);
    expect(result.checks[0]!.status).toBe('warn');
    expect(result.checks[0]!.warnings).toEqual(['vulnerabilities not checked: OSV API unreachable']);
    expect(result.verdict).toBe('warn');
  });

  it('a check that ran with nothing to examine is skipped with its reason; findings or errors override that', () => {
    const result = gate([run([]), run([], { id: 'images', skip: nothing })]);
    expect(result.checks.map((c) => c.status)).toEqual(['pass', 'skipped']);
    expect(result.checks[1]!.skip).toEqual(nothing);
    // All skipped but one passing check: a pass.
    expect(result.verdict).toBe('pass');
    const withError = gate([run([], { id: 'images', skip: nothing, errors: ['bad target'] })]);
    expect(withError.checks[0]!.status).toBe('error');
    expect(withError.checks[0]!.skip).toBeUndefined();
  });

  it('every check skipped is a warning: a gate that checked nothing is not a green pass', () => {
    const result = gate([
      run([], { skip: { label: 'nothing to check', reason: 'no files.' } }),
      run([], { id: 'images', skip: nothing }),
      run([], { id: 'signatures', ran: false, skip: { label: 'not selected', reason: '--only leaves it out.' } }),
    ]);
    expect(result.checks.map((c) => c.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(result.verdict).toBe('warn');
  });
});

describe('expired exceptions (issue 13.4)', () => {
  it('make the finding block again even when it already existed and gate.new-only is on', () => {
    const existing = finding();
    const base = new Set(fingerprintAll([existing]));
    const p = policy({
      gate: { 'new-only': true },
      exceptions: [{ rule: testRule.id, reason: 'was fine', expires: '2026-11-01' }],
    });
    const result = gate([run([existing], { baseFingerprints: base })], p);
    expect(result.checks[0]!.findings[0]).toMatchObject({
      new: false,
      blocking: true,
      exception: { expired: true, expires: '2026-11-01' },
    });
    expect(result.verdict).toBe('fail');
    // The threshold still applies: an expired exception on a finding below fail-on does not block.
    const low = finding({ ruleId: testLowRule.id, severity: 'low' });
    const below = gate(
      [run([low], { baseFingerprints: new Set(fingerprintAll([low])) })],
      policy({ exceptions: [{ rule: testLowRule.id, reason: 'x', expires: '2026-11-01' }] }),
    );
    expect(below.checks[0]!.findings[0]!.blocking).toBe(false);
  });
});

describe('unused inline ignores (issue 13.5)', () => {
  const use = (rules: string[], used: string[], line = 4) => ({
    path: 'deploy/web.yaml',
    line,
    column: 20,
    rules,
    reason: 'needed',
    standalone: false,
    used,
  });

  it('are stale like unmatched policy exceptions: wrong line, wrong rule, or an id no check has', () => {
    const result = gate([
      run([], {
        inlineIgnores: [
          use([testRule.id], []),
          use([testRule.id, testLowRule.id], [testRule.id], 9),
          use(['testk8s/privilegd'], [], 12),
        ],
      }),
    ]);
    expect(result.staleExceptions.map((s) => [s.exception.rule, s.exception.source?.line, s.reason])).toEqual([
      [testRule.id, 4, 'unmatched'],
      [testLowRule.id, 9, 'unmatched'],
      ['testk8s/privilegd', 12, 'unknown-rule'],
    ]);
    expect(result.staleExceptions.every((s) => s.inline)).toBe(true);
    expect(result.staleExceptions[2]!.detail).toBe(
      'no rule has the id testk8s/privilegd; did you mean testk8s/privileged?',
    );
    expect(result.verdict).toBe('warn');
  });

  it('are not judged by a check that did not read them or did not run cleanly; any check that used one counts', () => {
    const vulnIgnore = use(['vuln/CVE-2024-1'], []);
    expect(gate([run([], { inlineIgnores: [vulnIgnore] })]).staleExceptions).toEqual([]);
    const errored = gate(
      [run([], { errors: ['x'], inlineIgnores: [use([testRule.id], [])] })],
      policy({ 'on-error': 'warn' }),
    );
    expect(errored.staleExceptions).toEqual([]);
    const usedElsewhere = gate([
      run([], { inlineIgnores: [use([testRule.id], [])] }),
      run([], { id: 'hardening', inlineIgnores: [use([testRule.id], [testRule.id])] }),
    ]);
    expect(usedElsewhere.staleExceptions).toEqual([]);
  });
});
