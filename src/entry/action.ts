import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import type { Logger } from '../core/check.js';
import { ContainersecError, errorMessage } from '../core/errors.js';
import type { CheckId } from '../core/finding.js';
import { runGate } from '../app/run-gate.js';
import type { GateOutcome } from '../core/outcome.js';
import { git, resolveCommit } from '../repo/git.js';
import { FORK_ADVICE, githubRunContext } from '../platform/github/context.js';
import { baseRevision, readEvent } from '../platform/github/event.js';
import { GithubPlatform } from '../platform/github/github-platform.js';
import { GITHUB_LIMITS } from '../platform/github/limits.js';
import { fileUrlBuilder } from '../platform/github/links.js';
import { todayUtc } from '../policy/exceptions.js';
import { buildReportModel } from '../report/model.js';
import type { ReportModel } from '../report/model.js';

const log: Logger = { info: core.info, warn: core.warning, debug: core.debug };

function lines(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((v) => v.trim())
    .filter(Boolean);
}

/** Shallow clones (actions/checkout's default) lack the base commit: fetch just that one, read-only. */
async function ensureBase(root: string, sha: string | undefined): Promise<void> {
  if (!sha || (await resolveCommit(root, sha))) return;
  const fetched = await git(root, ['fetch', '--no-tags', '--no-recurse-submodules', '--depth=1', 'origin', sha]);
  if (fetched.code !== 0) core.info(`Could not fetch base commit ${sha}: ${fetched.stderr.trim()}`);
}

async function writeReports(outcome: GateOutcome, summaryMarkdown: string, env: NodeJS.ProcessEnv) {
  const [{ renderJson }, { renderSarif }] = await Promise.all([
    import('../report/json.js'),
    import('../report/sarif.js'),
  ]);
  const outDir = path.join(env.RUNNER_TEMP ?? os.tmpdir(), 'containersec');
  await mkdir(outDir, { recursive: true });
  const files = {
    json: path.join(outDir, 'containersec.json'),
    sarif: path.join(outDir, 'containersec.sarif'),
    markdown: path.join(outDir, 'containersec.md'),
  };
  await writeFile(files.json, renderJson(outcome));
  await writeFile(files.sarif, renderSarif(outcome));
  await writeFile(files.markdown, summaryMarkdown);
  return files;
}

function setOutputs(model: ReportModel, files: { json: string; sarif: string; markdown: string }): void {
  core.setOutput('verdict', model.verdict);
  core.setOutput('report-json', files.json);
  core.setOutput('sarif-file', files.sarif);
  core.setOutput('markdown-file', files.markdown);
  core.setOutput('findings', model.counts.total);
  core.setOutput('blocking', model.counts.blocking);
  core.setOutput('new', model.counts.new);
  for (const severity of ['critical', 'high', 'medium', 'low'] as const)
    core.setOutput(severity, model.counts.bySeverity[severity]);
}

/** Comment and check run. Never fails the gate: a refusal is logged with what to change in the workflow. */
async function publish(
  platform: GithubPlatform,
  outcome: GateOutcome,
  model: ReportModel,
  template: string | undefined,
  checkName: string,
  runUrl?: string,
) {
  const [{ renderMarkdown }, { annotationsFor }] = await Promise.all([
    import('../report/markdown.js'),
    import('../platform/github/annotations.js'),
  ]);
  const mode = outcome.policy.report.comment;
  if (mode !== 'off' && platform.hasReviewThread) {
    const body = renderMarkdown(model, { maxChars: platform.commentLimit, template });
    const result = await platform.postComment({ marker: model.marker, body, mode });
    if (result.ok) core.info(`Pull request comment ${result.detail ?? 'posted'}${result.url ? `: ${result.url}` : ''}`);
    else core.warning(`Could not comment on the pull request (${result.reason}). ${result.advice}`);
  }
  const summary = renderMarkdown(model, { maxChars: GITHUB_LIMITS.checkSummaryChars, template });
  const status = await platform.setStatus(
    {
      name: checkName,
      verdict: model.verdict,
      audit: outcome.policy.mode === 'audit',
      description: model.headline,
      summary,
      ...(runUrl ? { targetUrl: runUrl } : {}),
    },
    annotationsFor(outcome.result.checks),
  );
  if (status.ok) core.info(`Status ${checkName}: ${status.detail ?? model.verdict}`);
  else core.warning(`Could not set the ${checkName} status (${status.reason}). ${status.advice}`);
}

/** The GitHub Action: run the gate, write reports and the job summary, comment, set the check, fail when blocked. */
export async function run(): Promise<void> {
  const env = process.env;
  const checkName = core.getInput('check-name') || 'containersec';
  let platform: GithubPlatform | undefined;
  try {
    const token = core.getInput('github-token');
    if (token) core.setSecret(token);
    const event = readEvent(env);
    // Loaded on demand: the GitHub client is most of the bundle, and a run without a token never needs it.
    const client = token ? (await import('../platform/github/client.js')).githubClient(token, env, log) : undefined;
    const context = await githubRunContext(env, event, client, log);
    const runUrl = env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
    if (context?.fork) core.warning(FORK_ADVICE);
    else if (client && context?.headSha) {
      platform = new GithubPlatform(
        client,
        { owner: context.owner, repo: context.repo, pullNumber: context.pullNumber, headSha: context.headSha },
        log,
      );
      const started = await platform.startCheck(checkName, runUrl);
      if (!started.ok)
        core.info(
          `Could not create the ${checkName} check run (${started.reason}); a commit status will be used. ${started.advice}`,
        );
    }

    const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
    const dir = path.resolve(workspace, core.getInput('working-directory') || '.');
    const base = core.getInput('base') || baseRevision(event, env.GITHUB_EVENT_NAME);
    await ensureBase(dir, base);
    const policyInput = core.getInput('policy');
    const outcome = await runGate({
      dir,
      policyFile: policyInput ? path.resolve(dir, policyInput) : undefined,
      only: lines(core.getInput('only')),
      images: lines(core.getInput('images')),
      vulnDb: core.getInput('vuln-db') || undefined,
      base,
      ...(core.getInput('baseline-report')
        ? { baseline: path.resolve(workspace, core.getInput('baseline-report')) }
        : {}),
      env,
      log,
      onCheckStart: (id: CheckId) => {
        core.debug(`check ${id} started`);
        if (env.CONTAINERSEC_EXIT_ON_FIRST_CHECK === '1') process.exit(0);
      },
    });
    const model = buildReportModel(outcome, {
      today: todayUtc(),
      fileUrl: fileUrlBuilder(env, context?.headSha),
      runUrl,
      commentKey: core.getInput('comment-key') || `${env.GITHUB_WORKFLOW ?? ''}/${env.GITHUB_JOB ?? ''}`,
    });
    const [{ readCustomTemplate, renderMarkdown }, { COLOR, renderText }] = await Promise.all([
      import('../report/markdown.js'),
      import('../report/text.js'),
    ]);
    const template = outcome.policy.report.template
      ? readCustomTemplate(outcome.root, outcome.policy.report.template)
      : undefined;
    // The summary limit is in bytes; a character is at most 4 bytes of UTF-8.
    const summaryMarkdown = renderMarkdown(model, { maxChars: GITHUB_LIMITS.stepSummaryBytes / 4, template });
    const files = await writeReports(outcome, summaryMarkdown, env);
    if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summaryMarkdown, true).write();
    core.info(renderText(model, COLOR));
    setOutputs(model, files);
    if (platform) await publish(platform, outcome, model, template, checkName, runUrl);

    if (outcome.result.verdict === 'fail') core.setFailed(model.headline);
    else if (outcome.result.verdict === 'error')
      core.setFailed(`${model.headline} Set \`on-error: warn\` in the policy to only warn.`);
  } catch (error) {
    const message =
      error instanceof ContainersecError && error.kind !== 'internal'
        ? error.message
        : `containersec internal error: ${errorMessage(error)}`;
    if (platform)
      await platform.setStatus({
        name: checkName,
        verdict: 'error',
        audit: false,
        description: message.split('\n', 1)[0] ?? message,
        summary: message,
      });
    core.setFailed(message);
    if (!(error instanceof ContainersecError) && error instanceof Error && error.stack) core.debug(error.stack);
  }
}
