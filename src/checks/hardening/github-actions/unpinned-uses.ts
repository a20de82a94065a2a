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
    "`${{ secrets.* }}` in the step's `with:`/`env:`, or `secrets:` passed to a reusable workflow). Local `./` actions and workflows are not reported. Actions " +
    'matching `checks.hardening.allowed-unpinned` in the policy (globs such as `actions/*` or ' +
    '`github/codeql-action`) may use tags.',
  rationale:
    "Tags and branches are mutable: whoever controls the action's repository (its maintainer, or an attacker " +
    'who stole their credentials) can point `v4` at new code, and every workflow using it runs that code on ' +
    'its next run, with its secrets. This happened to `tj-actions/changed-files` in March 2025, when every tag ' +
    'was moved to a commit that dumped CI secrets into public logs. A commit SHA cannot be moved.',
  fix:
    'Pin the full commit SHA and keep the version in a comment so Dependabot or Renovate can update it:\n\n' +
    '```yaml\n- uses: actions/checkout@08eba0b27e820071cde6df949e0beb9ba4906955 # v4.3.0\n' +
    '- uses: docker://alpine@sha256:<digest>   # alpine:3.20\n```\n\n' +
    'To accept tags for owners you trust, list them in `.containersec.yml`:\n\n' +
    '```yaml\nchecks:\n  hardening:\n    allowed-unpinned: ["actions/*", "github/codeql-action"]\n```',
  references: [`${ZIZMOR_AUDITS}#unpinned-uses`, `${SCORECARD_CHECKS}#pinned-dependencies`, GITHUB_HARDENING],
};

const FULL_SHA = /^[0-9a-f]{40}$/i;

interface Verdict {
  severity: Severity;
  message: string;
  fix: string;
}

export function judgeUses(uses: string, allowed: readonly string[]): Verdict | undefined {
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
  if (isAllowed(target, allowed)) return undefined;
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
    const verdict = judgeUses(uses.value, options.allowedUnpinned);
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
