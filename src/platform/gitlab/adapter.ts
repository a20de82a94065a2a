import type { Deadline } from '../deadline.js';
import { DeadlineHolder } from '../deadline.js';
import type { Logger } from '../../core/check.js';
import type { CiContext, CommentRequest, Platform, PublishOutcome, StatusRequest } from '../platform.js';
import { GITLAB_NOTE_MAX_CHARS } from './limits.js';
import { GitlabClient } from './client.js';
import type { FetchLike } from './client.js';
import {
  STATUS_NAME_VARIABLE,
  gitlabCommentKey,
  gitlabFileUrlBuilder,
  missingTokenAdvice,
  readGitlabContext,
} from './env.js';
import { GitlabPublisher } from './publisher.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface GitlabAdapterOptions {
  env: Env;
  log: Logger;
  /** The HTTP client (tests may swap it); Node's fetch by default. */
  fetch?: FetchLike;
  /** Waits between API retries (tests pass one that does not sleep). */
  sleep?: (ms: number) => Promise<void>;
}

const NOT_PUBLISHED: PublishOutcome = {
  ok: false,
  reason: 'Nothing was published to GitLab.',
  advice: 'See the earlier log lines for why.',
};

/** GitLab CI's platform: predefined variables, the merge-request note, the commit status. */
export class GitlabAdapter implements Platform {
  readonly name = 'gitlab';
  readonly label = 'GitLab';
  readonly commentLimit = GITLAB_NOTE_MAX_CHARS;
  private publisher?: GitlabPublisher;
  private ci?: CiContext;
  private readonly deadline = new DeadlineHolder();

  constructor(private readonly options: GitlabAdapterOptions) {}

  context(): Promise<CiContext> {
    this.ci ??= this.readContext();
    return Promise.resolve(this.ci);
  }

  private readContext(): CiContext {
    const { env, log } = this.options;
    const context = readGitlabContext(env);
    if (context.tokenVariableProblem) log.warn(context.tokenVariableProblem);
    if (!context.apiUrl || !context.projectId) {
      log.warn(
        'GitLab: CI_API_V4_URL or CI_PROJECT_ID is not set, so nothing will be published. Publishing runs inside GitLab CI (or set both).',
      );
    } else if (!context.token) log.warn(`GitLab: ${missingTokenAdvice(context)}`);
    else {
      const client = new GitlabClient({
        apiUrl: context.apiUrl,
        token: context.token,
        tokenVariable: context.tokenVariable,
        deadline: this.deadline,
        ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
        ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
      });
      this.publisher = new GitlabPublisher(client, {
        projectId: context.projectId,
        ...(context.mergeRequestIid ? { mergeRequestIid: context.mergeRequestIid } : {}),
        ...(context.sha ? { sha: context.sha } : {}),
        ...(context.pipelineId ? { pipelineId: context.pipelineId } : {}),
      });
    }
    // "New in this MR" compares with the merge base GitLab computed (in a branch pipeline: the previous tip).
    const base = context.diffBaseSha ?? context.beforeSha;
    const fileUrl = gitlabFileUrlBuilder(context);
    const statusName = env[STATUS_NAME_VARIABLE]?.trim();
    return {
      canPublish: this.publisher !== undefined,
      hasReviewThread: context.mergeRequestIid !== undefined,
      commentKey: gitlabCommentKey(env),
      ...(base ? { base } : {}),
      ...(context.sha ? { headSha: context.sha } : {}),
      ...(fileUrl ? { fileUrl } : {}),
      ...(context.jobUrl ? { runUrl: context.jobUrl } : {}),
      ...(statusName ? { statusName } : {}),
    };
  }

  publishWithin(deadline: Deadline): void {
    this.deadline.current = deadline;
  }

  begin(): Promise<void> {
    return Promise.resolve();
  }

  postComment(request: CommentRequest): Promise<PublishOutcome> {
    return this.publisher ? this.publisher.postComment(request) : Promise.resolve(NOT_PUBLISHED);
  }

  setStatus(request: StatusRequest): Promise<PublishOutcome> {
    return this.publisher ? this.publisher.setStatus(request) : Promise.resolve(NOT_PUBLISHED);
  }
}
