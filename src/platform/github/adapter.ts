import { createHash } from 'node:crypto';
import * as core from '@actions/core';
import type { Logger } from '../../core/check.js';
import { Deadline, DeadlineHolder } from '../deadline.js';
import type { CiContext, CommentRequest, Platform, PublishOutcome, StatusRequest } from '../platform.js';
import { FORK_ADVICE, githubRunContext } from './context.js';
import { baseRevision, readEvent } from './event.js';
import { GITHUB_LIMITS } from './limits.js';
import { fileUrlBuilder } from './links.js';
import type { GithubPublisher } from './publisher.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface GithubAdapterOptions {
  env: Env;
  log: Logger;
  /** The `github-token` input; empty when the workflow gave none. */
  token: string;
  /** The `comment-key` input; empty means workflow, job and matrix leg. */
  commentKey: string;
  /** The `matrix` input: `toJSON(matrix)` of the job (`null` outside a matrix). */
  matrix: string;
}

/**
 * The comment key of a job: workflow and job name, plus a short hash of the matrix leg, so the legs of a
 * matrix each keep their own comment without configuration.
 */
export function githubCommentKey(env: Env, matrix: string): string {
  const job = `${env.GITHUB_WORKFLOW ?? ''}/${env.GITHUB_JOB ?? ''}`;
  let leg: unknown;
  try {
    leg = JSON.parse(matrix || 'null');
  } catch {
    leg = matrix;
  }
  if (leg === null || (typeof leg === 'object' && Object.keys(leg).length === 0)) return job;
  const canonical = JSON.stringify(leg, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );
  return `${job}/${createHash('sha256').update(canonical).digest('hex').slice(0, 12)}`;
}

/** Time to complete a check run left open, after the publishing deadline. */
const FINISH_GRACE_SECONDS = 10;

const NO_PUBLISHER: PublishOutcome = {
  ok: false,
  reason: 'Nothing was published to GitHub.',
  advice: 'See the earlier log lines for why (no token, a fork pull request, or no commit to report on).',
};

/** The GitHub Action's platform: event and token from the runner, the comment, the check run, the job summary. */
export class GithubAdapter implements Platform {
  readonly name = 'github';
  readonly label = 'GitHub';
  readonly commentLimit = GITHUB_LIMITS.commentChars;
  private publisher?: GithubPublisher;
  private ci?: Promise<CiContext>;
  private readonly deadline = new DeadlineHolder();

  constructor(private readonly options: GithubAdapterOptions) {}

  context(): Promise<CiContext> {
    this.ci ??= this.readContext();
    return this.ci;
  }

  private async readContext(): Promise<CiContext> {
    const { env, log, token } = this.options;
    const event = readEvent(env);
    // Loaded on demand: the GitHub client is most of the bundle, and a run without a token never needs it.
    const spacing = Number(env.CONTAINERSEC_GITHUB_WRITE_SPACING_MS);
    const client = token
      ? (await import('./client.js')).githubClient(token, env, log, {
          deadline: this.deadline,
          ...(env.CONTAINERSEC_GITHUB_WRITE_SPACING_MS && spacing >= 0 ? { writeSpacingMs: spacing } : {}),
        })
      : undefined;
    const run = await githubRunContext(env, event, client, log);
    if (!token)
      log.info('No github-token input: nothing is published to GitHub, the job summary and report files are.');
    if (run?.fork) log.warn(FORK_ADVICE);
    else if (client && run?.headSha) {
      const { GithubPublisher } = await import('./publisher.js');
      this.publisher = new GithubPublisher(
        client,
        { owner: run.owner, repo: run.repo, pullNumber: run.pullNumber, headSha: run.headSha },
        log,
      );
    }
    const runUrl = env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
    const fileUrl = fileUrlBuilder(env, run?.headSha);
    const base = baseRevision(event, env.GITHUB_EVENT_NAME);
    return {
      canPublish: this.publisher !== undefined,
      hasReviewThread: this.publisher?.hasReviewThread ?? false,
      commentKey: this.options.commentKey || githubCommentKey(env, this.options.matrix),
      ...(base ? { base } : {}),
      ...(run?.headSha ? { headSha: run.headSha } : {}),
      ...(fileUrl ? { fileUrl } : {}),
      ...(runUrl ? { runUrl } : {}),
    };
  }

  async begin(statusName: string): Promise<void> {
    const ci = await this.context();
    if (!this.publisher) return;
    const started = await this.publisher.startCheck(statusName, ci.runUrl);
    if (!started.ok)
      this.options.log.info(
        `Could not create the ${statusName} check run (${started.reason}); a commit status will be used. ${started.advice}`,
      );
  }

  postComment(request: CommentRequest): Promise<PublishOutcome> {
    return this.publisher ? this.publisher.postComment(request) : Promise.resolve(NO_PUBLISHER);
  }

  setStatus(request: StatusRequest): Promise<PublishOutcome> {
    return this.publisher ? this.publisher.setStatus(request) : Promise.resolve(NO_PUBLISHER);
  }

  publishWithin(deadline: Deadline): void {
    this.deadline.current = deadline;
  }

  async finish(): Promise<PublishOutcome | undefined> {
    if (!this.publisher) return undefined;
    // A few seconds of its own beyond the publishing deadline: a check run left in progress shows as
    // pending on the PR forever, which is worse than a slightly longer job.
    this.deadline.current = Deadline.after(FINISH_GRACE_SECONDS);
    return this.publisher.closeOpenCheck();
  }

  async writeSummary(render: (maxChars: number) => string): Promise<void> {
    if (!this.options.env.GITHUB_STEP_SUMMARY) return;
    // The summary limit is in bytes; a character is at most 4 bytes of UTF-8.
    await core.summary.addRaw(render(GITHUB_LIMITS.stepSummaryBytes / 4), true).write();
  }
}
