import { inflateSync } from 'node:zlib';
import type { FileContent, FileMeta } from '../filesystem.js';
import { findElfSection, isElf } from './elf.js';
import {
  cleanValue,
  combineFileFindings,
  purl,
  type Cataloger,
  type FileFindings,
  type ImagePackage,
} from './types.js';

const KiB = 1024;
const MiB = 1024 * KiB;
/** Same caps as the Go cataloger, so both read the same bytes of an executable (one shared buffer). */
const MAX_BINARY_BYTES = 128 * MiB;
const MAX_TOTAL_BYTES = 512 * MiB;
/** A statically linked Rust executable holds std: even a stripped, size-optimised one is well over this. */
const MIN_BINARY_BYTES = 128 * KiB;
/** cargo-auditable's PARSING.md: "8 MiB should be more than enough to hold any legitimate audit data". */
export const MAX_AUDIT_DATA_BYTES = 8 * MiB;
const MAX_PACKAGES_PER_BINARY = 20_000;

/** cargo-auditable's section, and the name rust-audit 0.1 used (still read by go-rustaudit). */
const SECTION_NAMES = ['.dep-v0', '.rust-deps-v0'];

export type AuditDataResult = { ok: true; json: string } | { ok: false; none: true } | { ok: false; reason: string };

/**
 * The decompressed JSON that cargo-auditable embeds in an ELF executable (PARSING.md steps 1-2): the
 * zlib-compressed `.dep-v0` section, inflated with an output cap against zip bombs, and required to be UTF-8.
 */
export function readAuditData(data: Buffer, truncated = false): AuditDataResult {
  if (!isElf(data)) return { ok: false, none: true };
  for (const name of SECTION_NAMES) {
    const section = findElfSection(data, name);
    if (section.status === 'absent') continue;
    if (section.status === 'table-unreadable') return { ok: false, none: true };
    if (section.status === 'table-beyond-data') {
      return truncated
        ? { ok: false, reason: `larger than ${MAX_BINARY_BYTES} bytes: its section table was not read` }
        : { ok: false, reason: 'its section header table lies beyond the end of the file (truncated or corrupt ELF)' };
    }
    if (section.status === 'out-of-bounds') {
      return { ok: false, reason: `the ${name} section lies beyond the end of the file` };
    }
    return inflateAuditData(data.subarray(section.offset, section.offset + section.size), name);
  }
  return { ok: false, none: true };
}

function inflateAuditData(compressed: Buffer, name: string): AuditDataResult {
  let inflated: Buffer;
  try {
    inflated = inflateSync(compressed, { maxOutputLength: MAX_AUDIT_DATA_BYTES });
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === 'ERR_BUFFER_TOO_LARGE'
      ? { ok: false, reason: `the ${name} audit data inflates beyond ${MAX_AUDIT_DATA_BYTES} bytes: not read` }
      : { ok: false, reason: `the ${name} section is not valid zlib data` };
  }
  try {
    return { ok: true, json: new TextDecoder('utf-8', { fatal: true }).decode(inflated) };
  } catch {
    return { ok: false, reason: `the ${name} audit data is not UTF-8` };
  }
}

export interface AuditPackage {
  name: string;
  version: string;
  source: string;
  kind: 'build' | 'runtime';
  dependencies: number[];
  root: boolean;
}

export type AuditInfoResult =
  { ok: true; format: number; packages: AuditPackage[]; problems: string[] } | { ok: false; reason: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Parses the audit JSON (cargo-auditable.schema.json: `packages[]` with name, version, source, optional kind
 * defaulting to runtime, dependencies as indices into `packages`, root). Entries without a string name,
 * version and source are dropped and counted. The graph checks PARSING.md asks for before walking the tree
 * (indices in range, at most one root, no cycles) are reported as problems, not as a rejection: the package
 * list is still the binary's best evidence of what it contains, and refusing it would let a crafted section
 * hide its crates.
 */
export function parseAuditInfo(json: string): AuditInfoResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'the audit data is not valid JSON' };
  }
  if (!isRecord(parsed) || !Array.isArray(parsed.packages)) {
    return { ok: false, reason: 'the audit data has no `packages` array' };
  }
  const format = typeof parsed.format === 'number' && Number.isInteger(parsed.format) ? parsed.format : 0;
  const problems: string[] = [];
  const raw: unknown[] = parsed.packages;
  const packages: AuditPackage[] = [];
  let malformed = 0;
  for (const entry of raw) {
    if (
      !isRecord(entry) ||
      typeof entry.name !== 'string' ||
      typeof entry.version !== 'string' ||
      typeof entry.source !== 'string'
    ) {
      malformed++;
      // Keep the slot so that dependency indices still point at the right packages.
      packages.push({ name: '', version: '', source: '', kind: 'build', dependencies: [], root: false });
      continue;
    }
    const dependencies = Array.isArray(entry.dependencies) ? (entry.dependencies as unknown[]) : [];
    packages.push({
      name: entry.name,
      version: entry.version,
      source: entry.source,
      // The schema's default is runtime; an unknown kind is also treated as runtime (reported, not hidden).
      kind: entry.kind === 'build' ? 'build' : 'runtime',
      dependencies: dependencies.map((d) => (typeof d === 'number' && Number.isInteger(d) ? d : -1)),
      root: entry.root === true,
    });
  }
  if (malformed > 0) problems.push(`${malformed} package entries without a string name, version and source`);
  problems.push(...graphProblems(packages));
  return { ok: true, format, packages, problems };
}

/** Out-of-range indices, several roots, and cycles (Kahn's algorithm: what is left after it is on a cycle). */
export function graphProblems(packages: readonly AuditPackage[]): string[] {
  const problems: string[] = [];
  const roots = packages.filter((p) => p.root).length;
  if (roots > 1) problems.push(`${roots} packages marked as root (the format allows one)`);
  const indegree = new Uint32Array(packages.length);
  let outOfRange = 0;
  for (const pkg of packages) {
    for (const dep of pkg.dependencies) {
      if (dep < 0 || dep >= packages.length) outOfRange++;
      else indegree[dep] = (indegree[dep] ?? 0) + 1;
    }
  }
  if (outOfRange > 0) problems.push(`${outOfRange} dependency indices that are not package indices`);
  const queue: number[] = [];
  indegree.forEach((degree, index) => {
    if (degree === 0) queue.push(index);
  });
  let visited = 0;
  while (queue.length > 0) {
    const index = queue.pop() as number;
    visited++;
    for (const dep of packages[index]?.dependencies ?? []) {
      if (dep < 0 || dep >= packages.length) continue;
      indegree[dep] = (indegree[dep] ?? 1) - 1;
      if (indegree[dep] === 0) queue.push(dep);
    }
  }
  if (visited < packages.length) problems.push(`a dependency cycle through ${packages.length - visited} packages`);
  return problems;
}

/** Cargo package names (cargo/util/toml/restricted_names.rs): ASCII alphanumerics, `-` and `_`. */
const CRATE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** SemVer 2.0.0 (what `semver::Version` in auditable-serde accepts), with its recommended regular expression. */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

interface BinaryPackages {
  packages: { name: string; version: string; root?: true }[];
  notes: string[];
}

/**
 * Which audit packages to report, as Syft and osv-scalibr do: runtime dependencies only (`kind: build`
 * crates run at build time and are not in the executable). Only `source: crates.io` crates are reported:
 * they are what the RustSec advisories in OSV's `crates.io` ecosystem describe. The root package is the
 * binary itself: reported and marked as the root, as osv-scalibr and Trivy report it (a locally built crate
 * that is also published, `cargo build` of a ripgrep checkout, is matched under its crates.io name). Other
 * sources (git, an alternative registry, a local path) are counted in a note.
 */
export function selectPackages(info: Extract<AuditInfoResult, { ok: true }>): BinaryPackages {
  const notes = [...info.problems];
  const seen = new Set<string>();
  const packages: BinaryPackages['packages'] = [];
  const otherSources = new Map<string, number>();
  let invalid = 0;
  let overCap = 0;
  for (const pkg of info.packages) {
    if (pkg.kind !== 'runtime') continue;
    if (pkg.source !== 'crates.io' && !pkg.root) {
      const source = cleanValue(pkg.source, 32) || '(empty)';
      otherSources.set(source, (otherSources.get(source) ?? 0) + 1);
      continue;
    }
    if (!CRATE_NAME.test(pkg.name) || !SEMVER.test(pkg.version)) {
      invalid++;
      continue;
    }
    const key = `${pkg.name}@${pkg.version}`;
    if (seen.has(key)) continue;
    if (packages.length >= MAX_PACKAGES_PER_BINARY) {
      overCap++;
      continue;
    }
    seen.add(key);
    packages.push({ name: pkg.name, version: pkg.version, ...(pkg.root ? { root: true as const } : {}) });
  }
  if (invalid > 0) notes.push(`${invalid} crates.io packages without a valid crate name and SemVer version skipped`);
  if (overCap > 0) notes.push(`${overCap} packages beyond the ${MAX_PACKAGES_PER_BINARY}-package cap not listed`);
  if (otherSources.size > 0) {
    const counts = [...otherSources].map(([source, n]) => `${source}: ${n}`).join(', ');
    notes.push(`runtime crates not from crates.io are not matched against advisories (${counts})`);
  }
  return { packages, notes };
}

function isExecutable(file: FileMeta): boolean {
  return file.type === 'file' && (file.mode & 0o111) !== 0 && file.size >= MIN_BINARY_BYTES;
}

export const rustCataloger: Cataloger = {
  name: 'rust',
  stage: 'language',
  wants: isExecutable,
  maxFileBytes: MAX_BINARY_BYTES,
  maxTotalBytes: MAX_TOTAL_BYTES,
  readEach: readRustExecutable,
  catalog(files, context) {
    const results = files.map((file) => ({ path: file.path, found: readRustExecutable(file) }));
    return { packages: combineFileFindings('rust', results, context) };
  },
};

/** The crates.io runtime dependencies in one executable's cargo-auditable data. */
export function readRustExecutable(file: FileContent): FileFindings {
  const packages: ImagePackage[] = [];
  const notes: string[] = [];
  const data = readAuditData(file.data, file.truncated);
  if (!data.ok) {
    if ('reason' in data) notes.push(`/${file.path}: ${data.reason}`);
    return { packages, notes };
  }
  const info = parseAuditInfo(data.json);
  if (!info.ok) {
    notes.push(`/${file.path}: ${info.reason}`);
    return { packages, notes };
  }
  const selected = selectPackages(info);
  for (const message of selected.notes) notes.push(`/${file.path}: ${message}`);
  for (const pkg of selected.packages) {
    packages.push({
      ...(pkg.root ? { relationship: 'root' as const } : {}),
      ecosystem: 'crates.io',
      name: pkg.name,
      version: pkg.version,
      purl: purl('cargo', undefined, pkg.name, pkg.version),
      path: file.path,
      layer: file.layerDigest,
      cataloger: 'rust',
    });
  }
  return { packages, notes };
}
