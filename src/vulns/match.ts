import type { OsvAffected, OsvEvent, OsvPackage, OsvRange, OsvRecord } from './osv.js';
import { schemeForEcosystem, splitEcosystem, type VersionScheme } from './versions/index.js';
import { isValidBound } from './versions/scheme.js';
import { go, semver } from './versions/semver.js';

/**
 * Is a package version affected by an OSV record? Implements the schema's evaluation algorithm
 * (https://ossf.github.io/osv-schema/#evaluation): a version is affected when an `affected[]` entry for
 * its package lists it in `versions` or one of the entry's ECOSYSTEM/SEMVER ranges contains it. GIT
 * ranges describe commits, not package versions, and are ignored. Withdrawn records never match.
 *
 * When a range cannot be evaluated — the ecosystem has no known version order, or the package version is
 * not valid for it — the range is NOT silently treated as "not affected": the result carries
 * `indeterminate: true` and a reason ("could not compare…"), and only the explicit `versions` list (exact
 * match) decided `affected`. Callers must surface indeterminate results.
 */
export interface PackageQuery {
  /** OSV ecosystem spelling, with release when known: `Debian:12`, `Alpine:v3.20`, `npm`. */
  ecosystem: string;
  name: string;
  version: string;
  purl?: string;
}

export interface MatchResult {
  affected: boolean;
  /** Fixed versions of the range(s) that contain the version, lowest first: "upgrade to X". */
  fixed: string[];
  /** Why the record does or does not match, or what could not be evaluated. */
  reason?: string;
  /** True when part of the record could not be evaluated for this version (see above). */
  indeterminate?: boolean;
  /** When affected: the record's `affected` entries that name this package (for their severities). */
  matched?: OsvAffected[];
}

export function affectedBy(record: OsvRecord, pkg: PackageQuery, now?: number): MatchResult {
  if (record.withdrawn !== undefined && isWithdrawn(record, now))
    return { affected: false, fixed: [], reason: `${record.id} was withdrawn on ${record.withdrawn}` };
  const entries: OsvAffected[] = [];
  for (const a of record.affected ?? []) if (a.package !== undefined && packageMatches(a.package, pkg)) entries.push(a);
  if (entries.length === 0)
    return { affected: false, fixed: [], reason: `${record.id} has no affected entry for this package` };

  let fixed: string[] = [];
  const above: string[] = [];
  const problems: string[] = [];
  let affected = false;
  let how = '';
  for (const entry of entries) {
    const outcome = evaluateEntry(entry, pkg);
    problems.push(...outcome.problems);
    for (const f of outcome.fixed) if (!fixed.includes(f)) fixed.push(f);
    above.push(...outcome.fixedAbove);
    if (outcome.affected && !affected) {
      affected = true;
      how = outcome.how;
    }
  }
  const scheme = schemeForEcosystem(pkg.ecosystem);
  if (scheme && fixed.length > 1) fixed.sort((a, b) => scheme.compare(a, b));
  if (affected && scheme && mayOverlap(entries)) {
    // Evaluating candidate fixes would evict the installed version's validity answer (see validVersion).
    const kept = lastValid;
    fixed = escapingFixes(entries, pkg, fixed, above, scheme);
    lastValid = kept;
  }
  const result: MatchResult = { affected, fixed };
  if (affected) {
    result.reason = how;
    result.matched = entries;
  } else if (problems.length > 0) {
    result.indeterminate = true;
    result.reason = `could not compare: ${problems.join('; ')}`;
  } else result.reason = `${pkg.version} is outside every affected range and version list`;
  return result;
}

/**
 * `withdrawn` is the time from which the record is to be considered withdrawn (schema: a timestamp), so a
 * time still in the future does not withdraw it yet. A value that is not a timestamp still says the
 * publisher withdrew the record, and is honoured.
 */
export function isWithdrawn(record: OsvRecord, now?: number): boolean {
  if (record.withdrawn === undefined || record.withdrawn === '') return false;
  const at = Date.parse(record.withdrawn);
  return Number.isNaN(at) || at <= (now ?? Date.now());
}

/**
 * A fix is only advice if the record does not affect it: with several ranges or entries for one package
 * (overlapping GHSA ranges, a `versions` list naming a "fixed" version), the first fix of the range that
 * holds the installed version can still be inside another one. One range alone cannot hold its own fix.
 */
function mayOverlap(entries: OsvAffected[]): boolean {
  let ranges = 0;
  for (const e of entries) {
    if ((e.versions?.length ?? 0) > 0) return true;
    for (const r of e.ranges ?? []) if ((r.type === 'ECOSYSTEM' || r.type === 'SEMVER') && ++ranges > 1) return true;
  }
  return false;
}

/** Bounds the re-evaluations a hostile record with thousands of `fixed` events can cause. */
const MAX_FIX_CANDIDATES = 64;

/**
 * The fixes that leave every range and list of the record, lowest first. When each fix of the ranges
 * holding the version is itself affected elsewhere in the record, the lowest `fixed` event above the
 * version that escapes them all; none means there is no fix yet.
 */
function escapingFixes(
  entries: OsvAffected[],
  pkg: PackageQuery,
  fixed: string[],
  above: string[],
  scheme: VersionScheme,
): string[] {
  // Too many to check: keep the unchecked advice rather than claim there is no fix.
  if (fixed.length > MAX_FIX_CANDIDATES) return fixed;
  const escapes = (version: string): boolean => entries.every((e) => !evaluateEntry(e, { ...pkg, version }).affected);
  const kept = fixed.filter(escapes);
  if (kept.length > 0) return kept;
  const candidates = [...new Set(above)].filter((v) => !fixed.includes(v) && isValidBound(scheme, v));
  candidates.sort((a, b) => scheme.compare(a, b));
  const first = candidates.slice(0, MAX_FIX_CANDIDATES).find(escapes);
  return first === undefined ? [] : [first];
}

interface EntryOutcome {
  affected: boolean;
  how: string;
  fixed: string[];
  /** Every `fixed` event above the version, in any range of the entry. */
  fixedAbove: string[];
  problems: string[];
}

function evaluateEntry(entry: OsvAffected, pkg: PackageQuery): EntryOutcome {
  const out: EntryOutcome = { affected: false, how: '', fixed: [], fixedAbove: [], problems: [] };
  const ecosystemScheme =
    schemeForEcosystem(entry.package?.ecosystem ?? pkg.ecosystem) ?? schemeForEcosystem(pkg.ecosystem);

  if (inVersionsList(entry.versions ?? [], pkg.version, ecosystemScheme)) {
    out.affected = true;
    out.how = `${pkg.version} is listed in the affected versions`;
  }

  const fixedAbove = out.fixedAbove;
  for (const range of entry.ranges ?? []) {
    if (range.type !== 'ECOSYSTEM' && range.type !== 'SEMVER') continue;
    if (coversEveryVersion(range)) {
      if (!out.affected) out.how = `every version is within ${describeRange(range)}`;
      out.affected = true;
      continue;
    }
    const scheme = range.type === 'SEMVER' ? semverSchemeFor(pkg.ecosystem) : ecosystemScheme;
    if (!scheme) {
      out.problems.push(`no version ordering is known for ecosystem "${pkg.ecosystem}"`);
      continue;
    }
    if (!validVersion(scheme, pkg.version)) {
      out.problems.push(`"${clip(pkg.version)}" is not a valid ${scheme.id} version`);
      continue;
    }
    const r = evaluateRange(range, pkg.version, scheme);
    if (r.invalidEvents.length > 0 && !r.vulnerable) {
      out.problems.push(
        `range event(s) ${r.invalidEvents.map((e) => `"${clip(e)}"`).join(', ')} are not valid ${scheme.id} versions`,
      );
    }
    if (r.vulnerable) {
      if (!out.affected) out.how = `${pkg.version} is within ${describeRange(range)}`;
      out.affected = true;
      if (r.nextFixed !== undefined && !out.fixed.includes(r.nextFixed)) out.fixed.push(r.nextFixed);
    }
    fixedAbove.push(...r.fixedAbove);
  }
  // Listed in `versions` but in no range of ours: offer the nearest fix above the version, if any.
  if (out.affected && out.fixed.length === 0 && fixedAbove.length > 0 && ecosystemScheme) {
    const nearest = [...fixedAbove].sort((a, b) => ecosystemScheme.compare(a, b))[0] as string;
    out.fixed.push(nearest);
  }
  return out;
}

/**
 * `introduced: "0"` with nothing after it (malicious-package records, unfixed distro advisories): the
 * schema's evaluation answers "affected" without comparing anything, so neither an unknown version order
 * nor an unparseable installed version can make it "could not compare".
 */
function coversEveryVersion(range: OsvRange): boolean {
  if (range.events.length === 0) return false;
  for (const e of range.events) if (e.introduced !== '0' && e.limit !== '*') return false;
  return range.events.some((e) => e.introduced === '0');
}

/**
 * One package's records are evaluated one after the other, so the last answer of `isValid` is kept: the
 * installed version is validated once per package instead of once per range.
 */
let lastValid: { scheme: VersionScheme; version: string; valid: boolean } | undefined;
function validVersion(scheme: VersionScheme, version: string): boolean {
  if (lastValid?.scheme === scheme && lastValid.version === version) return lastValid.valid;
  const valid = scheme.isValid(version);
  lastValid = { scheme, version, valid };
  return valid;
}

function semverSchemeFor(ecosystem: string): VersionScheme {
  return splitEcosystem(ecosystem).base.toLowerCase() === 'go' ? go : semver;
}

/** `versions` is matched by exact string, as the schema's pseudocode does, or by equal precedence. */
function inVersionsList(versions: string[], version: string, scheme: VersionScheme | undefined): boolean {
  if (versions.length === 0) return false;
  if (versions.includes(version)) return true;
  if (!scheme || !scheme.isValid(version)) return false;
  return versions.some((v) => scheme.isValid(v) && scheme.compare(v, version) === 0);
}

interface RangeOutcome {
  vulnerable: boolean;
  /** The first `fixed` event after the version, when the version is vulnerable in this range. */
  nextFixed?: string;
  /** Every `fixed` event above the version. */
  fixedAbove: string[];
  invalidEvents: string[];
}

type Kind = 'introduced' | 'fixed' | 'last_affected' | 'limit';
const KIND_ORDER: Record<Kind, number> = { introduced: 0, last_affected: 1, fixed: 2, limit: 3 };

/** One event with its place in the order: -1 sorts before every version (`introduced: "0"`), 1 after (`limit: "*"`). */
interface Event {
  kind: Kind;
  value: string;
  special: -1 | 0 | 1;
}

/** A range's events, parsed and sorted once per version scheme (records are evaluated for many packages). */
interface PreparedRange {
  sorted: Event[];
  limits: Event[];
  invalidEvents: string[];
}

function eventOf(e: OsvEvent): Event | undefined {
  for (const kind of ['introduced', 'fixed', 'last_affected', 'limit'] as const) {
    const value = e[kind];
    if (value === undefined) continue;
    const special = kind === 'introduced' && value === '0' ? -1 : kind === 'limit' && value.includes('*') ? 1 : 0;
    return { kind, value, special };
  }
  return undefined;
}

function compareEvents(scheme: VersionScheme, a: Event, b: Event): number {
  const byVersion =
    a.special === -1 || b.special === 1
      ? -1
      : b.special === -1 || a.special === 1
        ? 1
        : scheme.compare(a.value, b.value);
  return byVersion !== 0 ? byVersion : KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
}

/**
 * Prepared forms live on the range object itself, under a private symbol (JSON ignores symbol keys): a
 * WeakMap with one entry per range of a large database costs more in lookups and garbage collection than
 * the sorting it saves.
 */
const PREPARED = Symbol('prepared events');
type WithPrepared = OsvRange & { [PREPARED]?: Map<string, PreparedRange> };

function prepareRange(range: OsvRange, scheme: VersionScheme): PreparedRange {
  let byScheme = (range as WithPrepared)[PREPARED];
  const hit = byScheme?.get(scheme.id);
  if (hit) return hit;
  const events: Event[] = [];
  for (const raw of range.events) {
    const e = eventOf(raw);
    if (e) events.push(e);
  }
  const invalidEvents: string[] = [];
  for (const e of events) if (e.special === 0 && !isValidBound(scheme, e.value)) invalidEvents.push(e.value);
  const prepared: PreparedRange = {
    sorted: [...events].sort((a, b) => compareEvents(scheme, a, b)),
    limits: events.filter((e) => e.kind === 'limit'),
    invalidEvents,
  };
  if (!byScheme) {
    byScheme = new Map<string, PreparedRange>();
    // Not enumerable: deep-equality checks and spreads of the record never see it.
    if (Object.isExtensible(range)) Object.defineProperty(range, PREPARED, { value: byScheme });
  }
  byScheme.set(scheme.id, prepared);
  return prepared;
}

/** compare(version, event) with the two special values honoured. */
function versionVsEvent(scheme: VersionScheme, version: string, e: Event): number {
  return e.special === -1 ? 1 : e.special === 1 ? -1 : scheme.compare(version, e.value);
}

export function evaluateRange(range: OsvRange, version: string, scheme: VersionScheme): RangeOutcome {
  const { sorted, limits, invalidEvents } = prepareRange(range, scheme);
  let beforeLimits = limits.length === 0;
  for (const e of limits) {
    if (versionVsEvent(scheme, version, e) < 0) {
      beforeLimits = true;
      break;
    }
  }
  let vulnerable = false;
  let nextFixed: string | undefined;
  const fixedAbove: string[] = [];
  for (const e of sorted) {
    const c = versionVsEvent(scheme, version, e);
    if (e.kind === 'introduced') {
      if (c >= 0) vulnerable = true;
    } else if (e.kind === 'fixed') {
      if (c >= 0) vulnerable = false;
      else {
        fixedAbove.push(e.value);
        nextFixed ??= e.value;
      }
    } else if (e.kind === 'last_affected' && c > 0) vulnerable = false;
  }
  const out: RangeOutcome = { vulnerable: beforeLimits && vulnerable, fixedAbove, invalidEvents };
  if (out.vulnerable && nextFixed !== undefined) out.nextFixed = nextFixed;
  return out;
}

function describeRange(range: OsvRange): string {
  let parts = '';
  for (const raw of range.events) {
    const e = eventOf(raw);
    if (e) parts += `${parts === '' ? '' : ', '}${e.kind} ${e.value}`;
  }
  return `the ${range.type} range [${parts}]`;
}

// ---------------------------------------------------------------------------------------------------
// Package identity

/** Ecosystems whose `:suffix` is a package repository URL, absent meaning the default repository. */
const DEFAULT_REPOSITORIES: Record<string, string> = {
  maven: 'https://repo.maven.apache.org/maven2',
  packagist: 'https://packagist.org',
  vscode: 'https://marketplace.visualstudio.com/vscode',
};

/** Ecosystems whose package names are case-insensitive. */
const CASE_INSENSITIVE_NAMES = new Set(['nuget', 'packagist', 'pypi', 'hex', 'pub', 'swifturl']);

export function packageMatches(recordPackage: OsvPackage, pkg: PackageQuery): boolean {
  if (!ecosystemMatches(recordPackage.ecosystem, pkg.ecosystem)) return false;
  if (recordPackage.name === pkg.name) return true;
  const base = splitEcosystem(pkg.ecosystem).base.toLowerCase();
  if (normalizeName(base, recordPackage.name) === normalizeName(base, pkg.name)) return true;
  return (
    recordPackage.purl !== undefined &&
    pkg.purl !== undefined &&
    purlIdentity(recordPackage.purl) === purlIdentity(pkg.purl)
  );
}

function normalizeName(base: string, name: string): string {
  if (base === 'pypi') return name.toLowerCase().replace(/[-_.]+/g, '-'); // PEP 503
  return CASE_INSENSITIVE_NAMES.has(base) ? name.toLowerCase() : name;
}

/** `pkg:type/namespace/name@version?qualifiers#subpath` → `type/namespace/name` (type lower-cased). */
export function purlIdentity(purl: string): string {
  let s = purl.trim().replace(/^pkg:\/*/i, '');
  s = s.split('#')[0] as string;
  s = s.split('?')[0] as string;
  const at = s.lastIndexOf('@');
  if (at > 0) s = s.slice(0, at);
  const slash = s.indexOf('/');
  return slash < 0 ? s.toLowerCase() : s.slice(0, slash).toLowerCase() + s.slice(slash);
}

/**
 * Ecosystem identity with OSV's `:suffix` rules. Bases compare case-insensitively. A record without a
 * suffix covers every release of its ecosystem. With both suffixes present they must denote the same
 * release (`Alpine:v3.20` = `Alpine:3.20.3`, `Debian:12` = `Debian:12.5`, `AlmaLinux:9` = `AlmaLinux:9.4`,
 * `Ubuntu:22.04:LTS` = `Ubuntu:22.04`, while `Ubuntu:Pro:…` only matches Pro). A package whose release is
 * unknown matches records of any release of a distribution; for repository-scoped ecosystems (Maven,
 * Packagist, VSCode) no suffix means the default repository.
 */
export function ecosystemMatches(recordEcosystem: string, packageEcosystem: string): boolean {
  if (recordEcosystem === packageEcosystem) return true;
  let byPackage = ecosystemMemo.get(recordEcosystem);
  const hit = byPackage?.get(packageEcosystem);
  if (hit !== undefined) return hit;
  const result = compareEcosystems(recordEcosystem, packageEcosystem);
  if (recordEcosystem.length > 200 || packageEcosystem.length > 200) return result;
  if (ecosystemMemo.size >= 10_000) ecosystemMemo.clear();
  if (!byPackage) ecosystemMemo.set(recordEcosystem, (byPackage = new Map<string, boolean>()));
  byPackage.set(packageEcosystem, result);
  return result;
}

/** Ecosystem pairs seen in a scan are few (one per distribution release and registry); their answers are kept. */
const ecosystemMemo = new Map<string, Map<string, boolean>>();

function compareEcosystems(recordEcosystem: string, packageEcosystem: string): boolean {
  const r = splitEcosystem(recordEcosystem);
  const p = splitEcosystem(packageEcosystem);
  const base = r.base.toLowerCase();
  if (base !== p.base.toLowerCase()) return false;
  const repository = DEFAULT_REPOSITORIES[base];
  if (repository !== undefined) return normalizeUrl(r.suffix || repository) === normalizeUrl(p.suffix || repository);
  if (r.suffix === '' || p.suffix === '') return true;
  return normalizeRelease(base, r.suffix) === normalizeRelease(base, p.suffix);
}

function normalizeUrl(url: string): string {
  return url.trim().replace(/\/+$/, '').toLowerCase();
}

function normalizeRelease(base: string, suffix: string): string {
  const s = suffix.trim().toLowerCase();
  switch (base) {
    case 'alpine': {
      const m = /^v?(\d+)\.(\d+)/.exec(s);
      return m ? `${m[1]}.${m[2]}` : s.replace(/^v/, '');
    }
    case 'debian':
    case 'almalinux':
    case 'rocky linux':
    case 'oracle linux':
    case 'mageia': {
      const m = /^(\d+)(?:\.\d+)*$/.exec(s);
      return m ? (m[1] as string) : s;
    }
    case 'ubuntu': {
      const parts = s.split(':').filter((x) => x !== 'lts');
      return parts.join(':');
    }
    default:
      return s;
  }
}

function clip(s: string): string {
  return s.length > 64 ? `${s.slice(0, 61)}...` : s;
}
