import { createHash } from 'node:crypto';
import { mkdir, open, opendir, readFile, rename, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { readOsvRecord, type OsvRecord } from '../osv.js';
import { usableCacheDir } from './cache-dir.js';
import { packageKey } from './package-key.js';
import { SkipCounter, VulnSourceError, type VulnLookup, type VulnQuery, type VulnSource } from './types.js';
import { RangeReader, entryData, readZip, type ZipEntry } from './zip.js';

/** Bounds on offline data: one record, files per directory tree, entries per zip, directory depth. */
export const OFFLINE_LIMITS = {
  maxRecordBytes: 16 * 1024 * 1024,
  maxFiles: 2_000_000,
  maxZipEntries: 5_000_000,
  maxDepth: 8,
};

const INDEX_FORMAT = 1;

/**
 * Where a record lives: `[file]` for a JSON file, `[file, localOffset, compressedSize, method, size]` for a
 * zip entry (enough to read it back without walking the archive again).
 */
type Locator = [number] | [number, number, number, number, number];

/** The compact index written after the first full read, reused while the files are unchanged. */
interface CompactIndex {
  format: number;
  /** Hash of every file's path, size and mtime: any change rebuilds the index. */
  signature: string;
  files: string[];
  records: number;
  skipped: string[];
  keys: Record<string, Locator[]>;
}

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
    const indexFile =
      cacheOk && this.cacheDir
        ? join(this.cacheDir, `osv-index-${createHash('sha256').update(this.path).digest('hex').slice(0, 32)}.json`)
        : undefined;
    const cached = indexFile ? await readIndex(indexFile, signature, files) : undefined;
    const result = cached
      ? await this.fromIndex(cached, queries, notes, signal)
      : await this.scan(files, signature, indexFile, queries, notes, signal);
    return result;
  }

  /** Cold path: every record is parsed once; the index is built on the way. */
  private async scan(
    files: FileInfo[],
    signature: string,
    indexFile: string | undefined,
    queries: readonly VulnQuery[],
    notes: string[],
    signal?: AbortSignal,
  ): Promise<VulnLookup> {
    this.lastLoad = 'scan';
    const collector = new Collector(queries);
    const skipped = new SkipCounter();
    const keys: Record<string, Locator[]> = {};
    let read = 0;
    const accept = (data: Buffer, where: string, locator: Locator) => {
      read++;
      const record = parseRecord(data, where, skipped);
      if (!record) return;
      const recordKeys = new Set<string>();
      for (const affected of record.affected ?? []) {
        if (affected.package) recordKeys.add(packageKey(affected.package.ecosystem, affected.package.name));
      }
      for (const key of recordKeys) (keys[key] ??= []).push(locator);
      collector.add(record);
    };
    for (const [fileIndex, file] of files.entries()) {
      if (file.path.endsWith('.zip')) {
        try {
          for await (const item of readZip(file.path, {
            maxEntryBytes: OFFLINE_LIMITS.maxRecordBytes,
            maxEntries: OFFLINE_LIMITS.maxZipEntries,
            ...(signal ? { signal } : {}),
          })) {
            const where = `${basename(file.path)}:${item.entry.name.slice(0, 200)}`;
            if (!item.ok) skipped.add(`zip entry ${item.reason}`, where);
            else if (item.entry.name.endsWith('.json')) accept(item.data, where, zipLocator(fileIndex, item.entry));
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
      accept(await readFile(file.path), file.path, [fileIndex]);
    }
    const skippedNotes = skipped.notes(this.description);
    if (indexFile && this.cacheDir) {
      const index: CompactIndex = {
        format: INDEX_FORMAT,
        signature,
        files: files.map((f) => f.path),
        records: read,
        skipped: skippedNotes,
        keys,
      };
      await writeIndex(this.cacheDir, indexFile, index).catch(() => undefined);
    }
    notes.push(
      read === 0
        ? `${this.description}: no OSV records found; nothing could be matched`
        : `${this.description}: read ${read} record file(s)`,
      ...skippedNotes,
    );
    return { records: collector.records, notes };
  }

  /** Warm path: only the records of the queried packages are read, by their locators. */
  private async fromIndex(
    index: CompactIndex,
    queries: readonly VulnQuery[],
    notes: string[],
    signal?: AbortSignal,
  ): Promise<VulnLookup> {
    this.lastLoad = 'index';
    const collector = new Collector(queries);
    const skipped = new SkipCounter();
    const wanted = new Map<string, Locator>();
    for (const query of queries) {
      // Locators are checked where they are used: a damaged index is skipped entry by entry, never a crash.
      const key = packageKey(query.ecosystem, query.name);
      const list: unknown = Object.hasOwn(index.keys, key) ? index.keys[key] : undefined;
      if (!Array.isArray(list)) continue;
      for (const locator of list as unknown[]) {
        if (isLocator(locator, index.files.length)) wanted.set(locator.join(':'), locator);
      }
    }
    const handles = new Map<number, FileHandle>();
    const readers = new Map<number, RangeReader>();
    const sorted = [...wanted.values()].sort((a, b) => a[0] - b[0] || (a[1] ?? 0) - (b[1] ?? 0));
    try {
      for (const [i, locator] of sorted.entries()) {
        signal?.throwIfAborted();
        const path = index.files[locator[0]];
        if (path === undefined) continue;
        let data: Buffer;
        if (locator.length === 1) data = await readFile(path);
        else {
          let reader = readers.get(locator[0]);
          if (!reader) {
            const handle = await open(path, 'r');
            handles.set(locator[0], handle);
            readers.set(locator[0], (reader = new RangeReader(handle, 0)));
          }
          const [, localOffset, compressedSize, method, size] = locator;
          if (!reader.covers(localOffset, entrySpan(locator))) {
            const end = coalescedEnd(sorted, i);
            await reader.load(localOffset, end - localOffset);
          }
          const entry: ZipEntry = { name: '', flags: 0, method, compressedSize, size, localOffset };
          data = await entryData(reader, entry, OFFLINE_LIMITS.maxRecordBytes);
        }
        const record = parseRecord(data, path, skipped);
        if (record) collector.add(record);
      }
    } finally {
      for (const handle of handles.values()) await handle.close();
    }
    notes.push(
      `${this.description}: ${index.records} record file(s), served from the cached index (${wanted.size} read for this lookup)`,
      ...index.skipped,
      ...skipped.notes(this.description),
    );
    return { records: collector.records, notes };
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

/** Bytes an entry may take from its local header on (name and extra field lengths are not in the locator). */
const entrySpan = (locator: Locator) => 30 + 512 + (locator[2] ?? 0);
/** Nearby wanted entries are read with one read: gaps up to 64 KiB, windows up to 2 MiB. */
const MAX_GAP = 64 * 1024;
const MAX_WINDOW = 2 * 1024 * 1024;

function coalescedEnd(sorted: readonly Locator[], from: number): number {
  const first = sorted[from]!;
  let end = first[1]! + entrySpan(first);
  for (let i = from + 1; i < sorted.length; i++) {
    const next = sorted[i]!;
    if (next[0] !== first[0] || next.length === 1) break;
    const nextEnd = next[1] + entrySpan(next);
    if (next[1] - end > MAX_GAP || nextEnd - first[1]! > MAX_WINDOW) break;
    end = Math.max(end, nextEnd);
  }
  return end;
}

function zipLocator(file: number, entry: ZipEntry): Locator {
  return [file, entry.localOffset, entry.compressedSize, entry.method, entry.size];
}

const isLocator = (v: unknown, files: number): v is Locator =>
  Array.isArray(v) &&
  (v.length === 1 || v.length === 5) &&
  v.every((n) => Number.isSafeInteger(n) && (n as number) >= 0) &&
  (v[0] as number) < files;

async function readIndex(file: string, signature: string, files: FileInfo[]): Promise<CompactIndex | undefined> {
  try {
    const index = JSON.parse(await readFile(file, 'utf8')) as Partial<CompactIndex>;
    const valid =
      index.format === INDEX_FORMAT &&
      index.signature === signature &&
      Array.isArray(index.files) &&
      Array.isArray(index.skipped) &&
      typeof index.keys === 'object' &&
      index.keys !== null &&
      index.files.length === files.length &&
      index.files.every((path, i) => path === files[i]!.path);
    return valid ? (index as CompactIndex) : undefined;
  } catch {
    return undefined;
  }
}

async function writeIndex(dir: string, file: string, index: CompactIndex): Promise<void> {
  await mkdir(dir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(index));
  await rename(temp, file);
}
