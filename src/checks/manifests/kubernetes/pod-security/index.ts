import type { RawFinding } from '../../../../core/finding.js';
import type { RuleDefinition } from '../../../../core/rules.js';
import type { Severity } from '../../../../core/severity.js';
import { compareSeverity } from '../../../../core/severity.js';
import type { PodSecurityPolicy } from '../../../../policy/types.js';
import { objectKey, objectRef } from '../documents.js';
import type { PodTemplate } from '../workload.js';
import { BASELINE_CAPABILITIES, capabilitiesBaseline, capabilitiesRestricted } from './capabilities.js';
import type { ControlResult } from './levels.js';
import { hostPathVolumes, restrictedVolumes } from './volumes.js';
import { LATEST_MINOR, PSS_CONTROLS, evaluatePod, parsePolicyVersion } from './levels.js';
import type { PssControl, Violation } from './types.js';

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

interface Attributed {
  control: PssControl;
  violations: Violation[];
  severity: Severity;
}

/**
 * Restricted replaces some baseline checks (upstream's overrides); what also breaks Baseline keeps the
 * baseline severity, so one problem has one severity whatever the level.
 *
 * Adding a capability outside the runtime's default set (`SYS_ADMIN`, `NET_ADMIN`...) breaks Baseline too.
 * Restricted replaces the baseline check (upstream's override), which left it a MEDIUM "capabilities not
 * dropped"; it keeps upstream's `pss/capabilities_restricted` id but is as severe as the baseline control
 * (HIGH), like every other way out of the container.
 */
function severityOf(control: PssControl, violation: Violation): Severity {
  const added = /\.capabilities\.add\[(.+)\]$/.exec(violation.key)?.[1];
  if (control.id === capabilitiesRestricted.id && added !== undefined && !BASELINE_CAPABILITIES.has(added))
    return capabilitiesBaseline.severity;
  // The same for a hostPath volume, which Restricted reports as one of its restricted volume types.
  if (control.id === restrictedVolumes.id && violation.detail.endsWith('restricted volume type "hostPath"'))
    return hostPathVolumes.severity;
  return control.severity;
}

/** Capability controls: one finding per control and container, listing every detail (as upstream's message does). */
const PER_CONTAINER = new Set([capabilitiesBaseline.id, capabilitiesRestricted.id]);

function attributeAll(results: ControlResult[]): Attributed[] {
  const out: Attributed[] = [];
  const byContainer = new Map<string, Attributed>();
  for (const { control, violations } of results) {
    for (const violation of violations) {
      const severity = severityOf(control, violation);
      const id =
        violation.container && PER_CONTAINER.has(control.id)
          ? `${control.id}\u0000${violation.container.name}`
          : undefined;
      const existing = id === undefined ? undefined : byContainer.get(id);
      if (existing) {
        existing.violations.push(violation);
        if (compareSeverity(severity, existing.severity) < 0) existing.severity = severity;
        continue;
      }
      const entry: Attributed = { control, violations: [violation], severity };
      if (id !== undefined) byContainer.set(id, entry);
      out.push(entry);
    }
  }
  return out;
}

/** `pss/…` findings for one pod template under the policy's level and version. */
export function podSecurityFindings(pod: PodTemplate, policy: PodSecurityPolicy): RawFinding[] {
  const minor = parsePolicyVersion(policy.version) ?? LATEST_MINOR;
  const version = `1.${minor}`;
  const object = pod.object;
  return attributeAll(evaluatePod(pod, policy.level, minor)).map(({ control, violations, severity }) => {
    const first = violations[0]!;
    // A finding more severe than its rule (a capability beyond the default set joined the container's
    // capability finding) gets its own fingerprint, so that change counts as new.
    const raised = severity !== control.severity && PER_CONTAINER.has(control.id) ? `:${severity}` : '';
    return {
      ruleId: pssRuleId(control),
      severity,
      title: control.doc.title,
      message: `${objectRef(object)} is denied by Pod Security "${policy.level}" (version ${version}): ${control.reason} (${violations.map((v) => v.detail).join('; ')}). Allowed values: ${control.allowed}.`,
      location: {
        path: object.path,
        startLine: first.at.position.line,
        startColumn: first.at.position.column,
        object: objectRef(object),
        ...(first.container ? { container: first.container.name } : {}),
      },
      key: `${objectKey(object)}:${first.key}${raised}`,
    };
  });
}
