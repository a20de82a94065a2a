import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { open, opendir, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { identityIds, readOsvRecord, type OsvRecord } from '../osv.js';
import { usableCacheDir } from './cache-dir.js';
import { packageKey } from './package-key.js';
import { splitEcosystem } from '../versions/index.js';
import { SkipCounter, VulnSourceError, type VulnLookup, type VulnQuery, type VulnSource } from './types.js';
import { CompactIndex, encodeIndex, type IndexHeader, type Locator } from './compact-index.js';
import { readZip } from './zip.js';

/** Bounds on offline data: one record, files per directory tree, entries per zip, directory depth. */
export const OFFLINE_LIMITS = {
  maxRecordBytes: 16 * 1024 * 1024,
  maxFiles: 2_000_000,
  maxZipEntries: 5_000_000,
  maxDepth: 8,
};

const INDEX_FORMAT = 4;

interface FileInfo {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface OsvFileSourceOptions {
  /** Directory for the compact index; false disables it. Default: CONTAINERSEC_CACHE_DIR or <tmpdir>. */
  cacheDir?: string | false;
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Offline OSV data: a directory of OSV JSON files and/or OSV `all.zip` files (one per ecosystem, as
 * https://osv-vulnerabilities.storage.googleapis.com/<Ecosystem>/all.zip publishes them), or one such file.
 * The first lookup streams every record once, keeps the ones that name a queried package, and writes a
 * compact index (package → where its records are) to the cache directory. Later lookups over unchanged
 * files read only the records of the queried packages. Invalid records are skipped and counted.
 */
export class OsvFileSource implements VulnSource {
  readonly description: string;
  private readonly cacheDir: string | undefined;
  /** How the last lookup was served, for notes and tests. */
  lastLoad: 'index' | 'scan' | undefined;
  /** After a scan: the CVSS-carrying records by CVE id, for `recordsById`. */
  private scored: Map<string, OsvRecord> | undefined;
  /** After an index lookup: the index and its store, for `recordsById`. */
  private opened: { index: CompactIndex; store: string } | undefined;

  constructor(
    readonly path: string,
    label = path,
    options: OsvFileSourceOptions = {},
  ) {
    this.description = `OSV files in ${label}`;
    this.cacheDir =
      options.cacheDir === false
        ? undefined
        : (options.cacheDir ?? options.env?.CONTAINERSEC_CACHE_DIR ?? join(tmpdir(), 'containersec-osv-cache'));
  }

  async lookup(queries: readonly VulnQuery[], signal?: AbortSignal): Promise<VulnLookup> {
    const notes: string[] = [];
    const files = await this.files(notes, signal);
    const signature = createHash('sha256')
      // Whole seconds: tar (the Actions cache) and cp keep mtimes only to the second or millisecond.
      .update(JSON.stringify([INDEX_FORMAT, files.map((f) => [f.path, f.size, Math.floor(f.mtimeMs / 1000)])]))
      .digest('hex');
    const cacheOk = this.cacheDir !== undefined && (await usableCacheDir(this.cacheDir));
    if (this.cacheDir !== undefined && !cacheOk) {
      notes.push(`${this.cacheDir} is not a private directory of this user; the OSV index cache is not used`);
    }
    const stem =
      cacheOk && this.cacheDir
        ? join(this.cacheDir, `osv-index-${createHash('sha256').update(this.path).digest('hex').slice(0, 32)}`)
        : undefined;
    const cache = stem ? { index: `${stem}.bin`, store: `${stem}.records` } : undefined;
    const cached = cache ? await readIndex(cache, signature, files) : undefined;
    const result = cached
      ? this.fromIndex(cached, cache!.store, queries, notes, signal)
      : await this.scan(files, signature, cache, queries, notes, signal);
    return result;
  }

  /**
   * Cold path: every record is parsed and validated once. With a cache directory, the records are also
   * written, trimmed to what matching and reporting use, to a record store, and the index maps each package
   * to its records' byte ranges there.
   */
  private async scan(
    files: FileInfo[],
    signature: string,
    cache: { index: string; store: string } | undefined,
    queries: readonly VulnQuery[],
    notes: string[],
    signal?: AbortSignal,
  ): Promise<VulnLookup> {
    this.lastLoad = 'scan';
    const collector = new Collector(queries);
    const skipped = new SkipCounter();
    const keys = new Map<string, Locator[]>();
    const store = cache ? await StoreWriter.create(cache.store) : undefined;
    const scored = new Map<string, OsvRecord>();
    const ecosystems = new Set<string>();
    this.scored = scored;
    this.opened = undefined;
    let read = 0;
    const accept = (data: Buffer, where: string) => {
      read++;
      const parsed = parseRecord(data, where, skipped);
      if (!parsed) return;
      const record = forMatching(parsed);
      const locator = store?.append(JSON.stringify(record));
      collector.add(record);
      for (const a of record.affected ?? []) if (a.package) ecosystems.add(ecosystemBase(a.package.ecosystem));
      const cves = scoredCves(record);
      for (const cve of cves) if (scored.size < MAX_SCORED) scored.set(cve, scoreCarrier(record));
      if (!locator) return;
      const recordKeys = new Set<string>();
      for (const affected of record.affected ?? []) {
        if (affected.package) recordKeys.add(packageKey(affected.package.ecosystem, affected.package.name));
      }
      for (const cve of cves) recordKeys.add(cveKey(cve));
      for (const key of recordKeys) {
        const list = keys.get(key);
        if (list) list.push(locator);
        else keys.set(key, [locator]);
      }
    };
    try {
      await this.readAll(files, accept, store, skipped, signal);
    } catch (error) {
      await store?.discard();
      throw error;
    }
    const skippedNotes = skipped.notes(this.description);
    if (cache && store) {
      const storeBytes = await store.close();
      const header: IndexHeader = {
        format: INDEX_FORMAT,
        signature,
        files: files.map((f) => f.path),
        records: read,
        skipped: skippedNotes,
        storeBytes,
        ecosystems: [...ecosystems].sort(),
      };
      // The store first, then the index that points into it: a reader never sees an index without its store.
      await store
        .commit()
        .then(() => writeIndex(cache.index, encodeIndex(header, keys)))
        .catch(() => undefined);
    }
    notes.push(
      read === 0
        ? `${this.description}: no OSV records found; nothing could be matched`
        : `${this.description}: read ${read} record file(s)`,
      ...skippedNotes,
    );
    return { records: collector.records, notes, ...missingOf(queries, ecosystems) };
  }

  /** Feeds every record of the files to `accept`, flushing the store as it fills. */
  private async readAll(
    files: FileInfo[],
    accept: (data: Buffer, where: string) => void,
    store: StoreWriter | undefined,
    skipped: SkipCounter,
    signal?: AbortSignal,
  ): Promise<void> {
    for (const file of files) {
      if (file.path.endsWith('.zip')) {
        try {
          for await (const item of readZip(file.path, {
            maxEntryBytes: OFFLINE_LIMITS.maxRecordBytes,
            maxEntries: OFFLINE_LIMITS.maxZipEntries,
            ...(signal ? { signal } : {}),
          })) {
            const where = `${basename(file.path)}:${item.entry.name.slice(0, 200)}`;
            if (!item.ok) skipped.add(`zip entry ${item.reason}`, where);
            else if (item.entry.name.endsWith('.json')) {
              accept(item.data, where);
              if (store?.full) await store.flush();
            }
          }
        } catch (error) {
          signal?.throwIfAborted();
          throw new VulnSourceError(
            'INVALID_SOURCE',
            `${file.path}: not a readable zip file: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        }
        continue;
      }
      if (file.size > OFFLINE_LIMITS.maxRecordBytes) {
        skipped.add(`file larger than ${OFFLINE_LIMITS.maxRecordBytes} bytes`, file.path);
        continue;
      }
      accept(await readFile(file.path), file.path);
      if (store?.full) await store.flush();
    }
  }

  /**
   * Warm path: only the records of the queried packages are read from the record store, already validated
   * and trimmed, so no inflating and no re-validation. Records that lie close together are read with one
   * call; reads are synchronous because thousands of small reads through the thread pool cost more than
   * the bytes (the store is local, and usually in the page cache).
   */
  private fromIndex(
    index: CompactIndex,
    storePath: string,
    queries: readonly VulnQuery[],
    notes: string[],
    signal?: AbortSignal,
  ): VulnLookup {
    this.lastLoad = 'index';
    this.opened = { index, store: storePath };
    this.scored = undefined;
    const { header } = index;
    const collector = new Collector(queries);
    const skipped = new SkipCounter();
    const wanted = new Map<number, Locator>();
    const keys = new Set<string>();
    for (const query of queries) keys.add(packageKey(query.ecosystem, query.name));
    for (const key of keys) for (const locator of index.locators(key)) wanted.set(locator.offset, locator);
    const sorted = [...wanted.values()].sort((a, b) => a.offset - b.offset);
    const reader = new BatchReader(storePath);
    try {
      for (let i = 0; i < sorted.length;) {
        signal?.throwIfAborted();
        const first = sorted[i]!;
        const end = runEnd(sorted, i);
        const last = sorted[end - 1]!;
        const window = reader.range(first.offset, last.offset + last.length);
        for (; i < end; i++) {
          const locator = sorted[i]!;
          const start = locator.offset - first.offset;
          const record = storedRecord(window.subarray(start, start + locator.length));
          if (record) collector.add(record);
          else skipped.add('damaged entry in the record store', `offset ${locator.offset}`);
        }
      }
    } finally {
      reader.close();
    }
    notes.push(
      `${this.description}: ${header.records} record file(s), served from the cached index (${wanted.size} read for this lookup)`,
      ...header.skipped,
      ...skipped.notes(this.description),
    );
    return { records: collector.records, notes, ...missingOf(queries, new Set(header.ecosystems ?? [])) };
  }

  /**
   * Records that carry CVSS vectors for the given CVE ids (as id, alias or sole upstream), from the data the
   * last lookup read: a CVE's own record or a GHSA naming it scores a distribution's record of that CVE.
   */
  recordsById(ids: readonly string[]): Promise<OsvRecord[]> {
    const out = new Map<string, OsvRecord>();
    if (this.scored) {
      for (const id of ids) {
        const record = this.scored.get(id.toUpperCase());
        if (record) out.set(record.id, record);
      }
    } else if (this.opened) {
      const reader = new BatchReader(this.opened.store);
      try {
        for (const id of ids) {
          for (const locator of this.opened.index.locators(cveKey(id.toUpperCase()))) {
            const record = storedRecord(Buffer.from(reader.range(locator.offset, locator.offset + locator.length)));
            if (record) out.set(record.id, scoreCarrier(record));
          }
        }
      } finally {
        reader.close();
      }
    }
    return Promise.resolve([...out.values()]);
  }

  /** The .json and .zip files under the path, depth-first, sorted, symlinks not followed. */
  private async files(notes: string[], signal?: AbortSignal): Promise<FileInfo[]> {
    let info;
    try {
      info = await stat(this.path);
    } catch {
      throw new VulnSourceError(
        'INVALID_SOURCE',
        `vulnerability data ${this.path} does not exist; give a directory of OSV JSON files or OSV all.zip files, or "osv-api"`,
      );
    }
    if (info.isFile()) return [{ path: this.path, size: info.size, mtimeMs: info.mtimeMs }];
    const out: FileInfo[] = [];
    const walk = async (dir: string, depth: number): Promise<boolean> => {
      const names: { name: string; dir: boolean }[] = [];
      for await (const entry of await opendir(dir)) {
        if (entry.isDirectory()) names.push({ name: entry.name, dir: true });
        else if (entry.isFile() && /\.(json|zip)$/i.test(entry.name)) names.push({ name: entry.name, dir: false });
      }
      names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of names) {
        signal?.throwIfAborted();
        const full = join(dir, entry.name);
        if (entry.dir) {
          if (depth >= OFFLINE_LIMITS.maxDepth)
            notes.push(`${full}: deeper than ${OFFLINE_LIMITS.maxDepth} levels; not read`);
          else if (!(await walk(full, depth + 1))) return false;
        } else if (out.length >= OFFLINE_LIMITS.maxFiles) {
          notes.push(`more than ${OFFLINE_LIMITS.maxFiles} files; the rest were not read`);
          return false;
        } else {
          const s = await stat(full);
          out.push({ path: full, size: s.size, mtimeMs: s.mtimeMs });
        }
      }
      return true;
    };
    await walk(this.path, 0);
    return out;
  }
}

const ecosystemBase = (ecosystem: string) => splitEcosystem(ecosystem).base.toLowerCase();

/** The queried ecosystems the data names in no record. */
function missingOf(queries: readonly VulnQuery[], present: ReadonlySet<string>): Pick<VulnLookup, 'missingEcosystems'> {
  const missing = new Set<string>();
  for (const q of queries) if (!present.has(ecosystemBase(q.ecosystem))) missing.add(q.ecosystem);
  return missing.size > 0 ? { missingEcosystems: [...missing].sort() } : {};
}

/** Bounds the in-memory map of scored CVEs a cold scan keeps (one entry per CVE id). */
const MAX_SCORED = 2_000_000;
const CVE_ID = /^CVE-\d{4}-\d+$/;

/** Index key of the records that score a CVE; package keys never start with \u0001. */
function cveKey(cve: string): string {
  return `\u0001cve\u0000${cve}`;
}

/** The CVE ids a record carries CVSS vectors for (none when it has no vectors). */
function scoredCves(record: OsvRecord): string[] {
  const vectors = [...(record.severity ?? []), ...(record.affected ?? []).flatMap((a) => a.severity ?? [])];
  if (!vectors.some((s) => s.type.startsWith('CVSS_'))) return [];
  return identityIds(record)
    .map((id) => id.toUpperCase())
    .filter((id) => CVE_ID.test(id));
}

/** What scoring needs of a record: identity and vectors, none of its packages and ranges. */
function scoreCarrier(record: OsvRecord): OsvRecord {
  const out: OsvRecord = { id: record.id, modified: record.modified };
  if (record.aliases) out.aliases = record.aliases;
  if (record.upstream) out.upstream = record.upstream;
  const vectors = [...(record.severity ?? []), ...(record.affected ?? []).flatMap((a) => a.severity ?? [])];
  out.severity = vectors.filter((s) => s.type.startsWith('CVSS_'));
  return out;
}

/** Records per query, each record once per query (one record can appear in several files). */
class Collector {
  readonly records: OsvRecord[][];
  private readonly wanted = new Map<string, number[]>();
  private readonly seen = new Set<string>();

  constructor(queries: readonly VulnQuery[]) {
    this.records = queries.map(() => []);
    queries.forEach((query, i) => {
      const key = packageKey(query.ecosystem, query.name);
      const list = this.wanted.get(key);
      if (list) list.push(i);
      else this.wanted.set(key, [i]);
    });
  }

  add(record: OsvRecord): void {
    const identity = `${record.id}\u0000${record.modified}`;
    if (this.seen.has(identity)) return;
    const targets = new Set<number>();
    for (const affected of record.affected ?? []) {
      if (!affected.package) continue;
      for (const i of this.wanted.get(packageKey(affected.package.ecosystem, affected.package.name)) ?? [])
        targets.add(i);
    }
    if (targets.size === 0) return;
    this.seen.add(identity);
    for (const i of targets) this.records[i]!.push(record);
  }
}

function parseRecord(data: Buffer, where: string, skipped: SkipCounter): OsvRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch {
    skipped.add('not valid JSON', where);
    return undefined;
  }
  const result = readOsvRecord(json);
  if (!result.ok) {
    skipped.add(result.error.replace(/ [A-Z]+-[\w.:-]+ /, ' '), where);
    return undefined;
  }
  return result.record;
}

/**
 * The part of a record that matching and the report use. References, credits and the long `details`
 * text are dropped (`details` is only the fallback when there is no `summary`, and is shown clipped), so
 * the store holds less than the archive and a warm start parses less.
 */
export const DETAILS_KEPT = 1000;
export function forMatching(record: OsvRecord): OsvRecord {
  const out: OsvRecord = { id: record.id, modified: record.modified };
  if (record.withdrawn !== undefined) out.withdrawn = record.withdrawn;
  if (record.aliases) out.aliases = record.aliases;
  if (record.upstream) out.upstream = record.upstream;
  if (record.summary !== undefined) out.summary = record.summary;
  else if (record.details !== undefined) out.details = record.details.slice(0, DETAILS_KEPT);
  if (record.severity) out.severity = record.severity;
  if (record.affected) out.affected = record.affected;
  if (record.database_specific) out.database_specific = record.database_specific;
  return out;
}

/** A record read back from our own store: parsed, with the identity fields checked (a torn write fails here). */
function storedRecord(bytes: Buffer): OsvRecord | undefined {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as Partial<OsvRecord> | null;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    if (typeof value.id !== 'string' || typeof value.modified !== 'string') return undefined;
    if (value.affected !== undefined && !Array.isArray(value.affected)) return undefined;
    return value as OsvRecord;
  } catch {
    return undefined;
  }
}

/** Appends records to a temporary store file in large writes; `commit` renames it into place. */
class StoreWriter {
  private chunks: string[] = [];
  private pending = 0;
  private failed = false;
  private offset = 0;

  private constructor(
    private readonly path: string,
    private readonly temp: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(path: string): Promise<StoreWriter | undefined> {
    const temp = `${path}.${process.pid}.tmp`;
    try {
      return new StoreWriter(path, temp, await open(temp, 'w', 0o600));
    } catch {
      return undefined;
    }
  }

  get full(): boolean {
    return this.pending >= STORE_FLUSH_BYTES;
  }

  append(json: string): Locator {
    const length = Buffer.byteLength(json);
    const locator = { offset: this.offset, length };
    this.chunks.push(json);
    this.offset += length;
    this.pending += length;
    return locator;
  }

  /** A failed write (disk full) only costs the cache: the lookup goes on, and no index is written. */
  async flush(): Promise<void> {
    if (this.chunks.length === 0) return;
    const data = this.chunks.join('');
    this.chunks = [];
    this.pending = 0;
    if (this.failed) return;
    await this.handle.write(data).catch(() => {
      this.failed = true;
    });
  }

  async close(): Promise<number> {
    await this.flush();
    await this.handle.close().catch(() => {
      this.failed = true;
    });
    return this.offset;
  }

  async commit(): Promise<void> {
    if (this.failed) {
      await rm(this.temp, { force: true });
      throw new Error('the record store could not be written');
    }
    await rename(this.temp, this.path);
  }

  async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await rm(this.temp, { force: true });
  }
}

const STORE_FLUSH_BYTES = 4 * 1024 * 1024;
/** Nearby wanted records are read with one call: gaps up to 16 KiB, windows up to 1 MiB. */
const MAX_GAP = 16 * 1024;
const MAX_WINDOW = 1024 * 1024;

/** The end (exclusive) of the run of locators starting at `from` that one read covers. */
function runEnd(sorted: readonly Locator[], from: number): number {
  const first = sorted[from]!;
  let end = first.offset + first.length;
  let i = from + 1;
  for (; i < sorted.length; i++) {
    const next = sorted[i]!;
    const nextEnd = next.offset + next.length;
    if (next.offset - end > MAX_GAP || nextEnd - first.offset > MAX_WINDOW) break;
    end = Math.max(end, nextEnd);
  }
  return i;
}

/** Synchronous positional reads of one file into one reused buffer. */
class BatchReader {
  private fd: number | undefined;
  private scratch = Buffer.allocUnsafe(MAX_WINDOW);

  constructor(path: string) {
    try {
      this.fd = openSync(path, 'r');
    } catch {
      this.fd = undefined;
    }
  }

  /** [start, end) of the file; shorter when the file is (no longer) that long. Valid until the next call. */
  range(start: number, end: number): Buffer {
    const length = Math.max(0, end - start);
    if (this.fd === undefined) return Buffer.alloc(0);
    if (length > this.scratch.length) this.scratch = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      const n = readSync(this.fd, this.scratch, filled, length - filled, start + filled);
      if (n === 0) break;
      filled += n;
    }
    return this.scratch.subarray(0, filled);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

async function readIndex(
  cache: { index: string; store: string },
  signature: string,
  files: FileInfo[],
): Promise<CompactIndex | undefined> {
  const bytes = await readFile(cache.index).catch(() => undefined);
  const index = bytes ? CompactIndex.open(bytes) : undefined;
  if (!index) return undefined;
  const { header } = index;
  const storeBytes = await stat(cache.store).then(
    (s) => s.size,
    () => -1,
  );
  const valid =
    header.format === INDEX_FORMAT &&
    header.signature === signature &&
    header.storeBytes === storeBytes &&
    header.files.length === files.length &&
    header.files.every((path, i) => path === files[i]!.path);
  return valid ? index : undefined;
}

async function writeIndex(file: string, bytes: Buffer): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, bytes, { mode: 0o600 });
  await rename(temp, file);
}
