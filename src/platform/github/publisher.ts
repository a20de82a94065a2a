import type { Logger } from '../../core/check.js';
import type { Verdict } from '../../core/finding.js';
import type { CommentRequest, PublishOutcome, StatusRequest } from '../platform.js';
import { annotationsFor } from './annotations.js';
import type { Annotation } from './annotations.js';
import type { GithubClient } from './client.js';
import { GITHUB_LIMITS, truncate } from './limits.js';

export interface GithubTarget {
  owner: string;
  repo: string;
  /** The pull request to comment on, when there is one. */
  pullNumber?: number;
  /** The commit the check run and status attach to (the PR head, not the merge commit). */
  headSha: string;
}

function httpStatus(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : undefined;
}

function describe(error: unknown): string {
  const status = httpStatus(error);
  const message = error instanceof Error ? error.message.split('\n', 1)[0] : String(error);
  return status ? `HTTP ${status}: ${message}` : (message ?? 'unknown error');
}

/** What to add to the workflow when GitHub refuses a write. */
export function permissionAdvice(scope: 'pull-requests' | 'checks' | 'statuses'): string {
  return (
    `Give the job \`permissions: { ${scope}: write }\` (next to \`contents: read\`). ` +
    'On pull requests from forks the token is read-only whatever the workflow says: use the two-workflow ' +
    '`workflow_run` pattern described in the README ("Fork pull requests").'
  );
}

function failure(error: unknown, scope: 'pull-requests' | 'checks' | 'statuses'): PublishOutcome {
  const status = httpStatus(error);
  const advice =
    status === 403 || status === 404
      ? permissionAdvice(scope)
      : status === 429
        ? 'GitHub kept rate-limiting the request; re-run the job later.'
        : 'GitHub did not accept the request; the report is still in the job summary and the SARIF/JSON files.';
  return { ok: false, reason: describe(error), advice };
}

const CONCLUSION: Record<Verdict, 'success' | 'failure'> = {
  pass: 'success',
  warn: 'success',
  fail: 'failure',
  error: 'failure',
};
const STATUS_STATE: Record<Verdict, 'success' | 'failure' | 'error'> = {
  pass: 'success',
  warn: 'success',
  fail: 'failure',
  error: 'error',
};

/** The GitHub API calls of publishing: one PR comment updated in place, a check run (or a commit status when checks can't be written). */
export class GithubPublisher {
  readonly commentLimit = GITHUB_LIMITS.commentChars;
  private checkRunId?: number;
  private checksRefused = false;

  constructor(
    private readonly client: GithubClient,
    private readonly target: GithubTarget,
    private readonly log: Logger,
  ) {}

  get hasReviewThread(): boolean {
    return this.target.pullNumber !== undefined;
  }

  private async findComment(marker: string): Promise<number | undefined> {
    const { owner, repo, pullNumber } = this.target;
    const iterator = this.client.paginate.iterator(this.client.rest.issues.listComments, {
      owner,
      repo,
      issue_number: pullNumber!,
      per_page: 100,
    });
    let found: number | undefined;
    for await (const page of iterator) {
      for (const comment of page.data) {
        // The last one wins: if an older copy exists (a race between two runs), the newest is kept current.
        if (comment.body?.startsWith(marker)) found = comment.id;
      }
    }
    return found;
  }

  async postComment(request: CommentRequest): Promise<PublishOutcome> {
    const { owner, repo, pullNumber } = this.target;
    if (pullNumber === undefined) return { ok: true, detail: 'no pull request: no comment' };
    try {
      const existing = request.mode === 'update' ? await this.findComment(request.marker) : undefined;
      if (existing !== undefined) {
        try {
          const { data } = await this.client.rest.issues.updateComment({
            owner,
            repo,
            comment_id: existing,
            body: request.body,
          });
          return { ok: true, url: data.html_url, detail: 'comment updated' };
        } catch (error) {
          // Someone else's comment carrying our marker cannot be edited by this token: add our own.
          if (httpStatus(error) !== 403 && httpStatus(error) !== 404) throw error;
          this.log.debug(`could not update comment ${existing} (${describe(error)}); creating a new one`);
        }
      }
      const { data } = await this.client.rest.issues.createComment({
        owner,
        repo,
        issue_number: pullNumber,
        body: request.body,
      });
      return { ok: true, url: data.html_url, detail: 'comment created' };
    } catch (error) {
      return failure(error, 'pull-requests');
    }
  }

  /** Creates the check run `in_progress` when the gate starts, so the PR shows it is running. */
  async startCheck(name: string, detailsUrl?: string): Promise<PublishOutcome> {
    const { owner, repo, headSha } = this.target;
    try {
      const { data } = await this.client.rest.checks.create({
        owner,
        repo,
        name,
        head_sha: headSha,
        status: 'in_progress',
        started_at: new Date().toISOString(),
        ...(detailsUrl ? { details_url: detailsUrl } : {}),
      });
      this.checkRunId = data.id;
      return { ok: true, url: data.html_url ?? undefined };
    } catch (error) {
      this.checksRefused = true;
      return failure(error, 'checks');
    }
  }

  async setStatus(request: StatusRequest): Promise<PublishOutcome> {
    if (!this.checksRefused) {
      const outcome = await this.completeCheck(request, annotationsFor(request.checks ?? []));
      if (outcome.ok) return outcome;
      this.log.warn(
        `Could not write the check run (${outcome.reason}); falling back to a commit status. ${outcome.advice}`,
      );
    }
    return this.commitStatus(request);
  }

  private async completeCheck(request: StatusRequest, annotations: Annotation[]): Promise<PublishOutcome> {
    const { owner, repo, headSha } = this.target;
    const conclusion = request.audit ? 'neutral' : CONCLUSION[request.verdict];
    const output = (batch: Annotation[]) => ({
      title: truncate(request.description, GITHUB_LIMITS.checkTitleChars),
      summary: truncate(
        request.summary?.(GITHUB_LIMITS.checkSummaryChars) ?? request.description,
        GITHUB_LIMITS.checkSummaryChars,
      ),
      ...(batch.length > 0 ? { annotations: batch } : {}),
    });
    const batches: Annotation[][] = [];
    for (let i = 0; i < annotations.length; i += GITHUB_LIMITS.annotationsPerRequest)
      batches.push(annotations.slice(i, i + GITHUB_LIMITS.annotationsPerRequest));
    try {
      let id = this.checkRunId;
      const first = batches.shift() ?? [];
      if (id === undefined) {
        const { data } = await this.client.rest.checks.create({
          owner,
          repo,
          name: request.name,
          head_sha: headSha,
          status: 'completed',
          conclusion,
          completed_at: new Date().toISOString(),
          ...(request.targetUrl ? { details_url: request.targetUrl } : {}),
          output: output(first),
        });
        id = data.id;
      } else {
        await this.client.rest.checks.update({
          owner,
          repo,
          check_run_id: id,
          status: 'completed',
          conclusion,
          completed_at: new Date().toISOString(),
          output: output(first),
        });
      }
      // Each further update appends up to 50 annotations.
      for (const batch of batches)
        await this.client.rest.checks.update({ owner, repo, check_run_id: id, output: output(batch) });
      return { ok: true, detail: `check run ${id}: ${conclusion}` };
    } catch (error) {
      return failure(error, 'checks');
    }
  }

  private async commitStatus(request: StatusRequest): Promise<PublishOutcome> {
    const { owner, repo, headSha } = this.target;
    try {
      await this.client.rest.repos.createCommitStatus({
        owner,
        repo,
        sha: headSha,
        context: request.name,
        state: request.audit ? 'success' : STATUS_STATE[request.verdict],
        description: truncate(request.description, GITHUB_LIMITS.statusDescriptionChars),
        ...(request.targetUrl ? { target_url: request.targetUrl } : {}),
      });
      return { ok: true, detail: 'commit status' };
    } catch (error) {
      return failure(error, 'statuses');
    }
  }
}

/** For `workflow_run` events (and anything else without a PR in its payload): the open PR whose head is `sha`. */
export async function findPullRequestByHead(
  client: GithubClient,
  owner: string,
  repo: string,
  sha: string,
): Promise<number | undefined> {
  try {
    const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({
      owner,
      repo,
      commit_sha: sha,
      per_page: 100,
    });
    const open = data.find((pr) => pr.state === 'open' && pr.head.sha === sha);
    if (open) return open.number;
  } catch {
    // Not found for commits that only exist in a fork: fall through to the open-PR scan.
  }
  // `workflow_run.pull_requests` is empty for forks, and the commit lookup may miss them too.
  for await (const page of client.paginate.iterator(client.rest.pulls.list, {
    owner,
    repo,
    state: 'open',
    per_page: 100,
  })) {
    const match = page.data.find((pr) => pr.head.sha === sha);
    if (match) return match.number;
  }
  return undefined;
}
