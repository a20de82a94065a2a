import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../../src/entry/cli.js';
import { FAKE_TOKEN, startFakeGitlab } from '../platform/gitlab/fake-gitlab.js';
import type { FakeGitlab } from '../platform/gitlab/fake-gitlab.js';
import { CLEAN_WORKFLOW } from '../support/fixtures.js';
import { captureIo } from '../support/io.js';
import { commitAll, runGit, tempRepo, writeFiles } from '../support/tmp.js';

/**
 * End to end: the CLI as the component runs it, with GitLab CI's predefined variables, against a loopback
 * GitLab. This build ships no linters yet, so "an MR that blocks" is one whose image cannot be scanned (the
 * images check errors and the gate fails closed, exit 3), and "an MR that passes" passes with a warning
 * (a stale exception).
 */

let server: FakeGitlab | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const compile = (file: string) =>
  new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(
    JSON.parse(readFileSync(file, 'utf8')) as object,
  );
const containerScanning = compile('test/schemas/container-scanning-report-format-15.0.7.json');
const codeQuality = compile('test/schemas/gitlab-code-quality-report.json');

const OUTPUTS = [
  '--output',
  'gitlab=gl-container-scanning-report.json',
  '--output',
  'codequality=gl-code-quality-report.json',
  '--output',
  'sarif=containersec.sarif',
  '--output',
  'json=containersec.json',
];

const NO_PROBE = 'checks:\n  hardening:\n    runner-probe: false\n';

/** A merge request: the target branch's commit (the merge base) and the MR's head commit. */
function mergeRequest(policy = 'version: 1\n') {
  // The runner probe would report on the machine running the tests, which differs from machine to machine.
  const repo = tempRepo({ '.containersec.yml': `${policy}${NO_PROBE}`, 'README.md': 'base', ...CLEAN_WORKFLOW });
  const base = commitAll(repo, 'base');
  writeFiles(repo, { 'README.md': 'changed in the MR' });
  const head = commitAll(repo, 'head');
  return { repo, base, head };
}

function gitlabEnv(gitlab: FakeGitlab, base: string, head: string, extra: Record<string, string | undefined> = {}) {
  return {
    CI: 'true',
    GITLAB_CI: 'true',
    CI_SERVER_URL: 'https://gitlab.example.com',
    CI_API_V4_URL: gitlab.apiUrl,
    CI_PROJECT_ID: '7',
    CI_PROJECT_PATH: 'acme/web',
    CI_PROJECT_URL: 'https://gitlab.example.com/acme/web',
    CI_PIPELINE_ID: '99',
    CI_PIPELINE_SOURCE: 'merge_request_event',
    CI_JOB_ID: '5',
    CI_JOB_NAME: 'containersec',
    CI_JOB_URL: 'https://gitlab.example.com/acme/web/-/jobs/5',
    CI_COMMIT_SHA: head,
    CI_COMMIT_BEFORE_SHA: '0'.repeat(40),
    CI_MERGE_REQUEST_IID: '3',
    CI_MERGE_REQUEST_DIFF_BASE_SHA: base,
    CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature',
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
    CONTAINERSEC_GITLAB_TOKEN: FAKE_TOKEN,
    ...extra,
  };
}

const noSleep = () => Promise.resolve();

describe('containersec check in GitLab CI, against a loopback GitLab', () => {
  it('an MR whose image cannot be scanned blocks: exit 3, one note (edited in place on re-run), a failed status, all reports', async () => {
    server = await startFakeGitlab();
    const { repo, base, head } = mergeRequest();
    const env = gitlabEnv(server, base, head);
    const io = { ...captureIo(repo, env), sleep: noSleep };
    expect(await cli(['check', '.', '--image', 'oci:./missing', ...OUTPUTS], io)).toBe(3);

    const notes = server.notes.get('7/3')!;
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body.startsWith('<!-- containersec:comment key=containersec -->\n')).toBe(true);
    expect(notes[0]!.body).toContain('the images check could not finish');
    expect(notes[0]!.body).toContain(`compared with ${base}`);
    expect(notes[0]!.body).toContain('(https://gitlab.example.com/acme/web/-/jobs/5)');
    expect(server.statuses).toEqual([
      {
        project: '7',
        sha: head,
        body: {
          state: 'failed',
          name: 'containersec',
          description: expect.stringMatching(/^Blocked: the images check could not finish/) as string,
          target_url: 'https://gitlab.example.com/acme/web/-/jobs/5',
          pipeline_id: 99,
        },
      },
    ]);
    const cs = JSON.parse(readFileSync(path.join(repo, 'gl-container-scanning-report.json'), 'utf8')) as {
      scan: { status: string };
    };
    expect(containerScanning(cs), JSON.stringify(containerScanning.errors)).toBe(true);
    expect(cs.scan.status).toBe('failure');
    expect(codeQuality(JSON.parse(readFileSync(path.join(repo, 'gl-code-quality-report.json'), 'utf8')))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(repo, 'containersec.json'), 'utf8'))).toMatchObject({
      verdict: 'error',
      base,
    });
    expect(JSON.parse(readFileSync(path.join(repo, 'containersec.sarif'), 'utf8'))).toMatchObject({ version: '2.1.0' });
    expect(io.out()).toContain('ERROR');
    expect(io.err()).toContain('GitLab: added note');
    expect(io.err()).toContain('GitLab: commit status containersec: failed');

    const again = { ...captureIo(repo, env), sleep: noSleep };
    expect(await cli(['check', '.', '--image', 'oci:./missing', ...OUTPUTS], again)).toBe(3);
    expect(server.notes.get('7/3')).toHaveLength(1);
    expect(again.err()).toContain(`GitLab: updated note ${notes[0]!.id}`);
    expect(server.problems).toEqual([]);
    expect(io.err() + io.out() + again.err() + again.out()).not.toContain(FAKE_TOKEN);
  });

  it('an MR that passes (with a warning: a stale exception): exit 0, a success status, its own note per job', async () => {
    server = await startFakeGitlab();
    const policy =
      'version: 1\nexceptions:\n  - rule: manifests/parse-error\n    paths: ["nothing/**"]\n    reason: "left over"\n';
    const { repo, base, head } = mergeRequest(policy);
    const env = gitlabEnv(server, base, head, { CI_JOB_NAME: 'containersec: [arm64]' });
    const io = { ...captureIo(repo, env), sleep: noSleep };
    expect(await cli(['check', '.', ...OUTPUTS], io)).toBe(0);
    const notes = server.notes.get('7/3')!;
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body.startsWith('<!-- containersec:comment key=containersec:__arm64_ -->')).toBe(true);
    expect(notes[0]!.body).toContain('Stale exceptions');
    expect(server.statuses[0]!.body).toMatchObject({ state: 'success', name: 'containersec' });
    expect(String(server.statuses[0]!.body.description)).toMatch(/^Passed with warnings/);

    const keyed = { ...captureIo(repo, { ...env, CONTAINERSEC_COMMENT_KEY: 'other' }), sleep: noSleep };
    expect(await cli(['check', '.'], keyed)).toBe(0);
    expect(server.notes.get('7/3')!.map((n) => n.body.slice(0, 40))).toEqual([
      '<!-- containersec:comment key=containers',
      '<!-- containersec:comment key=other -->\n',
    ]);
    expect(server.problems).toEqual([]);
  });

  it('without a token: same exit code, reports written, says exactly what to create, calls nothing', async () => {
    server = await startFakeGitlab();
    const { repo, base, head } = mergeRequest();
    const env = gitlabEnv(server, base, head, {
      CONTAINERSEC_GITLAB_TOKEN: undefined,
      CONTAINERSEC_GITLAB_TOKEN_VARIABLE: 'MY_GITLAB_TOKEN',
      CI_JOB_TOKEN: 'job-token-cannot-write-notes',
    });
    const io = captureIo(repo, env);
    expect(await cli(['check', '.', '--image', 'oci:./missing', ...OUTPUTS], io)).toBe(3);
    expect(server.requests).toEqual([]);
    const err = io.err();
    expect(err).toContain('No GitLab token in $MY_GITLAB_TOKEN');
    expect(err).toContain('CI_JOB_TOKEN cannot write merge-request notes');
    expect(err).toContain('project access token (https://gitlab.example.com/acme/web/-/settings/access_tokens)');
    expect(err).toContain('"api" scope');
    expect(err).toContain('named MY_GITLAB_TOKEN, with "Mask variable" on');
    expect(err).not.toContain('job-token-cannot-write-notes');
    expect(readFileSync(path.join(repo, 'gl-container-scanning-report.json'), 'utf8')).toContain('"failure"');
    expect(io.out()).toContain('ERROR');
  });

  it('a revoked token (401) is a warning with advice; the gate result and exit code are unchanged', async () => {
    server = await startFakeGitlab();
    const { repo, base, head } = mergeRequest();
    const revoked = 'glpat-revoked-0000';
    const io = {
      ...captureIo(repo, gitlabEnv(server, base, head, { CONTAINERSEC_GITLAB_TOKEN: revoked })),
      sleep: noSleep,
    };
    expect(await cli(['check', '.'], io)).toBe(0);
    expect(io.err()).toContain('401 Unauthorized');
    expect(io.err()).toContain('Create a new project or group access token');
    expect(io.err()).not.toContain(revoked);
    expect(server.notes.get('7/3') ?? []).toEqual([]);
  });

  it('comment off (flag or policy) posts no note but still sets the status; --publish none posts nothing', async () => {
    server = await startFakeGitlab();
    const { repo, base, head } = mergeRequest('version: 1\nreport:\n  comment: off\n');
    const env = gitlabEnv(server, base, head);
    const io = { ...captureIo(repo, env), sleep: noSleep };
    expect(await cli(['check', '.'], io)).toBe(0);
    expect(server.notes.get('7/3') ?? []).toEqual([]);
    expect(server.statuses).toHaveLength(1);
    expect(io.err()).toContain('report.comment is off');

    expect(await cli(['check', '.', '--comment', 'update'], { ...captureIo(repo, env), sleep: noSleep })).toBe(0);
    expect(server.notes.get('7/3')).toHaveLength(1);

    const named = { ...captureIo(repo, { ...env, CONTAINERSEC_STATUS_NAME: 'security/containersec' }), sleep: noSleep };
    expect(await cli(['check', '.'], named)).toBe(0);
    expect(await cli(['check', '.', '--status-name', 'gate-arm64'], { ...captureIo(repo, env), sleep: noSleep })).toBe(
      0,
    );
    expect(server.statuses.map((s) => s.body.name)).toEqual([
      'containersec',
      'containersec',
      'security/containersec',
      'gate-arm64',
    ]);

    const before = server.requests.length;
    expect(await cli(['check', '.', '--publish', 'none'], captureIo(repo, env))).toBe(0);
    expect(server.requests.length).toBe(before);
    const bad = captureIo(repo, env);
    expect(await cli(['check', '.', '--comment', 'sometimes'], bad)).toBe(2);
    expect(bad.err()).toContain('--comment: "sometimes" is not one of: update, new, off.');
  });

  it('a branch pipeline (no merge request): no note, a status on the commit, base from CI_COMMIT_BEFORE_SHA', async () => {
    server = await startFakeGitlab();
    const { repo, base, head } = mergeRequest();
    const env = gitlabEnv(server, base, head, {
      CI_MERGE_REQUEST_IID: undefined,
      CI_MERGE_REQUEST_DIFF_BASE_SHA: undefined,
      CI_PIPELINE_SOURCE: 'push',
      CI_COMMIT_BEFORE_SHA: base,
    });
    const io = { ...captureIo(repo, env), sleep: noSleep };
    expect(await cli(['check', '.', '--output', 'json=r.json'], io)).toBe(0);
    expect(server.requests.filter((r) => r.path.includes('/notes'))).toEqual([]);
    expect(server.statuses).toHaveLength(1);
    expect(io.err()).toContain('not a pull or merge request pipeline');
    expect(JSON.parse(readFileSync(path.join(repo, 'r.json'), 'utf8'))).toMatchObject({ base });
  });

  it('fetches the merge-request base into a shallow clone (GitLab clones with GIT_DEPTH) and compares with it', async () => {
    server = await startFakeGitlab();
    const { repo: origin, base, head } = mergeRequest();
    runGit(origin, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
    const parent = tempRepo({});
    runGit(parent, 'clone', '-q', '--depth', '1', `file://${origin}`, 'clone');
    const clone = path.join(parent, 'clone');
    expect(() => runGit(clone, 'cat-file', '-e', `${base}^{commit}`)).toThrow();
    const io = { ...captureIo(clone, gitlabEnv(server, base, head)), sleep: noSleep };
    expect(await cli(['check', '.', '--output', 'json=r.json'], io)).toBe(0);
    const report = JSON.parse(readFileSync(path.join(clone, 'r.json'), 'utf8')) as { base: string; notices: string[] };
    expect(report.base).toBe(base);
    expect(report.notices.join(' ')).not.toContain('is not in this clone');
  });

  it('--image-list takes a JSON array (a GitLab array input) or a comma list', async () => {
    const repo = tempRepo({});
    const json = captureIo(repo);
    expect(await cli(['check', '.', '--image-list', '["oci:./a", "oci:./b"]', '--format', 'json'], json)).toBe(3);
    const errors = (JSON.parse(json.out()) as { checks: { id: string; errors: string[] }[] }).checks.find(
      (c) => c.id === 'images',
    )!.errors;
    expect(errors.length).toBeGreaterThan(0);
    expect(await cli(['check', '.', '--image-list', '[]'], captureIo(repo))).toBe(0);
    const bad = captureIo(repo);
    expect(await cli(['check', '.', '--image-list', '[1, 2]'], bad)).toBe(2);
    expect(bad.err()).toContain('expected a JSON array of strings');
  });
});

describe('dist/cli.js in GitLab CI (the bundle the component runs through npx)', () => {
  it('publishes the note and the status from the bundled CLI', async () => {
    server = await startFakeGitlab({ prefix: '/gitlab/api/v4' });
    const { repo, base, head } = mergeRequest();
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...gitlabEnv(server, base, head) };
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [path.resolve('dist/cli.js'), 'check', '.', ...OUTPUTS],
        { cwd: repo, env, timeout: 60_000 },
        (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
      );
    });
    expect(result.code, result.stderr).toBe(0);
    expect(server.notes.get('7/3')).toHaveLength(1);
    expect(server.statuses[0]!.body).toMatchObject({ state: 'success' });
    expect(server.problems).toEqual([]);
    expect(result.stderr).not.toContain(FAKE_TOKEN);
  });
});
