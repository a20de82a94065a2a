import { isNode } from 'yaml';
import type { Node } from 'yaml';
import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Audit } from './audit.js';
import { GITHUB_HARDENING, SCORECARD_CHECKS, ZIZMOR_AUDITS, makeFinding, nodeSpan } from './audit.js';
import type { JobModel, WorkflowModel } from './model.js';
import { usesAction } from './model.js';
import { asMap, entries, scalarText, walkScalars } from './yaml-nodes.js';
import type { Entry } from './yaml-nodes.js';

export const rule: RuleDefinition = {
  id: 'gha/excessive-permissions',
  check: 'hardening',
  title: 'Workflow token has more permissions than needed',
  severity: 'medium',
  description:
    "Checks the `GITHUB_TOKEN` permissions of workflows, following OpenSSF Scorecard's Token-Permissions check: " +
    'read-only at the top, writes granted per job.\n\n' +
    '- no `permissions:` at the top nor on a job (medium): the token then gets the repository or ' +
    'organisation default, which is read-write on older repositories;\n' +
    '- `permissions: write-all` at the top (high) or on a job (medium); `read-all` anywhere (low: Scorecard ' +
    'accepts it, but it grants read access to every scope, e.g. private code and security alerts);\n' +
    '- a `write` scope at the top level (medium; every job inherits it);\n' +
    '- a job-level `write` scope on a job that visibly cannot use the token (low). This heuristic is ' +
    'conservative: a job counts as possibly using the token when any step uses an action other than ' +
    '`actions/checkout`, `actions/setup-*`, `actions/cache`, `actions/upload-artifact` and ' +
    '`actions/download-artifact`, or when any script or input mentions `GITHUB_TOKEN`, `github.token`, `gh `, ' +
    '`git push`, `git tag` or `api.github.com`. Reusable workflow calls are not judged for this one.\n\n' +
    'Without a top-level block, every job without its own `permissions:` is reported at the job (medium), and ' +
    'the workflow once more at its first line when two or more jobs are affected, as zizmor does. A job calling ' +
    "a reusable workflow counts as a job without permissions: the called workflow receives the caller's " +
    'token. Workflows triggered only by `workflow_call` are not asked for permissions on their own jobs, ' +
    "because they run with their caller's token and can only narrow it; their calls to other reusable " +
    'workflows still are.',
  rationale:
    'Every step of a job, including third-party actions and the dependencies the build downloads, can read the ' +
    "job's token. A compromised dependency or an injection bug with a write token can push commits, move tags, " +
    'publish releases or approve pull requests; with a read-only token the same bug is contained.',
  fix:
    'Set the workflow default to read-only (or nothing) and grant writes only to the job that needs them:\n\n' +
    '```yaml\npermissions:\n  contents: read\n\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n' +
    '      - uses: actions/checkout@<sha>\n      - run: make test\n  release:\n    needs: test\n' +
    '    runs-on: ubuntu-latest\n    permissions:\n      contents: write   # creates the GitHub release\n' +
    '    steps:\n      - run: gh release create "$GITHUB_REF_NAME"\n        env:\n' +
    '          GH_TOKEN: ${{ github.token }}\n```',
  references: [
    `${ZIZMOR_AUDITS}#excessive-permissions`,
    `${SCORECARD_CHECKS}#token-permissions`,
    'https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#permissions',
    GITHUB_HARDENING,
  ],
};

const TOKEN_FREE_ACTIONS = [
  'actions/checkout',
  'actions/cache',
  'actions/upload-artifact',
  'actions/download-artifact',
];

const TOKEN_USE =
  /GITHUB_TOKEN|github\.token|\bgh\s|\bgit\s+push\b|\bgit\s+tag\b|api\.github\.com|ACTIONS_ID_TOKEN_REQUEST/i;

function jobMayUseToken(job: JobModel, workflow: WorkflowModel): boolean {
  for (const step of job.steps) {
    if (
      step.uses &&
      !usesAction(step, ...TOKEN_FREE_ACTIONS) &&
      !/^actions\/setup-[a-z0-9-]+(@|$)/i.test(step.uses.value)
    )
      return true;
  }
  let mentions = false;
  walkScalars(job.node, workflow.doc, (_s, value) => {
    if (!mentions && TOKEN_USE.test(value)) mentions = true;
  });
  return mentions;
}

function writeScopes(entry: Entry, workflow: WorkflowModel): Entry[] {
  return entries(asMap(entry.value, workflow.doc), workflow.doc).filter(
    (e) => scalarText(e.value, workflow.doc)?.toLowerCase() === 'write',
  );
}

export function run(workflow: WorkflowModel): RawFinding[] {
  if (workflow.kind !== 'workflow') return [];
  const findings: RawFinding[] = [];
  const top = workflow.permissions;
  // A workflow only reachable through `workflow_call` runs with its caller's token, which it can only
  // downgrade: the caller is where permissions are decided.
  const calledOnly = workflow.triggers.length > 0 && workflow.triggers.every((t) => t.name === 'workflow_call');
  if (!top) {
    // Reusable workflow calls count too: the called workflow gets the caller's token, here the default one.
    // In a workflow only reachable through `workflow_call`, only such calls are this workflow's decision.
    const implicit = workflow.jobs.filter((j) => !j.permissions && (!calledOnly || j.uses));
    if (implicit.length > 1 && !calledOnly) {
      findings.push(
        makeFinding(workflow, rule, {
          message: `The workflow sets no top-level \`permissions:\`, so jobs ${implicit.map((j) => j.id).join(', ')} get the default token permissions, which may be read-write.`,
          span: nodeSpan(workflow, firstKey(workflow)),
          key: 'top:missing',
          fix: 'Add `permissions: { contents: read }` at the top of the workflow.',
        }),
      );
    }
    // Each job is also reported where it can be fixed: its token is its own.
    for (const job of implicit) {
      findings.push(
        makeFinding(workflow, rule, {
          message: job.uses
            ? `Job ${job.id} calls a reusable workflow without \`permissions:\`, and the workflow sets none: the called workflow gets the default token permissions, which may be read-write (callers decide the token of reusable workflows).`
            : `Job ${job.id} sets no \`permissions:\`, and the workflow sets none: it gets the default token permissions, which may be read-write.`,
          span: nodeSpan(workflow, job.keyNode),
          job,
          key: `job:${job.id}:missing`,
          fix: `Add \`permissions:\` to job ${job.id} (e.g. \`contents: read\`) or at the top of the workflow.`,
        }),
      );
    }
  } else {
    findings.push(...checkBlock(workflow, top, undefined));
  }
  for (const job of workflow.jobs) {
    if (!job.permissions) continue;
    findings.push(...checkBlock(workflow, job.permissions, job));
  }
  return findings;
}

/** The first key of the document: where a missing top-level key is reported. */
function firstKey(workflow: WorkflowModel): Node | undefined {
  const key: unknown = workflow.root.items[0]?.key;
  return isNode(key) ? key : undefined;
}

function checkBlock(workflow: WorkflowModel, entry: Entry, job: JobModel | undefined): RawFinding[] {
  const where = job ? `Job ${job.id}` : 'The workflow';
  const text = scalarText(entry.value, workflow.doc)?.toLowerCase();
  if (text === 'write-all') {
    return [
      makeFinding(workflow, rule, {
        severity: job ? 'medium' : 'high',
        message: `${where} grants \`permissions: write-all\`: the token can write to every scope, including contents, packages and actions.`,
        span: nodeSpan(workflow, entry.value),
        ...(job ? { job } : {}),
        key: `${job ? `job:${job.id}` : 'top'}:write-all`,
        fix: 'List only the scopes the job needs, e.g. `permissions: { contents: read }`.',
      }),
    ];
  }
  if (text === 'read-all') {
    return [
      makeFinding(workflow, rule, {
        severity: 'low',
        message: `${where} grants \`permissions: read-all\`: the token can read every scope (private code, packages, security alerts, deployments) whether or not the ${job ? 'job' : 'workflow'} needs it.`,
        span: nodeSpan(workflow, entry.value),
        ...(job ? { job } : {}),
        key: `${job ? `job:${job.id}` : 'top'}:read-all`,
        fix: 'List only the scopes needed, e.g. `permissions: { contents: read }`.',
      }),
    ];
  }
  const writes = writeScopes(entry, workflow);
  if (!job) {
    return writes.map((scope) =>
      makeFinding(workflow, rule, {
        message: `The workflow grants \`${scope.key}: write\` at the top level, so every job's token can write ${scope.key}.`,
        span: nodeSpan(workflow, scope.value),
        key: `top:${scope.key}`,
        fix: `Set the top level to read-only and move \`${scope.key}: write\` to the job that needs it.`,
      }),
    );
  }
  if (job.uses || writes.length === 0 || jobMayUseToken(job, workflow)) return [];
  return writes.map((scope) =>
    makeFinding(workflow, rule, {
      severity: 'low',
      message: `Job ${job.id} grants \`${scope.key}: write\` but none of its steps appears to use the token.`,
      span: nodeSpan(workflow, scope.value),
      job,
      key: `job:${job.id}:${scope.key}`,
      fix: `Drop \`${scope.key}: write\` from job ${job.id} (or set it to read).`,
    }),
  );
}

export const excessivePermissions: Audit = { rule, run };
