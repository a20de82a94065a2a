import { afterEach, describe, expect, it } from 'vitest';
import { GitlabClient, retryAfterSeconds } from '../../../src/platform/gitlab/client.js';
import { GitlabPublisher, gitlabState } from '../../../src/platform/gitlab/publisher.js';
import { Deadline, DeadlineHolder } from '../../../src/platform/deadline.js';
import type { StatusRequest } from '../../../src/platform/platform.js';
import { BOT_USER, FAKE_TOKEN, foreignNote, startFakeGitlab } from './fake-gitlab.js';
import type { FakeGitlab } from './fake-gitlab.js';

const SHA = 'c'.repeat(40);
const MARKER = '<!-- containersec:comment key=gate -->';
let server: FakeGitlab | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function setup(gitlab: FakeGitlab, token = FAKE_TOKEN, apiUrl = gitlab.apiUrl, deadline = new DeadlineHolder()) {
  const sleeps: number[] = [];
  const client = new GitlabClient({
    apiUrl,
    token,
    tokenVariable: 'CONTAINERSEC_GITLAB_TOKEN',
    deadline,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  const platform = new GitlabPublisher(client, { projectId: '7', mergeRequestIid: '3', sha: SHA, pipelineId: '99' });
  return { platform, sleeps };
}

const status = (overrides: Partial<StatusRequest> = {}): StatusRequest => ({
  name: 'containersec',
  verdict: 'fail',
  audit: false,
  description: 'Blocked: 1 finding must be fixed or excepted before merging.',
  targetUrl: 'https://gitlab.example.com/acme/web/-/jobs/5',
  ...overrides,
});

describe('GitLab platform against a loopback GitLab', () => {
  it('adds one note, then edits that same note in place on the next run', async () => {
    server = await startFakeGitlab();
    const { platform } = setup(server);
    const first = await platform.postComment({ marker: MARKER, body: `${MARKER}\nfirst`, mode: 'update' });
    expect(first).toMatchObject({ ok: true });
    const second = await platform.postComment({ marker: MARKER, body: `${MARKER}\nsecond`, mode: 'update' });
    expect(second).toMatchObject({ ok: true, detail: expect.stringContaining('updated note 1000') as string });
    expect(server.notes.get('7/3')).toEqual([{ id: 1000, body: `${MARKER}\nsecond`, system: false, author: BOT_USER }]);
    const writes = server.requests.filter((r) => r.method !== 'GET');
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /projects/7/merge_requests/3/notes',
      'PUT /projects/7/merge_requests/3/notes/1000',
    ]);
    expect(writes[1]!.body).toEqual({ body: `${MARKER}\nsecond` });
    for (const request of server.requests) {
      expect(request.headers['private-token']).toBe(FAKE_TOKEN);
      expect(request.headers['user-agent']).toMatch(/^containersec\//);
    }
    expect(server.problems).toEqual([]);
  });

  it('adds a new note when ours was deleted between listing and editing (404 on PUT)', async () => {
    server = await startFakeGitlab();
    server.notes.set('7/3', [{ id: 5, body: `${MARKER}\nold`, system: false, author: BOT_USER }]);
    server.overrides.push({ match: (r) => r.method === 'PUT', status: 404, body: { message: '404 Not found' } });
    const { platform } = setup(server);
    expect(await platform.postComment({ marker: MARKER, body: `${MARKER}\nnew`, mode: 'update' })).toMatchObject({
      ok: true,
      detail: expect.stringContaining('added note') as string,
    });
    expect(server.requests.filter((r) => r.method !== 'GET').map((r) => r.method)).toEqual(['PUT', 'POST']);
  });

  it('keeps separate notes per comment key (parallel jobs) and always adds one in "new" mode', async () => {
    server = await startFakeGitlab();
    const { platform } = setup(server);
    await platform.postComment({ marker: MARKER, body: `${MARKER}\na`, mode: 'update' });
    const other = '<!-- containersec:comment key=gate-arm64 -->';
    await platform.postComment({ marker: other, body: `${other}\nb`, mode: 'update' });
    await platform.postComment({ marker: MARKER, body: `${MARKER}\nc`, mode: 'new' });
    expect(server.notes.get('7/3')!.map((n) => n.body)).toEqual([`${MARKER}\na`, `${other}\nb`, `${MARKER}\nc`]);
    expect(server.problems).toEqual([]);
  });

  it('finds our note past the first page (150 notes, per_page=100, x-next-page)', async () => {
    server = await startFakeGitlab();
    const notes = Array.from({ length: 150 }, (_, i) => foreignNote(i + 1, `review comment ${i + 1}`));
    notes[129] = { id: 130, body: `${MARKER}\nold report`, system: false, author: BOT_USER };
    server.notes.set('7/3', notes);
    const { platform } = setup(server);
    expect(await platform.postComment({ marker: MARKER, body: `${MARKER}\nnew`, mode: 'update' })).toMatchObject({
      ok: true,
    });
    const lists = server.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/notes'));
    expect(lists.map((r) => [r.query.get('page'), r.query.get('per_page')])).toEqual([
      ['1', '100'],
      ['2', '100'],
    ]);
    expect(server.notes.get('7/3')![129]!.body).toBe(`${MARKER}\nnew`);
    expect(server.notes.get('7/3')).toHaveLength(150);
    expect(server.problems).toEqual([]);
  });

  it('does not take over a note someone else wrote with our marker, nor a system note', async () => {
    server = await startFakeGitlab();
    server.notes.set('7/3', [
      foreignNote(1, `${MARKER}\nspoofed`),
      { id: 2, body: `${MARKER}\nsystem`, system: true, author: BOT_USER },
    ]);
    const { platform } = setup(server);
    await platform.postComment({ marker: MARKER, body: `${MARKER}\nours`, mode: 'update' });
    expect(server.notes.get('7/3')!.map((n) => n.body)).toEqual([
      `${MARKER}\nspoofed`,
      `${MARKER}\nsystem`,
      `${MARKER}\nours`,
    ]);
    expect(server.requests.some((r) => r.method === 'PUT')).toBe(false);
  });

  it('edits no note when GitLab does not say who the token is: adds a new one instead', async () => {
    server = await startFakeGitlab();
    const { platform } = setup(server);
    await platform.postComment({ marker: MARKER, body: `${MARKER}\nfirst`, mode: 'update' });
    server.overrides.push({ match: (r) => r.method === 'GET' && r.path === '/user', status: 500, times: 4 });
    const second = await platform.postComment({ marker: MARKER, body: `${MARKER}\nsecond`, mode: 'update' });
    expect(second).toMatchObject({
      ok: true,
      detail: expect.stringContaining('did not say who the token is') as string,
    });
    expect(server.notes.get('7/3')!.map((n) => n.body)).toEqual([`${MARKER}\nfirst`, `${MARKER}\nsecond`]);
    expect(server.requests.some((r) => r.method === 'PUT')).toBe(false);
  });

  it('spends retries within the publishing deadline: a backoff that would cross it stops, saying so', async () => {
    server = await startFakeGitlab();
    const holder = new DeadlineHolder();
    holder.current = Deadline.after(1);
    const { platform, sleeps } = setup(server, FAKE_TOKEN, server.apiUrl, holder);
    server.overrides.push({ match: (r) => r.method === 'POST', status: 502, times: 4 });
    const outcome = await platform.setStatus(status());
    expect(outcome).toMatchObject({
      ok: false,
      reason: expect.stringContaining('publishing deadline of 1 s') as string,
    });
    expect(outcome.ok ? '' : outcome.advice).toContain('--publish-timeout');
    expect(sleeps).toEqual([]);
  });

  it('sets the commit status with the documented fields: state, name, description <= 255, target_url, pipeline_id', async () => {
    server = await startFakeGitlab();
    const { platform } = setup(server);
    expect(await platform.setStatus(status({ description: 'x'.repeat(400) }))).toMatchObject({ ok: true });
    expect(await platform.setStatus(status({ verdict: 'warn', name: 'containersec-arm64' }))).toMatchObject({
      ok: true,
    });
    expect(server.statuses).toHaveLength(2);
    expect(server.statuses[0]).toEqual({
      project: '7',
      sha: SHA,
      body: {
        state: 'failed',
        name: 'containersec',
        description: `${'x'.repeat(254)}…`,
        target_url: 'https://gitlab.example.com/acme/web/-/jobs/5',
        pipeline_id: 99,
      },
    });
    expect(server.statuses[1]!.body).toMatchObject({ state: 'success', name: 'containersec-arm64' });
    expect(server.problems).toEqual([]);
  });

  it('maps verdicts to states: pass/warn success, fail/error failed, audit always success', () => {
    expect(gitlabState('pass', false)).toBe('success');
    expect(gitlabState('warn', false)).toBe('success');
    expect(gitlabState('fail', false)).toBe('failed');
    expect(gitlabState('error', false)).toBe('failed');
    expect(gitlabState('fail', true)).toBe('success');
    expect(gitlabState('error', true)).toBe('success');
  });

  it('works with a self-managed instance under a path prefix (and a trailing slash in CI_API_V4_URL)', async () => {
    server = await startFakeGitlab({ prefix: '/gitlab/api/v4' });
    expect(server.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/gitlab\/api\/v4$/);
    const { platform } = setup(server, FAKE_TOKEN, `${server.apiUrl}/`);
    expect(await platform.postComment({ marker: MARKER, body: `${MARKER}\nx`, mode: 'update' })).toMatchObject({
      ok: true,
    });
    expect(await platform.setStatus(status())).toMatchObject({ ok: true });
    expect(server.problems).toEqual([]);
    expect(server.notes.get('7/3')).toHaveLength(1);
  });

  it('401: says the token is wrong, expired or revoked, names the variable, never shows the token', async () => {
    server = await startFakeGitlab();
    const wrong = 'glpat-WRONG-secret-value';
    const { platform } = setup(server, wrong);
    const outcome = await platform.postComment({ marker: MARKER, body: `${MARKER}\nx`, mode: 'update' });
    expect(outcome).toMatchObject({ ok: false });
    if (outcome.ok) return;
    expect(outcome.reason).toContain('401 Unauthorized');
    expect(outcome.reason).toContain('CONTAINERSEC_GITLAB_TOKEN');
    expect(outcome.advice).toContain('api scope');
    expect(JSON.stringify(outcome)).not.toContain(wrong);
    expect(server.requests).toHaveLength(1);
  });

  it('403: asks for the api scope and the Developer role; a server echoing the token gets it redacted', async () => {
    server = await startFakeGitlab();
    server.overrides.push({
      match: (r) => r.path.includes('/statuses/'),
      status: 403,
      body: { message: `403 Forbidden for ${FAKE_TOKEN}` },
    });
    const { platform } = setup(server);
    const outcome = await platform.setStatus(status());
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.reason).toContain('403 Forbidden');
    expect(outcome.reason).toContain('[token]');
    expect(outcome.advice).toMatch(/api scope.*Developer/);
    expect(JSON.stringify(outcome)).not.toContain(FAKE_TOKEN);
  });

  it('404: says the token cannot see the project or CI_API_V4_URL is wrong', async () => {
    server = await startFakeGitlab();
    server.overrides.push({
      match: (r) => r.method === 'POST',
      status: 404,
      body: { message: '404 Project Not Found' },
    });
    const { platform } = setup(server);
    const outcome = await platform.postComment({ marker: MARKER, body: `${MARKER}\nx`, mode: 'new' });
    expect(outcome).toMatchObject({ ok: false, reason: expect.stringContaining('404 Not Found') as string });
    if (!outcome.ok) expect(outcome.advice).toContain('CI_API_V4_URL');
  });

  it('429: waits Retry-After and retries; a Retry-After longer than the cap fails without waiting', async () => {
    server = await startFakeGitlab();
    server.overrides.push({
      match: (r) => r.method === 'POST',
      status: 429,
      headers: { 'retry-after': '7' },
      times: 2,
    });
    const { platform, sleeps } = setup(server);
    expect(await platform.setStatus(status())).toMatchObject({ ok: true });
    expect(sleeps).toEqual([7000, 7000]);
    expect(server.requests.filter((r) => r.method === 'POST')).toHaveLength(3);

    server.overrides.push({ match: (r) => r.method === 'POST', status: 429, headers: { 'retry-after': '3600' } });
    const limited = setup(server);
    const outcome = await limited.platform.setStatus(status());
    expect(outcome).toMatchObject({ ok: false, reason: expect.stringContaining('429') as string });
    expect(limited.sleeps).toEqual([]);
  });

  it('5xx: retries with backoff a bounded number of times', async () => {
    server = await startFakeGitlab();
    server.overrides.push({ match: (r) => r.method === 'POST', status: 502, times: 2 });
    const { platform, sleeps } = setup(server);
    expect(await platform.setStatus(status())).toMatchObject({ ok: true });
    expect(sleeps).toEqual([1000, 2000]);

    server.overrides.push({ match: (r) => r.method === 'POST', status: 500, times: 10 });
    const failing = setup(server);
    const before = server.requests.length;
    const outcome = await failing.platform.setStatus(status());
    expect(outcome).toMatchObject({ ok: false, reason: expect.stringContaining('500 after 4 attempts') as string });
    expect(server.requests.length - before).toBe(4);
  });

  it('an unreachable API is retried, then reported with the URL, not thrown', async () => {
    server = await startFakeGitlab();
    const url = server.apiUrl;
    await server.close();
    server = undefined;
    const client = new GitlabClient({
      apiUrl: url,
      token: FAKE_TOKEN,
      tokenVariable: 'T',
      sleep: () => Promise.resolve(),
    });
    const platform = new GitlabPublisher(client, { projectId: 'acme/web', sha: SHA });
    const outcome = await platform.setStatus(status());
    expect(outcome).toMatchObject({ ok: false, reason: expect.stringContaining('Could not reach GitLab') as string });
    expect(platform.hasReviewThread).toBe(false);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterSeconds('12')).toBe(12);
    expect(retryAfterSeconds(null)).toBe(1);
    expect(retryAfterSeconds('Sat, 28 Nov 2026 13:00:30 GMT', Date.parse('2026-11-28T13:00:00Z'))).toBe(30);
    expect(retryAfterSeconds('soon')).toBe(1);
  });
});
