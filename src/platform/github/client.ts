import { getOctokit } from '@actions/github';
import { throttling } from '@octokit/plugin-throttling';
import type { Logger } from '../../core/check.js';
import type { Deadline } from '../deadline.js';
import { DeadlineError, DeadlineHolder, isDeadlineError } from '../deadline.js';

export type GithubClient = ReturnType<typeof getOctokit>;

/** Retries after a rate limit at most this many times before giving up on that request. */
export const RATE_LIMIT_RETRIES = 2;
/** Attempts of one request on a 5xx, a network error or a stalled answer, the first included. */
export const MAX_ATTEMPTS = 4;
/** One API request may take this long before it is abandoned (publishing must not hang the job). */
export const REQUEST_TIMEOUT_MS = 30_000;
/** GitHub asks integrations to leave a second between writes; the throttle plugin spaces them so. */
export const WRITE_SPACING_MS = 1_000;
/** With no `retry-after` on a 429, GitHub says to wait at least a minute. */
const DEFAULT_RETRY_AFTER_SECONDS = 60;

export interface GithubClientOptions {
  /** The deadline every request, retry and wait works under (the pipeline arms it for publishing). */
  deadline?: DeadlineHolder;
  /** Minimum time between two writes; GitHub's recommendation by default, 0 in tests. */
  writeSpacingMs?: number;
}

interface RequestOptions {
  method: string;
  url: string;
  request?: { retries?: number };
}

interface ErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined> };
}

/**
 * The throttle plugin's write and notification spacing (Bottleneck groups) replaced by a serial queue with a
 * configurable interval: the shape `state.write.key(id).schedule(options, fn, ...args)` the plugin calls.
 */
function spacingGroup(intervalMs: number) {
  let next = Promise.resolve();
  let last = 0;
  const limiter = {
    schedule: <A extends unknown[], R>(_options: unknown, fn: (...args: A) => R | Promise<R>, ...args: A) => {
      const run = next.then(async () => {
        const wait = last + intervalMs - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        last = Date.now();
      });
      next = run.catch(() => undefined);
      return run.then(() => fn(...args));
    },
  };
  return { key: () => limiter };
}

/**
 * How long to wait before retrying a failed request, or undefined to give up. 5xx, network errors and stalls
 * back off 1, 2, 4 s; a bare 429 (no secondary-limit message, which the throttle plugin handles) waits
 * `retry-after` as GitHub documents. Requests marked `retries: 0` (the comment POST, which is not
 * idempotent) are never retried here: the caller looks up before re-posting.
 */
export function retryDelayMs(error: unknown, attempt: number, options: RequestOptions): number | undefined {
  if (isDeadlineError(error) || attempt >= MAX_ATTEMPTS) return undefined;
  const { status, response } = (error ?? {}) as ErrorLike;
  if (status === 429) {
    if (attempt > RATE_LIMIT_RETRIES) return undefined;
    const header = Number(response?.headers?.['retry-after']);
    return (Number.isFinite(header) && header >= 0 ? header : DEFAULT_RETRY_AFTER_SECONDS) * 1000;
  }
  if (options.request?.retries === 0) return undefined;
  if (status === undefined || status >= 500) return 1000 * 2 ** (attempt - 1);
  return undefined;
}

/**
 * Octokit for the action: GITHUB_API_URL (GitHub Enterprise Server), the throttling plugin honouring
 * `retry-after` on primary and secondary rate limits, and our own retry of 5xx, network errors, stalls and
 * bare 429s. Every request, retry and wait ends by the holder's deadline; a request that cannot is failed
 * with a DeadlineError, which nothing retries.
 */
export function githubClient(
  token: string,
  env: Readonly<Record<string, string | undefined>>,
  log: Logger,
  options: GithubClientOptions = {},
): GithubClient {
  const holder = options.deadline ?? new DeadlineHolder();
  const spacing = options.writeSpacingMs ?? WRITE_SPACING_MS;
  const deadline = (): Deadline => holder.current;
  const withinDeadline = (retryAfter: number) => retryAfter * 1000 < deadline().remainingMs();
  const fetchWithDeadline = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const current = deadline();
    current.check();
    try {
      return await fetch(url, { ...init, signal: current.requestSignal(REQUEST_TIMEOUT_MS, init?.signal) });
    } catch (error) {
      if (current.expired) throw new DeadlineError(current.seconds);
      throw error;
    }
  };
  const octokit = getOctokit(
    token,
    {
      baseUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
      userAgent: 'containersec',
      request: { fetch: fetchWithDeadline },
      log: {
        debug: () => undefined,
        info: () => undefined,
        warn: (m: string) => log.debug(m),
        error: (m: string) => log.debug(m),
      },
      throttle: {
        ...(spacing === WRITE_SPACING_MS
          ? {}
          : { write: spacingGroup(spacing) as never, notifications: spacingGroup(spacing * 3) as never }),
        onRateLimit: (
          retryAfter: number,
          request: { method: string; url: string },
          _octokit: unknown,
          retryCount: number,
        ) => {
          const retry = retryCount < RATE_LIMIT_RETRIES && withinDeadline(retryAfter);
          log.warn(
            `GitHub rate limit on ${request.method} ${request.url}; ${retry ? `retrying after ${retryAfter}s` : 'giving up'}.`,
          );
          return retry;
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          request: { method: string; url: string },
          _octokit: unknown,
          retryCount: number,
        ) => {
          const retry = retryCount < RATE_LIMIT_RETRIES && withinDeadline(retryAfter);
          log.warn(
            `GitHub secondary rate limit on ${request.method} ${request.url}; ${retry ? `retrying after ${retryAfter}s` : 'giving up'}.`,
          );
          return retry;
        },
      },
    },
    throttling,
  );
  octokit.hook.wrap('request', async (request, requestOptions) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(requestOptions);
      } catch (error) {
        const wait = retryDelayMs(error, attempt, requestOptions as RequestOptions);
        if (wait === undefined) throw error;
        const { status, message } = error as ErrorLike;
        log.debug(
          `GitHub ${requestOptions.method} ${requestOptions.url}: ${status ?? ''} ${message ?? ''}; retrying in ${wait} ms`,
        );
        await deadline().sleep(wait);
      }
    }
  });
  return octokit;
}
