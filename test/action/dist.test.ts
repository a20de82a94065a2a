import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitAll, tempRepo } from '../support/tmp.js';

const DIST = path.resolve('dist/index.js');
/** The runner probe would report on the machine running the tests, which differs from machine to machine. */
const NO_PROBE = 'version: 1\nchecks:\n  hardening:\n    runner-probe: false\n';

/** Runs the bundled action the way the runner does: INPUT_* and GITHUB_* environment, files for outputs. */
function runAction(workspace: string, inputs: Record<string, string>, extraEnv: Record<string, string> = {}) {
  const runnerTemp = tempRepo({});
  const outputFile = path.join(runnerTemp, 'output.txt');
  const summaryFile = path.join(runnerTemp, 'summary.md');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'acme/web',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '42',
    GITHUB_WORKFLOW: 'ci',
    GITHUB_JOB: 'gate',
    GITHUB_SHA: 'c'.repeat(40),
    GITHUB_EVENT_NAME: 'push',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: runnerTemp,
    ...extraEnv,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  const result = spawnSync(process.execPath, [DIST], { env, encoding: 'utf8', timeout: 60_000 });
  const outputs: Record<string, string> = {};
  for (const m of readFileSync(outputFile, 'utf8').matchAll(/^(\S+?)<<(\S+)\n([\s\S]*?)\n\2$/gm))
    outputs[m[1]!] = m[3]!;
  return { ...result, outputs, summary: readFileSync(summaryFile, 'utf8') };
}

describe('dist/index.js as the runner runs it', () => {
  it('runs the gate on a checkout, writes the job summary and outputs, and passes', () => {
    const repo = tempRepo({ '.containersec.yml': NO_PROBE, 'README.md': 'x' });
    commitAll(repo, 'init');
    const result = runAction(repo, { 'working-directory': '.', policy: '', 'github-token': 'x' });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.outputs.verdict).toBe('pass');
    expect(result.summary).toContain('<!-- containersec:comment key=ci/gate -->');
    expect(result.summary).toContain('containersec: Passed');
    expect(JSON.parse(readFileSync(result.outputs['report-json'] ?? '', 'utf8'))).toMatchObject({ schemaVersion: 1 });
    expect(JSON.parse(readFileSync(result.outputs['sarif-file'] ?? '', 'utf8'))).toMatchObject({ version: '2.1.0' });
  });

  it('fails the step with the policy error and its position, without a stack trace', () => {
    const repo = tempRepo({ '.containersec.yml': 'version: 1\nchecks:\n  manifest: {}\n' });
    const result = runAction(repo, {});
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('::error::.containersec.yml:3:3: unknown key "manifest" in checks.');
    expect(result.stdout).not.toMatch(/\n\s+at /);
  });

  it('fails closed when asked to scan images this build cannot scan', () => {
    const repo = tempRepo({});
    const result = runAction(repo, { images: 'ghcr.io/acme/web:1' });
    expect(result.status).toBe(1);
    expect(result.outputs.verdict).toBe('error');
    expect(result.stdout).toContain('on-error: warn');
  });

  it('reads the base from the pull_request event', () => {
    const repo = tempRepo({ '.containersec.yml': NO_PROBE });
    const base = commitAll(repo, 'base');
    const head = commitAll(repo, 'head');
    const event = path.join(tempRepo({}), 'event.json');
    writeFileSync(event, JSON.stringify({ pull_request: { number: 1, base: { sha: base }, head: { sha: head } } }));
    const result = runAction(repo, {}, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event });
    expect(result.status, result.stdout).toBe(0);
    expect(result.summary).toContain(`compared with ${base}`);
  });
});
