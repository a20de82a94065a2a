import type { RuleDefinition } from '../../../core/rules.js';
import type { AuditFamily, Hit } from './audit.js';
import type { CiJob } from './config.js';
import type { LValue } from './located.js';
import { get, listItems, positionOf, stringValue } from './located.js';
import { namesSecret } from './plaintext-secrets.js';
import { jobScripts, variableUses } from './scripts.js';

const MR_SECRETS = 'gitlab-ci/merge-request-job-with-secrets';

const rules: RuleDefinition[] = [
  {
    id: MR_SECRETS,
    check: 'hardening',
    title: 'Merge request pipeline job deploys or uses secrets',
    severity: 'high',
    description:
      'A job runs in merge request pipelines (`rules: - if: $CI_PIPELINE_SOURCE == "merge_request_event"`, a ' +
      '`$CI_MERGE_REQUEST_IID` condition, or `only: [merge_requests]`) and also deploys (`environment:`, a ' +
      'deploy/release/publish/production stage) or uses credentials (`secrets:`, `id_tokens:`, or script ' +
      'references to variables named like `*TOKEN*`, `*PASSWORD*`, `*SECRET*`, `*KEY*`). A rule that also ' +
      'requires `$CI_MERGE_REQUEST_SOURCE_PROJECT_ID == $CI_PROJECT_ID` (no forks) or a protected source branch ' +
      'is not reported. A job that only deploys, naming no credential (`$CACHE_KEY`, `$SSH_KEY_PATH` are not ' +
      'credentials), is medium: it receives the variables scoped to its environment, which may be none.',
    rationale:
      'A merge request pipeline runs the code of the merge request, including its changes to the scripts the ' +
      'job calls. For merge requests from forks, a maintainer who runs the pipeline in the parent project hands ' +
      "the contributor's code the parent's unprotected CI/CD variables, its runners and its deployment " +
      'environments. Even without forks, any developer can open a merge request whose pipeline deploys or ' +
      'prints secrets before review.',
    fix:
      'Keep deployments and secret-using jobs out of merge request pipelines; run them on the protected default ' +
      'branch or tags, and mark their variables **Protected**:\n\n```yaml\ndeploy:\n  stage: deploy\n' +
      '  environment: production\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n```\n\n' +
      'If a merge request job really needs a credential, restrict the rule to same-project merge requests:\n\n' +
      '```yaml\n  rules:\n    - if: $CI_PIPELINE_SOURCE == "merge_request_event" && ' +
      '$CI_MERGE_REQUEST_SOURCE_PROJECT_ID == $CI_PROJECT_ID\n```',
    references: [
      'https://docs.gitlab.com/ci/pipelines/merge_request_pipelines/#run-pipelines-in-the-parent-project',
      'https://docs.gitlab.com/ci/variables/#protect-a-cicd-variable',
      'https://docs.gitlab.com/ci/jobs/job_rules/',
    ],
  },
];

const MR_CONDITION =
  /\$\{?CI_PIPELINE_SOURCE\}?\s*==\s*["']merge_request_event["']|\$\{?CI_PIPELINE_SOURCE\}?\s*=~\s*\/[^/]*merge_request[^/]*\/|\$\{?CI_MERGE_REQUEST_I?ID\}?(?!\s*[!=]=)/;
const NEGATED_MR = /\$\{?CI_PIPELINE_SOURCE\}?\s*!=\s*["']merge_request_event["']/;
const SAME_PROJECT =
  /CI_MERGE_REQUEST_SOURCE_PROJECT_(?:ID\}?\s*==\s*\$\{?CI_PROJECT_ID|PATH\}?\s*==\s*\$\{?CI_PROJECT_PATH)\b|CI_PROJECT_ID\}?\s*==\s*\$\{?CI_MERGE_REQUEST_SOURCE_PROJECT_ID|CI_MERGE_REQUEST_SOURCE_BRANCH_PROTECTED\}?\s*==\s*["']?true/;
const DEPLOY_STAGE = /deploy|release|publish|prod/i;

/** The written value that lets the job run in merge request pipelines, if any. */
export function mergeRequestTrigger(job: CiJob): LValue | undefined {
  const rules = get(job.config, 'rules');
  if (rules?.kind === 'seq') {
    for (const rule of listItems(rules)) {
      const condition = get(rule, 'if');
      const text = stringValue(condition);
      if (!condition || !text || NEGATED_MR.test(text) || !MR_CONDITION.test(text)) continue;
      if (stringValue(get(rule, 'when')) === 'never') return undefined;
      if (SAME_PROJECT.test(text)) return undefined;
      return condition;
    }
    return undefined;
  }
  const only = get(job.config, 'only');
  const refs = only?.kind === 'map' ? get(only, 'refs') : only;
  return listItems(refs).find((item) => stringValue(item) === 'merge_requests');
}

/** Why the job may hold credentials; `named` when a credential is named in it, not only implied by a deploy. */
function sensitiveUses(job: CiJob): { reasons: string[]; named: boolean } {
  const reasons: string[] = [];
  const environment = get(job.config, 'environment');
  const envName = stringValue(environment) ?? stringValue(get(environment, 'name'));
  const action = stringValue(get(environment, 'action'));
  if (environment && !(action && ['stop', 'access', 'verify', 'prepare'].includes(action))) {
    reasons.push(`deploys to environment \`${envName ?? '?'}\``);
  }
  const stage = stringValue(get(job.config, 'stage'));
  if (stage && DEPLOY_STAGE.test(stage) && !environment) reasons.push(`runs in stage \`${stage}\``);
  const implied = reasons.length;
  if (get(job.config, 'secrets')) reasons.push('reads `secrets:` from a vault');
  if (get(job.config, 'id_tokens')) reasons.push('gets OIDC `id_tokens:`');
  const names = new Set<string>();
  for (const line of jobScripts(job.config)) {
    for (const use of variableUses(line.text)) {
      if (use.name.startsWith('CI_') || !namesSecret(use.name)) continue;
      const defined = job.variables.get(use.name);
      if (defined && defined.value.kind === 'scalar' && !String(defined.value.value ?? '').includes('$')) continue;
      names.add(use.name);
    }
  }
  if (names.size > 0)
    reasons.push(
      `uses ${[...names]
        .slice(0, 5)
        .map((n) => `\`$${n}\``)
        .join(', ')}`,
    );
  return { reasons, named: reasons.length > implied };
}

function auditJob(job: CiJob): Hit[] {
  const trigger = mergeRequestTrigger(job);
  if (!trigger) return [];
  const { reasons, named } = sensitiveUses(job);
  if (reasons.length === 0) return [];
  // A deploy stage or environment without any credential named in the job only may receive
  // environment-scoped variables (review apps are made for merge requests): worth a look, not a block.
  return [
    {
      ruleId: MR_SECRETS,
      ...(named ? {} : { severity: 'medium' as const }),
      message: named
        ? `Job \`${job.name}\` runs in merge request pipelines and ${reasons.join(', ')}: merge request code (from forks too, once a maintainer runs the pipeline) gets those credentials.`
        : `Job \`${job.name}\` runs in merge request pipelines and ${reasons.join(', ')}, but names no credential: it gets whatever CI/CD variables are scoped to that environment, so keep them protected.`,
      position: positionOf(trigger),
      owner: trigger.owner,
      job: job.name,
      key: job.name,
      fix: 'Run it only on the protected default branch or tags, or add `&& $CI_MERGE_REQUEST_SOURCE_PROJECT_ID == $CI_PROJECT_ID` and keep its variables protected.',
    },
  ];
}

export const mergeRequestPipelines: AuditFamily = {
  rules,
  audit: (model) => model.jobs.flatMap(auditJob),
};
