import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Audit } from './audit.js';
import { KeyCounter, ZIZMOR_AUDITS, makeFinding, nodeSpan, stepKey } from './audit.js';
import { findExpressions } from './expressions.js';
import type { WorkflowModel } from './model.js';
import { asScalar } from './yaml-nodes.js';
import type { Entry } from './yaml-nodes.js';

export const rule: RuleDefinition = {
  id: 'gha/unsound-condition',
  check: 'hardening',
  title: 'Condition is always true',
  severity: 'high',
  description:
    'Reports job and step `if:` conditions that contain `${{ … }}` together with any other text, including ' +
    'the trailing newline of a `|` or `>` block scalar or a second expression: `if: |` followed by ' +
    "`${{ github.actor == 'dependabot[bot]' }}`, or `if: ${{ a }} && ${{ b }}`.",
  rationale:
    'When an `if:` contains text outside the fence, GitHub evaluates the whole value as a string template: ' +
    'the result is the text `false\\n` or `true && false`, a non-empty string, which is truthy. The job or ' +
    'step always runs, so a guard such as "only for the bot", "only on main" or "only for maintainers" ' +
    'silently protects nothing, and privileged steps run for everyone.',
  fix:
    'Write the condition as one bare expression, without a block scalar or with the strip indicator `|-`:\n\n' +
    "```yaml\n# Always true: the value is the expression's result plus a newline\n" +
    "- if: |\n    ${{ github.event_name == 'push' }}\n  run: ./deploy.sh\n\n" +
    "# Correct\n- if: github.event_name == 'push'\n  run: ./deploy.sh\n" +
    "- if: |-\n    ${{ github.event_name == 'push' }}\n  run: ./deploy.sh\n```",
  references: [
    `${ZIZMOR_AUDITS}#unsound-condition`,
    'https://docs.github.com/en/actions/reference/workflows-and-actions/expressions#example-expression-in-an-if-conditional',
  ],
};

/** True when `value` contains a fenced expression plus anything else (evaluates to a non-empty string). */
export function isUnsound(value: string): boolean {
  const fenced = findExpressions(value);
  const first = fenced[0];
  if (!first) return false;
  return fenced.length > 1 || first.start !== 0 || first.end !== value.length;
}

export function run(workflow: WorkflowModel): RawFinding[] {
  const findings: RawFinding[] = [];
  const keys = new KeyCounter();
  const check = (entry: Entry | undefined, where: string, key: string, job: WorkflowModel['jobs'][number]): void => {
    const scalar = asScalar(entry?.value, workflow.doc);
    if (!scalar || typeof scalar.value !== 'string' || !isUnsound(scalar.value)) return;
    const block = scalar.type === 'BLOCK_LITERAL' || scalar.type === 'BLOCK_FOLDED';
    findings.push(
      makeFinding(workflow, rule, {
        message: `The \`if:\` of ${where} mixes \${{ }} with other text${block ? ' (the block scalar adds a trailing newline)' : ''}, so it evaluates to a non-empty string and is always true.`,
        span: nodeSpan(workflow, scalar),
        job,
        key: keys.next(key),
        fix: block
          ? 'Use `|-` (or `>-`) or a plain `if:` with a bare expression.'
          : 'Write the condition as one bare expression without `${{ }}` fences.',
      }),
    );
  };
  for (const job of workflow.jobs) {
    check(job.if, `job ${job.id}`, job.id, job);
    for (const step of job.steps) check(step.if, `step ${step.label} of job ${job.id}`, stepKey(job, step), job);
  }
  return findings;
}

export const unsoundCondition: Audit = { rule, run };
