import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Audit } from './audit.js';
import { GITHUB_HARDENING, ZIZMOR_AUDITS, makeFinding, nodeSpan, stepKey } from './audit.js';
import type { WorkflowModel } from './model.js';
import { usesAction } from './model.js';
import { privilegedTriggers } from './triggers.js';
import { scalarText } from './yaml-nodes.js';

export const rule: RuleDefinition = {
  id: 'gha/artipacked',
  check: 'hardening',
  title: 'Checkout persists the token where it can leak',
  severity: 'medium',
  description:
    'Reports `actions/checkout` steps without `persist-credentials: false` in workflows that upload artifacts ' +
    '(`actions/upload-artifact`, `actions/upload-pages-artifact`; medium) or that run with a privileged ' +
    'trigger, `pull_request_target` or `workflow_run` (high). An expression as the value is taken as the ' +
    "author's deliberate choice and not reported.",
  rationale:
    "`actions/checkout` writes the job's `GITHUB_TOKEN` into `.git/config` by default so later `git` commands " +
    'can push. Any step that uploads the workspace (a build directory containing `.git`, a tarball of the ' +
    'checkout) publishes the token in a downloadable artifact ("ArtiPACKED"), and any code that runs later in ' +
    "the job, including the pull request's code in privileged workflows, can read it from disk.",
  fix:
    'Do not persist the credentials; pass a token explicitly to the one step that pushes, if any:\n\n' +
    '```yaml\n- uses: actions/checkout@<sha>\n  with:\n    persist-credentials: false\n```',
  references: [
    `${ZIZMOR_AUDITS}#artipacked`,
    'https://unit42.paloaltonetworks.com/github-repo-artifacts-leak-tokens/',
    GITHUB_HARDENING,
  ],
};

const UPLOADERS = ['actions/upload-artifact', 'actions/upload-pages-artifact'];

export function run(workflow: WorkflowModel): RawFinding[] {
  const doc = workflow.doc;
  const uploads = workflow.jobs.some((j) => j.steps.some((s) => usesAction(s, ...UPLOADERS)));
  const privileged = privilegedTriggers(workflow);
  if (!uploads && privileged.length === 0) return [];
  const reason =
    privileged.length > 0
      ? `the workflow runs on ${privileged.map((t) => `\`${t}\``).join(' and ')}`
      : 'the workflow uploads artifacts';
  const findings: RawFinding[] = [];
  for (const job of workflow.jobs) {
    for (const step of job.steps) {
      if (!step.uses || !usesAction(step, 'actions/checkout')) continue;
      const persist = step.with.get('persist-credentials');
      const value = scalarText(persist?.value, doc)?.trim().toLowerCase();
      if (value === 'false' || value?.includes('${{')) continue;
      findings.push(
        makeFinding(workflow, rule, {
          severity: privileged.length > 0 ? 'high' : 'medium',
          message: `Step ${step.label} of job ${job.id} checks out with the token persisted in .git/config, and ${reason}.`,
          span: nodeSpan(workflow, persist?.value ?? step.uses.node),
          job,
          key: stepKey(job, step),
          fix: "Add `persist-credentials: false` under the checkout step's `with:`.",
        }),
      );
    }
  }
  return findings;
}

export const artipacked: Audit = { rule, run };
