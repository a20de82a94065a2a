import type { Node } from 'yaml';
import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Audit } from './audit.js';
import { GITHUB_HARDENING, ZIZMOR_AUDITS, makeFinding, nodeSpan, stepKey } from './audit.js';
import type { StepModel, WorkflowModel } from './model.js';
import { usesAction, withText } from './model.js';
import { logicalLines } from './script.js';
import { releaseTrigger } from './triggers.js';

export const rule: RuleDefinition = {
  id: 'gha/cache-poisoning',
  check: 'hardening',
  title: 'Release workflow restores a cache',
  severity: 'high',
  description:
    'Reports steps that restore a GitHub Actions cache in workflows that ship something: triggered by ' +
    '`release`, by a push of tags or by a push to a release branch (`release/*`, `release-v2`), or that publish ' +
    '(known publishing actions such as `pypa/gh-action-pypi-publish`, `softprops/action-gh-release`, ' +
    '`goreleaser/goreleaser-action`, `docker/build-push-action` with `push: true`, or scripts running ' +
    '`npm publish`, `twine upload`, `cargo publish`, `docker push`, `gh release create`…).\n\nCache restorers: ' +
    '`actions/cache` (and `actions/cache/restore`), `actions/setup-python|java|dotnet` with `cache:`, ' +
    '`actions/setup-node` with `cache:` or, from v5, by default unless `package-manager-cache: false` (medium: ' +
    'it then caches only when package.json names npm as its `packageManager`), ' +
    '`actions/setup-go` (v4+ caches by default), `astral-sh/setup-uv` unless `enable-cache: false`, ' +
    '`Swatinem/rust-cache`, `gradle/actions/setup-gradle` unless `cache-disabled: true`, `ruby/setup-ruby` with ' +
    '`bundler-cache: true`, `docker/build-push-action` with `cache-from: type=gha`, `PyO3/maturin-action` with ' +
    '`sccache`, `docker/setup-buildx-action` with a `version` (it caches the downloaded binary unless ' +
    '`cache-binary: false`) and `ramsey/composer-install` unless `ignore-cache`. For SHA-pinned actions the ' +
    'version is read from the usual `# vX.Y.Z` comment; an unknown version is taken as the current one.',
  rationale:
    'Caches are shared between workflows of the repository: a cache entry written by a pull request workflow ' +
    '(or by any code that ran with the cache token, e.g. through an injection bug) can later be restored by the ' +
    'release workflow. Poisoned dependencies or build outputs in that cache end up in the published package or ' +
    'image, signed and attested as if they were built from the tagged source.',
  fix:
    'Build releases from a clean state: drop the cache from release jobs, or disable it explicitly:\n\n' +
    '```yaml\non:\n  push:\n    tags: ["v*"]\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n' +
    '      - uses: actions/checkout@<sha>\n        with:\n          persist-credentials: false\n' +
    '      - uses: actions/setup-go@<sha>\n        with:\n          go-version-file: go.mod\n' +
    '          cache: false          # no cache in the release build\n```',
  references: [
    `${ZIZMOR_AUDITS}#cache-poisoning`,
    'https://adnanthekhan.com/2024/05/06/the-monsters-in-your-build-cache-github-actions-cache-poisoning/',
    GITHUB_HARDENING,
  ],
};

const PUBLISH_ACTIONS = [
  'pypa/gh-action-pypi-publish',
  'softprops/action-gh-release',
  'ncipollo/release-action',
  'goreleaser/goreleaser-action',
  'js-devtools/npm-publish',
  'actions/create-release',
  'rubygems/release-gem',
];

const PUBLISH_COMMANDS =
  /\b(?:(?:npm|yarn|pnpm|poetry|uv|flit|hatch|cargo)\s+publish|twine\s+upload|(?:docker|podman)\s+(?:image\s+)?push|gem\s+push|dotnet\s+nuget\s+push|gh\s+release\s+(?:create|upload)|goreleaser\s+release|crane\s+push)\b/;
/** Build tools whose publishing is a goal somewhere on the command line: tool and goal tested separately. */
const PUBLISH_GOALS: [RegExp, RegExp][] = [
  [/\bmvnw?\b/, /\bdeploy\b/],
  [/\bgradlew?\b/, /\bpublish\w*/],
];

function publishingScript(script: string): boolean {
  return logicalLines(script).some(
    (line) =>
      PUBLISH_COMMANDS.test(line.text) ||
      PUBLISH_GOALS.some(([tool, goal]) => tool.test(line.text) && goal.test(line.text)),
  );
}

function publishes(step: StepModel, workflow: WorkflowModel): boolean {
  if (usesAction(step, ...PUBLISH_ACTIONS)) return true;
  if (usesAction(step, 'docker/build-push-action', 'docker/bake-action'))
    return withText(step, 'push', workflow.doc)?.trim().toLowerCase() === 'true';
  return step.run !== undefined && publishingScript(step.run.value);
}

const FALSY = new Set(['false', '', '0']);

/** The node to report when the step restores a cache, or undefined. */
function restoresCache(step: StepModel, workflow: WorkflowModel): Node | undefined {
  if (!step.uses) return undefined;
  const doc = workflow.doc;
  const input = (name: string): string | undefined => withText(step, name, doc)?.trim().toLowerCase();
  const at = (name: string): Node => step.with.get(name)?.value ?? step.uses!.node;
  if (usesAction(step, 'actions/cache', 'swatinem/rust-cache', 'mozilla-actions/sccache-action')) return step.uses.node;
  if (usesAction(step, 'actions/setup-node')) {
    // setup-node v5+ caches npm automatically (when package.json names it as the package manager) unless
    // `package-manager-cache: false`; an explicit `cache:` decides in any version.
    const cache = input('cache');
    if (cache !== undefined) return FALSY.has(cache) ? undefined : at('cache');
    const major = actionMajor(step, workflow);
    if ((major !== undefined && major < 5) || input('package-manager-cache') === 'false') return undefined;
    return step.with.has('package-manager-cache') ? at('package-manager-cache') : step.uses.node;
  }
  if (usesAction(step, 'actions/setup-python', 'actions/setup-java', 'actions/setup-dotnet')) {
    const cache = input('cache');
    return cache !== undefined && !FALSY.has(cache) ? at('cache') : undefined;
  }
  if (usesAction(step, 'actions/setup-go')) {
    const cache = input('cache');
    const major = actionMajor(step, workflow);
    if (cache !== undefined) return FALSY.has(cache) ? undefined : at('cache');
    return major !== undefined && major < 4 ? undefined : step.uses.node;
  }
  if (usesAction(step, 'astral-sh/setup-uv')) return input('enable-cache') === 'false' ? undefined : step.uses.node;
  if (usesAction(step, 'gradle/actions', 'gradle/gradle-build-action'))
    return /setup-gradle|gradle-build-action/i.test(step.uses.value) && input('cache-disabled') !== 'true'
      ? step.uses.node
      : undefined;
  if (usesAction(step, 'ruby/setup-ruby')) return input('bundler-cache') === 'true' ? at('bundler-cache') : undefined;
  if (usesAction(step, 'docker/build-push-action', 'docker/bake-action'))
    return /type=gha/.test(input('cache-from') ?? '') ? at('cache-from') : undefined;
  // maturin-action restores an sccache from the Actions cache when asked to.
  if (usesAction(step, 'pyo3/maturin-action')) {
    const sccache = input('sccache');
    return sccache !== undefined && !FALSY.has(sccache) ? at('sccache') : undefined;
  }
  // setup-buildx-action caches a downloaded buildx binary (`cache-binary` defaults to true) when a version
  // is requested; the binary then builds and pushes the release image.
  if (usesAction(step, 'docker/setup-buildx-action'))
    return step.with.has('version') && !FALSY.has(input('cache-binary') ?? 'true')
      ? step.with.has('cache-binary')
        ? at('cache-binary')
        : at('version')
      : undefined;
  // composer-install caches the vendor directory unless `ignore-cache` is set.
  if (usesAction(step, 'ramsey/composer-install')) {
    const ignore = input('ignore-cache');
    return ignore !== undefined && !FALSY.has(ignore) ? undefined : step.uses.node;
  }
  return undefined;
}

/**
 * setup-node v5+ with neither `cache:` nor `package-manager-cache: true`: it caches only when package.json
 * declares npm as its `packageManager`, which the workflow does not show, so the finding is medium.
 */
function implicitNodeCache(step: StepModel, workflow: WorkflowModel): boolean {
  if (!usesAction(step, 'actions/setup-node')) return false;
  const explicit = withText(step, 'package-manager-cache', workflow.doc)?.trim().toLowerCase();
  return !step.with.has('cache') && (explicit === undefined || FALSY.has(explicit));
}

/**
 * The major version of the action a step uses: from a `@v5` / `@v5.1.0` ref, else from the version comment
 * that SHA pins carry on the same line (`@<sha> # v5.0.0`, `# tag=v5`). Undefined when neither says.
 */
function actionMajor(step: StepModel, workflow: WorkflowModel): number | undefined {
  const fromRef = /@v?(\d+)(?:\.\d+)*$/i.exec(step.uses!.value.trim())?.[1];
  if (fromRef !== undefined && !/@[0-9a-f]{40}$/i.test(step.uses!.value.trim())) return Number(fromRef);
  const end = step.uses!.node.range?.[1];
  if (end === undefined) return undefined;
  const lineEnd = workflow.text.indexOf('\n', end);
  const rest = workflow.text.slice(end, lineEnd < 0 ? undefined : Math.min(lineEnd, end + 200));
  const fromComment = /#\s*(?:tag=|ratchet:[^@\s]*@)?v?(\d+)(?:\.\d+)*\b/i.exec(rest)?.[1];
  return fromComment === undefined ? undefined : Number(fromComment);
}

export function run(workflow: WorkflowModel): RawFinding[] {
  if (workflow.kind !== 'workflow') return [];
  const trigger = releaseTrigger(workflow);
  const publisher = trigger ? undefined : workflow.jobs.flatMap((j) => j.steps).find((s) => publishes(s, workflow));
  if (!trigger && !publisher) return [];
  const why = trigger ? `runs on ${trigger}` : `publishes (step ${publisher!.label})`;
  const findings: RawFinding[] = [];
  for (const job of workflow.jobs) {
    for (const step of job.steps) {
      const node = restoresCache(step, workflow);
      if (!node) continue;
      const implicit = implicitNodeCache(step, workflow);
      findings.push(
        makeFinding(workflow, rule, {
          ...(implicit ? { severity: 'medium' as const } : {}),
          message: `Step ${step.label} of job ${job.id} restores a cache in a workflow that ${why}${implicit ? ' (setup-node v5+ caches automatically when package.json names npm as its `packageManager`)' : ''}: a poisoned cache entry would end up in the release.`,
          span: nodeSpan(workflow, node),
          job,
          key: stepKey(job, step),
          fix: 'Remove the cache from this workflow or disable it for the release build (e.g. `cache: false`).',
        }),
      );
    }
  }
  return findings;
}

export const cachePoisoning: Audit = { rule, run };
