import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { githubClient } from '../../../src/platform/github/client.js';
import { findPullRequestByHead, GithubPublisher } from '../../../src/platform/github/publisher.js';
import type { CheckResult, Finding } from '../../../src/core/finding.js';
import type { Logger } from '../../../src/core/check.js';
import { Deadline, DeadlineHolder } from '../../../src/platform/deadline.js';
import { FakeGithub } from '../../support/github-server.js';

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };
const SHA = 'a'.repeat(40);
let github: FakeGithub;

/** `pullNumber: null` is a run without a pull request (a push). */
function platform(
  pullNumber: number | null = 7,
  log: Logger = quiet,
  deadline = new DeadlineHolder(),
): GithubPublisher {
  const client = githubClient('test-token', { GITHUB_API_URL: github.url }, log, { writeSpacingMs: 0, deadline });
  return new GithubPublisher(
    client,
    { owner: 'acme', repo: 'web', pullNumber: pullNumber ?? undefined, headSha: SHA },
    log,
  );
}

function recording() {
  const lines: string[] = [];
  const log: Logger = {
    info: (m) => void lines.push(m),
    warn: (m) => void lines.push(m),
    debug: () => undefined,
  };
  return { lines, log };
}

const STATUS = { name: 'containersec', verdict: 'pass' as const, audit: false, description: 'ok' };

/** A check with `count` blocking findings on file lines: one annotation each. */
function checksWithFindings(count: number): CheckResult[] {
  const findings: Finding[] = Array.from({ length: count }, (_, i) => ({
    ruleId: 'k8s/x',
    severity: 'high',
    title: 't',
    message: 'm',
    location: { path: `f${i}.yaml`, startLine: 1 },
    fingerprint: `fp${i}`,
    new: true,
    blocking: true,
  }));
  return [{ id: 'manifests', status: 'fail', errors: [], notes: [], findings, warnings: [] }];
}

beforeEach(async () => {
  github = new FakeGithub();
  await github.start();
});

afterEach(async () => {
  expect(github.violations).toEqual([]);
  await github.stop();
});

describe('GithubPublisher against a loopback GitHub checked with the OpenAPI description', () => {
  it('keeps one comment per marker, updated in place; another job key gets its own', async () => {
    const gh = platform();
    expect(await gh.postComment({ marker: '<!-- m1 -->', body: '<!-- m1 -->\nfirst', mode: 'update' })).toMatchObject({
      ok: true,
      detail: 'comment created',
    });
    expect(await gh.postComment({ marker: '<!-- m1 -->', body: '<!-- m1 -->\nsecond', mode: 'update' })).toMatchObject({
      ok: true,
      detail: 'comment updated',
    });
    await gh.postComment({ marker: '<!-- m2 -->', body: '<!-- m2 -->\nmatrix leg', mode: 'update' });
    expect(github.comments.map((c) => c.body)).toEqual(['<!-- m1 -->\nsecond', '<!-- m2 -->\nmatrix leg']);
    await gh.postComment({ marker: '<!-- m1 -->', body: '<!-- m1 -->\nthird', mode: 'new' });
    expect(github.comments).toHaveLength(3);
  });

  it('finds its comment past the first page (more than 100 comments on the PR)', async () => {
    github.seedComments(7, 230);
    const gh = platform();
    await gh.postComment({ marker: '<!-- m -->', body: '<!-- m -->\nv1', mode: 'update' });
    github.seedComments(7, 20);
    await gh.postComment({ marker: '<!-- m -->', body: '<!-- m -->\nv2', mode: 'update' });
    expect(github.comments.filter((c) => c.body.startsWith('<!-- m -->')).map((c) => c.body)).toEqual([
      '<!-- m -->\nv2',
    ]);
    const listCalls = github.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/issues/7/comments'));
    expect(listCalls.length).toBeGreaterThanOrEqual(6);
  });

  it('never edits a comment someone else wrote with our marker in it', async () => {
    github.seedComments(7, 1, () => '<!-- m -->\nspoofed');
    const gh = platform();
    expect(await gh.postComment({ marker: '<!-- m -->', body: '<!-- m -->\nreal', mode: 'update' })).toMatchObject({
      ok: true,
      detail: 'comment created',
    });
    expect(github.comments.map((c) => c.body)).toEqual(['<!-- m -->\nspoofed', '<!-- m -->\nreal']);
  });

  it("with GITHUB_TOKEN (GET /user refused) edits its Bot comment, never a person's comment carrying the marker", async () => {
    github.seedComments(7, 1, () => '<!-- m -->\n✅ Passed', { login: 'mallory', type: 'User' });
    const { lines, log } = recording();
    const gh = platform(7, log);
    await gh.postComment({ marker: '<!-- m -->', body: '<!-- m -->\nv1', mode: 'update' });
    const fresh = platform(7, log);
    expect(await fresh.postComment({ marker: '<!-- m -->', body: '<!-- m -->\nv2', mode: 'update' })).toMatchObject({
      detail: 'comment updated',
    });
    expect(github.comments.map((c) => [c.user.login, c.body])).toEqual([
      ['mallory', '<!-- m -->\n✅ Passed'],
      ['github-actions[bot]', '<!-- m -->\nv2'],
    ]);
    expect(github.requests.filter((r) => r.method === 'PATCH').map((r) => r.path)).toEqual([
      `/repos/acme/web/issues/comments/${github.comments[1]!.id}`,
    ]);
    expect(lines.join('\n')).toMatch(/Ignored 1 comment\(s\) .* by mallory \(User\)/);
  });

  it('with a personal access token matches the login GET /user gives, not other users or bots', async () => {
    github.tokenUser = { login: 'alice', type: 'User' };
    github.seedComments(7, 1, () => '<!-- m -->\nby alice', { login: 'alice', type: 'User' });
    github.seedComments(7, 1, () => '<!-- m -->\nby a bot', { login: 'other-app[bot]', type: 'Bot' });
    github.seedComments(7, 1, () => '<!-- m -->\nby bob', { login: 'bob', type: 'User' });
    await platform().postComment({ marker: '<!-- m -->', body: '<!-- m -->\nnew', mode: 'update' });
    expect(github.comments.map((c) => c.body)).toEqual([
      '<!-- m -->\nnew',
      '<!-- m -->\nby a bot',
      '<!-- m -->\nby bob',
    ]);
  });

  it('a 5xx after the comment was stored: looks it up instead of posting a duplicate', async () => {
    github.inject.set('post /repos/{owner}/{repo}/issues/{issue_number}/comments', { status: 502, afterWrite: true });
    const outcome = await platform().postComment({ marker: '<!-- m -->', body: '<!-- m -->\nonce', mode: 'update' });
    expect(outcome).toMatchObject({ ok: true });
    expect(github.comments.map((c) => c.body)).toEqual(['<!-- m -->\nonce']);
    // A 5xx where nothing was stored is posted again.
    github.inject.set('post /repos/{owner}/{repo}/issues/{issue_number}/comments', { status: 503 });
    await platform().postComment({ marker: '<!-- n -->', body: '<!-- n -->\nx', mode: 'new' });
    expect(github.comments.filter((c) => c.body.startsWith('<!-- n -->'))).toHaveLength(1);
  });

  it('retries a bare 429 (no secondary-limit message) after retry-after', async () => {
    github.inject.set('post /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      status: 429,
      message: 'Too Many Requests',
      headers: { 'retry-after': '1' },
    });
    expect(await platform().postComment({ marker: '<!-- m -->', body: '<!-- m -->', mode: 'new' })).toMatchObject({
      ok: true,
    });
    expect(github.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(github.comments).toHaveLength(1);
  });

  it('an HTML 200 on check-run create is an API error; the run it made is found and completed, no second one', async () => {
    github.inject.set('post /repos/{owner}/{repo}/check-runs', {
      status: 200,
      raw: '<html><body>Welcome to the proxy</body></html>',
      contentType: 'text/html; charset=utf-8',
      afterWrite: true,
    });
    const gh = platform();
    const started = await gh.startCheck('containersec');
    expect(started).toMatchObject({ ok: false, reason: expect.stringMatching(/HTTP 200 \(text\/html/) as string });
    expect(await gh.setStatus(STATUS)).toMatchObject({ ok: true });
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    expect(await gh.closeOpenCheck()).toBeUndefined();
  });

  it('JSON without an id on check-run create, nothing stored: one completed check run', async () => {
    github.inject.set('post /repos/{owner}/{repo}/check-runs', {
      status: 200,
      raw: '{}',
      contentType: 'application/json',
    });
    const gh = platform();
    expect((await gh.startCheck('containersec')).ok).toBe(false);
    await gh.setStatus(STATUS);
    expect(github.checkRuns.map((r) => r.status)).toEqual(['completed']);
  });

  it('completes a check run whose completion failed, after the commit-status fallback', async () => {
    const gh = platform();
    await gh.startCheck('containersec');
    github.inject.set('patch /repos/{owner}/{repo}/check-runs/{check_run_id}', { status: 500, times: 4 });
    expect(await gh.setStatus({ ...STATUS, verdict: 'fail' })).toMatchObject({ ok: true, detail: 'commit status' });
    expect(github.checkRuns[0]!.status).toBe('in_progress');
    expect(await gh.closeOpenCheck()).toMatchObject({ ok: true });
    expect(github.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
  });

  it('stops at the publishing deadline when the API stalls, saying so', async () => {
    github.inject.set('get /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      status: 200,
      delayMs: 3_000,
      times: 4,
    });
    const holder = new DeadlineHolder();
    holder.current = Deadline.after(1);
    const outcome = await platform(7, quiet, holder).postComment({
      marker: '<!-- m -->',
      body: '<!-- m -->',
      mode: 'update',
    });
    expect(outcome).toMatchObject({
      ok: false,
      reason: expect.stringContaining('publishing deadline of 1 s') as string,
    });
    expect(outcome.ok ? '' : outcome.advice).toContain('publish-timeout');
    expect(github.comments).toEqual([]);
  });

  it('says which permission to add when commenting is refused', async () => {
    github.inject.set('post /repos/{owner}/{repo}/issues/{issue_number}/comments', { status: 403 });
    const outcome = await platform().postComment({ marker: '<!-- m -->', body: '<!-- m -->', mode: 'update' });
    expect(outcome).toMatchObject({ ok: false, reason: expect.stringContaining('HTTP 403') as string });
    expect(outcome.ok ? '' : outcome.advice).toContain('permissions: { pull-requests: write }');
  });

  it('creates the check run in progress, completes it, and sends annotations 50 per request', async () => {
    const gh = platform();
    expect((await gh.startCheck('containersec', 'https://ci.example/run/1')).ok).toBe(true);
    expect(github.checkRuns[0]).toMatchObject({ name: 'containersec', head_sha: SHA, status: 'in_progress' });
    const outcome = await gh.setStatus({
      name: 'containersec',
      verdict: 'fail',
      audit: false,
      description: 'Blocked',
      summary: () => 'x'.repeat(70_000),
      checks: checksWithFindings(120),
    });
    expect(outcome.ok).toBe(true);
    const run = github.checkRuns[0]!;
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run.annotations).toHaveLength(120);
    expect(run.output?.summary?.length).toBe(65_535);
    const updates = github.requests.filter((r) => r.method === 'PATCH' && r.path.includes('/check-runs/'));
    expect(updates).toHaveLength(3);
  });

  it('concludes neutral in audit mode and success on warnings', async () => {
    const gh = platform();
    await gh.setStatus({ name: 'containersec', verdict: 'fail', audit: true, description: 'audit' });
    await platform().setStatus({ name: 'c2', verdict: 'warn', audit: false, description: 'warnings' });
    expect(github.checkRuns.map((r) => r.conclusion)).toEqual(['neutral', 'success']);
  });

  it('falls back to a commit status (description within 140 characters) when checks cannot be written', async () => {
    github.inject.set('post /repos/{owner}/{repo}/check-runs', { status: 403, times: 2 });
    const gh = platform();
    expect((await gh.startCheck('containersec')).ok).toBe(false);
    const outcome = await gh.setStatus({
      name: 'containersec',
      verdict: 'fail',
      audit: false,
      description: 'Blocked: '.repeat(40),
    });
    expect(outcome).toMatchObject({ ok: true, detail: 'commit status' });
    expect(github.statuses[0]!.body).toMatchObject({ state: 'failure', context: 'containersec' });
    expect(String(github.statuses[0]!.body.description).length).toBeLessThanOrEqual(140);
  });

  it('explains missing permissions when neither checks nor statuses can be written', async () => {
    github.inject.set('post /repos/{owner}/{repo}/check-runs', { status: 403 });
    github.inject.set('post /repos/{owner}/{repo}/statuses/{sha}', { status: 403 });
    const outcome = await platform().setStatus({
      name: 'containersec',
      verdict: 'pass',
      audit: false,
      description: 'ok',
    });
    expect(outcome.ok ? '' : outcome.advice).toContain('permissions: { statuses: write }');
  });

  it('retries after a secondary rate limit with retry-after, and after a 5xx', async () => {
    github.inject.set('post /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      status: 403,
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      headers: { 'retry-after': '1' },
    });
    const outcome = await platform().postComment({ marker: '<!-- m -->', body: '<!-- m -->', mode: 'new' });
    expect(outcome.ok).toBe(true);
    expect(github.requests.filter((r) => r.method === 'POST').length).toBe(2);
    github.inject.set('post /repos/{owner}/{repo}/check-runs', { status: 502 });
    expect((await platform().startCheck('containersec')).ok).toBe(true);
  });

  it('finds the pull request of a workflow_run by head SHA, also for forks', async () => {
    const client = githubClient('t', { GITHUB_API_URL: github.url }, quiet);
    github.pulls.push({ number: 12, state: 'open', head: { sha: 'b'.repeat(40) } });
    expect(await findPullRequestByHead(client, 'acme', 'web', 'b'.repeat(40))).toBe(12);
    expect(await findPullRequestByHead(client, 'acme', 'web', 'c'.repeat(40))).toBeUndefined();
  });

  it('posts nothing without a pull request', async () => {
    expect(await platform(null).postComment({ marker: 'm', body: 'm', mode: 'update' })).toMatchObject({ ok: true });
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });
});
