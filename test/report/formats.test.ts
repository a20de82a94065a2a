import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import AjvDraft04Module from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import type { RawFinding } from '../../src/core/finding.js';
import { renderJson } from '../../src/report/json.js';
import { renderSarif } from '../../src/report/sarif.js';
import { buildReportModel } from '../../src/report/model.js';
import { renderText, PLAIN, COLOR, chooseStyle } from '../../src/report/text.js';
import { readBaseline } from '../../src/report/baseline.js';
import { HOSTILE, sampleOutcome } from '../support/fixtures.js';
import { tempRepo } from '../support/tmp.js';

function validator(schemaPath: string) {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;
  return new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
}

describe('JSON report', () => {
  it('is valid against schema/report.schema.json and follows the contract', () => {
    const validate = validator('schema/report.schema.json');
    const report = JSON.parse(renderJson(sampleOutcome())) as {
      verdict: string;
      checks: { id: string; findings: { blocking: boolean }[] }[];
      exceptions: { stale: unknown[] };
    };
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.verdict).toBe('fail');
    expect(report.checks.map((c) => c.id)).toEqual(['hardening', 'images', 'manifests', 'signatures']);
    expect(report.exceptions.stale).toHaveLength(1);
  });

  it('rejects a report that breaks the contract (the schema can fail)', () => {
    const validate = validator('schema/report.schema.json');
    const report = JSON.parse(renderJson(sampleOutcome())) as { checks: { findings: Record<string, unknown>[] }[] };
    delete report.checks[1]!.findings[0]!.fingerprint;
    expect(validate(report)).toBe(false);
  });
});

describe('findings that stand for several', () => {
  const inherited = (job: string): RawFinding => ({
    ruleId: 'testk8s/latest',
    severity: 'low',
    title: 'Unpinned image',
    message: 'node:latest (Inherited from `default:` in .gitlab-ci.yml.)',
    location: { path: '.gitlab-ci.yml', startLine: 2, startColumn: 10, object: job },
  });
  const merged: RawFinding = {
    ruleId: 'testk8s/privileged',
    relatedRuleIds: ['testk8s/latest'],
    severity: 'high',
    title: 'Host port',
    message: 'hostPort 80',
    location: { path: 'deploy/web.yaml', startLine: 40, startColumn: 15, object: 'Deployment/web', container: 'app' },
  };
  const outcome = () => sampleOutcome([inherited('build'), inherited('test'), inherited('lint'), merged]);

  it('carry relatedRuleIds, objects and fingerprints in the JSON report (valid against the schema)', () => {
    const report = JSON.parse(renderJson(outcome())) as { checks: { findings: Record<string, unknown>[] }[] };
    const validate = validator('schema/report.schema.json');
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    const findings = report.checks.flatMap((c) => c.findings);
    const jobs = findings.find((f) => Array.isArray(f.objects))!;
    expect(jobs.objects).toEqual(['build', 'test', 'lint']);
    expect(jobs.fingerprints).toHaveLength(3);
    expect(findings.find((f) => f.relatedRuleIds)?.relatedRuleIds).toEqual(['testk8s/latest']);
  });

  it('show every rule id and object in the terminal and the comment', () => {
    const text = renderText(buildReportModel(outcome(), { today: '2026-11-28' }), PLAIN);
    expect(text).toContain('testk8s/privileged + testk8s/latest');
    expect(text).toContain('build, test, lint (3)');
  });

  it('count as already there in a later run when any of its fingerprints is in the baseline report', async () => {
    const dir = tempRepo();
    const file = join(dir, 'report.json');
    writeFileSync(file, renderJson(outcome()));
    const prints = (await readBaseline(file)).get('manifests')!;
    const jobs = outcome()
      .result.checks.flatMap((c) => c.findings)
      .find((f) => f.objects)!;
    for (const print of jobs.fingerprints!) expect(prints.has(print)).toBe(true);
  });
});

describe('SARIF report', () => {
  // The OASIS 2.1.0 schema (errata01), vendored with its provenance in test/schemas/README.md. It is draft-04.
  const schema = JSON.parse(readFileSync('test/schemas/sarif-schema-2.1.0.json', 'utf8')) as object;
  const sarifValidator = () =>
    new AjvDraft04Module.default({ allErrors: true, strict: false, validateFormats: false }).compile(schema);

  it('gives each result the security-severity of its own severity; the rule keeps its default', () => {
    // A rule whose default is low, reported at high for this occurrence (as gha/excessive-permissions is for
    // `permissions: write-all`): neither value may contradict the other's level.
    const sarif = JSON.parse(
      renderSarif(
        sampleOutcome([
          {
            ruleId: 'testk8s/latest',
            severity: 'high',
            title: 'Latest tag',
            message: 'worse than usual',
            location: { path: 'deploy/web.yaml', startLine: 2 },
          },
        ]),
      ),
    ) as {
      runs: {
        automationDetails: { id: string };
        tool: {
          driver: {
            rules: { id: string; defaultConfiguration: { level: string }; properties: Record<string, string> }[];
          };
        };
        results: { ruleId: string; level: string; properties: Record<string, unknown> }[];
      }[];
    };
    const run = sarif.runs.find((r) =>
      r.results.some((x) => x.properties.severity === 'high' && x.ruleId === 'testk8s/latest'),
    )!;
    const rule = run.tool.driver.rules.find((r) => r.id === 'testk8s/latest')!;
    expect(rule.defaultConfiguration.level).toBe('note');
    expect(rule.properties['security-severity']).toBe('3.0');
    const result = run.results.find((r) => r.ruleId === 'testk8s/latest' && r.properties.severity === 'high')!;
    expect(result.level).toBe('error');
    expect(result.properties).toMatchObject({ severity: 'high', 'security-severity': '8.0' });
    // Every result's security-severity matches its level, in every run.
    const band = { error: [7, 10], warning: [4, 6.9], note: [0, 3.9] } as const;
    for (const run of sarif.runs) {
      for (const r of run.results) {
        const score = Number(r.properties['security-severity']);
        const [low, high] = band[r.level as keyof typeof band];
        expect(score >= low && score <= high, `${r.ruleId} ${r.level} ${score}`).toBe(true);
      }
    }
  });

  it('is valid SARIF 2.1.0 with one run per check, rules with help, line/column and partialFingerprints', () => {
    const validate = sarifValidator();
    const sarif = JSON.parse(
      renderSarif(
        sampleOutcome([
          {
            ruleId: 'testk8s/latest',
            severity: 'low',
            title: HOSTILE,
            message: HOSTILE,
            location: { path: 'deploy/we ird(1).yaml', startLine: 1 },
          },
        ]),
      ),
    ) as {
      runs: {
        automationDetails: { id: string };
        tool: { driver: { rules: { id: string; help: { text: string } }[] } };
        results: {
          ruleIndex: number;
          ruleId: string;
          locations: {
            physicalLocation: {
              artifactLocation: { uri: string };
              region?: { startLine: number; startColumn?: number };
            };
          }[];
          partialFingerprints: Record<string, string>;
          suppressions?: unknown[];
        }[];
      }[];
    };
    expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(sarif.runs.map((r) => r.automationDetails.id)).toEqual([
      'containersec/hardening/',
      'containersec/images/',
      'containersec/manifests/',
    ]);
    const manifests = sarif.runs[2]!;
    for (const result of manifests.results)
      expect(manifests.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
    const first = manifests.results[0]!;
    expect(first.locations[0]!.physicalLocation.region).toEqual({ startLine: 12, startColumn: 7 });
    expect(first.partialFingerprints['containersec/v1']).toMatch(/^[0-9a-f]{32}$/);
    expect(manifests.tool.driver.rules[0]!.help.text).toContain('Privileged containers can escape');
    expect(manifests.results.filter((r) => r.suppressions)).toHaveLength(1);
    expect(sarif.runs[1]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(
      'ghcr.io/acme/web%3A1.0/var/lib/dpkg/status',
    );
    const uris = manifests.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(uris).toContain('deploy/we%20ird(1).yaml');
  });
});

describe('terminal report', () => {
  it('prints a multi-line fix with every line under the first, as code to copy', () => {
    const fix = 'RUN useradd --system --uid 10001 app\nUSER 10001';
    const text = renderText(
      buildReportModel(
        sampleOutcome([
          {
            ruleId: 'dockerfile/root-user',
            severity: 'low',
            title: 'Root',
            message: 'm',
            fix,
            location: { path: 'Dockerfile' },
          },
        ]),
        { today: '2026-11-28' },
      ),
      PLAIN,
    );
    const at = text.indexOf('fix: RUN useradd');
    const column = at - text.lastIndexOf('\n', at) - 1 + 'fix: '.length;
    expect(text).toContain(`\n${' '.repeat(column)}USER 10001\n`);
  });

  it('shows the verdict, each check, and findings by what they mean for the merge', () => {
    const text = renderText(buildReportModel(sampleOutcome(), { today: '2026-11-28' }), PLAIN);
    expect(text).toContain('FAIL  Blocked: 2 findings must be fixed or excepted before merging.');
    expect(text).toMatch(/Manifests\s+FAIL/);
    expect(text).toContain('deploy/web.yaml:12:7  Deployment/web  container app');
    expect(text).toContain('Stale exceptions');
    expect(text).not.toContain('\u001b[');
  });

  it('strips control characters from scanned data so they cannot rewrite the terminal', () => {
    const text = renderText(
      buildReportModel(
        sampleOutcome([
          { ruleId: 'testk8s/latest', severity: 'low', title: HOSTILE, message: 'x', location: { path: 'a.yaml' } },
        ]),
        { today: '2026-11-28' },
      ),
      COLOR,
    );
    expect(text).not.toContain('\u001b[31mred');
  });

  it('colours only a TTY without NO_COLOR', () => {
    expect(chooseStyle({ isTTY: true }, {})).toBe(COLOR);
    expect(chooseStyle({ isTTY: false }, {})).toBe(PLAIN);
    expect(chooseStyle({ isTTY: true }, { NO_COLOR: '1' })).toBe(PLAIN);
    expect(chooseStyle({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(COLOR);
  });
});
