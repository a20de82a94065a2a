import type { RawFinding } from '../../../core/finding.js';
import { errorMessage } from '../../../core/errors.js';
import type { FileLinter, LintContext, SourceFile } from '../../linter.js';
import { hardeningCommonRules } from '../common-rules.js';
import type { Audit, AuditOptions } from './audit.js';
import { makeFinding, nodeSpan, spanInScalar } from './audit.js';
import { findExpressions, parseExpression } from './expressions.js';
import { isActionPath, isWorkflowPath, loadWorkflow } from './model.js';
import type { WorkflowModel } from './model.js';
import { duplicateKeys, walkScalars } from './yaml-nodes.js';
import { artipacked } from './artipacked.js';
import { cachePoisoning } from './cache-poisoning.js';
import { curlPipeShell } from './curl-pipe-shell.js';
import { dangerousTriggers } from './dangerous-triggers.js';
import { excessivePermissions } from './excessive-permissions.js';
import { githubEnv } from './github-env.js';
import { hardcodedContainerCredentials } from './hardcoded-container-credentials.js';
import { insecureCommands } from './insecure-commands.js';
import { overprovisionedSecrets } from './overprovisioned-secrets.js';
import { privilegedBuild } from './privileged-build.js';
import { secretsInherit } from './secrets-inherit.js';
import { selfHostedRunner } from './self-hosted-runner.js';
import { templateInjection } from './template-injection.js';
import { unpinnedImages } from './unpinned-images.js';
import { unpinnedUses } from './unpinned-uses.js';
import { unsoundCondition } from './unsound-condition.js';

export const githubActionsAudits: readonly Audit[] = [
  templateInjection,
  dangerousTriggers,
  excessivePermissions,
  unpinnedUses,
  unpinnedImages,
  artipacked,
  cachePoisoning,
  githubEnv,
  secretsInherit,
  overprovisionedSecrets,
  hardcodedContainerCredentials,
  insecureCommands,
  selfHostedRunner,
  curlPipeShell,
  privilegedBuild,
  unsoundCondition,
];

const PARSE_ERROR = hardeningCommonRules.find((r) => r.id === 'hardening/parse-error')!;

/**
 * GitHub Actions workflows (`.github/workflows/*.yml|yaml`) and local composite actions (`action.yml|yaml`
 * anywhere in the repository). Files that are valid YAML but not a workflow (no `jobs:`) or not a composite
 * action (no `runs.using: composite`) are skipped silently.
 */
export const githubActionsLinter: FileLinter = {
  id: 'github-actions',
  rules: [...githubActionsAudits.map((a) => a.rule)],
  matches: (path) => isWorkflowPath(path) || isActionPath(path),
  lint(files: SourceFile[], context: LintContext): RawFinding[] {
    const hardening = context.policy.checks?.hardening;
    const options: AuditOptions = {
      allowedUnpinned: hardening?.['allowed-unpinned'] ?? [],
      pinLevels: hardening?.['unpinned-uses'] ?? {},
    };
    return files.flatMap((file) => lintFile(file, options));
  },
};

export function lintFile(file: SourceFile, options: AuditOptions): RawFinding[] {
  const loaded = loadWorkflow(file.path, file.text);
  if (loaded.kind === 'skip') return [];
  if (loaded.kind === 'error') {
    return [
      {
        ruleId: PARSE_ERROR.id,
        severity: PARSE_ERROR.severity,
        title: PARSE_ERROR.title,
        message: `${file.path} could not be checked: ${loaded.message}.`,
        location: { path: file.path, startLine: loaded.position.line, startColumn: loaded.position.column },
        key: 'yaml',
      },
    ];
  }
  const workflow = loaded.model;
  const findings = [...duplicateKeyErrors(workflow), ...expressionErrors(workflow)];
  for (const audit of githubActionsAudits) {
    try {
      findings.push(...audit.run(workflow, options));
    } catch (error) {
      // An audit bug must not lose the other audits' findings; report it where the user will see it.
      findings.push({
        ruleId: PARSE_ERROR.id,
        severity: PARSE_ERROR.severity,
        title: PARSE_ERROR.title,
        message: `${audit.rule.id} could not check ${file.path}: ${errorMessage(error)}.`,
        location: { path: file.path, startLine: 1, startColumn: 1 },
        key: `audit:${audit.rule.id}`,
      });
    }
  }
  return findings;
}

function duplicateKeyErrors(workflow: WorkflowModel): RawFinding[] {
  return duplicateKeys(workflow.root, workflow.doc).map((d) =>
    makeFinding(workflow, PARSE_ERROR, {
      message: `\`${d.key}\` is defined twice in ${d.path.join('.') || 'the document root'}. GitHub rejects this ${workflow.kind}; only the first value was checked.`,
      span: nodeSpan(workflow, d.keyNode),
      key: `duplicate:${[...d.path, d.key].join('.')}`,
    }),
  );
}

/** `${{` that is never closed or whose body is not a valid expression: GitHub rejects the workflow. */
function expressionErrors(workflow: WorkflowModel): RawFinding[] {
  const findings: RawFinding[] = [];
  walkScalars(workflow.root, workflow.doc, (scalar, value, at) => {
    if (!value.includes('${{')) return;
    for (const expression of findExpressions(value)) {
      const parsed = expression.closed ? parseExpression(expression.body) : undefined;
      if (parsed?.ok) continue;
      const reason = parsed ? parsed.error : 'the expression is not closed with }}';
      const path = at.path;
      findings.push(
        makeFinding(workflow, PARSE_ERROR, {
          message: `The expression at ${path.join('.') || 'the document root'} does not parse: ${reason}. GitHub will reject this ${workflow.kind}, and it cannot be checked for injection.`,
          // An unclosed expression runs to the end of the value: point at its opening `${{` only.
          span: spanInScalar(
            workflow,
            scalar,
            value,
            expression.start,
            expression.closed ? expression.end - expression.start : 3,
          ),
          key: `expression:${path.join('.')}:${expression.body.trim().slice(0, 80)}`,
        }),
      );
    }
  });
  return findings;
}
