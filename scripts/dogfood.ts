// Dogfood: the gate on its own repository, on the GitLab component it ships, and on every workflow and policy
// snippet README.md and docs/ show (scripts/doc-snippets.ts says which snippet becomes what). Fails when the
// gate blocks or a policy snippet does not load.
//
//   node --import tsx scripts/dogfood.ts [--cli dist/cli.js]     (.ci/run, after the build: the built CLI)
//
// test/scripts/dogfood.test.ts runs the same with the CLI from the sources, in-process.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ruleRegistry } from '../src/checks/index.js';
import { errorMessage } from '../src/core/errors.js';
import { loadPolicy } from '../src/policy/load.js';
import { componentRepo, docSnippets, missingPermissions, snippetPolicy } from './doc-snippets.js';
import type { SnippetRepo } from './doc-snippets.js';

export interface GateRun {
  exitCode: number;
  output: string;
}

/** Runs `containersec check DIR ARGS…` and returns its exit code and output. */
export type GateRunner = (dir: string, args: string[]) => Promise<GateRun>;

export interface DogfoodResult {
  failures: string[];
  checked: { repos: number; workflows: number; gitlab: number; policies: number; skipped: number };
}

function writeRepo(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
}

async function gateRepo(
  repo: SnippetRepo,
  policy: string,
  runner: GateRunner,
  work: string,
  index: number,
): Promise<string | undefined> {
  const dir = path.join(work, `repo-${index}`);
  writeRepo(dir, { ...repo.files, '.containersec.yml': policy });
  const run = await runner(dir, ['--only', 'hardening']);
  if (run.exitCode === 0) return undefined;
  const sources = Object.entries(repo.sources).map(([file, source]) => `  ${file} ← ${source}`);
  return `${repo.name}: the gate exited with ${run.exitCode}\n${sources.join('\n')}\n${run.output}`;
}

async function checkPolicy(source: string, text: string, work: string, index: number): Promise<string | undefined> {
  const dir = path.join(work, `policy-${index}`);
  writeRepo(dir, { '.containersec.yml': text });
  try {
    await loadPolicy({ root: dir, file: path.join(dir, '.containersec.yml'), rules: ruleRegistry() });
    return undefined;
  } catch (error) {
    return `policy snippet ${source} does not load:\n${errorMessage(error)}`;
  }
}

export async function dogfood(root: string, runner: GateRunner): Promise<DogfoodResult> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'containersec-dogfood-'));
  try {
    const failures: string[] = [];
    const own = await runner(root, []);
    if (own.exitCode !== 0) failures.push(`the repository itself: the gate exited with ${own.exitCode}\n${own.output}`);

    const { repos, policies, skipped } = docSnippets(root);
    const ownPolicy = readFileSync(path.join(root, '.containersec.yml'), 'utf8');
    const gated: [SnippetRepo, string][] = [
      [componentRepo(root), ownPolicy],
      ...repos.map((repo): [SnippetRepo, string] => [repo, snippetPolicy(repo)]),
    ];
    for (const [index, [repo, policy]] of gated.entries()) {
      const failure = await gateRepo(repo, policy, runner, work, index);
      if (failure) failures.push(failure);
    }
    const workflows = Object.entries(repos[0].files);
    for (const [file, text] of workflows)
      for (const problem of missingPermissions(text)) failures.push(`${repos[0].sources[file]}: ${problem}`);
    for (const [index, { source, text }] of policies.entries()) {
      const failure = await checkPolicy(source, text, work, index);
      if (failure) failures.push(failure);
    }
    return {
      failures,
      checked: {
        repos: gated.length,
        workflows: workflows.length,
        gitlab: repos.length - 1,
        policies: policies.length,
        skipped: skipped.length,
      },
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The built CLI in a child process, with a clean environment: no CI variables, no colour. */
function builtCli(cli: string): GateRunner {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' };
  return (dir, args) => {
    const result = spawnSync(process.execPath, [cli, 'check', dir, ...args], { encoding: 'utf8', env });
    return Promise.resolve({ exitCode: result.status ?? 3, output: `${result.stdout}${result.stderr}` });
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const flag = process.argv.indexOf('--cli');
  const cli = path.resolve(flag > 0 ? (process.argv[flag + 1] ?? '') : path.join(root, 'dist/cli.js'));
  const { failures, checked } = await dogfood(root, builtCli(cli));
  console.log(
    `dogfood (${path.relative(root, cli)}): the repository, ${checked.repos} snippet repositories (${checked.workflows} GitHub workflows, ${checked.gitlab} GitLab CI files, the component), ${checked.policies} policy snippets; ${checked.skipped} snippets are neither (see scripts/doc-snippets.ts).`,
  );
  for (const failure of failures) console.error(`\n✗ ${failure}`);
  if (failures.length > 0) {
    console.error(`\n${failures.length} dogfood failure(s): fix the snippet or the rule.`);
    process.exitCode = 1;
  } else console.log('dogfood: nothing blocks.');
}
