import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLEAN_WORKFLOW } from '../support/fixtures.js';
import { commitAll, tempRepo } from '../support/tmp.js';
import { runAction } from '../support/run-action.js';

/** The runner probe would report on the machine running the tests, which differs from machine to machine. */
const NO_PROBE = 'version: 1\nchecks:\n  hardening:\n    runner-probe: false\n';

describe('dist/index.js as the runner runs it', () => {
  it('runs the gate on a checkout, writes the job summary and outputs, and passes', async () => {
    // A workflow to check: a repository where no check has anything to look at is "nothing was checked" (warn).
    const repo = tempRepo({
      '.containersec.yml': NO_PROBE,
      'README.md': 'x',
      ...CLEAN_WORKFLOW,
    });
    commitAll(repo, 'init');
    const result = await runAction(repo, { 'working-directory': '.', policy: '' });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.outputs.verdict).toBe('pass');
    expect(result.summary).toContain('<!-- containersec:comment key=ci/gate -->');
    expect(result.summary).toContain('containersec: Passed');
    expect(JSON.parse(readFileSync(result.outputs['report-json'] ?? '', 'utf8'))).toMatchObject({ schemaVersion: 1 });
    expect(JSON.parse(readFileSync(result.outputs['sarif-file'] ?? '', 'utf8'))).toMatchObject({ version: '2.1.0' });
  });

  it('fails the step with the policy error and its position, without a stack trace', async () => {
    const repo = tempRepo({ '.containersec.yml': 'version: 1\nchecks:\n  manifest: {}\n' });
    const result = await runAction(repo, {});
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('::error::.containersec.yml:3:3: unknown key "manifest" in checks.');
    expect(result.stdout).not.toMatch(/\n\s+at /);
  });

  it('fails closed when an image cannot be opened', async () => {
    const repo = tempRepo({ '.containersec.yml': NO_PROBE });
    const result = await runAction(repo, { images: 'oci:./no-such-layout' });
    expect(result.status).toBe(1);
    expect(result.outputs.verdict).toBe('error');
    expect(result.stdout).toContain('on-error: warn');
  });

  it('reads the base from the pull_request event', async () => {
    const repo = tempRepo({ '.containersec.yml': NO_PROBE });
    const base = commitAll(repo, 'base');
    const head = commitAll(repo, 'head');
    const event = path.join(tempRepo({}), 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { number: 1, base: { sha: base }, head: { sha: head } } }));
    const result = await runAction(repo, {}, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event });
    expect(result.status, result.stdout).toBe(0);
    expect(result.summary).toContain(`compared with ${base}`);
  });
});
