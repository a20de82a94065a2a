import { errorMessage } from '../../core/errors.js';
import type { GateOutcome } from '../../core/outcome.js';
import { todayUtc } from '../../policy/exceptions.js';
import { readCustomTemplate, renderMarkdown } from '../../report/markdown.js';
import { buildReportModel } from '../../report/model.js';
import { git, resolveCommit } from '../../repo/git.js';
import type { PublishOutcome } from '../platform.js';
import { GitlabClient } from './client.js';
import type { FetchLike } from './client.js';
import {
  DEFAULT_STATUS_NAME,
  STATUS_NAME_VARIABLE,
  gitlabCommentKey,
  gitlabFileUrlBuilder,
  missingTokenAdvice,
  readGitlabContext,
} from './env.js';
import { GitlabPlatform } from './platform.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface PublishLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface GitlabPublishOptions {
  outcome: GateOutcome;
  env: Env;
  log: PublishLog;
  /** update | new | off; defaults to the policy's report.comment. */
  comment?: 'update' | 'new' | 'off';
  statusName?: string;
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
}

function report(log: PublishLog, what: string, outcome: PublishOutcome): void {
  if (outcome.ok) log.info(`GitLab: ${outcome.detail ?? what}.`);
  else log.warn(`GitLab: ${outcome.reason} ${outcome.advice}`);
}

/**
 * Posts the merge-request note and the commit status. Never throws and never changes the verdict: whatever
 * GitLab says, the caller's exit code stays the gate's, and a refusal is one warning that says what to do.
 */
export async function publishToGitlab(options: GitlabPublishOptions): Promise<void> {
  const { outcome, env, log } = options;
  try {
    const context = readGitlabContext(env);
    if (context.tokenVariableProblem) log.warn(context.tokenVariableProblem);
    if (!context.apiUrl || !context.projectId) {
      log.warn(
        'GitLab: CI_API_V4_URL or CI_PROJECT_ID is not set, so nothing was published. Publishing runs inside GitLab CI (or set both).',
      );
      return;
    }
    if (!context.token) {
      log.warn(`GitLab: ${missingTokenAdvice(context)}`);
      return;
    }
    const client = new GitlabClient({
      apiUrl: context.apiUrl,
      token: context.token,
      tokenVariable: context.tokenVariable,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
    const platform = new GitlabPlatform(client, {
      projectId: context.projectId,
      ...(context.mergeRequestIid ? { mergeRequestIid: context.mergeRequestIid } : {}),
      ...(context.sha ? { sha: context.sha } : {}),
      ...(context.pipelineId ? { pipelineId: context.pipelineId } : {}),
    });
    const model = buildReportModel(outcome, {
      today: todayUtc(),
      fileUrl: gitlabFileUrlBuilder(context),
      ...(context.jobUrl ? { runUrl: context.jobUrl } : {}),
      commentKey: gitlabCommentKey(env),
    });

    const mode = options.comment ?? outcome.policy.report.comment;
    if (mode === 'off') log.info('GitLab: report.comment is off, so no merge-request note.');
    else if (!platform.hasReviewThread) log.info('GitLab: not a merge-request pipeline, so no merge-request note.');
    else {
      const template = outcome.policy.report.template
        ? readCustomTemplate(outcome.root, outcome.policy.report.template)
        : undefined;
      const body = renderMarkdown(model, { maxChars: platform.commentLimit, template });
      report(log, 'note posted', await platform.postComment({ marker: model.marker, body, mode }));
    }

    const name = options.statusName ?? env[STATUS_NAME_VARIABLE]?.trim() ?? DEFAULT_STATUS_NAME;
    report(
      log,
      'status set',
      await platform.setStatus({
        name: name || DEFAULT_STATUS_NAME,
        verdict: outcome.result.verdict,
        audit: outcome.policy.mode === 'audit',
        description: model.headline,
        ...(context.jobUrl ? { targetUrl: context.jobUrl } : {}),
      }),
    );
  } catch (error) {
    log.warn(`GitLab: publishing failed: ${errorMessage(error)}. The verdict and the reports are unaffected.`);
  }
}

/**
 * GitLab clones shallowly (GIT_DEPTH, 20 by default), so the merge base is often missing: fetch just that
 * commit, read-only, over the job's own remote. Returns false when it is still missing.
 */
export async function ensureGitlabBase(root: string, sha: string, log: PublishLog): Promise<boolean> {
  if (await resolveCommit(root, sha)) return true;
  const fetched = await git(root, ['fetch', '--no-tags', '--no-recurse-submodules', '--depth=1', 'origin', sha]);
  if (fetched.code !== 0) {
    // The remote URL carries CI_JOB_TOKEN as userinfo: keep it out of the log.
    const reason = (fetched.stderr.trim().split('\n')[0] ?? '').replace(/\/\/[^/@\s]+@/g, '//');
    log.info(`Could not fetch the merge-request base ${sha}: ${reason}`);
    return false;
  }
  return true;
}
