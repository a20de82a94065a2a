import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Audit } from './audit.js';
import { GITHUB_HARDENING, ZIZMOR_AUDITS, makeFinding, nodeSpan, stepKey } from './audit.js';
import type { Severity } from '../../../core/severity.js';
import type { StepModel, WorkflowModel } from './model.js';
import { usesAction, withText } from './model.js';
import { privilegedTriggers } from './triggers.js';
import { scalarText } from './yaml-nodes.js';

export const rule: RuleDefinition = {
  id: 'gha/artipacked',
  check: 'hardening',
  title: 'Checkout persists the token where it can leak',
  severity: 'medium',
  description:
    'Reports every `actions/checkout` step that persists the token (no `persist-credentials: false`), as zizmor ' +
    'does, with a severity that says how exposed it is. High when a later step of the same job uploads the ' +
    'workspace as an artifact (`actions/upload-artifact` with `path: .`, `./`, `..` or `${{ github.workspace }}`) ' +
    '(medium from checkout v6, which keeps the credentials in a file outside the workspace), and in workflows ' +
    'with a privileged trigger, `pull_request_target` or `workflow_run`; otherwise medium (low from checkout ' +
    "v6). An explicit `persist-credentials: true` is the author's choice and reported only when an upload " +
    'follows or the trigger is privileged; an expression as the value is not reported. For SHA-pinned ' +
    'checkouts the version is read from the `# vX.Y.Z` comment; an unknown version counts as before v6.',
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

/** A `path:` of upload-artifact that takes in the checkout itself, `.git` directory included (zizmor's list). */
function uploadsWorkspace(path: string): boolean {
  return path
    .split(/\r?\n/)
    .map((p) => p.trim())
    .some((p) => ['.', './', '..', '../'].includes(p) || (/^\$\{\{.*\}\}$/.test(p) && p.includes('github.workspace')));
}

/** checkout v6+ writes the credentials under $RUNNER_TEMP, not into the workspace's .git/config. */
function checkoutV6(step: StepModel, workflow: WorkflowModel): boolean {
  const ref = step.uses!.value.trim();
  const fromRef = /@v?(\d+)(?:\.\d+)*$/i.exec(ref)?.[1];
  if (fromRef !== undefined && !/@[0-9a-f]{40}$/i.test(ref)) return Number(fromRef) >= 6;
  const end = step.uses!.node.range?.[1];
  if (end === undefined) return false;
  const lineEnd = workflow.text.indexOf('\n', end);
  const rest = workflow.text.slice(end, lineEnd < 0 ? undefined : Math.min(lineEnd, end + 200));
  const fromComment = /#\s*(?:tag=)?v?(\d+)(?:\.\d+)*\b/i.exec(rest)?.[1];
  return fromComment !== undefined && Number(fromComment) >= 6;
}

export function run(workflow: WorkflowModel): RawFinding[] {
  const doc = workflow.doc;
  const privileged = privilegedTriggers(workflow);
  const findings: RawFinding[] = [];
  for (const job of workflow.jobs) {
    const uploads = job.steps.filter(
      (s) => usesAction(s, 'actions/upload-artifact') && uploadsWorkspace(withText(s, 'path', doc) ?? ''),
    );
    for (const step of job.steps) {
      if (!step.uses || !usesAction(step, 'actions/checkout')) continue;
      const persist = step.with.get('persist-credentials');
      const value = scalarText(persist?.value, doc)?.trim().toLowerCase();
      if (value === 'false' || value?.includes('${{')) continue;
      const upload = uploads.find((u) => u.index > step.index);
      if (value !== undefined && !upload && privileged.length === 0) continue;
      const v6 = checkoutV6(step, workflow);
      const severity: Severity = privileged.length > 0 || (upload && !v6) ? 'high' : upload || !v6 ? 'medium' : 'low';
      const reason = upload
        ? `step ${upload.label} then uploads the workspace as an artifact`
        : privileged.length > 0
          ? `the workflow runs on ${privileged.map((t) => `\`${t}\``).join(' and ')}, so code from the pull request can read it`
          : 'any later step (or tool it runs) can read it';
      findings.push(
        makeFinding(workflow, rule, {
          severity,
          message: `Step ${step.label} of job ${job.id} checks out with the token persisted ${v6 ? 'on the runner' : 'in .git/config'}, and ${reason}.`,
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
