import { randomUUID } from 'node:crypto';
import type { Logger } from '../../core/check.js';
import { isDeadlineError } from '../deadline.js';
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
  if (isDeadlineError(error)) return `Stopped: ${error.message}`;
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

/** A 2xx answer we cannot read (an HTML page from a proxy, JSON without an id): an API error like any other. */
export class UnreadableAnswerError extends Error {
  constructor(
    readonly status: number,
    readonly contentType: string,
    what: string,
  ) {
    super(`GitHub answered ${what} with HTTP ${status} (${contentType || 'no content type'}) but no readable id`);
  }
}

interface Answer<T> {
  status: number;
  headers: Record<string, string | number | undefined>;
  data: T;
}

/** The numeric `id` of a created object, or an UnreadableAnswerError naming the status and content type. */
function idOf(answer: Answer<unknown>, what: string): number {
  const id = typeof answer.data === 'object' && answer.data !== null ? (answer.data as { id?: unknown }).id : undefined;
  if (typeof id === 'number' && Number.isSafeInteger(id)) return id;
  throw new UnreadableAnswerError(answer.status, String(answer.headers['content-type'] ?? ''), what);
}

interface CommentAuthor {
  login?: string;
  type?: string;
}

/**
 * Who the token writes comments as, so that we only ever edit a comment the gate wrote. `GET /user` answers
 * for a personal access token (classic or fine-grained): its login. For `GITHUB_TOKEN` and a GitHub App
 * installation token it answers 403 "Resource not accessible by integration"; those tokens comment as a Bot
 * account (`github-actions[bot]`, or `<app-slug>[bot]`), whose login cannot be read before writing. So:
 * a user token matches its login; an installation token matches Bot authors only (a person cannot post as a
 * Bot), and once this run has created a comment, exactly the login GitHub gave that comment.
 */
type Identity = { kind: 'user'; login: string } | { kind: 'bot' } | { kind: 'unknown' };

function describeAuthor(author: CommentAuthor | null | undefined): string {
  return `${author?.login ?? 'unknown'}${author?.type ? ` (${author.type})` : ''}`;
}

function failure(error: unknown, scope: 'pull-requests' | 'checks' | 'statuses'): PublishOutcome {
  const status = httpStatus(error);
  const advice = isDeadlineError(error)
    ? 'Raise the `publish-timeout` input if the GitHub API is slow here; the report is in the job summary and the report files.'
    : status === 403 || status === 404
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
  /** A create whose answer we could not read: the check run may exist, found again by this external_id. */
  private checkRunUnconfirmed = false;
  private readonly externalId = randomUUID();
  /** The conclusion last sent, for completing a check run left open by a failed update. */
  private lastCompletion?: { name: string; conclusion: 'success' | 'failure' | 'neutral'; title: string };
  private checkRunOpen = false;
  private checksRefused = false;
  private identity?: Promise<Identity>;
  /** The login of a comment this run created: the token's own identity, whatever kind of token it is. */
  private ownLogin?: string;

  constructor(
    private readonly client: GithubClient,
    private readonly target: GithubTarget,
    private readonly log: Logger,
  ) {}

  get hasReviewThread(): boolean {
    return this.target.pullNumber !== undefined;
  }

  private tokenIdentity(): Promise<Identity> {
    this.identity ??= this.client.rest.users.getAuthenticated().then(
      ({ data }): Identity =>
        typeof data.login === 'string' ? { kind: 'user', login: data.login } : { kind: 'unknown' },
      (error: unknown): Identity => {
        const status = httpStatus(error);
        if (status === 403 || status === 404) return { kind: 'bot' };
        this.log.debug(`could not tell who the token is (${describe(error)}): only new comments are posted`);
        this.identity = undefined;
        return { kind: 'unknown' };
      },
    );
    return this.identity;
  }

  private isOurs(author: CommentAuthor | null | undefined, identity: Identity): boolean {
    if (!author?.login) return false;
    if (this.ownLogin) return author.login === this.ownLogin;
    if (identity.kind === 'user') return author.login === identity.login;
    return identity.kind === 'bot' && author.type === 'Bot';
  }

  /** Our newest comment with the marker (and `body`, when given); marker comments by others are logged and left alone. */
  private async findComment(marker: string, body?: string): Promise<number | undefined> {
    const { owner, repo, pullNumber } = this.target;
    const identity = await this.tokenIdentity();
    const iterator = this.client.paginate.iterator(this.client.rest.issues.listComments, {
      owner,
      repo,
      issue_number: pullNumber!,
      per_page: 100,
    });
    let found: number | undefined;
    const foreign: string[] = [];
    for await (const page of iterator) {
      for (const comment of page.data) {
        if (!comment.body?.startsWith(marker) || (body !== undefined && comment.body !== body)) continue;
        // The last one wins: if an older copy exists (a race between two runs), the newest is kept current.
        if (this.isOurs(comment.user, identity)) found = comment.id;
        else foreign.push(`${comment.id} by ${describeAuthor(comment.user)}`);
      }
    }
    if (foreign.length > 0 && body === undefined)
      this.log.info(
        `Ignored ${foreign.length} comment(s) that carry containersec's marker but were not written by this token: ${foreign.slice(0, 5).join(', ')}.`,
      );
    return found;
  }

  /**
   * Creates the comment without automatic retries: a 5xx or a stall may arrive after GitHub stored it, and
   * a blind retry would post it twice. So after a failure we look for it first and only post again when it
   * is not there.
   */
  private async createComment(request: CommentRequest): Promise<PublishOutcome> {
    const { owner, repo, pullNumber } = this.target;
    for (let attempt = 1; ; attempt++) {
      try {
        const { data } = await this.client.rest.issues.createComment({
          owner,
          repo,
          issue_number: pullNumber!,
          body: request.body,
          request: { retries: 0 },
        });
        if (data.user?.login) this.ownLogin = data.user.login;
        return { ok: true, url: data.html_url, detail: 'comment created' };
      } catch (error) {
        const status = httpStatus(error);
        const unsure = !isDeadlineError(error) && (status === undefined || status >= 500);
        if (!unsure || attempt >= 3) throw error;
        this.log.debug(`creating the comment failed (${describe(error)}); checking whether it was stored`);
        const stored = await this.findComment(request.marker, request.body);
        if (stored !== undefined) return { ok: true, detail: `comment created (${stored}, answer lost)` };
      }
    }
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
          // Deleted (or hidden from us) between listing and editing: add a new one.
          if (httpStatus(error) !== 403 && httpStatus(error) !== 404) throw error;
          this.log.debug(`could not update comment ${existing} (${describe(error)}); creating a new one`);
        }
      }
      return await this.createComment(request);
    } catch (error) {
      return failure(error, 'pull-requests');
    }
  }

  /** Creates the check run `in_progress` when the gate starts, so the PR shows it is running. */
  async startCheck(name: string, detailsUrl?: string): Promise<PublishOutcome> {
    const { owner, repo, headSha } = this.target;
    try {
      this.checkRunUnconfirmed = true;
      const answer = await this.client.rest.checks.create({
        owner,
        repo,
        name,
        head_sha: headSha,
        external_id: this.externalId,
        status: 'in_progress',
        started_at: new Date().toISOString(),
        ...(detailsUrl ? { details_url: detailsUrl } : {}),
      });
      this.checkRunId = idOf(answer, 'the check-run create');
      this.checkRunUnconfirmed = false;
      this.checkRunOpen = true;
      return { ok: true, url: answer.data.html_url ?? undefined };
    } catch (error) {
      const status = httpStatus(error);
      if (status !== undefined && status >= 400 && status < 500) {
        this.checkRunUnconfirmed = false;
        this.checksRefused = true;
      }
      return failure(error, 'checks');
    }
  }

  /** After an unreadable create: the check run it may have made, found by our external_id. */
  private async recoverCheckRun(name: string): Promise<void> {
    if (this.checkRunId !== undefined || !this.checkRunUnconfirmed) return;
    const { owner, repo, headSha } = this.target;
    const { data } = await this.client.rest.checks.listForRef({
      owner,
      repo,
      ref: headSha,
      check_name: name,
      filter: 'all',
      per_page: 100,
    });
    const ours = data.check_runs.find((run) => run.external_id === this.externalId);
    this.checkRunUnconfirmed = false;
    if (ours) {
      this.checkRunId = ours.id;
      this.checkRunOpen = ours.status !== 'completed';
      this.log.info(`Found check run ${ours.id} that the unreadable answer had created; completing it.`);
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

  /**
   * The last word on a check run this job opened and could not complete (an update failed, publishing ran
   * out of time, the run crashed in between): one small request, so no check run stays `in_progress`.
   */
  async closeOpenCheck(): Promise<PublishOutcome | undefined> {
    if (!this.checkRunOpen || this.checkRunId === undefined) return undefined;
    const { owner, repo } = this.target;
    const last = this.lastCompletion ?? {
      conclusion: 'failure' as const,
      title: 'containersec did not finish: see the job log',
    };
    try {
      await this.client.rest.checks.update({
        owner,
        repo,
        check_run_id: this.checkRunId,
        status: 'completed',
        conclusion: last.conclusion,
        completed_at: new Date().toISOString(),
        output: { title: last.title, summary: `${last.title}\n\nThe full report is in the job summary.` },
        request: { retries: 0 },
      });
      this.checkRunOpen = false;
      return { ok: true, detail: `check run ${this.checkRunId} completed: ${last.conclusion}` };
    } catch (error) {
      return failure(error, 'checks');
    }
  }

  private async completeCheck(request: StatusRequest, annotations: Annotation[]): Promise<PublishOutcome> {
    const { owner, repo, headSha } = this.target;
    const conclusion = request.audit ? 'neutral' : CONCLUSION[request.verdict];
    const title = truncate(request.description, GITHUB_LIMITS.checkTitleChars);
    this.lastCompletion = { name: request.name, conclusion, title };
    const output = (batch: Annotation[]) => ({
      title,
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
      await this.recoverCheckRun(request.name);
      let id = this.checkRunId;
      const first = batches.shift() ?? [];
      if (id === undefined) {
        const answer = await this.client.rest.checks.create({
          owner,
          repo,
          name: request.name,
          head_sha: headSha,
          external_id: this.externalId,
          status: 'completed',
          conclusion,
          completed_at: new Date().toISOString(),
          ...(request.targetUrl ? { details_url: request.targetUrl } : {}),
          output: output(first),
        });
        id = idOf(answer, 'the check-run create');
        this.checkRunId = id;
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
        this.checkRunOpen = false;
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
