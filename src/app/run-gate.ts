import path from 'node:path';
import { stat } from 'node:fs/promises';
import { CHECKS } from '../checks/index.js';
import type { Check, CheckContext, Logger } from '../core/check.js';
import { ConfigurationError } from '../core/errors.js';
import type { CheckId } from '../core/finding.js';
import { CHECK_IDS } from '../core/finding.js';
import { applyGate } from '../core/gate.js';
import type { CheckRun } from '../core/gate.js';
import type { GateOutcome } from '../core/outcome.js';
import { RuleRegistry } from '../core/rules.js';
import { runChecks } from '../core/run.js';
import { didYouMeanSentence } from '../core/did-you-mean.js';
import { FsTree } from '../repo/fs-tree.js';
import { GitTree, changedPaths, cloneKind, resolveCommit } from '../repo/git.js';
import { loadPolicy } from '../policy/load.js';
import { readBaseline } from '../report/baseline.js';
import { todayUtc } from '../policy/exceptions.js';
import type { OnError } from '../policy/types.js';

export interface GateOptions {
  /** The checkout to check. */
  dir: string;
  /** How the user wrote `dir`, for messages. */
  dirLabel?: string;
  policyFile?: string;
  only?: string[];
  images?: string[];
  vulnDb?: string;
  /** Overrides `on-error` (globally and per check), as an input of the CI job does. */
  onError?: OnError;
  /** A git revision to compare against for "new in this change". */
  base?: string;
  /**
   * The user named `base` (`--base`): a revision that does not exist is a usage error. A base taken from the
   * CI event only gives a notice, so a missing commit never fails the job.
   */
  baseGiven?: boolean;
  /** A previous JSON report: image and signature findings already in it are not new. */
  baseline?: string;
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  /** What the CI platform knows about this job, for the runner probe (see CheckContext.ci). */
  ci?: CheckContext['ci'];
  now?: Date;
  onCheckStart?: (id: CheckId) => void;
  /** The checks to run; defaults to every check this build ships (tests inject their own). */
  checks?: Check[];
}

export function parseOnly(values: string[] | undefined): Set<CheckId> | undefined {
  if (!values || values.length === 0) return undefined;
  const selected = new Set<CheckId>();
  for (const value of values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)) {
    if (!(CHECK_IDS as readonly string[]).includes(value)) {
      throw new ConfigurationError(
        'USAGE',
        `--only: unknown check "${value}"; expected a comma list of: ${CHECK_IDS.join(', ')}.${didYouMeanSentence(value, CHECK_IDS)}`,
      );
    }
    selected.add(value as CheckId);
  }
  return selected;
}

async function assertDirectory(dir: string, label = dir): Promise<string> {
  const root = path.resolve(dir);
  try {
    if ((await stat(root)).isDirectory()) return root;
  } catch {
    // reported below
  }
  throw new ConfigurationError(
    'USAGE',
    `${label}: no such directory. Give the path of a checkout: \`containersec check path/to/repo\`.`,
  );
}

/** Checks the caller left out (tests run a subset): reported as skipped so the report lists all four. */
function missingRuns(present: Set<CheckId>): CheckRun[] {
  return CHECK_IDS.filter((id) => !present.has(id)).map((id) => ({
    id,
    ran: false,
    skip: { label: 'not run', reason: 'not part of this run' },
    findings: [],
    fingerprints: [],
    errors: [],
    notes: [],
  }));
}

async function baseTree(
  root: string,
  base: string | undefined,
  given: boolean,
  log: Logger,
): Promise<{ tree?: GitTree; commit?: string; changed?: Set<string>; notice?: string }> {
  if (!base) return {};
  const commit = await resolveCommit(root, base);
  if (!commit) {
    const kind = await cloneKind(root);
    if (given && kind === 'none') {
      throw new ConfigurationError(
        'USAGE',
        `--base ${base}: ${root} is not in a git repository, so there is no revision to compare with.`,
      );
    }
    if (given && kind === 'full') {
      throw new ConfigurationError(
        'USAGE',
        `--base ${base}: no such revision in this repository (not a commit, branch or tag git knows). Check the name with \`git rev-parse --verify ${base}\`.`,
      );
    }
    return {
      notice: `Base revision ${base} is not in this ${kind === 'shallow' ? 'shallow ' : ''}clone, so every finding counts as new. Fetch it (actions/checkout with fetch-depth: 0, GIT_DEPTH: 0 on GitLab, or \`git fetch --unshallow\` locally).`,
    };
  }
  log.debug(`comparing with base ${commit}`);
  return { tree: new GitTree(root, commit), commit, changed: await changedPaths(root, commit) };
}

/** The whole gate: policy, checks (head and base), exceptions, verdict. */
export async function runGate(options: GateOptions): Promise<GateOutcome> {
  const root = await assertDirectory(options.dir, options.dirLabel);
  const only = parseOnly(options.only);
  const checks = options.checks ?? CHECKS;
  const rules = new RuleRegistry(checks.flatMap((check) => check.rules));
  const { policy, notices } = await loadPolicy({ root, file: options.policyFile, rules });
  if (options.vulnDb) policy.checks.images.vulnerabilities.source = options.vulnDb;
  if (options.onError) {
    policy['on-error'] = options.onError;
    for (const id of CHECK_IDS) policy.checks[id]['on-error'] = options.onError;
  }
  const images = options.images ?? [];
  const baseline = options.baseline ? await readBaseline(options.baseline) : undefined;
  const base = await baseTree(root, options.base, options.baseGiven === true, options.log);
  if (base.notice) notices.push(base.notice);
  if (policy.file && base.changed?.has(policy.file)) {
    // The policy decides what blocks the merge, and this change edits it: reviewers must see that first.
    notices.unshift(
      `This change edits ${policy.file}, the policy that decides what blocks merges; the gate ran with the edited policy. Review that diff (protect the file with CODEOWNERS).`,
    );
  }
  try {
    const runs = await runChecks({
      checks,
      head: new FsTree(root),
      base: base.tree,
      only,
      onStart: options.onCheckStart,
      context: {
        root,
        policy,
        images,
        env: options.env,
        log: options.log,
        changedPaths: base.changed,
        ...(options.ci ? { ci: options.ci } : {}),
      },
    });
    runs.push(...missingRuns(new Set(checks.map((c) => c.id))));
    if (baseline) for (const run of runs) run.baselineFingerprints = baseline.get(run.id) ?? new Set();
    const order = (id: CheckId) => CHECK_IDS.indexOf(id);
    runs.sort((a, b) => order(a.id) - order(b.id));
    const result = applyGate({ runs, policy, rules, today: todayUtc(options.now) });
    return { result, policy, rules, notices, root, ...(base.commit ? { baseCommit: base.commit } : {}) };
  } finally {
    base.tree?.close();
  }
}
