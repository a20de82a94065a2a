import type { RawFinding } from '../../../core/finding.js';
import { compareSeverity } from '../../../core/severity.js';

/**
 * The same problem seen by a `k8s/…` rule and a Pod Security control: a hostPort, a hostPath mount of the
 * runtime socket or of a sensitive path. Each pair becomes one finding under the `k8s/…` id (present at every
 * Pod Security level, so its fingerprint does not depend on the policy), naming the `pss/…` id in
 * `relatedRuleIds` so an exception or ignore by either applies. Pairs are matched on the field they point at
 * (the key without the object prefix).
 */
const SAME_PROBLEM: { rule: string; pss: string[]; pssKey: (key: string) => string[] }[] = [
  { rule: 'k8s/host-port', pss: ['pss/hostPorts'], pssKey: (key) => [key] },
  ...['k8s/container-runtime-socket', 'k8s/sensitive-host-path'].map((rule) => ({
    rule,
    pss: ['pss/hostPathVolumes', 'pss/restrictedVolumes'],
    // `volumes[name].hostPath` for hostPathVolumes, `volumes[name]` for restrictedVolumes.
    pssKey: (key: string) => [key, key.replace(/\.hostPath$/, '')],
  })),
];

/** Rule families that describe how a container is set up; findings of one container at one place join in the report. */
const HARDENING_GROUP = 'Container not hardened';
const isHardening = (ruleId: string) => ruleId.startsWith('pss/') || ruleId === 'k8s/readonly-root-filesystem';

function merge(finding: RawFinding, twins: RawFinding[]): RawFinding {
  const severity = [finding, ...twins].map((f) => f.severity).sort(compareSeverity)[0]!;
  const suppressed = finding.suppressed ?? twins.find((t) => t.suppressed)?.suppressed;
  return {
    ...finding,
    severity,
    relatedRuleIds: [...new Set([...(finding.relatedRuleIds ?? []), ...twins.map((t) => t.ruleId)])],
    message: `${finding.message} Pod Security denies it too (${twins.map((t) => t.ruleId).join(', ')}).`,
    ...(suppressed ? { suppressed } : {}),
  };
}

/** Joins each pair, in the place of the Pod Security finding (document order), and marks the hardening group. */
export function mergeSameProblem(findings: RawFinding[]): RawFinding[] {
  const replaced = new Map<RawFinding, RawFinding | undefined>();
  for (const finding of findings) {
    const pair = SAME_PROBLEM.find((p) => p.rule === finding.ruleId);
    if (!pair || finding.key === undefined) continue;
    const keys = new Set(pair.pssKey(finding.key));
    const twins = findings.filter(
      (other) =>
        !replaced.has(other) && pair.pss.includes(other.ruleId) && other.key !== undefined && keys.has(other.key),
    );
    if (twins.length === 0) continue;
    replaced.set(twins[0]!, merge(finding, twins));
    for (const twin of twins.slice(1)) replaced.set(twin, undefined);
    replaced.set(finding, undefined);
  }
  return findings
    .flatMap((finding) => {
      if (!replaced.has(finding)) return [finding];
      const merged = replaced.get(finding);
      return merged ? [merged] : [];
    })
    .map((finding) =>
      isHardening(finding.ruleId) && 'container' in finding.location && finding.location.container !== undefined
        ? { ...finding, group: HARDENING_GROUP }
        : finding,
    );
}
