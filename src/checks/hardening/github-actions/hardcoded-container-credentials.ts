import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Audit } from './audit.js';
import { GITHUB_HARDENING, ZIZMOR_AUDITS, makeFinding, nodeSpan } from './audit.js';
import type { WorkflowModel } from './model.js';
import { isWholeExpression } from './expressions.js';
import { asMap, entries, get, scalarText } from './yaml-nodes.js';
import type { Entry } from './yaml-nodes.js';

export const rule: RuleDefinition = {
  id: 'gha/hardcoded-container-credentials',
  check: 'hardening',
  title: 'Registry password written in the workflow',
  severity: 'high',
  description:
    'Reports `credentials.password` of a job `container:` or of `services.<id>` that is a literal string ' +
    'instead of an expression such as `${{ secrets.REGISTRY_PASSWORD }}`.',
  rationale:
    'The workflow file is readable by everyone who can read the repository (everyone, for a public one) and ' +
    'stays in its git history forever. A registry password in it lets anyone pull private images or, for a ' +
    'token with write scope, push poisoned images that the next deployment picks up.',
  fix:
    'Store the password as an encrypted secret, rotate the leaked one, and reference the secret:\n\n' +
    '```yaml\ncontainer:\n  image: ghcr.io/acme/build:1.4@sha256:<digest>\n  credentials:\n' +
    '    username: ${{ github.actor }}\n    password: ${{ secrets.GITHUB_TOKEN }}\n```',
  references: [
    `${ZIZMOR_AUDITS}#hardcoded-container-credentials`,
    'https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idcontainercredentials',
    GITHUB_HARDENING,
  ],
};

export function run(workflow: WorkflowModel): RawFinding[] {
  const doc = workflow.doc;
  const findings: RawFinding[] = [];
  for (const job of workflow.jobs) {
    const holders: { where: string; entry: Entry | undefined }[] = [
      { where: 'container', entry: job.container },
      ...entries(job.services, doc).map((s) => ({ where: `service ${s.key}`, entry: s })),
    ];
    for (const { where, entry } of holders) {
      const credentials = asMap(get(asMap(entry?.value, doc), 'credentials', doc)?.value, doc);
      const password = get(credentials, 'password', doc);
      const text = scalarText(password?.value, doc);
      if (!password || text === undefined || text.trim() === '' || isWholeExpression(text)) continue;
      findings.push(
        makeFinding(workflow, rule, {
          message: `The ${where} of job ${job.id} has a literal registry password in the workflow file.`,
          span: nodeSpan(workflow, password.value),
          job,
          key: `${job.id}:${where}`,
          fix: 'Move the password to a secret and use `password: ${{ secrets.<NAME> }}`; rotate the exposed one.',
        }),
      );
    }
  }
  return findings;
}

export const hardcodedContainerCredentials: Audit = { rule, run };
