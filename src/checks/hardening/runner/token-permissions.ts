import type { RawFinding } from '../../../core/finding.js';
import type { Severity } from '../../../core/severity.js';
import { GitlabApiError, GitlabClient } from '../../../platform/gitlab/client.js';
import { readGitlabContext } from '../../../platform/gitlab/env.js';
import { githubPullRequestOrigin, type PullRequestOrigin } from './github-event.js';
import { RUNNER_RULE, runnerRules } from './rules.js';

/**
 * What the job's API token may do, as far as the platform's API says, with at most one request per platform
 * and a short timeout. GitHub reports the scopes of classic personal access tokens and OAuth tokens in the
 * `X-OAuth-Scopes` header of any REST response, and nothing about the permissions of fine-grained tokens or
 * GitHub App installation tokens (GITHUB_TOKEN is one); GitLab describes a personal, project or group access
 * token at `GET /personal_access_tokens/self` (scopes, expiry) and nothing about CI_JOB_TOKEN. What the probe
 * could not see, it says; a failed request is a note, never a finding. The token itself never appears in
 * a note or finding.
 */

/** The one API request may take this long; the gate must not wait on a slow API for a probe. */
export const TOKEN_PROBE_TIMEOUT_MS = 5_000;

/** The action input `github-token` as @actions/core reads it from the environment. */
export const GITHUB_TOKEN_INPUT = 'INPUT_GITHUB-TOKEN';

/** Classic personal access token and OAuth scopes that reach beyond reading the repository. */
const GITHUB_BROAD_SCOPES = new Set([
  'repo',
  'public_repo',
  'workflow',
  'delete_repo',
  'write:packages',
  'delete:packages',
  'site_admin',
]);
const isBroadGithubScope = (scope: string): boolean => GITHUB_BROAD_SCOPES.has(scope) || scope.startsWith('admin:');

/** GitLab token scopes that write code or act through the whole API. */
const GITLAB_BROAD_SCOPES = new Set(['api', 'sudo', 'admin_mode', 'write_repository']);

type Env = Readonly<Record<string, string | undefined>>;

export interface TokenProbeInput {
  env: Env;
  readFile(path: string): string | undefined;
}

export interface TokenProbeOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface TokenProbeResult {
  findings: RawFinding[];
  notes: string[];
}

const RULES = new Map(runnerRules.map((rule) => [rule.id, rule]));

function finding(
  ruleId: string,
  platform: string,
  variable: string,
  message: string,
  key: string,
  severity?: Severity,
  fix?: string,
): RawFinding {
  const rule = RULES.get(ruleId);
  return {
    ruleId,
    severity: severity ?? rule?.severity ?? 'high',
    title: rule?.title ?? ruleId,
    message,
    location: { path: `env:${variable}`, object: `runner:${platform}` },
    key,
    ...(fix ? { fix } : {}),
  };
}

function timeoutFetch(options: TokenProbeOptions) {
  const ms = options.timeoutMs ?? TOKEN_PROBE_TIMEOUT_MS;
  return (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const signals = [
      AbortSignal.timeout(ms),
      ...(init?.signal ? [init.signal] : []),
      ...(options.signal ? [options.signal] : []),
    ];
    return fetch(url, { ...init, signal: AbortSignal.any(signals) });
  };
}

/** A header value from a server, made safe for a note: printable, short. */
function clean(value: string, max = 200): string {
  // eslint-disable-next-line no-control-regex -- control characters from a server never reach a note
  const flat = value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** GitHub's documented token prefixes ("About authentication to GitHub", GitHub's token formats). */
const withArticle = (kind: string): string => `${/^[aeiou]/i.test(kind) ? 'an' : 'a'} ${kind}`;

export function githubTokenKind(token: string): string {
  if (token.startsWith('github_pat_')) return 'fine-grained personal access token';
  if (token.startsWith('ghp_')) return 'classic personal access token';
  if (token.startsWith('gho_')) return 'OAuth app token';
  if (token.startsWith('ghu_')) return 'GitHub App user access token';
  if (token.startsWith('ghs_')) return 'GitHub App installation token (GITHUB_TOKEN is one)';
  return 'token of an unrecognised format';
}

function describeOrigin(origin: PullRequestOrigin): string {
  if (origin.kind === 'pull-request')
    return origin.isFork ? `a pull request from the fork ${origin.head}` : `a pull request from ${origin.head} itself`;
  return origin.kind === 'unknown' ? 'an event that could not be read' : 'an event that is not a pull request';
}

/** True when the error, or what caused it, is the request timing out. */
function timedOut(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const { name, message } = current as { name?: unknown; message?: unknown };
    if (name === 'TimeoutError' || (typeof message === 'string' && /due to timeout|TimeoutError/i.test(message)))
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function requestFailure(error: unknown, timeoutMs: number): string {
  if (timedOut(error)) return `no answer within ${timeoutMs / 1000} s`;
  // Octokit gives network failures status 500 too; only an error with a response is an HTTP answer.
  const { status, response } = error as { status?: unknown; response?: unknown };
  if (response === undefined || typeof status !== 'number') return 'the API could not be reached';
  if (status === 401) return 'the API rejected the token (401: wrong, expired or revoked)';
  if (status === 403) return 'the API refused the request (403; rate limit, IP allow list or SSO enforcement)';
  if (status === 404) return 'the API answered 404 (the token cannot see the repository)';
  return `the API answered ${status}`;
}

export async function probeGithubToken(
  input: TokenProbeInput,
  options: TokenProbeOptions = {},
): Promise<TokenProbeResult> {
  const env = input.env;
  const findings: RawFinding[] = [];
  const notes: string[] = [];
  const origin = githubPullRequestOrigin(env, (path) => input.readFile(path));
  const fork = origin.kind === 'pull-request' && origin.isFork;

  // id-token: write is the one permission visible without the API: the runner only sets these for it.
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL) {
    if (fork) {
      findings.push(
        finding(
          RUNNER_RULE.oidcForkPullRequest,
          'github-actions',
          'ACTIONS_ID_TOKEN_REQUEST_URL',
          `This job can request a GitHub OIDC token (id-token: write) while running ${describeOrigin(origin)}` +
            ` (event ${clean(env.GITHUB_EVENT_NAME ?? 'unknown', 60)}).`,
          'id-token',
        ),
      );
    } else notes.push(`The job can request an OIDC token (id-token: write); the event is ${describeOrigin(origin)}.`);
  } else
    notes.push('The job cannot request an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set: no id-token: write).');

  const variable = env[GITHUB_TOKEN_INPUT] ? GITHUB_TOKEN_INPUT : env.GITHUB_TOKEN ? 'GITHUB_TOKEN' : undefined;
  const token = variable ? env[variable]?.trim() : undefined;
  const label = variable === GITHUB_TOKEN_INPUT ? 'the github-token input' : 'GITHUB_TOKEN';
  if (!variable || !token) {
    notes.push('No GitHub token (github-token input or GITHUB_TOKEN) in the job: its permissions were not checked.');
    return { findings, notes };
  }
  const kind = githubTokenKind(token);
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = repository.split('/');
  if (!owner || !repo || !/^[\w.-]+\/[\w.-]+$/.test(repository)) {
    notes.push(
      `The token in ${label} is ${withArticle(kind)}; GITHUB_REPOSITORY is not set, so the API was not asked about it.`,
    );
    return { findings, notes };
  }
  const timeoutMs = options.timeoutMs ?? TOKEN_PROBE_TIMEOUT_MS;
  let headers: Record<string, string | number | undefined>;
  let permissions: Record<string, unknown> | undefined;
  try {
    // Loaded on demand, as in the action's entry point: Octokit is most of the bundle's start-up time.
    const { getOctokit } = await import('@actions/github');
    const octokit = getOctokit(token, {
      baseUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
      userAgent: 'containersec',
      request: { fetch: timeoutFetch(options) },
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    const response = await octokit.request('GET /repos/{owner}/{repo}', { owner, repo });
    headers = response.headers;
    const data = response.data as { permissions?: unknown };
    if (data.permissions && typeof data.permissions === 'object')
      permissions = data.permissions as Record<string, unknown>;
  } catch (error) {
    notes.push(
      `The token in ${label} is ${withArticle(kind)}; asking GitHub about it (GET /repos/${repository}) failed: ` +
        `${requestFailure(error, timeoutMs)}. Its permissions were not checked.`,
    );
    return { findings, notes };
  }
  const expiration = headers['github-authentication-token-expiration'];
  const expires =
    typeof expiration === 'string' ? `; it expires ${clean(expiration, 40)}` : '; GitHub reported no expiry date';
  // Only classic personal access tokens and OAuth tokens have scopes; for the other kinds an empty header would
  // read as "no scopes", which says nothing about their permissions.
  const scopesHeader = /^(?:github_pat_|ghs_|ghu_)/.test(token) ? undefined : headers['x-oauth-scopes'];
  if (typeof scopesHeader !== 'string') {
    const accepted = headers['x-accepted-github-permissions'];
    notes.push(
      `The token in ${label} is ${withArticle(kind)}. GitHub's API does not list the permissions of this kind of token ` +
        '(only classic personal access tokens and OAuth tokens report scopes, in X-OAuth-Scopes)' +
        (typeof accepted === 'string' ? `; this request needed ${clean(accepted, 120)}` : '') +
        ". For GITHUB_TOKEN, the workflow's permissions: keys (checked by gha/excessive-permissions) and the job log's " +
        "'GITHUB_TOKEN Permissions' section are the record.",
    );
    return { findings, notes };
  }
  const scopes = scopesHeader
    .split(',')
    .map((scope) => clean(scope, 60))
    .filter((scope) => scope !== '');
  const broad = scopes.filter(isBroadGithubScope);
  const role =
    permissions && permissions.admin === true
      ? '; its user is an administrator of the repository'
      : permissions && permissions.push === true
        ? '; its user can push to the repository'
        : '';
  const summary = `The token in ${label} is ${withArticle(kind)} with the scopes ${scopes.join(', ') || '(none)'}${expires}${role}.`;
  if (broad.length === 0 || origin.kind !== 'pull-request') {
    notes.push(
      broad.length === 0
        ? summary
        : origin.kind === 'unknown'
          ? `${summary} ${origin.reason}, so whether pull request code can read the token was not judged.`
          : `${summary} The event is not a pull request, so its breadth is not reported.`,
    );
    return { findings, notes };
  }
  findings.push(
    finding(
      RUNNER_RULE.broadTokenScopes,
      'github-actions',
      variable,
      `${summary.slice(0, -1)}, and this job runs ${describeOrigin(origin)}: the scopes ${broad.join(', ')} let any ` +
        `code the job runs act as that user on every repository the user can reach.`,
      'github-token',
      fork ? 'critical' : 'high',
    ),
  );
  return { findings, notes };
}

/**
 * GitLab's documented token prefixes of tokens that cannot describe themselves at
 * `/personal_access_tokens/self` (personal, project and group access tokens are `glpat-`).
 */
const GITLAB_OTHER_TOKENS: [string, string][] = [
  ['glcbt-', 'CI job token'],
  ['gldt-', 'deploy token'],
  ['glptt-', 'pipeline trigger token'],
  ['glrt-', 'runner authentication token'],
  ['glft-', 'feed token'],
];

interface SelfToken {
  scopes: string[];
  expiresAt: string | null | undefined;
  active?: boolean;
  revoked?: boolean;
}

function readSelfToken(data: unknown): SelfToken | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const record = data as Record<string, unknown>;
  if (!Array.isArray(record.scopes)) return undefined;
  const scopes = record.scopes.filter((s): s is string => typeof s === 'string').map((s) => clean(s, 60));
  const expiresAt =
    record.expires_at === null
      ? null
      : typeof record.expires_at === 'string'
        ? clean(record.expires_at, 40)
        : undefined;
  return {
    scopes,
    expiresAt,
    ...(typeof record.active === 'boolean' ? { active: record.active } : {}),
    ...(typeof record.revoked === 'boolean' ? { revoked: record.revoked } : {}),
  };
}

export async function probeGitlabToken(
  input: TokenProbeInput,
  options: TokenProbeOptions = {},
): Promise<TokenProbeResult> {
  const env = input.env;
  const findings: RawFinding[] = [];
  const notes: string[] = [
    "CI_JOB_TOKEN's access is set by the project's job token allowlist (Settings > CI/CD > Job token permissions) " +
      'and cannot be read from inside the job.',
  ];
  const context = readGitlabContext(env);
  const variable = context.token ? context.tokenVariable : env.GITLAB_TOKEN?.trim() ? 'GITLAB_TOKEN' : undefined;
  const token = variable ? env[variable]?.trim() : undefined;
  if (!variable || !token) {
    notes.push(
      `No GitLab access token in $${context.tokenVariable} or $GITLAB_TOKEN: no token permissions were checked.`,
    );
    return { findings, notes };
  }
  const other = GITLAB_OTHER_TOKENS.find(([prefix]) => token.startsWith(prefix))?.[1];
  if (other) {
    notes.push(
      `$${variable} holds a ${other}, which cannot describe itself through the API: its permissions were not checked.`,
    );
    return { findings, notes };
  }
  if (!context.apiUrl) {
    notes.push(`CI_API_V4_URL is not set: the token in $${variable} was not checked.`);
    return { findings, notes };
  }
  const timeoutMs = options.timeoutMs ?? TOKEN_PROBE_TIMEOUT_MS;
  const client = new GitlabClient({
    apiUrl: context.apiUrl,
    token,
    tokenVariable: variable,
    fetch: timeoutFetch(options),
    maxAttempts: 1,
  });
  let self: SelfToken | undefined;
  try {
    const response = await client.request<unknown>(
      'GET',
      '/personal_access_tokens/self',
      undefined,
      'the token details',
    );
    self = readSelfToken(response.data);
  } catch (error) {
    const status = error instanceof GitlabApiError ? error.status : undefined;
    const reason =
      status === 401
        ? 'GitLab answered 401: the token is not a personal, project or group access token (an OAuth token cannot describe itself), or it is expired or revoked'
        : status === 404
          ? 'GitLab answered 404 (GET /personal_access_tokens/self needs GitLab 15.5 or later)'
          : status !== undefined
            ? `GitLab answered ${status}`
            : timedOut(error)
              ? `no answer within ${timeoutMs / 1000} s`
              : error instanceof SyntaxError
                ? 'the answer was not JSON (is CI_API_V4_URL the API root?)'
                : 'the API could not be reached';
    notes.push(`Asking GitLab about the token in $${variable} failed: ${reason}. Its permissions were not checked.`);
    return { findings, notes };
  }
  if (!self) {
    notes.push(
      `GitLab's description of the token in $${variable} has no scopes list: its permissions were not checked.`,
    );
    return { findings, notes };
  }
  const expiry =
    self.expiresAt === null ? 'never expires' : self.expiresAt ? `expires ${self.expiresAt}` : 'has no readable expiry';
  const state = self.revoked ? '; it is revoked' : self.active === false ? '; it is not active' : '';
  const summary = `The token in $${variable} has the scopes ${self.scopes.join(', ') || '(none)'} and ${expiry}${state}.`;
  const broad = self.scopes.filter((scope) => GITLAB_BROAD_SCOPES.has(scope));
  const source = env.CI_MERGE_REQUEST_SOURCE_PROJECT_ID;
  const target = env.CI_MERGE_REQUEST_PROJECT_ID;
  const forkMr = Boolean(source && target && source !== target);
  if (broad.length > 0 && forkMr) {
    findings.push(
      finding(
        RUNNER_RULE.broadTokenScopes,
        'gitlab-ci',
        variable,
        `${summary.slice(0, -1)}, and this merge request pipeline runs code from project ${clean(source ?? '', 20)}, ` +
          `a fork of project ${clean(target ?? '', 20)}: the scopes ${broad.join(', ')} let that code act through ` +
          "the API as the token's user.",
        'gitlab-token',
        'critical',
      ),
    );
  } else notes.push(summary);
  if (self.expiresAt === null && !self.revoked && self.active !== false) {
    findings.push(
      finding(
        RUNNER_RULE.tokenNeverExpires,
        'gitlab-ci',
        variable,
        `GitLab reports no expiry date for the token in $${variable} (expires_at is null): once leaked, it works until someone revokes it.`,
        'gitlab-token',
      ),
    );
  }
  return { findings, notes };
}
