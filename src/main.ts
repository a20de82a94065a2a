import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { ContainersecError, errorMessage } from './core/errors.js';
import type { CheckId } from './core/finding.js';
import { runGate } from './engine.js';
import { git, resolveCommit } from './platform/git.js';
import { baseRevision, headSha, readEvent } from './platform/github/event.js';
import { fileUrlBuilder } from './platform/github/links.js';
import { todayUtc } from './policy/exceptions.js';
import { renderJson } from './report/json.js';
import { GITHUB_STEP_SUMMARY_MAX_BYTES, readCustomTemplate, renderMarkdown } from './report/markdown.js';
import { buildReportModel } from './report/model.js';
import { renderSarif } from './report/sarif.js';
import { COLOR, renderText } from './report/text.js';

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

/** The GitHub Action: run the gate, write reports and the job summary, set outputs, fail the step when blocked. */
export async function run(): Promise<void> {
  const env = process.env;
  try {
    const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
    const dir = path.resolve(workspace, core.getInput('working-directory') || '.');
    const event = readEvent(env);
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
      env,
      log: { info: core.info, warn: core.warning, debug: core.debug },
      onCheckStart: (id: CheckId) => {
        core.debug(`check ${id} started`);
        if (env.CONTAINERSEC_EXIT_ON_FIRST_CHECK === '1') process.exit(0);
      },
    });
    const sha = headSha(event, env);
    const runUrl = env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
    const model = buildReportModel(outcome, {
      today: todayUtc(),
      fileUrl: fileUrlBuilder(env, sha),
      runUrl,
      commentKey: core.getInput('comment-key') || `${env.GITHUB_WORKFLOW ?? ''}/${env.GITHUB_JOB ?? ''}`,
    });
    const template = outcome.policy.report.template
      ? readCustomTemplate(outcome.root, outcome.policy.report.template)
      : undefined;
    const markdown = renderMarkdown(model, { maxChars: GITHUB_STEP_SUMMARY_MAX_BYTES / 4, template });

    const outDir = path.join(env.RUNNER_TEMP ?? os.tmpdir(), 'containersec');
    await mkdir(outDir, { recursive: true });
    const files = {
      json: path.join(outDir, 'containersec.json'),
      sarif: path.join(outDir, 'containersec.sarif'),
      markdown: path.join(outDir, 'containersec.md'),
    };
    await writeFile(files.json, renderJson(outcome));
    await writeFile(files.sarif, renderSarif(outcome));
    await writeFile(files.markdown, markdown);
    if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
    core.info(renderText(model, COLOR));

    core.setOutput('verdict', outcome.result.verdict);
    core.setOutput('report-json', files.json);
    core.setOutput('sarif-file', files.sarif);
    core.setOutput('markdown-file', files.markdown);
    core.setOutput('findings', model.counts.total);
    core.setOutput('blocking', model.counts.blocking);
    core.setOutput('new', model.counts.new);
    for (const severity of ['critical', 'high', 'medium', 'low'] as const)
      core.setOutput(severity, model.counts.bySeverity[severity]);

    if (outcome.result.verdict === 'fail') core.setFailed(model.headline);
    else if (outcome.result.verdict === 'error')
      core.setFailed(`${model.headline} Set \`on-error: warn\` in the policy to only warn.`);
  } catch (error) {
    if (error instanceof ContainersecError && error.kind !== 'internal') core.setFailed(error.message);
    else {
      core.setFailed(`containersec internal error: ${errorMessage(error)}`);
      if (error instanceof Error && error.stack) core.debug(error.stack);
    }
  }
}
