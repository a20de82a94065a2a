import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Audit } from './audit.js';
import {
  GITHUB_HARDENING,
  SCORECARD_CHECKS,
  ZIZMOR_AUDITS,
  makeFinding,
  nodeSpan,
  spanInScalar,
  stepKey,
} from './audit.js';
import type { JobModel, StepModel, StringValue, WorkflowModel } from './model.js';
import { stringValue, usesAction } from './model.js';
import { allContexts, findExpressions, isWholeExpression, parseExpression, pathText } from './expressions.js';
import type { Expr } from './expressions.js';
import { scalarText } from './yaml-nodes.js';
import { logicalLines, scriptOffset } from './script.js';
import { PRIVILEGED_TRIGGERS } from './triggers.js';

export const rule: RuleDefinition = {
  id: 'gha/dangerous-triggers',
  check: 'hardening',
  title: 'Workflow uses a privileged trigger',
  severity: 'medium',
  description:
    'Reports workflows triggered by `pull_request_target` or `workflow_run` (medium), and at critical severity ' +
    "every job in such a workflow (or one triggered by `issue_comment`) that checks out the pull request's code " +
    '(`ref: ${{ github.event.pull_request.head.sha }}`, `head.ref`, `github.head_ref`, `refs/pull/<n>/merge`, ' +
    'any `github.event.workflow_run` data but its base, `gh pr checkout`, `git fetch … pull/<n>/head`; contexts ' +
    "are compared as GitHub reads them, so `github.event['pull_request'].head.sha` counts too) and " +
    "then runs anything after it. In `workflow_run` workflows, downloading the triggering run's artifacts " +
    '(`actions/download-artifact` with `run-id: ${{ github.event.workflow_run.id }}`, ' +
    '`dawidd6/action-download-artifact`) followed by a `run:` step or a local action is reported at high, and at ' +
    'medium when the artifact is extracted outside the workspace (`path: ${{ runner.temp }}/…`), as its fix advises.\n\n' +
    'Jobs of `issue_comment` workflows are reported (medium) unless their job-level `if:` only lets trusted ' +
    'commenters through: `author_association` equal to, or looked up in a literal list of, `OWNER`, `MEMBER` or ' +
    '`COLLABORATOR`, or the actor compared with a fixed login (`CONTRIBUTOR` is anyone with one merged commit); ' +
    "a branch of the condition that only holds for other events (`github.event_name != 'issue_comment'`) " +
    'counts as guarded. ' +
    'A workflow whose only job has the single step `actions/labeler` is not reported for `pull_request_target`: ' +
    'that is the use the trigger was made for.',
  rationale:
    'Unlike `pull_request`, these triggers run in the context of the base repository: with its secrets, a token ' +
    "that can be read-write, and access to the default branch's caches, even when a fork opened the pull " +
    'request. That is only safe while the workflow never executes code from the pull request. Checking out the ' +
    'head and then running a build, a test, `npm install` (lifecycle scripts) or a local action hands all of ' +
    'that to the author of the pull request: this "pwn request" pattern has compromised many popular projects.',
  fix:
    'Use `pull_request` for anything that builds or tests the contribution; it runs without secrets and with a ' +
    'read-only token for forks. When a privileged follow-up is needed (commenting, labelling), split the work: ' +
    'an unprivileged `pull_request` workflow uploads results as an artifact, and a `workflow_run` workflow ' +
    'consumes them as data without checking out or executing the pull request:\n\n' +
    '```yaml\non: pull_request            # not pull_request_target\npermissions:\n  contents: read\n' +
    'jobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@<sha>\n' +
    '        with:\n          persist-credentials: false\n      - run: make test\n```\n\n' +
    'If `pull_request_target` is unavoidable (labelers, triage), never check out `github.event.pull_request.head.*`.',
  references: [
    `${ZIZMOR_AUDITS}#dangerous-triggers`,
    `${SCORECARD_CHECKS}#dangerous-workflow`,
    'https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/',
    GITHUB_HARDENING,
  ],
};

/**
 * True when a context (as parsed, so `github.event['pull_request'].head.sha` and `GitHub.Head_Ref` are
 * read like `github.event.pull_request.head.sha`) names the pull request's or the triggering run's head:
 * anything under `pull_request.head`, `github.head_ref`, the merge commit, or `workflow_run` data other
 * than its base (its head SHA and branch, its pull requests' heads, the object itself).
 */
function namesHead(parts: readonly string[]): boolean {
  const path = parts.join('.');
  if (path === 'github.head_ref' || path === 'github.event.pull_request.merge_commit_sha') return true;
  if (path.startsWith('github.event.pull_request.head')) return true;
  if (path === 'github.event.workflow_run' || path.startsWith('github.event.workflow_run.'))
    return !parts.includes('base') && !['id', 'run_number', 'run_attempt', 'workflow_id'].includes(parts[3] ?? '');
  return false;
}

/** `refs/pull/<n>/merge|head` written literally (the number usually comes from an expression). */
const PULL_REFS = /refs\/pull\//i;

/** The head-naming expression or literal in a checkout input, as an offset into the value and its text. */
function headReference(value: string): { offset: number; length: number; text: string } | undefined {
  for (const fenced of findExpressions(value)) {
    const parsed = fenced.closed ? parseExpression(fenced.body) : undefined;
    if (!parsed?.ok) continue;
    const hit = allContexts(parsed.expr).find(namesHead);
    if (hit) return { offset: fenced.start, length: 3, text: pathText(hit) };
  }
  const literal = PULL_REFS.exec(value);
  return literal ? { offset: literal.index, length: literal[0].length, text: literal[0] } : undefined;
}

const GH_PR_CHECKOUT = /\bgh\s+pr\s+checkout\b/;
const GIT_FETCH = /\bgit\s+(?:fetch|pull|checkout)\b/;
const PULL_REF = /\bpull\/(?:\$\{\{[^}]{0,200}\}\}|[^\s/]+)\/(?:head|merge)\b/;

/** `gh pr checkout`, or a git fetch/pull/checkout of `pull/<n>/head|merge` (two linear passes). */
function shellCheckout(text: string): { index: number; text: string } | undefined {
  const gh = GH_PR_CHECKOUT.exec(text);
  if (gh) return { index: gh.index, text: gh[0] };
  const git = GIT_FETCH.exec(text);
  if (git && PULL_REF.test(text.slice(git.index))) return { index: git.index, text: git[0] };
  return undefined;
}

interface HeadCheckout {
  step: StepModel;
  value: StringValue;
  offset: number;
  length: number;
  text: string;
}

function headCheckout(step: StepModel, workflow: WorkflowModel): HeadCheckout | undefined {
  if (usesAction(step, 'actions/checkout')) {
    for (const input of ['ref', 'repository']) {
      const value = stringValue(step.with.get(input)?.value, workflow.doc);
      const hit = value ? headReference(value.value) : undefined;
      if (value && hit) return { step, value, ...hit };
    }
  }
  if (step.run) {
    for (const line of logicalLines(step.run.value)) {
      const hit = shellCheckout(line.text);
      if (hit) return { step, value: step.run, offset: scriptOffset(line, hit.index), length: 2, text: hit.text };
    }
  }
  return undefined;
}

/** A later step that executes something: any `run:`, or any action (it runs in the checked-out workspace). */
function executesAfter(job: JobModel, index: number): StepModel | undefined {
  return job.steps.slice(index + 1).find((s) => s.run !== undefined || s.uses !== undefined);
}

export function run(workflow: WorkflowModel): RawFinding[] {
  if (workflow.kind !== 'workflow') return [];
  const findings: RawFinding[] = [];
  const privileged = workflow.triggers.filter(
    (t) =>
      (PRIVILEGED_TRIGGERS as readonly string[]).includes(t.name) &&
      !(t.name === 'pull_request_target' && onlyLabeler(workflow)),
  );
  for (const trigger of privileged) {
    findings.push(
      makeFinding(workflow, rule, {
        message:
          trigger.name === 'pull_request_target'
            ? "The workflow runs on `pull_request_target`: with the base repository's secrets and token for pull requests from forks."
            : "The workflow runs on `workflow_run`: with the repository's secrets and token after workflows that forks can trigger.",
        span: nodeSpan(workflow, trigger.node),
        key: `trigger:${trigger.name}`,
        fix: "Prefer `pull_request`; if this trigger is needed, never check out or run the pull request's code here.",
      }),
    );
  }
  if (workflow.triggers.some((t) => t.name === 'issue_comment')) findings.push(...unguardedCommentJobs(workflow));
  const checkoutTriggers = workflow.triggers.filter((t) =>
    ['pull_request_target', 'workflow_run', 'issue_comment'].includes(t.name),
  );
  if (checkoutTriggers.length === 0) return findings;
  const names = checkoutTriggers.map((t) => `\`${t.name}\``).join(', ');
  for (const job of workflow.jobs) {
    job.steps.forEach((step, index) => {
      const checkout = headCheckout(step, workflow);
      if (!checkout) return;
      const later = executesAfter(job, index);
      if (!later) return;
      findings.push(
        makeFinding(workflow, rule, {
          severity: 'critical',
          message: `Job ${job.id} of a ${names} workflow checks out the pull request's code (\`${checkout.text}\`) in step ${step.label} and then runs step ${later.label}: the pull request's author can run code with this workflow's secrets and token.`,
          span: spanInScalar(workflow, checkout.value.node, checkout.value.value, checkout.offset, checkout.length),
          job,
          key: `checkout:${stepKey(job, step)}`,
          fix: 'Move the build/test of the pull request to a `pull_request` workflow; keep this one to trusted base-branch code.',
        }),
      );
    });
  }
  if (workflow.triggers.some((t) => t.name === 'workflow_run')) findings.push(...artifactExecution(workflow));
  return findings;
}

/**
 * One job whose only step is `actions/labeler`: the use `pull_request_target` was made for (the labeler
 * reads the changed file names through the API and never runs the pull request's code), as zizmor agrees.
 */
function onlyLabeler(workflow: WorkflowModel): boolean {
  const [job, ...others] = workflow.jobs;
  const [step, ...more] = job?.steps ?? [];
  return (
    others.length === 0 && more.length === 0 && !job?.uses && step !== undefined && usesAction(step, 'actions/labeler')
  );
}

/** Associations GitHub gives people with write access or org membership; anything else is anyone. */
const TRUSTED_ASSOCIATIONS = ['OWNER', 'MEMBER', 'COLLABORATOR'];

/**
 * True when the condition only holds for trusted commenters: an `author_association` compared with (or
 * looked up in a literal list of) OWNER / MEMBER / COLLABORATOR, or the actor compared with a fixed login.
 * A branch that only holds for other events (`github.event_name != 'issue_comment'`) guards too.
 * `a && b` is guarded when either side is; `a || b` only when both are.
 */
function isGuard(expr: Expr): boolean {
  switch (expr.kind) {
    case 'binary':
      if (expr.op === '&&') return isGuard(expr.left) || isGuard(expr.right);
      if (expr.op === '||') return isGuard(expr.left) && isGuard(expr.right);
      if (expr.op === '!=')
        return notCommentEvent(expr.left, expr.right, '!=') || notCommentEvent(expr.right, expr.left, '!=');
      return (
        expr.op === '==' &&
        (guardPair(expr.left, expr.right) ||
          guardPair(expr.right, expr.left) ||
          notCommentEvent(expr.left, expr.right, '==') ||
          notCommentEvent(expr.right, expr.left, '=='))
      );
    case 'call': {
      if (expr.name !== 'contains' || expr.args.length !== 2) return false;
      const [list, item] = expr.args as [Expr, Expr];
      return isAssociation(item) && literalTexts(list).every((t) => TRUSTED_ASSOCIATIONS.some((a) => t.includes(a)));
    }
    default:
      return false;
  }
}

function guardPair(context: Expr, literal: Expr): boolean {
  if (literal.kind !== 'literal' || typeof literal.value !== 'string') return false;
  if (isAssociation(context)) return TRUSTED_ASSOCIATIONS.includes(literal.value.toUpperCase());
  if (context.kind !== 'context') return false;
  const path = context.parts.join('.');
  return path === 'github.actor' || path === 'github.triggering_actor' || path === 'github.event.comment.user.login';
}

/** `github.event_name != 'issue_comment'` or `== 'push'`: this branch of the condition is not a comment run. */
function notCommentEvent(context: Expr, literal: Expr, op: '==' | '!='): boolean {
  if (context.kind !== 'context' || context.parts.join('.') !== 'github.event_name') return false;
  if (literal.kind !== 'literal' || typeof literal.value !== 'string') return false;
  return (literal.value.toLowerCase() === 'issue_comment') === (op === '!=');
}

function isAssociation(expr: Expr): boolean {
  return expr.kind === 'context' && expr.parts[expr.parts.length - 1] === 'author_association';
}

/** The string literals of `'["OWNER","MEMBER"]'`, `fromJSON('[…]')` or `'OWNER,MEMBER'`; none means no guard. */
function literalTexts(expr: Expr): string[] {
  if (expr.kind === 'literal' && typeof expr.value === 'string') {
    const parts = expr.value.split(/[^A-Za-z_]+/).filter((p) => p !== '');
    return parts.length > 0 ? parts.map((p) => p.toUpperCase()) : [''];
  }
  if (expr.kind === 'call' && expr.name === 'fromjson' && expr.args.length === 1) return literalTexts(expr.args[0]!);
  return [''];
}

/** The parsed job condition, written bare or as one `${{ }}`; undefined when absent or not one expression. */
function jobCondition(job: JobModel, workflow: WorkflowModel): Expr | undefined {
  const text = scalarText(job.if?.value, workflow.doc)?.trim();
  if (!text) return undefined;
  const body = isWholeExpression(text) ? findExpressions(text)[0]!.body : text.includes('${{') ? undefined : text;
  const parsed = body === undefined ? undefined : parseExpression(body);
  return parsed?.ok ? parsed.expr : undefined;
}

/**
 * `issue_comment` workflows run with the repository's secrets and a token that can write, for a comment
 * anyone with a GitHub account can post. A job without a job-level check of who commented (step-level
 * checks leave the job's other steps open) does its work for everyone.
 */
function unguardedCommentJobs(workflow: WorkflowModel): RawFinding[] {
  return workflow.jobs.flatMap((job) => {
    const condition = jobCondition(job, workflow);
    if (condition && isGuard(condition)) return [];
    return [
      makeFinding(workflow, rule, {
        message: `Job ${job.id} runs on \`issue_comment\` for anyone who comments: its \`if:\` does not check that the commenter is an OWNER, MEMBER or COLLABORATOR.`,
        span: nodeSpan(workflow, job.keyNode),
        job,
        key: `comment-guard:${job.id}`,
        fix: 'Add a job-level guard, e.g. `if: contains(fromJSON(\'["OWNER","MEMBER","COLLABORATOR"]\'), github.event.comment.author_association)`.',
      }),
    ];
  });
}

const ARTIFACT_DOWNLOADERS = ['actions/download-artifact', 'dawidd6/action-download-artifact'];

/**
 * In `workflow_run`, artifacts of the triggering run were produced by the pull request's code. Downloading
 * them and then running anything (a script from the artifact, a build that reads it) is the same pwn request
 * one hop removed. Reported at high: the artifact may be pure data, which is the safe pattern.
 */
function artifactExecution(workflow: WorkflowModel): RawFinding[] {
  const findings: RawFinding[] = [];
  for (const job of workflow.jobs) {
    job.steps.forEach((step, index) => {
      if (!step.uses || !usesAction(step, ...ARTIFACT_DOWNLOADERS)) return;
      const fromRun = [...step.with.values()].some((e) => {
        const text = stringValue(e.value, workflow.doc)?.value ?? '';
        return /github\.event\.workflow_run\.(id|run_id|head_sha)\b/i.test(text);
      });
      if (!fromRun && !usesAction(step, 'dawidd6/action-download-artifact')) return;
      const later = job.steps
        .slice(index + 1)
        .find((s) => s.run !== undefined || (s.uses?.value.startsWith('./') ?? false));
      if (!later) return;
      // Extracted outside the workspace (the fix this rule recommends), the files are not picked up by tools
      // that read the working directory (npm, make, local actions): still reported, as data to handle with care.
      const outside = outsideWorkspace(stringValue(step.with.get('path')?.value, workflow.doc)?.value);
      findings.push(
        makeFinding(workflow, rule, {
          severity: outside ? 'medium' : 'high',
          message: outside
            ? `Job ${job.id} downloads artifacts of the triggering run outside the workspace in step ${step.label}, then runs step ${later.label}: those files were produced by code the pull request controls; read them as data only.`
            : `Job ${job.id} downloads artifacts of the triggering run in step ${step.label} and then runs step ${later.label}: those artifacts were produced by code the pull request controls.`,
          span: nodeSpan(workflow, step.uses.node),
          job,
          key: `artifact:${stepKey(job, step)}`,
          fix: 'Treat the artifact as untrusted data: extract it outside the workspace, validate its contents, and never execute or source it.',
        }),
      );
    });
  }
  return findings;
}

/** A download `path:` under the runner's temp directory (`${{ runner.temp }}/…`) or `/tmp`, not the workspace. */
function outsideWorkspace(value: string | undefined): boolean {
  if (value === undefined) return false;
  return /^\$\{\{\s*runner\.temp\s*\}\}(?:\/|$)/i.test(value) || /^\/tmp(?:\/|$)/.test(value);
}

export const dangerousTriggers: Audit = { rule, run };
