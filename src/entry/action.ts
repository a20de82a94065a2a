import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { runPipeline } from '../app/pipeline.js';
import type { PipelineResult } from '../app/pipeline.js';
import type { Logger } from '../core/check.js';
import { ConfigurationError, ContainersecError, errorMessage } from '../core/errors.js';
import type { CheckId } from '../core/finding.js';
import { GithubAdapter } from '../platform/github/adapter.js';
import { GITHUB_LIMITS } from '../platform/github/limits.js';
import type { CommentMode } from '../policy/types.js';
import { COLOR } from '../report/text.js';

const log: Logger = { info: core.info, warn: core.warning, debug: core.debug };

function lines(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((v) => v.trim())
    .filter(Boolean);
}

function choice<T extends string>(name: string, allowed: readonly T[]): T | undefined {
  const value = core.getInput(name).trim();
  if (value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new ConfigurationError(
      'USAGE',
      `The \`${name}\` input is "${value}"; expected one of: ${allowed.join(', ')}.`,
    );
  return value as T;
}

function setOutputs(result: PipelineResult, files: Record<'json' | 'sarif' | 'markdown', string>): void {
  const { model } = result;
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

/** The GitHub Action: read the inputs, run the pipeline, set the outputs, fail the step when the gate blocks. */
export async function run(): Promise<void> {
  const env = process.env;
  try {
    const token = core.getInput('github-token');
    if (token) core.setSecret(token);
    const failOnError = choice('fail-on-error', ['true', 'false'] as const);
    const comment = choice<CommentMode>('comment', ['update', 'new', 'off']);
    const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
    const dir = path.resolve(workspace, core.getInput('working-directory') || '.');
    const outDir = path.join(env.RUNNER_TEMP ?? os.tmpdir(), 'containersec');
    const files = {
      json: path.join(outDir, 'containersec.json'),
      sarif: path.join(outDir, 'containersec.sarif'),
      markdown: path.join(outDir, 'containersec.md'),
    };
    const policyInput = core.getInput('policy');
    const baseInput = core.getInput('base');
    const baseline = core.getInput('baseline-report');
    const publishTimeout = core.getInput('publish-timeout').trim();
    if (publishTimeout && !(Number(publishTimeout) > 0))
      throw new ConfigurationError(
        'USAGE',
        `The \`publish-timeout\` input is "${publishTimeout}"; expected a number of seconds greater than 0.`,
      );
    const result = await runPipeline({
      platform: new GithubAdapter({
        env,
        log,
        token,
        commentKey: core.getInput('comment-key'),
        matrix: core.getInput('matrix'),
      }),
      dir,
      policyFile: policyInput ? path.resolve(dir, policyInput) : undefined,
      only: lines(core.getInput('only')),
      images: lines(core.getInput('images')),
      vulnDb: core.getInput('vuln-db') || undefined,
      ...(baseInput ? { base: baseInput } : {}),
      ...(baseline ? { baseline: path.resolve(workspace, baseline) } : {}),
      ...(failOnError === 'false' ? { onError: 'warn' as const } : {}),
      ...(comment ? { comment } : {}),
      statusName: core.getInput('check-name'),
      ...(publishTimeout ? { publishTimeoutSeconds: Number(publishTimeout) } : {}),
      artifacts: [
        { format: 'json', file: files.json },
        { format: 'sarif', file: files.sarif },
        // The same size as the job summary: a character is at most 4 bytes of UTF-8.
        { format: 'markdown', file: files.markdown, maxChars: GITHUB_LIMITS.stepSummaryBytes / 4 },
      ],
      env,
      log,
      onCheckStart: (id: CheckId) => {
        core.debug(`check ${id} started`);
        if (env.CONTAINERSEC_EXIT_ON_FIRST_CHECK === '1') process.exit(0);
      },
    });
    core.info(result.render('text', { style: COLOR }));
    setOutputs(result, files);
    const verdict = result.outcome.result.verdict;
    if (verdict === 'fail') core.setFailed(result.model.headline);
    else if (verdict === 'error')
      core.setFailed(`${result.model.headline} Set \`on-error: warn\` in the policy to only warn.`);
  } catch (error) {
    const message =
      error instanceof ContainersecError && error.kind !== 'internal'
        ? error.message
        : `containersec internal error: ${errorMessage(error)}`;
    core.setFailed(message);
    if (!(error instanceof ContainersecError) && error instanceof Error && error.stack) core.debug(error.stack);
  }
}
