import type { Logger } from '../../core/check.js';
import type { GithubClient } from './client.js';
import type { GithubEvent } from './event.js';
import { findPullRequestByHead } from './publisher.js';

export interface GithubRunContext {
  owner: string;
  repo: string;
  eventName: string;
  /** The commit the gate checks and reports on. */
  headSha?: string;
  pullNumber?: number;
  /** A pull request from a fork on a `pull_request` event: the token is read-only. */
  fork: boolean;
}

export function isForkPullRequest(event: GithubEvent): boolean {
  const head = event.pull_request?.head?.repo?.full_name;
  const base = event.pull_request?.base?.repo?.full_name;
  return head !== undefined && base !== undefined && head !== base;
}

/** Who and what this run is about, for each event the action supports. */
export async function githubRunContext(
  env: Readonly<Record<string, string | undefined>>,
  event: GithubEvent,
  client: GithubClient | undefined,
  log: Logger,
): Promise<GithubRunContext | undefined> {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo) return undefined;
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const headSha =
    event.pull_request?.head?.sha ?? event.workflow_run?.head_sha ?? event.merge_group?.head_sha ?? env.GITHUB_SHA;
  let pullNumber = event.pull_request?.number;
  if (pullNumber === undefined && eventName === 'workflow_run' && headSha && client) {
    // `workflow_run.pull_requests` is empty for pull requests from forks: look the PR up by its head commit.
    pullNumber =
      event.workflow_run?.pull_requests?.[0]?.number ??
      (await findPullRequestByHead(client, owner, repo, headSha).catch(() => undefined));
    log.debug(`workflow_run: pull request ${pullNumber ?? 'not found'} for ${headSha}`);
  }
  return {
    owner,
    repo,
    eventName,
    headSha,
    pullNumber,
    fork: eventName === 'pull_request' && isForkPullRequest(event),
  };
}

export const FORK_ADVICE = [
  'This pull request comes from a fork, so the token is read-only: containersec wrote the job summary and the',
  'report files but cannot comment or set a check. To comment on fork pull requests, run the gate in a',
  '`pull_request` workflow that uploads the report as an artifact, and publish it from a second workflow',
  'triggered by `workflow_run` (which has a write token and never checks out the fork). The README section',
  '"Fork pull requests" has both workflows, complete.',
].join(' ');
