import type { RuleDefinition } from '../../../core/rules.js';
import type { AuditFamily, Hit } from './audit.js';
import type { CiJob } from './config.js';
import { ruleVariables } from './config.js';
import { positionOf } from './located.js';

const DEBUG = 'gitlab-ci/debug-trace';

const rules: RuleDefinition[] = [
  {
    id: DEBUG,
    check: 'hardening',
    title: 'Debug tracing enabled in the pipeline file',
    severity: 'high',
    description:
      '`CI_DEBUG_TRACE` (job log shows every shell command and every variable) or `CI_DEBUG_SERVICES` (service ' +
      'container logs are added to the job log) is set to true in `variables:` of the file, globally, in a job, ' +
      'a template it extends, or a `rules:` entry. `CI_DEBUG_SERVICES` is reported with medium severity.',
    rationale:
      'With debug tracing, the runner prints the value of every CI/CD variable, including masked and protected ' +
      'ones, in the job log. Anyone who can read job logs (on a public project: anyone) reads your deploy keys ' +
      'and tokens. Service logs can hold credentials and connection strings in the same way. Committed to the ' +
      'file, the setting stays on for every pipeline, including merge requests.',
    fix:
      'Remove it from the file. When you need a trace, start one pipeline manually with the variable set in ' +
      '**Run pipeline**, restricted to a branch and a project without production secrets, then delete the log:\n\n' +
      '```yaml\nvariables:\n  # CI_DEBUG_TRACE: "true"   # removed: prints every secret in the job log\n```',
    references: [
      'https://docs.gitlab.com/ci/variables/variables_troubleshooting/#enable-debug-logging',
      'https://docs.gitlab.com/ci/services/#capturing-service-container-logs',
    ],
  },
];

/** The runner reads these with Go's `strconv.ParseBool`. */
function isTrue(value: unknown): boolean {
  return value === true || value === 1 || (typeof value === 'string' && /^(?:1|t|true)$/i.test(value.trim()));
}

function auditJob(job: CiJob): Hit[] {
  const hits: Hit[] = [];
  for (const variable of [...job.variables.values(), ...ruleVariables(job.config)]) {
    if (variable.name !== 'CI_DEBUG_TRACE' && variable.name !== 'CI_DEBUG_SERVICES') continue;
    if (variable.value.kind !== 'scalar' || !isTrue(variable.value.value)) continue;
    const trace = variable.name === 'CI_DEBUG_TRACE';
    hits.push({
      ruleId: DEBUG,
      ...(trace ? {} : { severity: 'medium' as const }),
      message: trace
        ? '`CI_DEBUG_TRACE` is true: the job log shows every command and the value of every CI/CD variable, masked secrets included.'
        : '`CI_DEBUG_SERVICES` is true: service container logs, which may hold credentials, are written to the job log.',
      position: positionOf(variable.value),
      owner: variable.value.owner,
      job: job.name,
      key: `${variable.scope}:${variable.name}`,
      fix: `Remove \`${variable.name}\` from the file; set it only for a single manual pipeline when you need it.`,
    });
  }
  return hits;
}

export const debugLogging: AuditFamily = {
  rules,
  audit: (model) => model.jobs.flatMap(auditJob),
};
