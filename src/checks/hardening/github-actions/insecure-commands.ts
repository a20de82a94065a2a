import type { YAMLMap } from 'yaml';
import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Audit } from './audit.js';
import { KeyCounter, ZIZMOR_AUDITS, makeFinding, nodeSpan, spanInScalar, stepKey } from './audit.js';
import type { JobModel, WorkflowModel } from './model.js';
import { logicalLines, scriptOffset } from './script.js';
import { entries, scalarText } from './yaml-nodes.js';

export const rule: RuleDefinition = {
  id: 'gha/insecure-commands',
  check: 'hardening',
  title: 'Deprecated insecure workflow commands enabled',
  severity: 'high',
  description:
    'Reports `ACTIONS_ALLOW_UNSECURE_COMMANDS` set to anything but `false` in a workflow, job or step `env:`, ' +
    'or exported from a `run:` script.',
  rationale:
    'The variable re-enables the `::set-env::` and `::add-path::` workflow commands that GitHub disabled in ' +
    '2020 (CVE-2020-15228): any process that prints to the job log, for example a test printing a pull ' +
    "request title or a dependency's output, can then set environment variables such as `NODE_OPTIONS` or " +
    '`LD_PRELOAD` and prepend to `PATH`, taking over the following steps.',
  fix:
    'Remove the variable and use environment files instead of the old commands:\n\n' +
    '```yaml\n- run: |\n    echo "TOOL_HOME=$PWD/tool" >> "$GITHUB_ENV"\n    echo "$PWD/tool/bin" >> "$GITHUB_PATH"\n```\n\n' +
    'Update or replace any action that still needs `set-env`.',
  references: [
    `${ZIZMOR_AUDITS}#insecure-commands`,
    'https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/',
    'https://github.com/advisories/GHSA-mfwh-5m23-j46w',
  ],
};

const NAME = 'ACTIONS_ALLOW_UNSECURE_COMMANDS';
const OFF = new Set(['false', '0', '']);

export function run(workflow: WorkflowModel): RawFinding[] {
  const doc = workflow.doc;
  const findings: RawFinding[] = [];
  const keys = new KeyCounter();
  const checkEnv = (env: YAMLMap | undefined, where: string, key: string, job: JobModel | undefined): void => {
    for (const e of entries(env, doc)) {
      if (e.key !== NAME) continue;
      const value = scalarText(e.value, doc)?.trim().toLowerCase() ?? '';
      if (OFF.has(value)) continue;
      findings.push(
        makeFinding(workflow, rule, {
          message: `${where} sets ${NAME}, re-enabling the set-env and add-path workflow commands.`,
          span: nodeSpan(workflow, e.keyNode),
          ...(job ? { job } : {}),
          key: keys.next(`${key}:env`),
          fix: `Remove ${NAME} and write to $GITHUB_ENV / $GITHUB_PATH instead.`,
        }),
      );
    }
  };
  checkEnv(workflow.env, 'The workflow env', 'workflow', undefined);
  for (const job of workflow.jobs) {
    checkEnv(job.env, `Job ${job.id}`, job.id, job);
    for (const step of job.steps) {
      checkEnv(
        step.env,
        `Step ${step.label} of ${job.composite ? 'the composite action' : `job ${job.id}`}`,
        stepKey(job, step),
        job,
      );
      if (!step.run?.value.includes(NAME)) continue;
      for (const line of logicalLines(step.run.value)) {
        const m = new RegExp(String.raw`\b${NAME}\s*=\s*["']?(\w*)`).exec(line.text);
        if (!m || OFF.has((m[1] ?? '').toLowerCase())) continue;
        findings.push(
          makeFinding(workflow, rule, {
            message: `Step ${step.label} exports ${NAME}=${m[1]}, re-enabling the set-env and add-path workflow commands.`,
            span: spanInScalar(workflow, step.run.node, step.run.value, scriptOffset(line, m.index), NAME.length),
            job,
            key: keys.next(`${stepKey(job, step)}:run`),
            fix: `Remove ${NAME} and write to $GITHUB_ENV / $GITHUB_PATH instead.`,
          }),
        );
      }
    }
  }
  return findings;
}

export const insecureCommands: Audit = { rule, run };
