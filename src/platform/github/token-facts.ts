import type { GithubTokenFacts } from '../../core/ci-facts.js';
import { printableLine } from '../../core/text.js';
import { timedOut, timeoutFetch, TOKEN_PROBE_TIMEOUT_MS } from '../token-probe.js';
import type { TokenProbeOptions } from '../token-probe.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The action input `github-token` as @actions/core reads it from the environment. */
export const GITHUB_TOKEN_INPUT = 'INPUT_GITHUB-TOKEN';

/** GitHub's documented token prefixes ("About authentication to GitHub", GitHub's token formats). */
export function githubTokenKind(token: string): string {
  if (token.startsWith('github_pat_')) return 'fine-grained personal access token';
  if (token.startsWith('ghp_')) return 'classic personal access token';
  if (token.startsWith('gho_')) return 'OAuth app token';
  if (token.startsWith('ghu_')) return 'GitHub App user access token';
  if (token.startsWith('ghs_')) return 'GitHub App installation token (GITHUB_TOKEN is one)';
  return 'token of an unrecognised format';
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

/**
 * What GitHub says about the job's token, with one request (`GET /repos/{owner}/{repo}`) and a short timeout:
 * the `X-OAuth-Scopes` of classic personal access tokens and OAuth tokens, the expiry, and the user's role.
 * GitHub lists nothing about the permissions of fine-grained tokens or installation tokens (GITHUB_TOKEN).
 */
export async function githubTokenFacts(env: Env, options: TokenProbeOptions = {}): Promise<GithubTokenFacts> {
  const variable = env[GITHUB_TOKEN_INPUT] ? GITHUB_TOKEN_INPUT : env.GITHUB_TOKEN ? 'GITHUB_TOKEN' : undefined;
  const token = variable ? env[variable]?.trim() : undefined;
  if (!variable || !token) return {};
  const facts: GithubTokenFacts = {
    variable,
    label: variable === GITHUB_TOKEN_INPUT ? 'the github-token input' : 'GITHUB_TOKEN',
    kind: githubTokenKind(token),
  };
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = repository.split('/');
  if (!owner || !repo || !/^[\w.-]+\/[\w.-]+$/.test(repository)) return { ...facts, noRepository: true };
  facts.repository = repository;
  const timeoutMs = options.timeoutMs ?? TOKEN_PROBE_TIMEOUT_MS;
  try {
    // Loaded on demand: Octokit is most of the bundle's start-up time.
    const { getOctokit } = await import('@actions/github');
    const octokit = getOctokit(token, {
      baseUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
      userAgent: 'containersec',
      request: { fetch: timeoutFetch(options) },
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    const response = await octokit.request('GET /repos/{owner}/{repo}', { owner, repo });
    const headers = response.headers as Record<string, string | number | undefined>;
    const permissions = (response.data as { permissions?: unknown }).permissions as Record<string, unknown> | undefined;
    const expiration = headers['github-authentication-token-expiration'];
    const accepted = headers['x-accepted-github-permissions'];
    // Only classic personal access tokens and OAuth tokens have scopes; for the other kinds an empty header would
    // read as "no scopes", which says nothing about their permissions.
    const scopesHeader = /^(?:github_pat_|ghs_|ghu_)/.test(token) ? undefined : headers['x-oauth-scopes'];
    return {
      ...facts,
      ...(typeof expiration === 'string' ? { expiration: printableLine(expiration, 40) } : {}),
      ...(typeof accepted === 'string' ? { acceptedPermissions: printableLine(accepted, 120) } : {}),
      ...(typeof scopesHeader === 'string'
        ? {
            scopes: scopesHeader
              .split(',')
              .map((scope) => printableLine(scope, 60))
              .filter((scope) => scope !== ''),
          }
        : {}),
      ...(permissions?.admin === true
        ? { role: 'admin' as const }
        : permissions?.push === true
          ? { role: 'push' as const }
          : {}),
    };
  } catch (error) {
    return { ...facts, failure: requestFailure(error, timeoutMs) };
  }
}
