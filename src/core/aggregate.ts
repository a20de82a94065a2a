import type { Finding } from './finding.js';
import { isFileLocation } from './finding.js';
import { compareSeverity } from './severity.js';

/**
 * One problem, one finding. Runs after the gate decided every finding on its own (threshold, exception,
 * new or existing), and only joins findings with the same decision, so it never changes a verdict: an
 * exception for one job or one rule id still applies to exactly what it names, and a finding new in this
 * change stays apart from the existing ones.
 *
 * - Identical findings at one source location that differ only by object (a GitLab `default:` image, a YAML
 *   anchor that many jobs or services inherit) become one finding listing the objects.
 * - Findings a check put in one `group` at the same place of the same object and container (the hardening
 *   settings a container lacks) become one finding naming every rule id.
 */
export interface DecidedFinding {
  finding: Finding;
  /** The check's `group` of the raw finding. */
  group?: string;
}

/** The place a finding points at, with or without its object; undefined when it has no line to share. */
function placeKey(finding: Finding, withObject: boolean): string | undefined {
  const location = finding.location;
  if (!isFileLocation(location) || location.startLine === undefined) return undefined;
  return JSON.stringify([
    location.path,
    location.startLine,
    location.startColumn ?? 0,
    location.container ?? '',
    withObject ? (location.object ?? '') : '',
  ]);
}

const decisionKey = (f: Finding) => JSON.stringify([f.new, f.blocking, f.exception ?? null]);

function groupBy<T>(items: T[], keyOf: (item: T) => string | undefined): T[][] {
  const groups = new Map<string, T[]>();
  const out: T[][] = [];
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined) {
      out.push([item]);
      continue;
    }
    const group = groups.get(key);
    if (group) group.push(item);
    else {
      const fresh = [item];
      groups.set(key, fresh);
      out.push(fresh);
    }
  }
  return out;
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];
const memberPrints = (f: Finding) => f.fingerprints ?? [f.fingerprint];

function joinGroup(group: string, members: Finding[]): Finding {
  const primary = [...members].sort((a, b) => compareSeverity(a.severity, b.severity))[0]!;
  const ruleIds = unique(members.flatMap((m) => [m.ruleId, ...(m.relatedRuleIds ?? [])]));
  const fixes = unique(members.flatMap((m) => (m.fix ? [m.fix] : [])));
  const where = isFileLocation(primary.location) && primary.location.container;
  return {
    ...primary,
    relatedRuleIds: ruleIds.filter((id) => id !== primary.ruleId),
    title: group,
    message: `${where ? `Container "${where}": ` : ''}${members.map((m) => `${m.title} (${m.ruleId})`).join('; ')}.`,
    ...(fixes.length > 0 ? { fix: fixes.join('\n') } : {}),
    fingerprints: members.flatMap(memberPrints),
  };
}

/** Everything but the object and fingerprints: equal for findings that differ only by what inherits them. */
function withoutObject(finding: Finding): string {
  const { fingerprint: _f, fingerprints: _fs, location: _l, ...rest } = finding;
  return JSON.stringify(rest);
}

function joinObjects(members: Finding[]): Finding {
  const first = members[0]!;
  if (members.length === 1) return first;
  const objects = unique(members.flatMap((m) => m.objects ?? (isFileLocation(m.location) ? [m.location.object] : [])));
  return {
    ...first,
    ...(objects.length > 1 ? { objects: objects.filter((o): o is string => o !== undefined) } : {}),
    fingerprints: members.flatMap(memberPrints),
  };
}

export function aggregateFindings(decided: DecidedFinding[]): Finding[] {
  const grouped = groupBy(decided, (d) => {
    const place = d.group ? placeKey(d.finding, true) : undefined;
    return place === undefined ? undefined : JSON.stringify([d.group, place, decisionKey(d.finding)]);
  }).map((members) =>
    members.length === 1
      ? members[0]!.finding
      : joinGroup(
          members[0]!.group!,
          members.map((m) => m.finding),
        ),
  );
  return groupBy(grouped, (finding) => {
    const place = placeKey(finding, false);
    const location = finding.location;
    if (place === undefined || !isFileLocation(location) || location.object === undefined) return undefined;
    return JSON.stringify([place, decisionKey(finding), withoutObject(finding)]);
  }).map(joinObjects);
}
