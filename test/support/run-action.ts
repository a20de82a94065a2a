import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tempRepo } from './tmp.js';

const DIST = path.resolve('dist/index.js');

let built: string | undefined;

/**
 * Bundles the working tree (scripts/build.mjs) into a temporary directory once per test file and returns its
 * index.js: for tests of behaviour the committed dist/ (rebuilt by the release process) does not have yet.
 */
export function buildWorkingTree(): string {
  if (!built) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'containersec-bundle-'));
    execFileSync(process.execPath, ['scripts/build.mjs'], {
      env: { ...process.env, CONTAINERSEC_BUILD_DIR: dir },
      stdio: 'pipe',
    });
    // The bundle finds its templates next to it, as in the published package.
    cpSync('templates', path.join(dir, 'templates'), { recursive: true });
    built = path.join(dir, 'index.js');
  }
  return built;
}

export interface ActionRun {
  status: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/**
 * Runs the bundled action the way the runner does: INPUT_* and GITHUB_* environment, files for outputs and
 * the job summary. Asynchronous, so a loopback server in the test process keeps answering.
 */
export async function runAction(
  workspace: string,
  inputs: Record<string, string>,
  extraEnv: Record<string, string> = {},
  bundle = DIST,
): Promise<ActionRun> {
  const runnerTemp = tempRepo({});
  const outputFile = path.join(runnerTemp, 'output.txt');
  const summaryFile = path.join(runnerTemp, 'summary.md');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'acme/web',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '42',
    GITHUB_WORKFLOW: 'ci',
    GITHUB_JOB: 'gate',
    GITHUB_SHA: 'c'.repeat(40),
    GITHUB_EVENT_NAME: 'push',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: runnerTemp,
    ...extraEnv,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  const child = spawn(process.execPath, [bundle], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = setTimeout(() => child.kill(), 90_000);
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  const outputs: Record<string, string> = {};
  for (const m of readFileSync(outputFile, 'utf8').matchAll(/^(\S+?)<<(\S+)\n([\s\S]*?)\n\2$/gm))
    outputs[m[1]!] = m[3]!;
  return { status, stdout, stderr, outputs, summary: readFileSync(summaryFile, 'utf8') };
}
