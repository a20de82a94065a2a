import type { GitlabTokenFacts } from '../../core/ci-facts.js';
import { printableLine } from '../../core/text.js';
import { timedOut, timeoutFetch, TOKEN_PROBE_TIMEOUT_MS } from '../token-probe.js';
import type { TokenProbeOptions } from '../token-probe.js';
import { GitlabApiError, GitlabClient } from './client.js';
import { readGitlabContext } from './env.js';

type Env = Readonly<Record<string, string | undefined>>;

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

function readSelfToken(data: unknown): GitlabTokenFacts['self'] {
  if (!data || typeof data !== 'object') return null;
  const record = data as Record<string, unknown>;
  if (!Array.isArray(record.scopes)) return null;
  const scopes = record.scopes.filter((s): s is string => typeof s === 'string').map((s) => printableLine(s, 60));
  const expiresAt =
    record.expires_at === null
      ? null
      : typeof record.expires_at === 'string'
        ? printableLine(record.expires_at, 40)
        : undefined;
  return {
    scopes,
    expiresAt,
    ...(typeof record.active === 'boolean' ? { active: record.active } : {}),
    ...(typeof record.revoked === 'boolean' ? { revoked: record.revoked } : {}),
  };
}

function requestFailure(error: unknown, timeoutMs: number): string {
  const status = error instanceof GitlabApiError ? error.status : undefined;
  if (status === 401)
    return 'GitLab answered 401: the token is not a personal, project or group access token (an OAuth token cannot describe itself), or it is expired or revoked';
  if (status === 404) return 'GitLab answered 404 (GET /personal_access_tokens/self needs GitLab 15.5 or later)';
  if (status !== undefined) return `GitLab answered ${status}`;
  if (timedOut(error)) return `no answer within ${timeoutMs / 1000} s`;
  return error instanceof SyntaxError
    ? 'the answer was not JSON (is CI_API_V4_URL the API root?)'
    : 'the API could not be reached';
}

/**
 * What GitLab says about the job's access token, with one request (`GET /personal_access_tokens/self`: scopes,
 * expiry) and a short timeout. CI_JOB_TOKEN and the other non-access tokens cannot describe themselves.
 */
export async function gitlabTokenFacts(env: Env, options: TokenProbeOptions = {}): Promise<GitlabTokenFacts> {
  const context = readGitlabContext(env);
  const variable = context.token ? context.tokenVariable : env.GITLAB_TOKEN?.trim() ? 'GITLAB_TOKEN' : undefined;
  const token = variable ? env[variable]?.trim() : undefined;
  const facts: GitlabTokenFacts = { configuredVariable: context.tokenVariable };
  if (!variable || !token) return facts;
  facts.variable = variable;
  const other = GITLAB_OTHER_TOKENS.find(([prefix]) => token.startsWith(prefix))?.[1];
  if (other) return { ...facts, otherKind: other };
  if (!context.apiUrl) return { ...facts, noApiUrl: true };
  const timeoutMs = options.timeoutMs ?? TOKEN_PROBE_TIMEOUT_MS;
  const client = new GitlabClient({
    apiUrl: context.apiUrl,
    token,
    tokenVariable: variable,
    fetch: timeoutFetch(options),
    maxAttempts: 1,
  });
  try {
    const response = await client.request<unknown>(
      'GET',
      '/personal_access_tokens/self',
      undefined,
      'the token details',
    );
    return { ...facts, self: readSelfToken(response.data) };
  } catch (error) {
    return { ...facts, failure: requestFailure(error, timeoutMs) };
  }
}
