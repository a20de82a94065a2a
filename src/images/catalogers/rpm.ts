import initSqlJs from 'sql.js/dist/sql-wasm-inline.js';
import type { SqlJsStatic } from 'sql.js';
import type { FileContent } from '../filesystem.js';
import { RPMTAG, RpmHeader, parseSourceRpm } from './rpm-header.js';
import { readBerkeleyHashValues } from './rpm-bdb.js';
import { readNdbValues } from './rpm-ndb.js';
import { cleanValue, purl, type Cataloger, type CatalogContext, type ImagePackage } from './types.js';
import { dedupe } from './dpkg.js';

/**
 * rpm's SQLite database (rpm >= 4.16: Fedora 33+, RHEL/Rocky/Alma 9, openSUSE). It is read with sql.js, the
 * SQLite engine compiled to WebAssembly, from the bytes in memory: no native addon, nothing on disk, and
 * the inline-WASM build bundles into dist/ as plain JavaScript.
 */
export const RPMDB_SQLITE = ['var/lib/rpm/rpmdb.sqlite', 'usr/lib/sysimage/rpm/rpmdb.sqlite'];
/** The Berkeley DB hash database of older releases (RHEL/CentOS <= 8, Amazon Linux 2). */
export const RPMDB_BERKELEY = ['var/lib/rpm/Packages', 'usr/lib/sysimage/rpm/Packages'];
/** rpm's NDB format (SUSE). */
export const RPMDB_NDB = ['var/lib/rpm/Packages.db', 'usr/lib/sysimage/rpm/Packages.db'];
/**
 * CBL-Mariner / Azure Linux distroless images carry no rpm database, only this manifest written at image
 * build time (`rpm -qa --qf` with tab-separated NAME, VERSION-RELEASE, INSTALLTIME, BUILDTIME, VENDOR, EPOCH,
 * SIZE, ARCH, EPOCHNUM, SOURCERPM). Syft reads it.
 */
export const RPM_MANIFEST = 'var/lib/rpmmanifest/container-manifest-2';
const MAX_MANIFEST_LINES = 100_000;

const MAX_RPMDB_BYTES = 256 * 1024 * 1024;
/** rpm's HEADER_DATA_MAX plus index: no header blob is larger. */
const MAX_HEADER_BYTES = 256 * 1024 * 1024;
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const WANTED_TAGS = new Set<number>(Object.values(RPMTAG));

let sqlite: Promise<SqlJsStatic> | undefined;
const loadSqlite = () => (sqlite ??= initSqlJs());

export interface RpmRecord {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  arch?: string;
  sourceRpm?: string;
  vendor?: string;
  files: string[];
}

export function recordFromHeader(header: RpmHeader): RpmRecord | undefined {
  const name = header.string(RPMTAG.NAME);
  const version = header.string(RPMTAG.VERSION);
  const release = header.string(RPMTAG.RELEASE);
  if (!name || !version || !release) return undefined;
  const epoch = header.numbers(RPMTAG.EPOCH)[0];
  const basenames = header.strings(RPMTAG.BASENAMES);
  const dirnames = header.strings(RPMTAG.DIRNAMES);
  const dirindexes = header.numbers(RPMTAG.DIRINDEXES);
  const files =
    basenames.length > 0
      ? basenames.map((base, i) => `${dirnames[dirindexes[i] ?? -1] ?? ''}${base}`)
      : header.strings(RPMTAG.OLDFILENAMES);
  const arch = header.string(RPMTAG.ARCH);
  const sourceRpm = header.string(RPMTAG.SOURCERPM);
  const vendor = header.string(RPMTAG.VENDOR);
  return {
    name: cleanValue(name),
    version: cleanValue(version),
    release: cleanValue(release),
    ...(epoch !== undefined ? { epoch } : {}),
    ...(arch ? { arch: cleanValue(arch) } : {}),
    ...(sourceRpm ? { sourceRpm: cleanValue(sourceRpm) } : {}),
    ...(vendor ? { vendor: cleanValue(vendor) } : {}),
    files,
  };
}

function recordsFromBlobs(blobs: Iterable<unknown>): { records: RpmRecord[]; bad: number } {
  const records: RpmRecord[] = [];
  let bad = 0;
  for (const blob of blobs) {
    if (!(blob instanceof Uint8Array)) {
      bad++;
      continue;
    }
    try {
      const record = recordFromHeader(RpmHeader.parse(blob, WANTED_TAGS));
      if (record) records.push(record);
      else bad++;
    } catch {
      bad++;
    }
  }
  return { records, bad };
}

/** Reads every header of an NDB `Packages.db` file. Throws on a file that is not one. */
export function readRpmdbNdb(bytes: Uint8Array): { records: RpmRecord[]; bad: number } {
  const { values, bad } = readNdbValues(bytes, MAX_HEADER_BYTES);
  const parsed = recordsFromBlobs(values);
  return { records: parsed.records, bad: parsed.bad + bad };
}

/** Reads every header of a Berkeley DB `Packages` file. Throws on a file that is not one. */
export function readRpmdbBerkeley(bytes: Uint8Array): { records: RpmRecord[]; bad: number } {
  const { values, bad } = readBerkeleyHashValues(bytes, MAX_HEADER_BYTES);
  const parsed = recordsFromBlobs(values);
  return { records: parsed.records, bad: parsed.bad + bad };
}

/** Reads every header of an rpmdb.sqlite file. Throws on a file that is not a readable rpm database. */
export async function readRpmdbSqlite(bytes: Uint8Array): Promise<{ records: RpmRecord[]; bad: number }> {
  if (!Buffer.from(bytes.subarray(0, 16)).equals(SQLITE_MAGIC)) throw new Error('not an SQLite database');
  const SQL = await loadSqlite();
  const db = new SQL.Database(bytes);
  try {
    const blobs: unknown[] = [];
    const statement = db.prepare('SELECT blob FROM Packages');
    try {
      while (statement.step()) blobs.push(statement.get()[0]);
    } finally {
      statement.free();
    }
    return recordsFromBlobs(blobs);
  } finally {
    db.close();
  }
}

/** One record per well-formed manifest line; `(none)` is rpm's empty epoch. */
export function parseRpmManifest(text: string): { records: RpmRecord[]; bad: number } {
  const records: RpmRecord[] = [];
  let bad = 0;
  for (const line of text.split(/\r?\n/).slice(0, MAX_MANIFEST_LINES)) {
    if (line.trim() === '') continue;
    const fields = line.split('\t');
    const [name = '', versionRelease = '', , , vendor = '', epochField = '', , arch = ''] = fields;
    const sourceRpm = fields[9] ?? '';
    const dash = versionRelease.lastIndexOf('-');
    const epoch = /^\d{1,9}$/.test(epochField.trim()) ? Number(epochField.trim()) : undefined;
    const record: RpmRecord = {
      name: cleanValue(name),
      version: cleanValue(dash > 0 ? versionRelease.slice(0, dash) : ''),
      release: cleanValue(dash > 0 ? versionRelease.slice(dash + 1) : ''),
      ...(epoch !== undefined ? { epoch } : {}),
      ...(cleanValue(arch) ? { arch: cleanValue(arch) } : {}),
      ...(cleanValue(sourceRpm) ? { sourceRpm: cleanValue(sourceRpm) } : {}),
      ...(cleanValue(vendor) ? { vendor: cleanValue(vendor) } : {}),
      files: [],
    };
    const validEpoch = epoch !== undefined || epochField.trim() === '(none)';
    if (fields.length < 10 || !record.name || !record.version || !record.release || !validEpoch) bad++;
    else records.push(record);
  }
  return { records, bad };
}

export function evr(record: Pick<RpmRecord, 'epoch' | 'version' | 'release'>): string {
  const base = `${record.version}-${record.release}`;
  return record.epoch ? `${record.epoch}:${base}` : base;
}

function packagesOf(records: readonly RpmRecord[], file: FileContent, context: CatalogContext): ImagePackage[] {
  const os = context.os;
  const namespace = os?.id === 'rhel' ? 'redhat' : (os?.id ?? 'rpm');
  return records
    .filter((record) => record.name !== 'gpg-pubkey')
    .map((record) => {
      const source = parseSourceRpm(record.sourceRpm);
      const version = evr(record);
      return {
        ecosystem: os?.ecosystem ?? '',
        name: record.name,
        version,
        purl: purl('rpm', namespace, record.name, `${record.version}-${record.release}`, {
          arch: record.arch,
          epoch: record.epoch ? String(record.epoch) : undefined,
          distro: os?.distro,
          upstream: record.sourceRpm,
        }),
        sourceName: source?.name ?? record.name,
        sourceVersion: source ? (record.epoch ? `${record.epoch}:${source.version}` : source.version) : version,
        ...(record.arch ? { arch: record.arch } : {}),
        path: file.path,
        layer: file.layerDigest,
        cataloger: 'rpm',
      };
    });
}

export const rpmCataloger: Cataloger = {
  name: 'rpm',
  stage: 'os',
  paths: [...RPMDB_SQLITE, ...RPMDB_NDB, ...RPMDB_BERKELEY, RPM_MANIFEST],
  maxFileBytes: MAX_RPMDB_BYTES,
  async catalog(files, context) {
    const packages: ImagePackage[] = [];
    const owned: string[] = [];
    const seen = new Set<string>();
    // rpm reads one backend: SQLite, else NDB, else Berkeley DB. Others beside it are stale leftovers.
    const kind = (path: string) => (path.endsWith('rpmdb.sqlite') ? 'sqlite' : path.endsWith('.db') ? 'ndb' : 'bdb');
    const rank = { sqlite: 0, ndb: 1, bdb: 2 } as const;
    const databases = files.filter((file) => file.path !== RPM_MANIFEST);
    const best = Math.min(...databases.map((file) => rank[kind(file.path)]));
    for (const file of files.filter((f) => f.path === RPM_MANIFEST)) {
      if (file.truncated) {
        context.note(
          `rpm: /${file.path} is larger than the read limit; only its first ${file.data.length} bytes were read`,
        );
      }
      const { records, bad } = parseRpmManifest(file.data.toString('utf8'));
      if (bad > 0) context.note(`rpm: ${bad} malformed lines in /${file.path} skipped`);
      packages.push(...packagesOf(records, file, context));
    }
    for (const file of databases) {
      const key = `${file.layerDigest}:${file.resolvedPath ?? file.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const format = kind(file.path);
      const sqliteFile = format === 'sqlite';
      if (rank[format] > best) {
        context.note(`rpm: /${file.path} ignored: the image also has a newer-format rpm database, which rpm uses`);
        continue;
      }
      if (file.truncated) {
        context.note(`rpm: /${file.path} is larger than ${MAX_RPMDB_BYTES} bytes; rpm packages not catalogued`);
        continue;
      }
      const wal = sqliteFile ? context.stat(`${file.path}-wal`) : undefined;
      if (wal && wal.size > 0) {
        context.note(
          `rpm: /${file.path}-wal is not empty; changes not yet checkpointed into the database are not read`,
        );
      }
      try {
        const { records, bad } = sqliteFile
          ? await readRpmdbSqlite(file.data)
          : format === 'ndb'
            ? readRpmdbNdb(file.data)
            : readRpmdbBerkeley(file.data);
        if (bad > 0) context.note(`rpm: ${bad} unreadable package headers in /${file.path} skipped`);
        for (const record of records) owned.push(...record.files);
        packages.push(...packagesOf(records, file, context));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        context.note(`rpm: /${file.path} is not a readable rpm database (${reason}); rpm packages not catalogued`);
      }
    }
    return { packages: dedupe(packages), ownedFiles: owned };
  },
};
