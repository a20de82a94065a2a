import { minimatch } from 'minimatch';
import type { Node } from 'yaml';
import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Severity } from '../../../core/severity.js';
import type { Audit, AuditOptions, Span } from './audit.js';
import {
  GITHUB_HARDENING,
  KeyCounter,
  SCORECARD_CHECKS,
  ZIZMOR_AUDITS,
  makeFinding,
  nodeSpan,
  spanInScalar,
} from './audit.js';
import type { JobModel, StringValue, WorkflowModel } from './model.js';
import type { PinLevel } from '../../../policy/types.js';

export const rule: RuleDefinition = {
  id: 'gha/unpinned-uses',
  check: 'hardening',
  title: 'Action or reusable workflow not pinned to a commit SHA',
  severity: 'medium',
  description:
    'Reports `uses:` of third-party actions (steps of workflows and composite actions) and of reusable ' +
    'workflows (`jobs.<id>.uses`) that are not pinned to a full 40-character commit SHA, and `docker://` ' +
    'images without an `@sha256:` digest. A tag or branch is medium; a `uses:` with no ref at all, or a ' +
    '`docker://` image with no tag either, is high, and so is a movable reference that is handed secrets (a ' +
    "`${{ secrets.* }}` in the step's `with:`/`env:`, or `secrets:` passed to a reusable workflow). Local `./` " +
    'actions and workflows are not reported, nor are ' +
    '`slsa-framework/slsa-github-generator` reusable workflows called by a release tag (`@v2.1.0`): the SLSA ' +
    'builders verify themselves by that tag and fail when pinned to a SHA (OpenSSF Scorecard exempts them too).' +
    "\n\nPin levels follow zizmor's policies, set per pattern in `checks.hardening.unpinned-uses` " +
    '(`owner/repo/path`, `owner/repo`, `owner/*`, `*`; the most specific wins): `hash-pin` (a full commit ' +
    'SHA), `ref-pin` (any tag or branch; only a missing ref is reported) and `any` (not checked). ' +
    '`checks.hardening.allowed-unpinned` globs are a shorthand for `ref-pin`.\n\n' +
    'Default (recommended preset): `hash-pin` for everything except `actions/*` and `github/*`, which are ' +
    '`ref-pin`. Why: every compromise of this kind so far (tj-actions/changed-files, reviewdog) moved the tags ' +
    "of a third-party action, and a SHA is the only reference its owner cannot move. GitHub's own actions are " +
    'published by the same company that runs the runner, its images and the token service: an attacker able ' +
    "to move `actions/checkout@v4` already controls the job's environment, so a SHA adds little protection " +
    'there and a steady stream of update pull requests. The `strict` preset asks for `hash-pin` everywhere, ' +
    'as zizmor does by default.',
  rationale:
    "Tags and branches are mutable: whoever controls the action's repository (its maintainer, or an attacker " +
    'who stole their credentials) can point `v4` at new code, and every workflow using it runs that code on ' +
    'its next run, with its secrets. This happened to `tj-actions/changed-files` in March 2025, when every tag ' +
    'was moved to a commit that dumped CI secrets into public logs. A commit SHA cannot be moved.',
  fix:
    'Pin the full commit SHA and keep the version in a comment so Dependabot or Renovate can update it:\n\n' +
    '```yaml\n- uses: actions/checkout@08eba0b27e820071cde6df949e0beb9ba4906955 # v4.3.0\n' +
    '- uses: docker://alpine@sha256:<digest>   # alpine:3.20\n```\n\n' +
    'To accept tags for owners you trust, or to require SHAs everywhere, set pin levels in `.containersec.yml`:\n\n' +
    '```yaml\nchecks:\n  hardening:\n    unpinned-uses:\n      "*": hash-pin\n      "actions/*": hash-pin     # also GitHub\'s own\n' +
    '      "my-org/*": ref-pin       # our own actions, by tag\n      "my-org/sandbox": any\n```',
  references: [`${ZIZMOR_AUDITS}#unpinned-uses`, `${SCORECARD_CHECKS}#pinned-dependencies`, GITHUB_HARDENING],
};

const FULL_SHA = /^[0-9a-f]{40}$/i;

interface Verdict {
  severity: Severity;
  message: string;
  fix: string;
}

/**
 * The pin level the policy asks of an action: the most specific `unpinned-uses` pattern (`owner/repo/path`,
 * then `owner/repo`, then `owner/*`, then `*`), else ref-pin for `allowed-unpinned` globs, else hash-pin.
 */
export function pinLevel(
  target: string,
  allowed: readonly string[],
  levels: Readonly<Record<string, PinLevel>> = {},
): PinLevel {
  const lower = target.toLowerCase();
  const [owner, repo] = lower.split('/');
  const byPattern = new Map(Object.entries(levels).map(([k, v]) => [k.toLowerCase(), v]));
  for (const pattern of [lower, `${owner}/${repo}`, `${owner}/*`]) {
    const level = byPattern.get(pattern);
    if (level) return level;
  }
  if (isAllowed(target, allowed)) return 'ref-pin';
  return byPattern.get('*') ?? 'hash-pin';
}

/**
 * SLSA's generators verify their own builder by the tag it was called at, so they must be called by a
 * release tag (`@v2.1.0`); a SHA breaks them. OpenSSF Scorecard exempts them the same way.
 */
const TAG_ONLY_REUSABLE_WORKFLOWS = /^slsa-framework\/slsa-github-generator\/\.github\/workflows\//i;
const RELEASE_TAG = /^v\d+\.\d+\.\d+$/;

export function judgeUses(
  uses: string,
  allowed: readonly string[],
  levels?: Readonly<Record<string, PinLevel>>,
): Verdict | undefined {
  const value = uses.trim();
  if (value === '' || value.startsWith('./') || value.startsWith('.\\') || value.includes('${{')) return undefined;
  if (value.startsWith('docker://')) {
    const image = value.slice('docker://'.length);
    if (/@sha256:[0-9a-f]{64}$/i.test(image)) return undefined;
    const tagged = /:[^/]+$/.test(image);
    return {
      severity: tagged ? 'medium' : 'high',
      message: `\`${value}\` runs a container image by ${tagged ? 'tag' : 'name only (implicitly :latest)'}, not by digest.`,
      fix: `Pin the image digest: docker://${image.replace(/:[^/]+$/, '')}@sha256:<digest>`,
    };
  }
  const at = value.lastIndexOf('@');
  const target = at >= 0 ? value.slice(0, at) : value;
  const ref = at >= 0 ? value.slice(at + 1) : '';
  if (FULL_SHA.test(ref)) return undefined;
  if (TAG_ONLY_REUSABLE_WORKFLOWS.test(target) && RELEASE_TAG.test(ref)) return undefined;
  const level = pinLevel(target, allowed, levels);
  if (level === 'any' || (level === 'ref-pin' && ref !== '')) return undefined;
  if (ref === '') {
    return {
      severity: 'high',
      message: `\`${value}\` names no version at all.`,
      fix: `Pin a commit: ${target}@<40-character commit SHA> # vX.Y.Z`,
    };
  }
  return {
    severity: 'medium',
    message: `\`${value}\` is pinned to \`${ref}\`, a tag or branch that can be moved to different code.`,
    fix: `Pin the commit that ${ref} points to: ${target}@<40-character commit SHA> # ${ref}`,
  };
}

/** `owner/repo` and the full `owner/repo/path` are both matched, case-insensitively. */
function isAllowed(target: string, allowed: readonly string[]): boolean {
  const lower = target.toLowerCase();
  const repo = lower.split('/').slice(0, 2).join('/');
  return allowed.some((glob) => {
    const pattern = glob.toLowerCase();
    return minimatch(repo, pattern) || minimatch(lower, pattern);
  });
}

/** Where the reference itself starts: inside a `uses: |` block scalar that is the next line, not the `|`. */
function valueSpan(workflow: WorkflowModel, uses: StringValue): Span {
  const trimmed = uses.value.trim();
  const block = uses.node.type === 'BLOCK_LITERAL' || uses.node.type === 'BLOCK_FOLDED';
  if (trimmed === '' || (trimmed === uses.value && !block)) return nodeSpan(workflow, uses.node);
  return spanInScalar(workflow, uses.node, uses.value, uses.value.indexOf(trimmed), trimmed.length);
}

/** Secrets handed to the code: `${{ secrets.X }}` in `with:`/`env:`, or a reusable workflow's `secrets:`. */
function receivesSecrets(nodes: (Node | undefined)[]): boolean {
  return nodes.some((node) => node !== undefined && /\$\{\{[^}]*\bsecrets\b|^\s*inherit\s*$/m.test(String(node)));
}

export function run(workflow: WorkflowModel, options: AuditOptions): RawFinding[] {
  const findings: RawFinding[] = [];
  const keys = new KeyCounter();
  const check = (uses: StringValue, job: JobModel, what: string, secrets: (Node | undefined)[]): void => {
    const verdict = judgeUses(uses.value, options.allowedUnpinned, options.pinLevels);
    if (!verdict) return;
    // Whoever can move the tag gets these secrets on the next run, with no flaw of ours needed: high.
    const handed = receivesSecrets(secrets);
    findings.push(
      makeFinding(workflow, rule, {
        severity: handed ? 'high' : verdict.severity,
        message: `${what}: ${verdict.message}${handed ? ' It is handed secrets, which whoever moves the reference gets.' : ''}`,
        span: valueSpan(workflow, uses),
        job,
        key: keys.next(`${job.id}:${uses.value.trim()}`),
        fix: verdict.fix,
      }),
    );
  };
  for (const job of workflow.jobs) {
    if (job.uses) check(job.uses, job, `Job ${job.id} calls a reusable workflow`, [job.secrets?.value]);
    for (const step of job.steps) {
      if (step.uses)
        check(step.uses, job, `Step ${step.label} of ${job.composite ? 'the composite action' : `job ${job.id}`}`, [
          step.node.get('with', true),
          step.env,
        ]);
    }
  }
  return findings;
}

export const unpinnedUses: Audit = { rule, run };
