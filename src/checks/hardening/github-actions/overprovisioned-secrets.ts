import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Audit } from './audit.js';
import { GITHUB_HARDENING, KeyCounter, ZIZMOR_AUDITS, makeFinding, spanInScalar } from './audit.js';
import { calls, findExpressions, parseExpression } from './expressions.js';
import type { Expr } from './expressions.js';
import type { WorkflowModel } from './model.js';
import { walkScalars } from './yaml-nodes.js';

export const rule: RuleDefinition = {
  id: 'gha/overprovisioned-secrets',
  check: 'hardening',
  title: 'Every secret is expanded at once',
  severity: 'medium',
  description:
    'Reports expressions that serialize the whole `secrets` context (`${{ toJSON(secrets) }}`) or index it ' +
    'with a computed key (`${{ secrets[inputs.name] }}`), anywhere in a workflow or composite action.',
  rationale:
    'GitHub only sends a job the secrets its expressions name. `toJSON(secrets)` or a computed index names ' +
    'all of them, so every repository, environment and organisation secret is loaded into the runner, where ' +
    'any step, dependency or injection bug can read them; log masking is easily bypassed (base64, splitting).',
  fix:
    'Name each secret the step needs:\n\n' +
    '```yaml\n# Instead of\n- run: ./deploy.sh\n  env:\n    ALL_SECRETS: ${{ toJSON(secrets) }}\n\n' +
    '# write\n- run: ./deploy.sh\n  env:\n    DEPLOY_TOKEN: ${{ secrets.DEPLOY_TOKEN }}\n```',
  references: [`${ZIZMOR_AUDITS}#overprovisioned-secrets`, GITHUB_HARDENING],
};

function overprovisions(expr: Expr): string | undefined {
  for (const call of calls(expr)) {
    if (call.args.some((a) => a.kind === 'context' && a.parts.length === 1 && a.parts[0] === 'secrets'))
      return `${call.name === 'tojson' ? 'toJSON' : call.name}(secrets)`;
  }
  return containsComputedSecret(expr) ? 'secrets[<computed>]' : undefined;
}

/** `secrets[expr]` parses as the context `secrets.*` (computed indices become `*`). */
function containsComputedSecret(expr: Expr): boolean {
  switch (expr.kind) {
    case 'context':
      return expr.parts[0] === 'secrets' && expr.parts[1] === '*';
    case 'call':
      return expr.args.some(containsComputedSecret);
    case 'not':
      return containsComputedSecret(expr.operand);
    case 'binary':
      return containsComputedSecret(expr.left) || containsComputedSecret(expr.right);
    case 'access':
      return containsComputedSecret(expr.base);
    default:
      return false;
  }
}

export function run(workflow: WorkflowModel): RawFinding[] {
  const findings: RawFinding[] = [];
  const keys = new KeyCounter();
  walkScalars(workflow.root, workflow.doc, (scalar, value, at) => {
    if (!/secrets/i.test(value)) return;
    for (const fenced of findExpressions(value)) {
      const parsed = fenced.closed ? parseExpression(fenced.body) : undefined;
      if (!parsed?.ok) continue;
      const what = overprovisions(parsed.expr);
      if (!what) continue;
      const path = at.path;
      const job = path[0] === 'jobs' ? workflow.jobs.find((j) => j.id === path[1]) : undefined;
      findings.push(
        makeFinding(workflow, rule, {
          message: `\`${what}\` at ${path.join('.')} loads every secret of the repository and organisation into the job.`,
          span: spanInScalar(workflow, scalar, value, fenced.start, fenced.end - fenced.start),
          ...(job ? { job } : {}),
          key: keys.next(`${path.join('.')}:${what}`),
          fix: 'Reference the individual secrets the step needs, e.g. `${{ secrets.DEPLOY_TOKEN }}`.',
        }),
      );
    }
  });
  return findings;
}

export const overprovisionedSecrets: Audit = { rule, run };
