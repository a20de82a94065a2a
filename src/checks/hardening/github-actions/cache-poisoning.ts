import type { Node } from 'yaml';
import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Audit } from './audit.js';
import { GITHUB_HARDENING, ZIZMOR_AUDITS, makeFinding, nodeSpan, stepKey } from './audit.js';
import type { StepModel, WorkflowModel } from './model.js';
import { usesAction, withText } from './model.js';
import { logicalLines } from './script.js';
import { releaseTrigger, releaseTriggersAreTags } from './triggers.js';
import { isWholeExpression, parseExpression, pathText } from './expressions.js';
import type { Expr } from './expressions.js';
import { scalarText } from './yaml-nodes.js';

export const rule: RuleDefinition = {
  id: 'gha/cache-poisoning',
  check: 'hardening',
  title: 'Release workflow restores a cache',
  severity: 'high',
  description:
    'Reports steps that restore a GitHub Actions cache in workflows that ship something: triggered by ' +
    '`release`, by a push of tags or by a push to a release branch (`release/*`, `release-v2`), or in a job ' +
    'that publishes (known publishing and deployment actions such as `pypa/gh-action-pypi-publish`, ' +
    '`softprops/action-gh-release`, `goreleaser/goreleaser-action`, `docker/build-push-action` with `push: true`, ' +
    'or scripts running `npm publish`, `twine upload`, `uv publish`, `cargo publish`, `docker push`, ' +
    '`gh release create`…). A publishing step only counts for the caches of its own job.\n\nCache restorers ' +
    "and their switches (zizmor's list plus a few): `actions/cache` and `Swatinem/rust-cache` unless " +
    '`lookup-only: true`, `actions/setup-python|java` and `graalvm/setup-graalvm` with `cache:`, ' +
    '`actions/setup-dotnet` with `cache: true`, `actions/setup-node` with `cache:` or, from v5, by default unless ' +
    '`package-manager-cache: false` (medium: it then caches only when package.json names npm as its ' +
    '`packageManager`), `actions/setup-go` (v4+ caches by default) unless `cache: false`, `astral-sh/setup-uv` ' +
    'before v10 unless `enable-cache: false` (from v10 only with `enable-cache: true`), ' +
    '`gradle/actions/setup-gradle` unless `cache-disabled: true`, `ruby/setup-ruby` with `bundler-cache: true`, ' +
    '`oven-sh/setup-bun` unless `no-cache: true`, `mlugg/setup-zig` unless `use-cache: false`, ' +
    '`actions-rust-lang/setup-rust-toolchain` and `jdx/mise-action` unless `cache: false`, ' +
    '`DeterminateSystems/magic-nix-cache-action` unless `use-gha-cache: false`, `PyO3/maturin-action` with ' +
    '`sccache`, `docker/build-push-action` with `cache-from: type=gha`, `docker/setup-buildx-action` with a ' +
    '`version` (it caches the downloaded binary unless `cache-binary: false`), `ramsey/composer-install` unless ' +
    '`ignore-cache`, and `Mozilla-Actions/sccache-action`, `nix-community/cache-nix-action`, ' +
    '`awalsh128/cache-apt-pkgs-action` always. A switch set by an expression counts as on, except in workflows ' +
    "whose release triggers are all tied to a tag, where `startsWith(github.ref, 'refs/tags/')`, " +
    "`github.ref_type == 'tag'` and `github.event_name == 'push'` are decided as a tag push decides them " +
    "(`cache: ${{ !startsWith(github.ref, 'refs/tags/') }}` is off in the release run). For SHA-pinned " +
    'actions the version is read from the usual `# vX.Y.Z` comment; an unknown version is taken as the current one (for setup-uv: as one that caches).',
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

/** Actions whose use means the job ships something (zizmor's publisher list plus a few release tools). */
const PUBLISH_ACTIONS = [
  'pypa/gh-action-pypi-publish',
  'rubygems/release-gem',
  'jreleaser/release-action',
  'goreleaser/goreleaser-action',
  'softprops/action-gh-release',
  'ncipollo/release-action',
  'release-drafter/release-drafter',
  'googleapis/release-please-action',
  'js-devtools/npm-publish',
  'actions/create-release',
  'redhat-actions/push-to-registry',
  'aws-actions/amazon-ecs-deploy-task-definition',
  'aws-actions/aws-cloudformation-github-deploy',
  'azure/aci-deploy',
  'azure/container-apps-deploy-action',
  'azure/functions-action',
  'azure/sql-action',
  'cloudflare/wrangler-action',
  'google-github-actions/deploy-appengine',
  'google-github-actions/deploy-cloudrun',
  'google-github-actions/deploy-cloud-functions',
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
  // build-push-action's `push` defaults to false (its action.yml): without it the image stays local.
  if (usesAction(step, 'docker/build-push-action', 'docker/bake-action'))
    return withText(step, 'push', workflow.doc)?.trim().toLowerCase() === 'true';
  return step.run !== undefined && publishingScript(step.run.value);
}

/**
 * How a `with:` input sets a cache switch: on, off, an expression decided at run time, or absent (the
 * action's default applies). Only `true`/`false` (any case) are booleans, as the runner reads them.
 */
type Switch = 'on' | 'off' | 'expression' | 'absent';

interface CacheStep {
  step: StepModel;
  workflow: WorkflowModel;
  /** Every publishing trigger is tied to a tag (`release`, `push: tags`): expressions can be evaluated for it. */
  tagOnlyRelease: boolean;
}

function switchOf(c: CacheStep, name: string): Switch {
  const entry = c.step.with.get(name);
  if (!entry) return 'absent';
  const text = scalarText(entry.value, c.workflow.doc)?.trim();
  if (text === undefined) return 'absent';
  if (isWholeExpression(text)) {
    const onTagPush = c.tagOnlyRelease ? evaluateForTagPush(text) : undefined;
    return onTagPush === undefined ? 'expression' : onTagPush ? 'on' : 'off';
  }
  const lower = text.toLowerCase();
  return lower === 'true' ? 'on' : lower === 'false' ? 'off' : 'expression';
}

/**
 * An expression's value in a run started by a tag push or a release (zizmor's heuristic): literals,
 * `startsWith(github.ref, 'refs/tags/')`, `github.ref_type == 'tag'`, `github.event_name == 'push'`, `!`
 * and `&&`/`||` of those. Undefined when it depends on anything else.
 */
function evaluateForTagPush(text: string): boolean | undefined {
  const parsed = parseExpression(text.trim().slice(3, -2));
  return parsed.ok ? evaluate(parsed.expr) : undefined;
}

function evaluate(expr: Expr): boolean | undefined {
  switch (expr.kind) {
    case 'literal':
      return typeof expr.value === 'boolean' ? expr.value : undefined;
    case 'not': {
      const v = evaluate(expr.operand);
      return v === undefined ? undefined : !v;
    }
    case 'call': {
      const [ref, prefix] = expr.args;
      return expr.name === 'startswith' &&
        ref?.kind === 'context' &&
        pathText(ref.parts) === 'github.ref' &&
        prefix?.kind === 'literal' &&
        typeof prefix.value === 'string' &&
        prefix.value.toLowerCase() === 'refs/tags/'
        ? true
        : undefined;
    }
    case 'binary': {
      if (expr.op === '&&' || expr.op === '||') {
        const l = evaluate(expr.left);
        const r = evaluate(expr.right);
        if (expr.op === '&&') return l === false || r === false ? false : l && r ? true : undefined;
        return l === true || r === true ? true : l === false && r === false ? false : undefined;
      }
      if (expr.op !== '==' && expr.op !== '!=') return undefined;
      const equal = tagPushEquality(expr.left, expr.right) ?? tagPushEquality(expr.right, expr.left);
      return equal === undefined ? undefined : expr.op === '==' ? equal : !equal;
    }
    default:
      return undefined;
  }
}

/** `github.ref_type == 'tag'` and `github.event_name == 'push'` on a tag push. */
function tagPushEquality(context: Expr, literal: Expr): boolean | undefined {
  if (context.kind !== 'context' || literal.kind !== 'literal' || typeof literal.value !== 'string') return undefined;
  const name = pathText(context.parts);
  const value = literal.value.toLowerCase();
  if (name === 'github.ref_type') return value === 'tag';
  if (name === 'github.event_name') return value === 'push';
  return undefined;
}

/**
 * The node to report when the step restores a cache, or undefined. An opt-in switch set by an expression
 * counts as on (it may be on in the release run); so does an opt-out switch set by one.
 */
function restoresCache(c: CacheStep): Node | undefined {
  const { step, workflow } = c;
  if (!step.uses) return undefined;
  const doc = workflow.doc;
  const uses = step.uses.node;
  const input = (name: string): string | undefined => withText(step, name, doc)?.trim().toLowerCase();
  const at = (name: string): Node => step.with.get(name)?.value ?? uses;
  /** Caches unless `name` turns it on (`defaultOn` false) or off (`optOut`). */
  const optIn = (name: string, defaultOn: boolean): Node | undefined => {
    const s = switchOf(c, name);
    return s === 'off' || (s === 'absent' && !defaultOn) ? undefined : s === 'absent' ? uses : at(name);
  };
  const optOut = (name: string): Node | undefined => {
    const s = switchOf(c, name);
    return s === 'on' ? undefined : s === 'absent' ? uses : at(name);
  };
  /** `cache: <tool>` style inputs: any non-empty value but `false` turns caching on. */
  const toolName = (name: string): Node | undefined => {
    const v = input(name);
    if (v === undefined || FALSY.has(v)) return undefined;
    return switchOf(c, name) === 'off' ? undefined : at(name);
  };
  // `actions/cache/save` only writes; `lookup-only: true` only checks that an entry exists.
  if (usesAction(step, 'actions/cache/save')) return undefined;
  if (usesAction(step, 'actions/cache', 'swatinem/rust-cache')) return optOut('lookup-only');
  if (
    usesAction(
      step,
      'mozilla-actions/sccache-action',
      'nix-community/cache-nix-action',
      'awalsh128/cache-apt-pkgs-action',
    )
  )
    return uses;
  if (usesAction(step, 'actions/setup-node')) {
    // setup-node v5+ caches npm automatically (when package.json names it as the package manager) unless
    // `package-manager-cache: false`; an explicit `cache:` decides in any version.
    if (step.with.has('cache')) return toolName('cache');
    const major = actionMajor(step, workflow);
    if (major !== undefined && major < 5) return undefined;
    return optIn('package-manager-cache', true);
  }
  if (usesAction(step, 'actions/setup-python', 'actions/setup-java', 'graalvm/setup-graalvm')) return toolName('cache');
  if (usesAction(step, 'actions/setup-dotnet')) return optIn('cache', false);
  if (usesAction(step, 'actions/setup-go')) {
    const major = actionMajor(step, workflow);
    return optIn('cache', major === undefined || major >= 4);
  }
  if (usesAction(step, 'astral-sh/setup-uv')) {
    // Before v10 `enable-cache: auto` (the default) caches on GitHub-hosted runners; from v10 only `true` does.
    const major = actionMajor(step, workflow);
    return optIn('enable-cache', major === undefined || major < 10);
  }
  if (usesAction(step, 'gradle/actions/setup-gradle', 'gradle/gradle-build-action')) return optOut('cache-disabled');
  if (usesAction(step, 'ruby/setup-ruby')) return optIn('bundler-cache', false);
  if (usesAction(step, 'mlugg/setup-zig')) return optIn('use-cache', true);
  if (usesAction(step, 'oven-sh/setup-bun')) return optOut('no-cache');
  if (usesAction(step, 'determinatesystems/magic-nix-cache-action')) return optIn('use-gha-cache', true);
  if (usesAction(step, 'actions-rust-lang/setup-rust-toolchain', 'jdx/mise-action')) return optIn('cache', true);
  if (usesAction(step, 'docker/build-push-action', 'docker/bake-action'))
    return /type=gha/.test(input('cache-from') ?? '') ? at('cache-from') : undefined;
  // maturin-action restores an sccache from the Actions cache when asked to.
  if (usesAction(step, 'pyo3/maturin-action')) return optIn('sccache', false);
  // setup-buildx-action caches a downloaded buildx binary (`cache-binary` defaults to true) when a version
  // is requested; the binary then builds and pushes the release image.
  if (usesAction(step, 'docker/setup-buildx-action'))
    return step.with.has('version') && optIn('cache-binary', true) ? at('version') : undefined;
  // composer-install caches the vendor directory unless `ignore-cache` is set (yes, true or 1).
  if (usesAction(step, 'ramsey/composer-install')) {
    const ignore = input('ignore-cache');
    return ignore !== undefined && ['yes', 'true', '1'].includes(ignore) ? undefined : uses;
  }
  return undefined;
}

const FALSY = new Set(['false', '', '0']);

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
  const tagOnlyRelease = trigger !== undefined && releaseTriggersAreTags(workflow);
  const findings: RawFinding[] = [];
  for (const job of workflow.jobs) {
    // A publishing step matters to the caches of its own job: another job's cache never reaches it.
    const publisher = trigger ? undefined : job.steps.find((s) => publishes(s, workflow));
    if (!trigger && !publisher) continue;
    const why = trigger ? `a workflow that runs on ${trigger}` : `a job that publishes (step ${publisher!.label})`;
    for (const step of job.steps) {
      const node = restoresCache({ step, workflow, tagOnlyRelease });
      if (!node) continue;
      const implicit = implicitNodeCache(step, workflow);
      findings.push(
        makeFinding(workflow, rule, {
          ...(implicit ? { severity: 'medium' as const } : {}),
          message: `Step ${step.label} of job ${job.id} restores a cache in ${why}${implicit ? ' (setup-node v5+ caches automatically when package.json names npm as its `packageManager`)' : ''}: a poisoned cache entry would end up in the release.`,
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
