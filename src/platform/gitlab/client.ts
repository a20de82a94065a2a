import { PlatformError } from '../../core/errors.js';
import { TOOL_NAME, TOOL_VERSION } from '../../version.js';
import { DeadlineError, DeadlineHolder } from '../deadline.js';

/** GitLab's largest page for list endpoints (`per_page`). */
export const GITLAB_MAX_PER_PAGE = 100;
/** How many pages of a list we read before giving up (100 per page: 5,000 notes). */
export const GITLAB_MAX_PAGES = 50;
/** Attempts per request, the first included, for 429, 5xx and network errors. */
export const GITLAB_MAX_ATTEMPTS = 4;
/** The longest `Retry-After` we are willing to wait, in seconds; longer ones fail the request instead. */
export const GITLAB_MAX_RETRY_AFTER_SECONDS = 60;
/** Per-request timeout, in milliseconds. */
export const GITLAB_REQUEST_TIMEOUT_MS = 30_000;
/** Largest response body we read, in bytes (a page of 100 notes of up to 1,000,000 characters would be far less). */
export const GITLAB_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface GitlabClientOptions {
  /** `CI_API_V4_URL`, e.g. `https://gitlab.example.com/api/v4` or `https://host/gitlab/api/v4`. */
  apiUrl: string;
  token: string;
  /** Name of the CI/CD variable the token came from, for messages (never the token itself). */
  tokenVariable: string;
  fetch?: FetchLike;
  /** Waits between retries; tests pass one that records instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
  maxAttempts?: number;
  /** The deadline every request, retry and wait works under (the pipeline arms it for publishing). */
  deadline?: DeadlineHolder;
}

export interface GitlabResponse<T> {
  status: number;
  headers: Headers;
  data: T;
}

/** A refused or failed GitLab API call, with the HTTP status and what to change. */
export class GitlabApiError extends PlatformError {
  constructor(
    code: string,
    message: string,
    readonly status: number | undefined,
    readonly advice: string,
  ) {
    super(code, message);
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `Retry-After` is delta-seconds or an HTTP date (RFC 9110 §10.2.3); anything else means "a second". */
export function retryAfterSeconds(value: string | null, now = Date.now()): number {
  if (!value) return 1;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? 1 : Math.max(0, Math.ceil((date - now) / 1000));
}

/** GitLab's error bodies are `{"message": ...}` or `{"error": ...}`; keep one short, plain line of them. */
function serverMessage(text: string): string {
  let message: unknown = text;
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown; error_description?: unknown };
    message = parsed.message ?? parsed.error_description ?? parsed.error ?? text;
  } catch {
    // not JSON: use the text
  }
  const flat = (typeof message === 'string' ? message : JSON.stringify(message))
    // eslint-disable-next-line no-control-regex -- control characters from a server never reach the log
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim();
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}

/**
 * A small typed client for the parts of GitLab's REST API v4 we use, on Node's fetch. Retries 429 (after
 * `Retry-After`), 5xx and network errors a bounded number of times, and turns every other refusal into a
 * GitlabApiError that says what to change. The token is sent as `PRIVATE-TOKEN` and never appears in a
 * message, even when a server echoes it back.
 */
export class GitlabClient {
  private readonly base: string;
  private readonly fetchImpl: FetchLike;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxAttempts: number;
  private readonly deadline: DeadlineHolder;

  constructor(private readonly options: GitlabClientOptions) {
    this.deadline = options.deadline ?? new DeadlineHolder();
    this.base = options.apiUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? ((url, init) => fetch(url, init));
    this.sleep = options.sleep ?? defaultSleep;
    this.maxAttempts = options.maxAttempts ?? GITLAB_MAX_ATTEMPTS;
  }

  /** Removes the token from any text before it is shown. */
  redact(text: string): string {
    return this.options.token ? text.split(this.options.token).join('[token]') : text;
  }

  async request<T>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
    what = path,
  ): Promise<GitlabResponse<T>> {
    const url = `${this.base}${path}`;
    for (let attempt = 1; ; attempt++) {
      const deadline = this.deadline.current;
      deadline.check();
      let response: Response;
      try {
        response = await this.fetchImpl(url, {
          method,
          headers: {
            'PRIVATE-TOKEN': this.options.token,
            Accept: 'application/json',
            'User-Agent': `${TOOL_NAME}/${TOOL_VERSION}`,
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          redirect: 'error',
          signal: deadline.requestSignal(GITLAB_REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        if (deadline.expired) throw new DeadlineError(deadline.seconds);
        if (attempt < this.maxAttempts) {
          await this.wait(1000 * 2 ** (attempt - 1));
          continue;
        }
        const reason =
          error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : '';
        throw new GitlabApiError(
          'GITLAB_UNREACHABLE',
          this.redact(`Could not reach GitLab at ${this.base} for ${what} after ${attempt} attempts: ${reason}.`),
          undefined,
          'Check CI_API_V4_URL and that the runner can reach the GitLab API.',
        );
      }
      const text = await this.readBody(response);
      if (response.ok) {
        return { status: response.status, headers: response.headers, data: (text ? JSON.parse(text) : null) as T };
      }
      if (response.status === 429 && attempt < this.maxAttempts) {
        const wait = retryAfterSeconds(response.headers.get('retry-after'));
        if (wait <= GITLAB_MAX_RETRY_AFTER_SECONDS) {
          await this.wait(wait * 1000);
          continue;
        }
      }
      if (response.status >= 500 && attempt < this.maxAttempts) {
        await this.wait(1000 * 2 ** (attempt - 1));
        continue;
      }
      throw this.failure(response, text, what, attempt);
    }
  }

  /** A wait between attempts that would end after the deadline fails at once instead. */
  private async wait(ms: number): Promise<void> {
    const deadline = this.deadline.current;
    if (ms >= deadline.remainingMs()) throw new DeadlineError(deadline.seconds);
    await this.sleep(ms);
  }

  /** Every item of a list endpoint, following `x-next-page` (GitLab's offset pagination), bounded. */
  async list<T>(path: string, query: Record<string, string>, what = path): Promise<T[]> {
    const items: T[] = [];
    let page = 1;
    for (let read = 0; read < GITLAB_MAX_PAGES; read++) {
      const params = new URLSearchParams({ ...query, per_page: String(GITLAB_MAX_PER_PAGE), page: String(page) });
      const response = await this.request<T[]>('GET', `${path}?${params.toString()}`, undefined, what);
      if (!Array.isArray(response.data)) {
        throw new GitlabApiError(
          'GITLAB_UNEXPECTED',
          `GitLab answered ${what} with something other than a list.`,
          response.status,
          'Check that CI_API_V4_URL points at the GitLab API (it ends in /api/v4).',
        );
      }
      items.push(...response.data);
      const next = Number(response.headers.get('x-next-page') ?? '');
      if (!Number.isInteger(next) || next <= page) return items;
      page = next;
    }
    return items;
  }

  private async readBody(response: Response): Promise<string> {
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > GITLAB_MAX_RESPONSE_BYTES) {
      await response.body?.cancel();
      throw new GitlabApiError(
        'GITLAB_RESPONSE_TOO_LARGE',
        `GitLab sent a ${declared}-byte response; the limit is ${GITLAB_MAX_RESPONSE_BYTES}.`,
        response.status,
        'Check that CI_API_V4_URL points at the GitLab API.',
      );
    }
    return response.text();
  }

  private failure(response: Response, text: string, what: string, attempts: number): GitlabApiError {
    const status = response.status;
    const variable = this.options.tokenVariable;
    const said = serverMessage(text);
    const detail = said ? ` GitLab said: ${said}` : '';
    const make = (code: string, message: string, advice: string) =>
      new GitlabApiError(code, this.redact(`${message}${detail}`), status, advice);
    switch (status) {
      case 401:
        return make(
          'GITLAB_UNAUTHORIZED',
          `GitLab rejected the token in ${variable} for ${what} (401 Unauthorized): it is wrong, expired or revoked.`,
          `Create a new project or group access token with the api scope and put it in the masked CI/CD variable ${variable}.`,
        );
      case 403:
        return make(
          'GITLAB_FORBIDDEN',
          `GitLab refused ${what} (403 Forbidden) for the token in ${variable}.`,
          `Give the token the api scope (read_api cannot write) and at least the Developer role (Reporter is enough for the merge-request note, the commit status needs Developer).`,
        );
      case 404:
        return make(
          'GITLAB_NOT_FOUND',
          `GitLab answered 404 Not Found for ${what}.`,
          `The token in ${variable} cannot see this project or merge request (a token of another project or group?), or CI_API_V4_URL (${this.base}) is not this instance's API.`,
        );
      case 429:
        return make(
          'GITLAB_RATE_LIMITED',
          `GitLab rate-limited ${what} (429 Too Many Requests) after ${attempts} attempt(s), asking to wait ${retryAfterSeconds(response.headers.get('retry-after'))} s.`,
          'Run fewer parallel containersec jobs against this instance, or ask its administrator about the API rate limits.',
        );
      default:
        if (status >= 500) {
          return make(
            'GITLAB_SERVER_ERROR',
            `GitLab failed ${what} with ${status} after ${attempts} attempts.`,
            'GitLab itself had a problem; retry the job. The reports were written as artifacts either way.',
          );
        }
        return make(
          'GITLAB_REJECTED',
          `GitLab rejected ${what} with ${status}.`,
          'This is likely a containersec bug or an unsupported GitLab version; please report it with this message.',
        );
    }
  }
}
