import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { Logger } from '../../core/check.js';

export type GithubClient = ReturnType<typeof getOctokit>;

/** Retries after a rate limit at most this many times before giving up on that request. */
export const RATE_LIMIT_RETRIES = 2;
/** One API request may take this long before it is abandoned (publishing must not hang the job). */
export const REQUEST_TIMEOUT_MS = 30_000;

function fetchWithTimeout(url: string | URL | Request, init?: RequestInit): Promise<Response> {
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  return fetch(url, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout });
}

/**
 * Octokit for the action: GITHUB_API_URL (GitHub Enterprise Server), retries on 5xx, and the throttling
 * plugin honouring `retry-after` on primary and secondary rate limits.
 */
export function githubClient(
  token: string,
  env: Readonly<Record<string, string | undefined>>,
  log: Logger,
): GithubClient {
  return getOctokit(
    token,
    {
      baseUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
      userAgent: 'containersec',
      request: { fetch: fetchWithTimeout },
      log: {
        debug: () => undefined,
        info: () => undefined,
        warn: (m: string) => log.debug(m),
        error: (m: string) => log.debug(m),
      },
      throttle: {
        onRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _octokit: unknown,
          retryCount: number,
        ) => {
          log.warn(`GitHub rate limit on ${options.method} ${options.url}; retrying after ${retryAfter}s.`);
          return retryCount < RATE_LIMIT_RETRIES;
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _octokit: unknown,
          retryCount: number,
        ) => {
          log.warn(`GitHub secondary rate limit on ${options.method} ${options.url}; retrying after ${retryAfter}s.`);
          return retryCount < RATE_LIMIT_RETRIES;
        },
      },
      retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 429] },
    },
    retry,
    throttling,
  );
}
