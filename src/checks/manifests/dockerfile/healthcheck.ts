import type { RuleDefinition } from '../../../core/rules.js';
import type { Stage } from './parse.js';
import { offsetOf } from './parse.js';
import type { DockerfileRule } from './report.js';
import { Reporter } from './report.js';

function hasHealthcheck(stage: Stage): boolean {
  for (let current: Stage | undefined = stage; current; current = current.parent) {
    if (current.instructions.some((instruction) => instruction.getKeyword() === 'HEALTHCHECK')) return true;
  }
  return false;
}

const rule: RuleDefinition = {
  id: 'dockerfile/missing-healthcheck',
  check: 'manifests',
  title: 'No `HEALTHCHECK` in the final stage',
  severity: 'low',
  description:
    'The final stage (or an earlier stage it is built `FROM`) has no `HEALTHCHECK` instruction. `HEALTHCHECK NONE` ' +
    'counts as an explicit decision and is not reported: use it for images whose health is checked by the ' +
    'orchestrator (Kubernetes probes) or that are not long-running services. A `HEALTHCHECK` inherited from an ' +
    'external base image cannot be seen and is not taken into account. The finding points at the final `FROM`.',
  rationale:
    'Without a health check, Docker and compose only know whether the process is alive, not whether it works: a ' +
    'deadlocked or half-compromised service keeps receiving traffic and `depends_on: condition: service_healthy` ' +
    'cannot work. This is a resilience and detection aid, hence the low severity.',
  fix:
    'Declare how to probe the service, or opt out explicitly:\n\n' +
    '```dockerfile\nHEALTHCHECK --interval=30s --timeout=3s --retries=3 CMD ["/app/healthcheck"]\n# or, when Kubernetes probes are used:\nHEALTHCHECK NONE\n```',
  references: ['https://docs.docker.com/reference/dockerfile/#healthcheck'],
};

export const missingHealthcheck: DockerfileRule = {
  rule,
  check(model) {
    const reporter = new Reporter(model, rule);
    const final = model.stages[model.stages.length - 1];
    if (!final || hasHealthcheck(final)) return [];
    reporter.report({
      offset: offsetOf(model, final.from.getRange().start),
      length: 4,
      stage: final,
      key: 'no-healthcheck',
      message: 'The final stage declares no `HEALTHCHECK` (use `HEALTHCHECK NONE` to opt out explicitly).',
      fix: 'HEALTHCHECK --interval=30s --timeout=3s CMD ["/app/healthcheck"]',
    });
    return reporter.findings;
  },
};
