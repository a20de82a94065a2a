/**
 * OSV records (https://ossf.github.io/osv-schema/, schema 1.7.x) and a tolerant reader for them.
 * Records come from the network or from files we do not control, so `readOsvRecord` checks the shape the
 * matcher relies on and drops malformed parts instead of trusting casts.
 */
export type OsvSeverityType = 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'Ubuntu';

export interface OsvSeverity {
  /** One of OsvSeverityType; other strings are kept and ignored. */
  type: string;
  score: string;
}

export interface OsvPackage {
  ecosystem: string;
  name: string;
  purl?: string;
}

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export type OsvRangeType = 'ECOSYSTEM' | 'SEMVER' | 'GIT';

export interface OsvRange {
  type: string;
  repo?: string;
  events: OsvEvent[];
  database_specific?: Record<string, unknown>;
}

export interface OsvAffected {
  package?: OsvPackage;
  severity?: OsvSeverity[];
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvReference {
  type: string;
  url: string;
}

export interface OsvCredit {
  name: string;
  contact?: string[];
  type?: string;
}

export interface OsvRecord {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  upstream?: string[];
  related?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: OsvReference[];
  credits?: OsvCredit[];
  database_specific?: Record<string, unknown>;
}

/** Caps that keep a hostile record from costing unbounded time in the matcher. */
export const MAX_AFFECTED_ENTRIES = 10_000;
export const MAX_RANGES_PER_ENTRY = 1_000;
export const MAX_EVENTS_PER_RANGE = 10_000;
export const MAX_VERSIONS_PER_ENTRY = 100_000;

export type ReadResult = { ok: true; record: OsvRecord } | { ok: false; error: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function strings(v: unknown, cap: number): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.slice(0, cap).filter((s): s is string => typeof s === 'string');
}

function severities(v: unknown): OsvSeverity[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: OsvSeverity[] = [];
  for (const s of v.slice(0, 100)) {
    if (isObject(s) && typeof s.type === 'string' && typeof s.score === 'string')
      out.push({ type: s.type, score: s.score });
  }
  return out;
}

function event(v: unknown): OsvEvent | undefined {
  if (!isObject(v)) return undefined;
  const out: OsvEvent = {};
  for (const key of ['introduced', 'fixed', 'last_affected', 'limit'] as const) {
    const value = str(v[key]);
    if (value !== undefined) out[key] = value;
  }
  // The schema allows exactly one kind per event; an event with several is malformed and ignored.
  return Object.keys(out).length === 1 ? out : undefined;
}

function range(v: unknown): OsvRange | undefined {
  if (!isObject(v) || typeof v.type !== 'string' || !Array.isArray(v.events)) return undefined;
  const events = v.events
    .slice(0, MAX_EVENTS_PER_RANGE)
    .map(event)
    .filter((e): e is OsvEvent => e !== undefined);
  const out: OsvRange = { type: v.type, events };
  const repo = str(v.repo);
  if (repo !== undefined) out.repo = repo;
  return out;
}

function affected(v: unknown): OsvAffected | undefined {
  if (!isObject(v)) return undefined;
  const out: OsvAffected = {};
  const pkg = v.package;
  if (isObject(pkg) && typeof pkg.ecosystem === 'string' && typeof pkg.name === 'string') {
    out.package = { ecosystem: pkg.ecosystem, name: pkg.name };
    const purl = str(pkg.purl);
    if (purl !== undefined) out.package.purl = purl;
  }
  const sev = severities(v.severity);
  if (sev) out.severity = sev;
  if (Array.isArray(v.ranges)) {
    out.ranges = v.ranges
      .slice(0, MAX_RANGES_PER_ENTRY)
      .map(range)
      .filter((r): r is OsvRange => r !== undefined);
  }
  const versions = strings(v.versions, MAX_VERSIONS_PER_ENTRY);
  if (versions) out.versions = versions;
  if (isObject(v.ecosystem_specific)) out.ecosystem_specific = v.ecosystem_specific;
  if (isObject(v.database_specific)) out.database_specific = v.database_specific;
  return out;
}

/**
 * Reads an OSV record from parsed JSON. Requires `id` and `modified` (the schema's required fields);
 * keeps the fields the matcher and report use, ignoring malformed entries one by one.
 */
export function readOsvRecord(json: unknown): ReadResult {
  if (!isObject(json)) return { ok: false, error: 'OSV record is not a JSON object' };
  const id = str(json.id);
  const modified = str(json.modified);
  if (!id) return { ok: false, error: 'OSV record has no "id"' };
  if (modified === undefined) return { ok: false, error: `OSV record ${id} has no "modified" timestamp` };
  const record: OsvRecord = { id, modified };
  for (const key of ['schema_version', 'published', 'withdrawn', 'summary', 'details'] as const) {
    const value = str(json[key]);
    if (value !== undefined) record[key] = value;
  }
  for (const key of ['aliases', 'upstream', 'related'] as const) {
    const value = strings(json[key], 1000);
    if (value) record[key] = value;
  }
  const sev = severities(json.severity);
  if (sev) record.severity = sev;
  if (Array.isArray(json.affected)) {
    record.affected = json.affected
      .slice(0, MAX_AFFECTED_ENTRIES)
      .map(affected)
      .filter((a): a is OsvAffected => a !== undefined);
  }
  if (Array.isArray(json.references)) {
    record.references = json.references
      .slice(0, 1000)
      .filter((r): r is OsvReference => isObject(r) && typeof r.type === 'string' && typeof r.url === 'string')
      .map((r) => ({ type: r.type, url: r.url }));
  }
  if (isObject(json.database_specific)) record.database_specific = json.database_specific;
  return { ok: true, record };
}

/**
 * The ids a record is known by: its own, its aliases, and its `upstream` id when it names exactly one.
 * osv.dev's `DEBIAN-CVE-*` and `UBUNTU-CVE-*` records name their CVE in `upstream`, not in `aliases`, and
 * are that CVE for the distribution. A record with several upstream ids (a DSA or USN covering many CVEs)
 * is derived from each of them but is none of them, so those stay out of its identity.
 */
export function identityIds(record: Pick<OsvRecord, 'id' | 'aliases' | 'upstream'>): string[] {
  const ids = [record.id, ...(record.aliases ?? [])];
  if (record.upstream?.length === 1) ids.push(record.upstream[0]!);
  return ids;
}
