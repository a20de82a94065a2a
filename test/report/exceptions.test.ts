import { describe, expect, it } from 'vitest';
import { runGate } from '../../src/app/run-gate.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { GITHUB_LIMITS } from '../../src/platform/github/limits.js';
import { buildReportModel } from '../../src/report/model.js';
import { PLAIN, renderText } from '../../src/report/text.js';
import { testCheck, testRule } from '../support/test-check.js';
import { commitAll, tempRepo, writeFiles } from '../support/tmp.js';

const quiet = { info: () => {}, warn: () => {}, debug: () => {} };
const today = '2026-11-28';
const gateAt = (dir: string, base?: string) =>
  runGate({ dir, env: {}, log: quiet, checks: [testCheck], now: new Date(`${today}T12:00:00Z`), base });

describe('an expired exception (issue 13.4)', () => {
  it('blocks its existing finding under gate.new-only, listed under "What blocks the merge" with its date', async () => {
    const dir = tempRepo({
      '.containersec.yml': `version: 1
gate:
  new-only: true
checks:
  manifests:
    paths: ["deploy/**"]
exceptions:
  - rule: ${testRule.id}
    reason: "until the migration"
    expires: 2026-11-01
`,
      'deploy/web.yaml': 'privileged: true # object: Deployment/web\n',
    });
    const base = commitAll(dir, 'base');
    writeFiles(dir, { 'deploy/other.yaml': 'kind: ConfigMap\n' });
    commitAll(dir, 'head');

    const outcome = await gateAt(dir, base);
    const finding = outcome.result.checks.find((c) => c.id === 'manifests')!.findings[0]!;
    expect(finding).toMatchObject({ new: false, blocking: true, exception: { expired: true } });
    expect(outcome.result.verdict).toBe('fail');

    const model = buildReportModel(outcome, { today });
    const markdown = renderMarkdown(model, { maxChars: GITHUB_LIMITS.commentChars });
    const blocks = markdown.slice(markdown.indexOf('#### What blocks the merge'), markdown.indexOf('#### Expired'));
    expect(blocks).toContain(testRule.id);
    expect(blocks).toContain('Exception expired on 2026-11-01: until the migration');
    expect(renderText(model, PLAIN)).toMatch(
      /Blocking\n.*testk8s\/privileged[^\n]*\n.*\n +exception expired on 2026-11-01/,
    );
  });
});

describe('an inline ignore that matches nothing (issue 13.5)', () => {
  it('is reported as stale, like a policy exception: wrong line, wrong rule, unknown rule id', async () => {
    const dir = tempRepo({
      '.containersec.yml': 'version: 1\nchecks:\n  manifests:\n    paths: ["deploy/**"]\n',
      'deploy/web.yaml': [
        'privileged: true # containersec:ignore testk8s/privileged needs the host network', // used
        '# containersec:ignore testk8s/privileged the line below is not privileged', // wrong line
        'kind: Deployment',
        'privileged: true # containersec:ignore testk8s/latest wrong rule for this line', // wrong rule
        'image: a:latest # containersec:ignore testk8s/latst typo in the rule id', // unknown id
      ].join('\n'),
    });
    const outcome = await gateAt(dir);
    expect(outcome.result.staleExceptions.map((s) => [s.exception.rule, s.exception.source?.line, s.reason])).toEqual([
      ['testk8s/privileged', 2, 'unmatched'],
      ['testk8s/latest', 4, 'unmatched'],
      ['testk8s/latst', 5, 'unknown-rule'],
    ]);
    // The wrong-rule line's finding still counts; the used ignore suppressed its finding.
    const findings = outcome.result.checks.find((c) => c.id === 'manifests')!.findings;
    expect(findings.filter((f) => f.exception?.source === 'inline')).toHaveLength(1);
    expect(outcome.result.verdict).toBe('fail');

    const model = buildReportModel(outcome, { today });
    const text = renderText(model, PLAIN);
    expect(text).toContain('Stale exceptions (match nothing; remove them)');
    expect(text).toContain(
      '  testk8s/privileged  deploy/web.yaml:2:1 (inline ignore: no testk8s/privileged finding on this line or the next): the line below is not privileged',
    );
    expect(text).toContain(
      'testk8s/latst  deploy/web.yaml:5:17 (inline ignore: no rule has the id testk8s/latst; did you mean testk8s/latest?)',
    );
    const markdown = renderMarkdown(model, { maxChars: GITHUB_LIMITS.commentChars });
    expect(markdown).toContain('#### Stale exceptions');
    expect(markdown).toMatch(
      /- testk8s\/latest: wrong rule for this line \(deploy\/web\.yaml:4\): inline ignore, no testk8s\/latest finding/,
    );
    const json = JSON.parse(renderJson(outcome)) as { exceptions: { stale: { rule: string; inline?: boolean }[] } };
    expect(json.exceptions.stale.map((s) => [s.rule, s.inline])).toEqual([
      ['testk8s/privileged', true],
      ['testk8s/latest', true],
      ['testk8s/latst', true],
    ]);
  });
});
