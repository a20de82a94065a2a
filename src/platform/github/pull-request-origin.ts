import type { PullRequestOrigin } from '../../core/ci-facts.js';

/** Bytes read from the event payload at most (payloads of large pull requests reach a few MiB). */
export const MAX_EVENT_PAYLOAD_BYTES = 5 * 1024 * 1024;

/**
 * Whether the GitHub event of this job is a pull request and whether it comes from a fork, from the event
 * payload at GITHUB_EVENT_PATH (`pull_request.head.repo.full_name` against `base.repo.full_name`). Every
 * way of not knowing is a reason, never a guess.
 */
export function githubPullRequestOrigin(
  env: Readonly<Record<string, string | undefined>>,
  readFile: (path: string) => string | undefined,
): PullRequestOrigin {
  const path = env.GITHUB_EVENT_PATH;
  const text = path ? readFile(path) : undefined;
  if (!path || text === undefined) {
    return { kind: 'unknown', reason: 'Could not read the GitHub event payload (GITHUB_EVENT_PATH)' };
  }
  if (text.length > MAX_EVENT_PAYLOAD_BYTES) {
    return { kind: 'unknown', reason: 'The GitHub event payload is too large to read' };
  }
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    return { kind: 'unknown', reason: 'The GitHub event payload is not valid JSON' };
  }
  const pr = (
    event as {
      pull_request?: { head?: { repo?: { full_name?: unknown } | null }; base?: { repo?: { full_name?: unknown } } };
    } | null
  )?.pull_request;
  if (!pr) return { kind: 'not-pull-request' };
  const head = pr.head?.repo?.full_name;
  const base = pr.base?.repo?.full_name;
  if (typeof head !== 'string' || typeof base !== 'string') {
    return {
      kind: 'unknown',
      reason: 'The pull request event has no head or base repository name (a deleted fork?)',
    };
  }
  return { kind: 'pull-request', isFork: head.toLowerCase() !== base.toLowerCase(), head, base };
}
