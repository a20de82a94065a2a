import type { Node } from 'yaml';
import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Audit } from './audit.js';
import { GITHUB_HARDENING, KeyCounter, ZIZMOR_AUDITS, makeFinding, nodeSpan } from './audit.js';
import { findExpressions, parseExpression, valueLeaves } from './expressions.js';
import { matrixValues } from './matrix.js';
import type { JobModel, WorkflowModel } from './model.js';
import { PUBLIC_TRIGGERS } from './triggers.js';
import { asMap, get, stringList } from './yaml-nodes.js';

export const rule: RuleDefinition = {
  id: 'gha/self-hosted-runner',
  check: 'hardening',
  title: 'Self-hosted runner reachable from public events',
  severity: 'high',
  description:
    'Reports jobs whose `runs-on` includes the `self-hosted` label (as a string, in a list, under ' +
    '`labels:`, or through a `matrix` value or a literal inside an expression) in workflows that people outside the repository can ' +
    'trigger: `pull_request`, `pull_request_target`, `pull_request_review(_comment)` (high), `issue_comment`, ' +
    '`issues`, `discussion(_comment)`, `fork`, `watch` (medium). Runner groups without the `self-hosted` label ' +
    'are not reported, because GitHub-hosted larger runners use groups too.',
  rationale:
    'Self-hosted runners are not wiped between jobs. A fork pull request that runs on one executes the ' +
    "contributor's code on your machine: it can install a persistent backdoor, read credentials left by " +
    'other jobs (cloud metadata, Docker credentials, caches), and tamper with later release builds that run ' +
    'on the same runner. GitHub advises never to use self-hosted runners with public repositories.',
  fix:
    'Run untrusted events on GitHub-hosted runners, and keep self-hosted runners for trusted events (pushes ' +
    'to protected branches, releases) or use ephemeral, isolated runners (`--ephemeral`, one VM per job):\n\n' +
    '```yaml\non: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest   # not [self-hosted, linux]\n```\n\n' +
    'Also require approval for workflows from outside collaborators in the repository settings.',
  references: [
    `${ZIZMOR_AUDITS}#self-hosted-runner`,
    GITHUB_HARDENING,
    'https://docs.github.com/en/actions/how-tos/manage-runners/self-hosted-runners/add-runners',
  ],
};

const HIGH = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment']);

/** The label node that says `self-hosted`, following a `${{ matrix.<key> }}` label to its literal values. */
function selfHostedLabel(job: JobModel, workflow: WorkflowModel): Node | undefined {
  const doc = workflow.doc;
  const value = job.runsOn?.value;
  const labels = asMap(value, doc)
    ? stringList(get(asMap(value, doc), 'labels', doc)?.value, doc)
    : stringList(value, doc);
  for (const label of labels) {
    if (label.text.trim().toLowerCase() === 'self-hosted') return label.node;
    const fenced = findExpressions(label.text);
    const parsed = fenced.length === 1 && fenced[0]!.closed ? parseExpression(fenced[0]!.body) : undefined;
    for (const leaf of (parsed?.ok ? valueLeaves(parsed.expr) : undefined) ?? []) {
      if (
        leaf.kind === 'literal' &&
        typeof leaf.value === 'string' &&
        leaf.value.trim().toLowerCase() === 'self-hosted'
      )
        return label.node;
      if (leaf.kind !== 'context' || leaf.parts[0] !== 'matrix' || leaf.parts.length !== 2) continue;
      const values = matrixValues(job, leaf.parts[1]!, doc) ?? [];
      const hit = values.find((v) => v.value.trim().toLowerCase() === 'self-hosted');
      if (hit) return hit.node;
    }
  }
  return undefined;
}

export function run(workflow: WorkflowModel): RawFinding[] {
  if (workflow.kind !== 'workflow') return [];
  const triggers = workflow.triggers
    .filter((t) => (PUBLIC_TRIGGERS as readonly string[]).includes(t.name))
    .map((t) => t.name);
  if (triggers.length === 0) return [];
  const severity = triggers.some((t) => HIGH.has(t)) ? 'high' : 'medium';
  const findings: RawFinding[] = [];
  const keys = new KeyCounter();
  for (const job of workflow.jobs) {
    const label = selfHostedLabel(job, workflow);
    if (!label) continue;
    findings.push(
      makeFinding(workflow, rule, {
        severity,
        message: `Job ${job.id} runs on a self-hosted runner in a workflow triggered by ${triggers.map((t) => `\`${t}\``).join(', ')}, which outside contributors can fire.`,
        span: nodeSpan(workflow, label),
        job,
        key: keys.next(job.id),
        fix: 'Use a GitHub-hosted runner for this job, or an ephemeral isolated runner and approval for outside contributors.',
      }),
    );
  }
  return findings;
}

export const selfHostedRunner: Audit = { rule, run };
