import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core/check.js';
import { ContainersecError, EXIT, errorMessage } from '../core/errors.js';
import type { Verdict } from '../core/finding.js';
import type { GateOutcome } from '../core/outcome.js';
import { gatherCiFacts } from '../platform/ci-facts.js';
import type { CiFacts } from '../core/ci-facts.js';
import { Deadline, DEFAULT_PUBLISH_TIMEOUT_SECONDS } from '../platform/deadline.js';
import type { CiContext, Platform, PublishOutcome } from '../platform/platform.js';
import { todayUtc } from '../policy/exceptions.js';
import type { CommentMode } from '../policy/types.js';
import { ensureCommit } from '../repo/git.js';
import { readCustomTemplate, renderMarkdown } from '../report/markdown.js';
import { buildReportModel } from '../report/model.js';
import type { ReportModel } from '../report/model.js';
import { renderFormat } from './formats.js';
import type { Format, RenderInput, RenderOptions } from './formats.js';
import { runGate } from './run-gate.js';
import type { GateOptions } from './run-gate.js';

export const DEFAULT_STATUS_NAME = 'containersec';

export interface Artifact {
  format: Format;
  file: string;
  /** Size limit for a markdown artifact. */
  maxChars?: number;
}

export interface PipelineOptions extends Omit<GateOptions, 'now'> {
  platform: Platform;
  /** Overrides the policy's `report.comment` (an action input, a CLI flag). */
  comment?: CommentMode;
  /** Overrides the comment key the platform derives (workflow, job, matrix leg). */
  commentKey?: string;
  /** Name of the check run / commit status; default the platform's setting, else `containersec`. */
  statusName?: string;
  /** Report files written before anything is published. */
  artifacts?: Artifact[];
  /** Publishing (comment, status) ends within this many seconds, retries and rate-limit waits included. */
  publishTimeoutSeconds?: number;
  /** The moment "today" (exception expiry, report dates) is taken from. */
  now?: Date;
}

export interface PipelineResult extends RenderInput {
  ci: CiContext;
  exitCode: number;
  render(format: Format, options?: RenderOptions): string;
}

export function exitCodeFor(verdict: Verdict): number {
  return verdict === 'fail' ? EXIT.blocked : verdict === 'error' ? EXIT.internal : EXIT.pass;
}

const FULL_SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * The base commit. One the platform named (the PR/MR base) is fetched when a shallow clone lacks it; one the
 * user gave is taken as given, so a missing revision is reported, not papered over.
 */
async function baseRevision(options: PipelineOptions, ci: CiContext): Promise<string | undefined> {
  if (options.base !== undefined) return options.base;
  const base = ci.base;
  if (base && FULL_SHA.test(base)) {
    const missing = await ensureCommit(options.dir, base);
    if (missing) options.log.info(`Could not fetch the base commit ${base}: ${missing}`);
  }
  return base;
}

function logOutcome(log: Logger, label: string, outcome: PublishOutcome): void {
  if (outcome.ok) log.info(`${label}: ${outcome.detail ?? 'done'}${outcome.url ? ` (${outcome.url})` : ''}.`);
  else log.warn(`${label}: ${outcome.reason} ${outcome.advice}`);
}

/** Of the publishing time, the share kept for the status when the comment is slow, in milliseconds. */
function statusReserveMs(seconds: number): number {
  return Math.min(15_000, (seconds * 1000) / 3);
}

/** What the log and the job summary say when publishing ran out of time. */
export function deadlineNote(seconds: number, label: string): string {
  return (
    `Publishing to ${label} stopped at the ${seconds} s publishing deadline (the \`publish-timeout\` input, ` +
    `\`--publish-timeout\`): the API was too slow. The pull/merge request comment may be stale, from an earlier ` +
    'run; this report is the current one.'
  );
}

/** Comment and status. Never throws and never changes the verdict: a refusal is logged with what to change. */
async function publish(
  platform: Platform,
  ci: CiContext,
  input: RenderInput,
  settings: { comment: CommentMode; statusName: string; log: Logger; timeoutSeconds: number },
): Promise<void> {
  const { comment, statusName, log, timeoutSeconds } = settings;
  const markdown = (maxChars: number) =>
    renderMarkdown(input.model, { maxChars, ...(input.template !== undefined ? { template: input.template } : {}) });
  try {
    await platform.writeSummary?.(markdown);
  } catch (error) {
    log.warn(`Could not write the job summary (${errorMessage(error)}); the report files have the same content.`);
  }
  if (!ci.canPublish) return;
  const label = platform.label;
  const deadline = Deadline.after(timeoutSeconds);
  // The comment may not use it all: the status (what branch protection reads) gets its own share.
  const commentDeadline = deadline.earlier(statusReserveMs(timeoutSeconds));
  let ranOut = false;
  if (comment === 'off') log.info(`${label}: report.comment is off, so no comment.`);
  else if (!ci.hasReviewThread) log.info(`${label}: not a pull or merge request pipeline, so no comment.`);
  else {
    const body = markdown(platform.commentLimit);
    platform.publishWithin?.(commentDeadline);
    const outcome = await platform.postComment({ marker: input.model.marker, body, mode: comment });
    ranOut = !outcome.ok && commentDeadline.expired;
    logOutcome(log, label, outcome);
  }
  platform.publishWithin?.(deadline);
  const status = await platform.setStatus({
    name: statusName,
    verdict: input.model.verdict,
    audit: input.outcome.policy.mode === 'audit',
    description: input.model.headline,
    summary: markdown,
    checks: input.outcome.result.checks,
    ...(ci.runUrl ? { targetUrl: ci.runUrl } : {}),
  });
  logOutcome(log, label, status);
  if (ranOut || (!status.ok && deadline.expired)) {
    const note = deadlineNote(timeoutSeconds, label);
    log.warn(note);
    try {
      await platform.writeSummary?.((maxChars) => `${markdown(maxChars - note.length - 10)}\n\n> ${note}\n`);
    } catch (error) {
      log.debug(`could not add the deadline note to the job summary: ${errorMessage(error)}`);
    }
  }
}

/** Completes what the platform left open (a check run in progress), whatever happened before. */
async function finish(platform: Platform, log: Logger): Promise<void> {
  try {
    const outcome = await platform.finish?.();
    if (outcome) logOutcome(log, platform.label, outcome);
  } catch (error) {
    log.warn(`${platform.label}: could not complete the check run: ${errorMessage(error)}`);
  }
}

async function writeArtifacts(artifacts: Artifact[], input: RenderInput): Promise<void> {
  for (const artifact of artifacts) {
    await mkdir(path.dirname(artifact.file), { recursive: true });
    await writeFile(
      artifact.file,
      renderFormat(artifact.format, input, artifact.maxChars ? { maxChars: artifact.maxChars } : {}),
    );
  }
}

/**
 * One run, start to finish: the platform's context once, the base commit once, the gate, the report model
 * once, the report files, then the comment and status. A failure before the verdict marks the status as
 * errored and is rethrown for the entry point to report.
 */
export async function runPipeline(options: PipelineOptions): Promise<PipelineResult> {
  const { platform, log } = options;
  const now = options.now ?? new Date();
  const ci = await platform.context();
  const statusName = options.statusName || ci.statusName || DEFAULT_STATUS_NAME;
  await platform.begin(statusName);
  try {
    return await gateAndPublish(options, ci, statusName, now);
  } finally {
    await finish(platform, log);
  }
}

async function gateAndPublish(
  options: PipelineOptions,
  ci: CiContext,
  statusName: string,
  now: Date,
): Promise<PipelineResult> {
  const { platform, log } = options;
  const timeoutSeconds = options.publishTimeoutSeconds ?? DEFAULT_PUBLISH_TIMEOUT_SECONDS;
  let outcome: GateOutcome;
  const window = { start: now, end: now };
  try {
    const base = await baseRevision(options, ci);
    let facts: Promise<CiFacts> | undefined;
    // Asked for by the runner probe only, once: the platform may spend one API request on the token.
    const ciFacts = (signal: AbortSignal) => (facts ??= gatherCiFacts(options.env, { signal }));
    outcome = await runGate({ ci: ciFacts, ...options, ...(base ? { base } : {}), now });
    window.end = new Date();
  } catch (error) {
    if (ci.canPublish) {
      const message =
        error instanceof ContainersecError && error.kind !== 'internal'
          ? error.message
          : `containersec internal error: ${errorMessage(error)}`;
      platform.publishWithin?.(Deadline.after(timeoutSeconds));
      logOutcome(
        log,
        platform.label,
        await platform.setStatus({
          name: statusName,
          verdict: 'error',
          audit: false,
          description: message.split('\n', 1)[0] ?? message,
          summary: () => message,
        }),
      );
    }
    throw error;
  }
  const model: ReportModel = buildReportModel(outcome, {
    today: todayUtc(now),
    commentKey: options.commentKey || ci.commentKey,
    ...(ci.fileUrl ? { fileUrl: ci.fileUrl } : {}),
    ...(ci.runUrl ? { runUrl: ci.runUrl } : {}),
  });
  const template = outcome.policy.report.template
    ? readCustomTemplate(outcome.root, outcome.policy.report.template)
    : undefined;
  const input: RenderInput = { outcome, model, window, ...(template !== undefined ? { template } : {}) };
  await writeArtifacts(options.artifacts ?? [], input);
  await publish(platform, ci, input, {
    comment: options.comment ?? outcome.policy.report.comment,
    statusName,
    log,
    timeoutSeconds,
  });
  return {
    ...input,
    ci,
    exitCode: exitCodeFor(outcome.result.verdict),
    render: (format, renderOptions) => renderFormat(format, input, renderOptions),
  };
}
