import { printableLine } from '../../core/text.js';
import type { RawFinding } from '../../core/finding.js';
import { severityRank, type Severity } from '../../core/severity.js';
import { affectedBy, isWithdrawn, type PackageQuery } from '../../vulns/match.js';
import { identityIds, type OsvRecord } from '../../vulns/osv.js';
import { assessSeverity, scoreFromRecords, type SeverityAssessment } from '../../vulns/severity.js';
import { VulnSourceError, type VulnSource } from '../../vulns/sources/index.js';
import { schemeForEcosystem, splitEcosystem, type VersionScheme } from '../../vulns/versions/index.js';
import { vexFor, vexSuppresses, type VexStatement } from './vex.js';

/** A package to match, wherever it came from (an image layer, a directory, an SBOM). */
export interface ScannedPackage {
  ecosystem: string;
  name: string;
  version: string;
  purl?: string;
  sourceName?: string;
  sourceVersion?: string;
  /** Path in the image (no leading slash) or in the SBOM. */
  path?: string;
  layer?: string;
}

export interface VulnerabilityScanOptions {
  /** `<ref as given>[@digest]`, for locations and VEX. */
  image: string;
  ignoreUnfixed: boolean;
  vex: readonly VexStatement[];
  signal?: AbortSignal;
}

export interface VulnerabilityScan {
  findings: RawFinding[];
  notes: string[];
  /** What was not checked (ecosystems the data does not cover): shown as the check's warnings. */
  warnings: string[];
}

/**
 * Ecosystems whose OSV advisories name the source package (Debian and Ubuntu security trackers, Alpine
 * secdb and the Wolfi/Chainguard feeds, keyed by the apk origin). Their binary packages are looked up by
 * their source name and version.
 */
const SOURCE_KEYED = new Set(['debian', 'ubuntu', 'alpine', 'wolfi', 'chainguard']);

/** The OSV query for a package: source name and version where advisories are keyed by source. */
export function queryFor(pkg: ScannedPackage): PackageQuery {
  const base = splitEcosystem(pkg.ecosystem).base.toLowerCase();
  if (SOURCE_KEYED.has(base) && pkg.sourceName) {
    return { ecosystem: pkg.ecosystem, name: pkg.sourceName, version: pkg.sourceVersion ?? pkg.version };
  }
  return { ecosystem: pkg.ecosystem, name: pkg.name, version: pkg.version, ...(pkg.purl ? { purl: pkg.purl } : {}) };
}

const queryKey = (q: PackageQuery) => `${q.ecosystem}\u0000${q.name}\u0000${q.version}`;

interface Hit {
  record: OsvRecord;
  fixed: string[];
  severity: SeverityAssessment;
}

/** Records that share an id or alias are one vulnerability (a CVE seen via DSA, DEBIAN-CVE and GHSA). */
export function groupByAlias<T extends { record: OsvRecord }>(hits: readonly T[]): T[][] {
  if (hits.length <= 1) return hits.length === 0 ? [] : [[hits[0]!]];
  const parent = hits.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const owner = new Map<string, number>();
  hits.forEach((hit, i) => {
    for (const id of identityIds(hit.record)) {
      const key = id.toUpperCase();
      const other = owner.get(key);
      if (other === undefined) owner.set(key, i);
      else parent[find(i)] = find(other);
    }
  });
  const groups = new Map<number, T[]>();
  hits.forEach((hit, i) => {
    const root = find(i);
    const list = groups.get(root);
    if (list) list.push(hit);
    else groups.set(root, [hit]);
  });
  return [...groups.values()];
}

/** The id a merged vulnerability is reported under: a MAL- id, else the CVE id, else the first record's id. */
export function primaryId(records: readonly OsvRecord[]): string {
  let mal: string | undefined;
  let cve: string | undefined;
  let first: string | undefined;
  for (const r of records) {
    if (mal === undefined && r.id.startsWith('MAL-')) mal = r.id;
    if (first === undefined || r.id < first) first = r.id;
    for (const alias of identityIds(r)) if (isCve(alias) && (cve === undefined || alias < cve)) cve = alias;
  }
  return mal ?? cve ?? first!;
}

const CVE_ID = /^CVE-\d{4}-\d+$/;
function isCve(id: string): boolean {
  return id.startsWith('CVE-') && CVE_ID.test(id);
}

/** The first summary of the group, else the first details text. */
function firstText(records: readonly OsvRecord[]): string | undefined {
  for (const r of records) if (r.summary) return r.summary;
  for (const r of records) if (r.details) return r.details;
  return undefined;
}

function sortVersions(list: readonly string[], scheme: VersionScheme | undefined): string[] {
  if (list.length < 2) return [...list];
  return scheme ? [...list].sort((a, b) => scheme.compare(a, b)) : [...list].sort();
}

function aliasesOf(records: readonly OsvRecord[], id: string): string[] {
  const out = new Set<string>();
  for (const r of records) {
    for (const alias of identityIds(r)) if (alias !== id) out.add(alias);
  }
  return [...out].sort();
}

function location(pkg: ScannedPackage, image: string): RawFinding['location'] {
  return {
    image,
    ...(pkg.layer ? { layer: pkg.layer } : {}),
    ...(pkg.path !== undefined ? { path: `/${pkg.path.replace(/^\/+/, '')}` } : {}),
  };
}

function packageRef(pkg: ScannedPackage): NonNullable<RawFinding['package']> {
  return { ecosystem: pkg.ecosystem, name: pkg.name, version: pkg.version, ...(pkg.purl ? { purl: pkg.purl } : {}) };
}

/**
 * Looks every package up in the source, evaluates each record with the matcher (the source's answer is
 * never trusted blindly), merges aliases, and turns the result into `vuln/<id>` findings, plus one
 * `image/version-not-comparable` finding per package whose version could not be evaluated against a record.
 */
export async function scanVulnerabilities(
  packages: readonly ScannedPackage[],
  source: VulnSource,
  options: VulnerabilityScanOptions,
): Promise<VulnerabilityScan> {
  const notes: string[] = [];
  const matchable = packages.filter((p) => p.ecosystem !== '' && p.name !== '' && p.version !== '');
  const unmatched = packages.length - matchable.length;
  if (unmatched > 0) {
    notes.push(
      `${unmatched} package(s) have no OSV ecosystem (a distribution OSV does not cover, or no version) and were listed but not matched`,
    );
  }
  const unknown = new Set(
    matchable.filter((p) => !schemeForEcosystem(p.ecosystem)).map((p) => splitEcosystem(p.ecosystem).base),
  );
  if (unknown.size > 0) notes.push(`no version ordering is known for ecosystem(s): ${[...unknown].sort().join(', ')}`);

  const queries: PackageQuery[] = [];
  const queryIndex = new Map<string, number>();
  const perPackage = matchable.map((pkg) => {
    const query = queryFor(pkg);
    const key = queryKey(query);
    let index = queryIndex.get(key);
    if (index === undefined) {
      index = queries.length;
      queries.push(query);
      queryIndex.set(key, index);
    }
    return { pkg, query, index };
  });
  const warnings: string[] = [];
  const lookup = await source.lookup(queries, options.signal);
  notes.push(...lookup.notes);
  const missing = lookup.missingEcosystems ?? [];
  if (missing.length > 0) {
    const without = new Set(missing);
    const counts = new Map<string, number>();
    for (const q of queries) if (without.has(q.ecosystem)) counts.set(q.ecosystem, (counts.get(q.ecosystem) ?? 0) + 1);
    const list = [...counts].map(([ecosystem, n]) => `${ecosystem} (${n} package version(s))`).join(', ');
    if (counts.size > 0 && queries.every((q) => without.has(q.ecosystem))) {
      throw new VulnSourceError(
        'NO_DATA',
        `${source.description} holds no advisories for any ecosystem of this image: ${list}. Nothing was checked; give data for these ecosystems (e.g. their OSV all.zip) or use osv-api`,
      );
    }
    if (counts.size > 0)
      warnings.push(
        `vulnerabilities NOT checked for ${list}: ${source.description} holds no advisories for these ecosystems (not checked is not "not vulnerable")`,
      );
  }

  const findings: RawFinding[] = [];
  let unfixedDropped = 0;
  let disagreements = 0;
  const matched = perPackage.map(({ pkg, query, index }) => {
    const hits: Hit[] = [];
    const indeterminate: { id: string; reason: string }[] = [];
    for (const record of lookup.records[index] ?? []) {
      const result = affectedBy(record, query);
      if (result.affected) {
        hits.push({ record, fixed: result.fixed, severity: assessSeverity(record, result.matched) });
      } else if (result.indeterminate) {
        indeterminate.push({ id: record.id, reason: result.reason ?? 'could not compare' });
      } else if (!isWithdrawn(record) && source.matchesVersions) {
        disagreements++;
      }
    }
    return { pkg, query, hits, indeterminate };
  });
  await scoreUnrated(
    matched.flatMap((m) => m.hits),
    lookup.records,
    source,
    notes,
    options.signal,
  );
  for (const { pkg, query, hits, indeterminate } of matched) {
    for (const group of groupByAlias(hits)) {
      const finding = vulnFinding(pkg, query, group, options);
      if (!finding) {
        unfixedDropped++;
        continue;
      }
      findings.push(finding);
    }
    if (indeterminate.length > 0) findings.push(notComparableFinding(pkg, query, indeterminate, options.image));
  }
  if (unfixedDropped > 0) {
    notes.push(
      `${unfixedDropped} vulnerability finding(s) with no fixed version yet were not reported (vulnerabilities.ignore-unfixed: true)`,
    );
  }
  if (disagreements > 0) {
    notes.push(
      `${disagreements} advisory match(es) returned by the OSV API were rejected by containersec's version comparison for the installed version`,
    );
  }
  return { findings, notes, warnings };
}

const cvesOf = (record: OsvRecord) => identityIds(record).filter(isCve);

/**
 * Records with no rating of their own (a DEBIAN-CVE record with urgency "not yet assigned" and no vectors)
 * take the CVSS of their CVE from other records of the same data: first the records this lookup returned,
 * then the source's records by id (the CVE's own record, a GHSA). What stays unrated is shown as unknown.
 */
async function scoreUnrated(
  hits: Hit[],
  looked: readonly (readonly OsvRecord[])[],
  source: VulnSource,
  notes: string[],
  signal?: AbortSignal,
): Promise<void> {
  const unrated = hits.filter((h) => h.severity.unknown && cvesOf(h.record).length > 0);
  if (unrated.length === 0) return;
  const pool = new Map<string, OsvRecord>();
  for (const list of looked) for (const r of list) pool.set(`${r.id}\u0000${r.modified}`, r);
  const apply = () => {
    for (const hit of unrated) {
      if (!hit.severity.unknown) continue;
      for (const cve of cvesOf(hit.record)) {
        const score = scoreFromRecords(cve, [...pool.values()]);
        if (score) {
          hit.severity = score;
          break;
        }
      }
    }
  };
  apply();
  const missing = [...new Set(unrated.filter((h) => h.severity.unknown).flatMap((h) => cvesOf(h.record)))];
  if (missing.length === 0 || !source.recordsById) return;
  try {
    for (const r of await source.recordsById(missing.slice(0, MAX_SCORE_LOOKUPS), signal))
      pool.set(`${r.id}\u0000${r.modified}`, r);
  } catch (error) {
    signal?.throwIfAborted();
    notes.push(
      `the CVSS of ${missing.length} CVE(s) named by unrated distribution records could not be looked up (${(error as Error).message}); they are shown with severity unknown`,
    );
    return;
  }
  apply();
}

/** Bounds the by-id lookups one scan makes for unrated records. */
const MAX_SCORE_LOOKUPS = 2000;

function vulnFinding(
  pkg: ScannedPackage,
  query: PackageQuery,
  group: Hit[],
  options: VulnerabilityScanOptions,
): RawFinding | undefined {
  const records = group.map((h) => h.record);
  const id = primaryId(records);
  const aliases = aliasesOf(records, id);
  const scheme = schemeForEcosystem(query.ecosystem);
  const single = group.length === 1 ? group[0]!.fixed : undefined;
  // The matcher answers each record's fixes distinct: one record needs no merging.
  const fixed = sortVersions(single ?? [...new Set(group.flatMap((h) => h.fixed))], scheme);
  // Each record's lowest fix; the highest of those fixes every record of the group.
  const upgradeTo = single
    ? fixed[0]
    : sortVersions(
        group.map((h) => sortVersions(h.fixed, scheme)[0]).filter((f): f is string => f !== undefined),
        scheme,
      ).at(-1);
  // A malicious package has no fixed version; it is reported whatever ignore-unfixed says.
  if (!upgradeTo && options.ignoreUnfixed && !id.startsWith('MAL-')) return undefined;

  // A rated record of the group outranks an unrated one, whatever rank the unrated one stands in for.
  const rated = group.filter((h) => !h.severity.unknown);
  const worst = (rated.length > 0 ? rated : group).reduce((a, b) =>
    severityRank(b.severity.severity) > severityRank(a.severity.severity) ? b : a,
  );
  const severity: Severity = id.startsWith('MAL-') ? 'critical' : worst.severity.severity;
  const summary = firstText(records);
  const installed =
    query.name !== pkg.name
      ? `${pkg.name} ${pkg.version} (source package ${query.name} ${query.version})`
      : `${pkg.name} ${pkg.version}`;
  const malicious = id.startsWith('MAL-');
  const parts = [
    malicious
      ? `${installed} is a known malicious package (${id}): it contains code that attacks whoever installs or runs it.`
      : `${installed} is affected by ${id}${summary ? `: ${printableLine(summary)}` : ''}.`,
    malicious
      ? `Severity ${severity} (MAL records are always critical).`
      : worst.severity.unknown
        ? `Severity unknown: ${worst.record.id} has no distribution rating and no CVSS, and no other record in the vulnerability data scores ${cvesOf(worst.record)[0] ?? 'it'}; ranked ${severity} for fail-on.`
        : `Severity ${severity} (from ${worst.severity.source}${worst.severity.source.includes(' of ') ? '' : ` of ${worst.record.id}`}${worst.severity.overridden ? `; the distribution's rating takes precedence over ${worst.severity.overridden}` : ''}).`,
  ];
  if (aliases.length > 0)
    parts.push(`Also known as ${aliases.slice(0, 20).join(', ')}${aliases.length > 20 ? ', …' : ''}.`);
  parts.push(upgradeTo ? `Fixed in ${fixed.slice(0, 10).join(', ')}.` : 'No fixed version is known yet.');
  if (pkg.layer) parts.push(`Installed by layer ${pkg.layer}.`);
  parts.push(`Advisory: https://osv.dev/vulnerability/${encodeURIComponent(id)}`);

  const statement = options.vex.length > 0 ? vexFor(options.vex, [id, ...aliases], pkg.purl, options.image) : undefined;
  const hides = statement !== undefined && vexSuppresses(statement) && !malicious;
  if (statement && !hides) {
    parts.push(
      malicious && vexSuppresses(statement)
        ? `VEX (${statement.source}) says ${statement.status}; not applied: VEX never hides a malicious package (use a policy exception with a reason).`
        : `VEX (${statement.source}): ${statement.status}${statement.detail ? `: ${printableLine(statement.detail)}` : ''}.`,
    );
  }
  const finding: RawFinding = {
    ruleId: `vuln/${id}`,
    severity,
    title: malicious
      ? `Malicious package ${pkg.name}`
      : `${id} in ${pkg.name} ${pkg.version}${worst.severity.unknown ? ' (severity unknown)' : ''}`,
    message: parts.join(' '),
    location: location(pkg, options.image),
    key: `${pkg.ecosystem}/${pkg.name}`,
    fix: malicious
      ? `remove ${pkg.name} from the image and rotate any secret the build or the container could read`
      : upgradeTo
        ? `upgrade ${pkg.name} to ${upgradeTo}`
        : 'no fix available yet',
    package: packageRef(pkg),
    vulnerability: {
      id,
      aliases,
      fixed,
      rating: malicious ? 'MAL' : worst.severity.unknown ? 'unknown' : worst.severity.source,
      ...(worst.severity.score !== undefined && !malicious ? { score: worst.severity.score } : {}),
    },
  };
  if (statement && hides) {
    const why = printableLine(statement.justification ?? statement.detail ?? '', 300);
    finding.suppressed = {
      reason: `VEX ${statement.status}${why ? `: ${why}` : ''} (${statement.source})`,
      source: 'vex',
    };
  }
  return finding;
}

function notComparableFinding(
  pkg: ScannedPackage,
  query: PackageQuery,
  problems: { id: string; reason: string }[],
  image: string,
): RawFinding {
  const ids = problems.map((p) => p.id).sort();
  return {
    ruleId: 'image/version-not-comparable',
    severity: 'info',
    title: `${pkg.name} ${printableLine(pkg.version, 60)} could not be matched`,
    message:
      `${pkg.name} ${printableLine(pkg.version, 80)} (${pkg.ecosystem}) was NOT matched against ${ids.length} advisory record(s) ` +
      `(${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''}): ${printableLine(problems[0]!.reason, 300)}. ` +
      `This is "not matched", not "not vulnerable": check these advisories by hand.`,
    location: location(pkg, image),
    key: `${pkg.ecosystem}/${query.name}`,
    fix: `check ${ids[0]} by hand for ${pkg.name} ${printableLine(pkg.version, 60)}, or install a release with a standard version`,
    package: packageRef(pkg),
  };
}
