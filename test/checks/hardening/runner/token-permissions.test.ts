import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { judgeGithubToken, judgeGitlabToken } from '../../../../src/checks/hardening/runner/token-permissions.js';
import { probeRunnerAndToken, runnerRules } from '../../../../src/checks/hardening/runner/index.js';
import { gatherCiFacts } from '../../../../src/platform/ci-facts.js';
import { GITHUB_TOKEN_INPUT, githubTokenKind } from '../../../../src/platform/github/token-facts.js';
import type { TokenProbeOptions } from '../../../../src/platform/token-probe.js';
import { FakeGithub } from '../../../support/github-server.js';
import { FAKE_TOKEN, startFakeGitlab, type FakeGitlab } from '../../../platform/gitlab/fake-gitlab.js';

const CLASSIC = `ghp_${'A1b2C3d4'.repeat(4)}0000`;
const INSTALLATION = `ghs_${'Z9y8X7w6'.repeat(4)}0000`;
const FINE_GRAINED = `github_pat_${'11AAAA0000'.repeat(8)}`;

const pullRequest = (head: string, base = 'acme/web') =>
  JSON.stringify({
    action: 'opened',
    number: 7,
    pull_request: { number: 7, head: { repo: { full_name: head } }, base: { repo: { full_name: base } } },
  });

function githubInput(env: Record<string, string>, event?: string) {
  return {
    env: { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'acme/web', GITHUB_EVENT_PATH: '/event.json', ...env },
    readFile: (path: string) => (path === '/event.json' ? event : undefined),
    statSocket: () => false,
  };
}

type ProbeInput = { env: Record<string, string>; readFile(path: string): string | undefined };

/** The platform code asks the API (one request), the runner check judges the answer: both halves, as in a run. */
async function probeGithubToken(input: ProbeInput, options: TokenProbeOptions = {}) {
  const facts = await gatherCiFacts(
    { ...input.env, GITHUB_ACTIONS: 'true' },
    { ...options, readFile: (path) => input.readFile(path) },
  );
  return judgeGithubToken(input.env, facts);
}

async function probeGitlabToken(input: ProbeInput, options: TokenProbeOptions = {}) {
  const facts = await gatherCiFacts({ ...input.env, GITHUB_ACTIONS: '', GITLAB_CI: 'true' }, options);
  return judgeGitlabToken(input.env, facts);
}

const text = (result: { notes: string[]; findings: unknown[] }) =>
  `${result.notes.join('\n')}\n${JSON.stringify(result.findings)}`;

describe('token kinds from documented prefixes', () => {
  it('names each GitHub token format', () => {
    expect(githubTokenKind(CLASSIC)).toBe('classic personal access token');
    expect(githubTokenKind(FINE_GRAINED)).toBe('fine-grained personal access token');
    expect(githubTokenKind(INSTALLATION)).toContain('installation token');
    expect(githubTokenKind('gho_abc')).toBe('OAuth app token');
    expect(githubTokenKind('ghu_abc')).toBe('GitHub App user access token');
    expect(githubTokenKind('0123456789abcdef0123456789abcdef01234567')).toBe('token of an unrecognised format');
  });

  it('documents every new rule with fix text', () => {
    for (const id of ['runner/token-broad-scopes', 'runner/oidc-token-fork-pr', 'runner/token-never-expires']) {
      const rule = runnerRules.find((r) => r.id === id);
      expect(rule?.fix).toContain('```');
      expect(rule?.references?.length).toBeGreaterThan(0);
    }
  });
});

describe('GitHub token permissions against the OpenAPI-checked fake GitHub', () => {
  let github: FakeGithub;
  beforeAll(async () => {
    github = new FakeGithub();
    await github.start();
  });
  afterAll(() => github.stop());
  afterEach(() => {
    expect(github.violations).toEqual([]);
    github.requests.length = 0;
    github.repository.headers = {};
    delete github.repository.permissions;
  });
  const env = (token: string, extra: Record<string, string> = {}) => ({
    GITHUB_API_URL: github.url,
    [GITHUB_TOKEN_INPUT]: token,
    GITHUB_EVENT_NAME: 'pull_request_target',
    ...extra,
  });

  it('reports a classic PAT with broad scopes on a fork pull request as critical, in one request', async () => {
    github.repository.headers = {
      'x-oauth-scopes': 'repo, workflow, read:org',
      'github-authentication-token-expiration': '2027-03-01 10:00:00 UTC',
    };
    github.repository.permissions = { admin: true, maintain: true, push: true, triage: true, pull: true };
    const result = await probeGithubToken(githubInput(env(CLASSIC), pullRequest('mallory/web')));
    expect(github.requests).toEqual([{ method: 'GET', path: '/repos/acme/web', body: undefined }]);
    expect(result.findings).toEqual([
      expect.objectContaining({
        ruleId: 'runner/token-broad-scopes',
        severity: 'critical',
        location: { path: `env:${GITHUB_TOKEN_INPUT}`, object: 'runner:github-actions' },
        key: 'github-token',
      }),
    ]);
    const message = (result.findings[0] as { message: string }).message;
    expect(message).toContain('classic personal access token with the scopes repo, workflow, read:org');
    expect(message).toContain('it expires 2027-03-01 10:00:00 UTC');
    expect(message).toContain('its user is an administrator of the repository');
    expect(message).toContain('a pull request from the fork mallory/web');
    expect(message).toContain('the scopes repo, workflow let');
    expect(text(result)).not.toContain(CLASSIC);
  });

  it('reports the same token on a same-repository pull request as high', async () => {
    github.repository.headers = { 'x-oauth-scopes': 'admin:org' };
    const result = await probeGithubToken(githubInput(env(CLASSIC), pullRequest('acme/web')));
    expect(result.findings.map((f) => [f.ruleId, f.severity])).toEqual([['runner/token-broad-scopes', 'high']]);
  });

  it('notes narrow scopes, and broad scopes outside pull requests, without a finding', async () => {
    github.repository.headers = { 'x-oauth-scopes': 'read:org, read:packages' };
    const narrow = await probeGithubToken(githubInput(env(CLASSIC), pullRequest('mallory/web')));
    expect(narrow.findings).toEqual([]);
    expect(narrow.notes.join('\n')).toContain(
      'classic personal access token with the scopes read:org, read:packages; GitHub reported no expiry date.',
    );
    const oauth = await probeGithubToken(githubInput(env(`gho_${'0'.repeat(36)}`), pullRequest('mallory/web')));
    expect(oauth.notes.join('\n')).toContain('is an OAuth app token with the scopes read:org, read:packages');
    github.repository.headers = { 'x-oauth-scopes': 'repo' };
    const push = await probeGithubToken(
      githubInput(env(CLASSIC, { GITHUB_EVENT_NAME: 'push' }), '{"ref":"refs/heads/main"}'),
    );
    expect(push.findings).toEqual([]);
    expect(push.notes.join('\n')).toContain('The event is not a pull request, so its breadth is not reported.');
    const unreadable = await probeGithubToken(githubInput(env(CLASSIC), undefined));
    expect(unreadable.findings).toEqual([]);
    expect(unreadable.notes.join('\n')).toContain(
      'Could not read the GitHub event payload (GITHUB_EVENT_PATH), so whether pull request code can read the token was not judged.',
    );
  });

  it('says that an installation token (GITHUB_TOKEN) does not show its permissions', async () => {
    github.repository.headers = { 'x-accepted-github-permissions': 'metadata=read', 'x-oauth-scopes': '' };
    const result = await probeGithubToken(githubInput(env(INSTALLATION), pullRequest('mallory/web')));
    expect(result.findings).toEqual([]);
    const notes = result.notes.join('\n');
    expect(notes).toContain('GitHub App installation token (GITHUB_TOKEN is one)');
    expect(notes).toContain("GitHub's API does not list the permissions of this kind of token");
    expect(notes).toContain('this request needed metadata=read');
    expect(notes).not.toContain(INSTALLATION);
  });

  it('turns 401 and 403 into notes, not findings', async () => {
    github.inject.set('get /repos/{owner}/{repo}', { status: 401, message: 'Bad credentials' });
    const rejected = await probeGithubToken(githubInput(env(FINE_GRAINED), pullRequest('mallory/web')));
    expect(rejected.findings).toEqual([]);
    expect(rejected.notes.join('\n')).toContain(
      'fine-grained personal access token; asking GitHub about it (GET /repos/acme/web) failed: the API rejected the token (401',
    );
    github.inject.set('get /repos/{owner}/{repo}', { status: 403, message: 'Resource protected by SAML enforcement' });
    const refused = await probeGithubToken(githubInput(env(CLASSIC), pullRequest('mallory/web')));
    expect(refused.findings).toEqual([]);
    expect(refused.notes.join('\n')).toContain('the API refused the request (403');
    expect(github.requests).toHaveLength(2);
  });

  it('asks nothing without a token or repository', async () => {
    const none = await probeGithubToken(githubInput({ GITHUB_API_URL: github.url }, pullRequest('mallory/web')));
    expect(none.notes.join('\n')).toContain('No GitHub token (github-token input or GITHUB_TOKEN) in the job');
    const noRepo = await probeGithubToken({
      ...githubInput({ GITHUB_API_URL: github.url, GITHUB_TOKEN: CLASSIC }),
      env: { GITHUB_API_URL: github.url, GITHUB_TOKEN: CLASSIC },
    });
    expect(noRepo.notes.join('\n')).toContain('GITHUB_REPOSITORY is not set');
    expect(github.requests).toEqual([]);
  });

  it('reports an OIDC token on a fork pull request, and only there', async () => {
    const oidc = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://pipelines.actions.githubusercontent.com/abc/idtoken' };
    const fork = await probeGithubToken(githubInput(oidc, pullRequest('mallory/web')));
    expect(fork.findings).toEqual([
      expect.objectContaining({
        ruleId: 'runner/oidc-token-fork-pr',
        severity: 'high',
        location: { path: 'env:ACTIONS_ID_TOKEN_REQUEST_URL', object: 'runner:github-actions' },
      }),
    ]);
    const same = await probeGithubToken(githubInput(oidc, pullRequest('acme/web')));
    expect(same.findings).toEqual([]);
    expect(same.notes.join('\n')).toContain('The job can request an OIDC token (id-token: write)');
    const without = await probeGithubToken(githubInput({}, pullRequest('mallory/web')));
    expect(without.findings).toEqual([]);
    expect(without.notes.join('\n')).toContain('no id-token: write');
  });

  it('runs inside the whole probe only in GitHub Actions', async () => {
    github.repository.headers = { 'x-oauth-scopes': 'repo' };
    const input = githubInput(env(CLASSIC), pullRequest('mallory/web'));
    const inside = probeRunnerAndToken({ ...input, ci: await gatherCiFacts(input.env, input) });
    expect(inside.findings.map((f) => f.ruleId)).toContain('runner/token-broad-scopes');
    expect(inside.notes.join('\n')).not.toContain('token permission probing');
    const outsideEnv = { ...input.env, GITHUB_ACTIONS: 'false' };
    const outside = probeRunnerAndToken({ ...input, env: outsideEnv, ci: await gatherCiFacts(outsideEnv, input) });
    expect(outside.findings).toEqual([]);
    expect(github.requests).toHaveLength(1);
  });
});

describe('a token probe that gets no answer', () => {
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('gives up after the timeout with a note (GitHub)', async () => {
    const result = await probeGithubToken(
      githubInput({ GITHUB_API_URL: url, GITHUB_TOKEN: CLASSIC }, pullRequest('mallory/web')),
      { timeoutMs: 200 },
    );
    expect(result.findings).toEqual([]);
    expect(result.notes.join('\n')).toContain('failed: no answer within 0.2 s');
  });

  it('gives up after the timeout with a note (GitLab)', async () => {
    const result = await probeGitlabToken(
      {
        env: { GITLAB_CI: 'true', CI_API_V4_URL: `${url}/api/v4`, CONTAINERSEC_GITLAB_TOKEN: FAKE_TOKEN },
        readFile: () => undefined,
      },
      { timeoutMs: 200 },
    );
    expect(result.findings).toEqual([]);
    expect(result.notes.join('\n')).toContain('failed: no answer within 0.2 s');
  });

  it('notes an answer that is not JSON (GitLab)', async () => {
    const html = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'));
    await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
    try {
      const port = (html.address() as AddressInfo).port;
      const result = await probeGitlabToken({
        env: {
          GITLAB_CI: 'true',
          CI_API_V4_URL: `http://127.0.0.1:${port}/api/v4`,
          CONTAINERSEC_GITLAB_TOKEN: FAKE_TOKEN,
        },
        readFile: () => undefined,
      });
      expect(result.findings).toEqual([]);
      expect(result.notes.join('\n')).toContain('failed: the answer was not JSON');
    } finally {
      await new Promise<void>((resolve) => html.close(() => resolve()));
    }
  });

  it('notes an unreachable API', async () => {
    const result = await probeGithubToken(
      githubInput({ GITHUB_API_URL: 'http://127.0.0.1:1', GITHUB_TOKEN: CLASSIC }, pullRequest('mallory/web')),
    );
    expect(result.notes.join('\n')).toContain('failed: the API could not be reached');
  });
});

describe('GitLab token permissions against the fake GitLab', () => {
  let gitlab: FakeGitlab;
  const original = { scopes: ['api'], expires_at: '2027-01-05', active: true, revoked: false };
  beforeAll(async () => {
    gitlab = await startFakeGitlab();
  });
  afterAll(() => gitlab.close());
  afterEach(() => {
    expect(gitlab.problems).toEqual([]);
    gitlab.requests.length = 0;
    gitlab.overrides.length = 0;
    Object.assign(gitlab.tokenSelf, original);
  });
  const input = (extra: Record<string, string> = {}) => ({
    env: {
      GITLAB_CI: 'true',
      CI_API_V4_URL: gitlab.apiUrl,
      CONTAINERSEC_GITLAB_TOKEN: FAKE_TOKEN,
      CI_MERGE_REQUEST_PROJECT_ID: '7',
      CI_MERGE_REQUEST_SOURCE_PROJECT_ID: '99',
      ...extra,
    },
    readFile: () => undefined,
    statSocket: () => false,
  });

  it('reports api scope on a fork merge request pipeline as critical, in one request', async () => {
    const result = await probeGitlabToken(input());
    expect(gitlab.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /personal_access_tokens/self']);
    expect(result.findings).toEqual([
      expect.objectContaining({
        ruleId: 'runner/token-broad-scopes',
        severity: 'critical',
        location: { path: 'env:CONTAINERSEC_GITLAB_TOKEN', object: 'runner:gitlab-ci' },
        key: 'gitlab-token',
      }),
    ]);
    const message = (result.findings[0] as { message: string }).message;
    expect(message).toContain('has the scopes api and expires 2027-01-05');
    expect(message).toContain('runs code from project 99, a fork of project 7');
    expect(text(result)).not.toContain(FAKE_TOKEN);
    expect(result.notes.join('\n')).toContain("CI_JOB_TOKEN's access is set by the project's job token allowlist");
  });

  it('notes the scopes of a same-project merge request or a read-only token', async () => {
    const same = await probeGitlabToken(input({ CI_MERGE_REQUEST_SOURCE_PROJECT_ID: '7' }));
    expect(same.findings).toEqual([]);
    expect(same.notes.join('\n')).toContain(
      'The token in $CONTAINERSEC_GITLAB_TOKEN has the scopes api and expires 2027-01-05.',
    );
    gitlab.tokenSelf.scopes = ['read_api', 'read_repository'];
    const narrow = await probeGitlabToken(input());
    expect(narrow.findings).toEqual([]);
  });

  it('reports a token that never expires', async () => {
    Object.assign(gitlab.tokenSelf, { expires_at: null, scopes: ['read_api'] });
    const result = await probeGitlabToken(input({ CI_MERGE_REQUEST_SOURCE_PROJECT_ID: '7' }));
    expect(result.findings).toEqual([
      expect.objectContaining({ ruleId: 'runner/token-never-expires', severity: 'medium', key: 'gitlab-token' }),
    ]);
    expect(result.notes.join('\n')).toContain('never expires');
  });

  it('turns 401 and 404 into notes', async () => {
    const wrong = await probeGitlabToken(input({ CONTAINERSEC_GITLAB_TOKEN: 'glpat-wrong-token-000000' }));
    expect(wrong.findings).toEqual([]);
    expect(wrong.notes.join('\n')).toContain('GitLab answered 401');
    expect(wrong.notes.join('\n')).not.toContain('glpat-wrong-token-000000');
    gitlab.overrides.push({ match: (r) => r.path === '/personal_access_tokens/self', status: 404 });
    const old = await probeGitlabToken(input());
    expect(old.notes.join('\n')).toContain('needs GitLab 15.5 or later');
    expect(gitlab.requests).toHaveLength(2);
  });

  it('asks nothing for a job token, a deploy token or no token', async () => {
    const job = await probeGitlabToken(input({ CONTAINERSEC_GITLAB_TOKEN: 'glcbt-64_abcdefabcdef' }));
    expect(job.notes.join('\n')).toContain('holds a CI job token, which cannot describe itself');
    const trigger = await probeGitlabToken(input({ CONTAINERSEC_GITLAB_TOKEN: 'glptt-0123456789abcdef' }));
    expect(trigger.notes.join('\n')).toContain('holds a pipeline trigger token');
    const none = await probeGitlabToken(input({ CONTAINERSEC_GITLAB_TOKEN: '' }));
    expect(none.notes.join('\n')).toContain('No GitLab access token in $CONTAINERSEC_GITLAB_TOKEN or $GITLAB_TOKEN');
    expect(gitlab.requests).toEqual([]);
  });

  it('uses GITLAB_TOKEN when containersec has no token of its own, and reads a malformed answer safely', async () => {
    gitlab.overrides.push({
      match: (r) => r.path === '/personal_access_tokens/self',
      status: 200,
      body: { scopes: 'api' },
    });
    const result = await probeGitlabToken(input({ CONTAINERSEC_GITLAB_TOKEN: '', GITLAB_TOKEN: FAKE_TOKEN }));
    expect(result.findings).toEqual([]);
    expect(result.notes.join('\n')).toContain('$GITLAB_TOKEN has no scopes list');
  });

  it('runs inside the whole probe in GitLab CI', async () => {
    const probeInput = input();
    const result = probeRunnerAndToken({ ...probeInput, ci: await gatherCiFacts(probeInput.env) });
    expect(result.findings.map((f) => f.ruleId)).toContain('runner/token-broad-scopes');
  });
});
