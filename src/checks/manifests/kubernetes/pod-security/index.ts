import type { RawFinding } from '../../../../core/finding.js';
import type { RuleDefinition } from '../../../../core/rules.js';
import type { PodSecurityPolicy } from '../../../../policy/types.js';
import { objectKey, objectRef } from '../documents.js';
import type { PodTemplate } from '../workload.js';
import { LATEST_MINOR, PSS_CONTROLS, evaluatePod, parsePolicyVersion } from './levels.js';
import type { PssControl } from './types.js';

export { LATEST_MINOR, PSS_CONTROLS, checksFor, evaluatePod, parsePolicyVersion } from './levels.js';

export function pssRuleId(control: PssControl): string {
  return `pss/${control.id}`;
}

export const podSecurityRules: RuleDefinition[] = PSS_CONTROLS.map((control) => ({
  id: pssRuleId(control),
  check: 'manifests',
  severity: control.severity,
  ...control.doc,
  description: `${control.doc.description}\n\nLevel: **${control.level}** (upstream check \`${control.id}\`, applies from policy version ${control.versions
    .map((v) => `1.${v.minimumVersion}`)
    .join(', ')}). Allowed values: ${control.allowed}.`,
  exceptions:
    'Prefer fixing the pod spec. When the workload genuinely needs it (a CNI agent, a node exporter), scope an exception to that one object with `containersec.io/ignore: "' +
    pssRuleId(control) +
    ': <reason>"` on its metadata, and run it in a namespace whose admission level allows it.',
}));

/** `pss/…` findings for one pod template under the policy's level and version. */
export function podSecurityFindings(pod: PodTemplate, policy: PodSecurityPolicy): RawFinding[] {
  const minor = parsePolicyVersion(policy.version) ?? LATEST_MINOR;
  const version = `1.${minor}`;
  const object = pod.object;
  return evaluatePod(pod, policy.level, minor).flatMap(({ control, violations }) =>
    violations.map((violation) => ({
      ruleId: pssRuleId(control),
      severity: control.severity,
      title: control.doc.title,
      message: `${objectRef(object)} is denied by Pod Security "${policy.level}" (version ${version}): ${control.reason} (${violation.detail}). Allowed values: ${control.allowed}.`,
      location: {
        path: object.path,
        startLine: violation.at.position.line,
        startColumn: violation.at.position.column,
        object: objectRef(object),
        ...(violation.container ? { container: violation.container.name } : {}),
      },
      key: `${objectKey(object)}:${violation.key}`,
    })),
  );
}
