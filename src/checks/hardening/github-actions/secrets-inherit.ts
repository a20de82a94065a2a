import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Audit } from './audit.js';
import { GITHUB_HARDENING, ZIZMOR_AUDITS, makeFinding, nodeSpan } from './audit.js';
import type { WorkflowModel } from './model.js';
import { scalarText } from './yaml-nodes.js';

export const rule: RuleDefinition = {
  id: 'gha/secrets-inherit',
  check: 'hardening',
  title: 'Reusable workflow receives every secret',
  severity: 'medium',
  description:
    'Reports reusable workflow calls (`jobs.<id>.uses`, local or in another repository) that pass ' +
    '`secrets: inherit` instead of naming the secrets the called workflow declares.',
  rationale:
    '`secrets: inherit` hands the called workflow every secret the caller can see: repository, environment ' +
    'and organisation secrets, including ones it never needs. If the called workflow is compromised, moved to ' +
    'a new ref, or has an injection bug, all of them leak instead of the one or two it uses.',
  fix:
    'Pass only the secrets the called workflow declares under `on.workflow_call.secrets`:\n\n' +
    '```yaml\njobs:\n  deploy:\n    uses: acme/workflows/.github/workflows/deploy.yml@<sha>\n    secrets:\n' +
    '      DEPLOY_KEY: ${{ secrets.DEPLOY_KEY }}\n```',
  references: [
    `${ZIZMOR_AUDITS}#secrets-inherit`,
    'https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idsecretsinherit',
    GITHUB_HARDENING,
  ],
};

export function run(workflow: WorkflowModel): RawFinding[] {
  return workflow.jobs.flatMap((job) => {
    if (!job.secrets || scalarText(job.secrets.value, workflow.doc)?.trim() !== 'inherit') return [];
    return [
      makeFinding(workflow, rule, {
        message: `Job ${job.id} passes every secret to ${job.uses ? `\`${job.uses.value}\`` : 'the called workflow'} with \`secrets: inherit\`.`,
        span: nodeSpan(workflow, job.secrets.value),
        job,
        key: job.id,
        fix: 'List the needed secrets explicitly under `secrets:` instead of `inherit`.',
      }),
    ];
  });
}

export const secretsInherit: Audit = { rule, run };
