import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import AjvDraft04Module from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { createImagesCheck } from '../../src/checks/images/index.js';
import { runGate } from '../../src/app/run-gate.js';
import { renderGitlabContainerScanning } from '../../src/report/gitlab-container-scanning.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { GITHUB_LIMITS } from '../../src/platform/github/limits.js';
import { buildReportModel } from '../../src/report/model.js';
import { renderSarif } from '../../src/report/sarif.js';
import { PLAIN, renderText } from '../../src/report/text.js';
import { npmPackage, writeLayout } from '../checks/images/helpers.js';
import { testCheck } from '../support/test-check.js';
import { tempRepo } from '../support/tmp.js';

const quiet = { info: () => {}, warn: () => {}, debug: () => {} };
const today = '2026-11-28';

/**
 * Issue 13.1: with `on-unreachable: warn` and the OSV API down, vulnerabilities were never checked. Every
 * output must say so; none may read "Passed: no findings".
 */
describe('a check that could not reach its data', () => {
  it('is a warning with its reason in the terminal, comment, JSON, SARIF and GitLab reports', async () => {
    const repo = tempRepo({
      '.containersec.yml': 'version: 1\nchecks:\n  images:\n    vulnerabilities:\n      on-unreachable: warn\n',
      'deploy/ok.yaml': 'kind: ConfigMap\n',
    });
    // An image with nothing to report but its packages' vulnerabilities.
    const image = await writeLayout(
      join(repo, 'layout'),
      [[{ path: 'app/node_modules/lodash/package.json', content: npmPackage('lodash', '4.17.15') }]],
      { User: '1', Healthcheck: { Test: ['CMD', '/app/healthcheck'] } },
    );
    const images = createImagesCheck({ osvApi: { cacheDir: false, sleep: async () => {}, attempts: 1 } });
    const outcome = await runGate({
      dir: repo,
      env: {},
      log: quiet,
      checks: [testCheck, images],
      images: [image],
      // Port 9 (discard) on loopback: nothing listens, the connection is refused.
      vulnDb: 'osv-api:http://127.0.0.1:9',
      now: new Date(`${today}T12:00:00Z`),
    });
    const checked = outcome.result.checks.find((c) => c.id === 'images')!;
    expect(checked.findings).toEqual([]);
    expect(checked.errors).toEqual([]);
    expect(checked.status).toBe('warn');
    expect(checked.warnings).toHaveLength(1);
    expect(checked.warnings[0]).toMatch(
      /vulnerabilities not checked: OSV API at http:\/\/127\.0\.0\.1:9 could not be reached/,
    );
    expect(outcome.result.verdict).toBe('warn');

    const model = buildReportModel(outcome, { today });
    expect(model.headline).toBe(
      'Passed with warnings: nothing blocks this merge, but the images check did not check everything.',
    );

    const text = renderText(model, PLAIN);
    expect(text).not.toContain('no findings');
    expect(text).toMatch(
      / {2}Images +WARN +0 finding\(s\), 0 blocking, 0 new\n +warning: .*vulnerabilities not checked: OSV API/,
    );
    expect(text).toContain('WARN  Passed with warnings');
    // Issue 13.3: each check's notes are printed under it, as in the comment's "What was checked".
    const imagesBlock = text.slice(text.indexOf('  Images'), text.indexOf('  Manifests'));
    expect(imagesBlock).toMatch(/\n {6}note: oci:.*: 1 package\(s\), 1 layer\(s\)\n/);
    expect(text.slice(text.indexOf('  Manifests'))).toMatch(
      /^ {2}Manifests +PASS .*\n {6}note: test-yaml: 1 file checked\n/,
    );

    const markdown = renderMarkdown(model, { maxChars: GITHUB_LIMITS.commentChars });
    expect(markdown).toContain('### ⚠️ containersec: Passed with warnings');
    expect(markdown).not.toContain('✅ containersec');
    expect(markdown).not.toContain('no findings');
    expect(markdown).toContain('| Images | ⚠️ warn |');
    expect(markdown).toMatch(
      /> \[!WARNING\]\n> \*\*Images\*\* not fully checked: .*vulnerabilities not checked: OSV API/,
    );

    const json = JSON.parse(renderJson(outcome)) as {
      verdict: string;
      checks: { id: string; status: string; warnings: string[] }[];
    };
    const schema = JSON.parse(readFileSync('schema/report.schema.json', 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json.verdict).toBe('warn');
    const imagesJson = json.checks.find((c) => c.id === 'images')!;
    expect(imagesJson.status).toBe('warn');
    expect(imagesJson.warnings[0]).toContain('vulnerabilities not checked');

    const sarif = JSON.parse(renderSarif(outcome)) as {
      runs: {
        automationDetails: { id: string };
        invocations: {
          executionSuccessful: boolean;
          toolExecutionNotifications: { level: string; message: { text: string } }[];
        }[];
      }[];
    };
    const sarifSchema = JSON.parse(readFileSync('test/schemas/sarif-schema-2.1.0.json', 'utf8')) as object;
    const validateSarif = new AjvDraft04Module.default({ strict: false, validateFormats: false }).compile(sarifSchema);
    expect(validateSarif(sarif), JSON.stringify(validateSarif.errors?.slice(0, 3))).toBe(true);
    const run = sarif.runs.find((r) => r.automationDetails.id === 'containersec/images/')!;
    expect(run.invocations[0]!.toolExecutionNotifications).toEqual([
      { level: 'warning', message: { text: checked.warnings[0] } },
    ]);

    const gitlab = JSON.parse(renderGitlabContainerScanning(outcome, { start: new Date(), end: new Date() })) as {
      scan: { messages: { level: string; value: string }[] };
    };
    expect(gitlab.scan.messages.map((m) => m.level)).toEqual(['warn']);
    expect(gitlab.scan.messages[0]!.value).toContain('vulnerabilities not checked');
  });
});
