import { opendir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readOsvRecord, type OsvRecord } from '../osv.js';
import { packageKey } from './package-key.js';
import { SkipCounter, VulnSourceError, type VulnLookup, type VulnQuery, type VulnSource } from './types.js';
import { readZip } from './zip.js';

/** Bounds on offline data: one record, files per directory tree, entries per zip, directory depth. */
export const OFFLINE_LIMITS = {
  maxRecordBytes: 16 * 1024 * 1024,
  maxFiles: 2_000_000,
  maxZipEntries: 5_000_000,
  maxDepth: 8,
};

/**
 * Offline OSV data: a directory of OSV JSON files and/or OSV `all.zip` files (one per ecosystem, as
 * https://osv-vulnerabilities.storage.googleapis.com/<Ecosystem>/all.zip publishes them), or one such file.
 * Every lookup streams the files once and keeps only the records that name a queried package, so memory is
 * bounded by the matches, not by the database. Invalid records are skipped and counted.
 */
export class OsvFileSource implements VulnSource {
  readonly description: string;

  constructor(
    readonly path: string,
    label = path,
  ) {
    this.description = `OSV files in ${label}`;
  }

  async lookup(queries: readonly VulnQuery[], signal?: AbortSignal): Promise<VulnLookup> {
    const wanted = new Map<string, number[]>();
    queries.forEach((query, i) => {
      const key = packageKey(query.ecosystem, query.name);
      const list = wanted.get(key);
      if (list) list.push(i);
      else wanted.set(key, [i]);
    });
    const records: OsvRecord[][] = queries.map(() => []);
    const skipped = new SkipCounter();
    const seen = new Set<string>();
    const notes: string[] = [];
    let read = 0;
    const accept = (data: Buffer, where: string) => {
      read++;
      let json: unknown;
      try {
        json = JSON.parse(data.toString('utf8'));
      } catch {
        skipped.add('not valid JSON', where);
        return;
      }
      const result = readOsvRecord(json);
      if (!result.ok) {
        skipped.add(result.error.replace(/ [A-Z]+-[\w.:-]+ /, ' '), where);
        return;
      }
      const record = result.record;
      // One record can appear twice (a directory holding both the JSON files and the zip): keep the first.
      const identity = `${record.id}\u0000${record.modified}`;
      if (seen.has(identity)) return;
      const targets = new Set<number>();
      for (const affected of record.affected ?? []) {
        if (!affected.package) continue;
        for (const i of wanted.get(packageKey(affected.package.ecosystem, affected.package.name)) ?? []) targets.add(i);
      }
      if (targets.size === 0) return;
      seen.add(identity);
      for (const i of targets) records[i]!.push(record);
    };
    for await (const file of this.files(notes, signal)) {
      if (file.endsWith('.zip')) {
        try {
          for await (const item of readZip(file, {
            maxEntryBytes: OFFLINE_LIMITS.maxRecordBytes,
            maxEntries: OFFLINE_LIMITS.maxZipEntries,
            ...(signal ? { signal } : {}),
          })) {
            if (!item.ok) skipped.add(`zip entry ${item.reason}`, `${basename(file)}:${item.entry.name.slice(0, 200)}`);
            else if (item.entry.name.endsWith('.json')) accept(item.data, `${basename(file)}:${item.entry.name}`);
          }
        } catch (error) {
          signal?.throwIfAborted();
          throw new VulnSourceError(
            'INVALID_SOURCE',
            `${file}: not a readable zip file: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        }
        continue;
      }
      const size = (await stat(file)).size;
      if (size > OFFLINE_LIMITS.maxRecordBytes) {
        skipped.add(`file larger than ${OFFLINE_LIMITS.maxRecordBytes} bytes`, file);
        continue;
      }
      accept(await readFile(file), file);
    }
    if (read === 0) notes.push(`${this.description}: no OSV records found; nothing could be matched`);
    else notes.push(`${this.description}: read ${read} record file(s)`);
    notes.push(...skipped.notes(this.description));
    return { records, notes };
  }

  /** The .json and .zip files under the path, depth-first, sorted, symlinks not followed. */
  private async *files(notes: string[], signal?: AbortSignal): AsyncGenerator<string> {
    let info;
    try {
      info = await stat(this.path);
    } catch {
      throw new VulnSourceError(
        'INVALID_SOURCE',
        `vulnerability data ${this.path} does not exist; give a directory of OSV JSON files or OSV all.zip files, or "osv-api"`,
      );
    }
    if (info.isFile()) {
      yield this.path;
      return;
    }
    let count = 0;
    const walk = async function* (dir: string, depth: number): AsyncGenerator<string> {
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
          else yield* walk(full, depth + 1);
        } else if (++count > OFFLINE_LIMITS.maxFiles) {
          notes.push(`more than ${OFFLINE_LIMITS.maxFiles} files; the rest were not read`);
          return;
        } else yield full;
      }
    };
    yield* walk(this.path, 0);
  }
}
