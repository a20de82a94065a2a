import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import initSqlJs from 'sql.js/dist/sql-wasm-inline.js';

export interface RpmSpec {
  name: string;
  version: string;
  release: string;
  epoch?: number;
  arch: 'noarch' | 'x86_64';
  files: string[];
}

function hasTool(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A real rpmdb.sqlite written by rpm itself: each spec is built with rpmbuild (files created empty in the
 * buildroot) and registered with `rpm -i --justdb` in a fresh SQLite database. Undefined when rpm is missing.
 */
export function buildRealRpmdb(specs: readonly RpmSpec[]): Buffer | undefined {
  if (!hasTool('rpmbuild') || !hasTool('rpm')) return undefined;
  const work = mkdtempSync(join(tmpdir(), 'containersec-rpmdb-'));
  try {
    const db = join(work, 'db');
    const top = join(work, 'top');
    const rpmArgs = ['--dbpath', db, '--define', '_db_backend sqlite'];
    execFileSync('rpm', [...rpmArgs, '--initdb'], { stdio: 'ignore' });
    for (const spec of specs) {
      const install = spec.files
        .map((file) => `mkdir -p "%{buildroot}$(dirname '${file}')" && touch "%{buildroot}${file}"`)
        .join('\n');
      const text = [
        `Name: ${spec.name}`,
        `Version: ${spec.version}`,
        `Release: ${spec.release}`,
        ...(spec.epoch !== undefined ? [`Epoch: ${spec.epoch}`] : []),
        'Summary: containersec test package',
        'License: MIT',
        `BuildArch: ${spec.arch}`,
        '%description',
        'test package',
        '%install',
        install,
        '%files',
        ...spec.files,
        '',
      ].join('\n');
      const specPath = join(work, `${spec.name}.spec`);
      writeFileSync(specPath, text);
      execFileSync(
        'rpmbuild',
        ['--define', `_topdir ${top}`, '--define', 'debug_package %{nil}', '--target', spec.arch, '-bb', specPath],
        { stdio: 'ignore' },
      );
    }
    const rpms: string[] = [];
    for (const arch of readdirSync(join(top, 'RPMS'))) {
      for (const rpm of readdirSync(join(top, 'RPMS', arch))) rpms.push(join(top, 'RPMS', arch, rpm));
    }
    execFileSync('rpm', [...rpmArgs, '-i', '--justdb', '--nodeps', '--ignorearch', '--ignoreos', ...rpms], {
      stdio: 'ignore',
    });
    return readFileSync(join(db, 'rpmdb.sqlite'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const TYPE = { INT32: 4, STRING: 6, STRING_ARRAY: 8 } as const;
export type HeaderTag = { tag: number; type: keyof typeof TYPE; value: string | string[] | number[] };

/** Encodes an rpm header blob exactly as rpmdb stores it (il, dl, index entries, data). */
export function encodeRpmHeader(tags: readonly HeaderTag[]): Buffer {
  const data: Buffer[] = [];
  let length = 0;
  const index = Buffer.alloc(tags.length * 16);
  tags.forEach((entry, i) => {
    let bytes: Buffer;
    let count: number;
    if (entry.type === 'INT32') {
      const values = entry.value as number[];
      const pad = (4 - (length % 4)) % 4;
      if (pad) {
        data.push(Buffer.alloc(pad));
        length += pad;
      }
      bytes = Buffer.alloc(values.length * 4);
      values.forEach((v, j) => bytes.writeUInt32BE(v, j * 4));
      count = values.length;
    } else {
      const values = typeof entry.value === 'string' ? [entry.value] : (entry.value as string[]);
      bytes = Buffer.concat(values.map((v) => Buffer.from(`${v}\0`)));
      count = values.length;
    }
    index.writeInt32BE(entry.tag, i * 16);
    index.writeUInt32BE(TYPE[entry.type], i * 16 + 4);
    index.writeInt32BE(length, i * 16 + 8);
    index.writeUInt32BE(count, i * 16 + 12);
    data.push(bytes);
    length += bytes.length;
  });
  const head = Buffer.alloc(8);
  head.writeUInt32BE(tags.length, 0);
  head.writeUInt32BE(length, 4);
  return Buffer.concat([head, index, ...data]);
}

/** An rpmdb.sqlite with rpm's Packages table holding the given blobs, written by SQLite (sql.js). */
export async function sqliteRpmdb(blobs: readonly Uint8Array[]): Promise<Buffer> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)');
  for (const blob of blobs) db.run('INSERT INTO Packages (blob) VALUES (?)', [blob]);
  const bytes = Buffer.from(db.export());
  db.close();
  return bytes;
}

/** The blobs of an rpmdb.sqlite's Packages table, in hnum order. */
export async function rpmdbBlobs(sqlite: Uint8Array): Promise<Uint8Array[]> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(sqlite);
  const rows = db.exec('SELECT blob FROM Packages ORDER BY hnum')[0]?.values ?? [];
  db.close();
  return rows.map((row) => row[0] as Uint8Array);
}

/**
 * A Berkeley DB hash database written by Berkeley DB itself (`db_load` from db-util), keyed like rpm's
 * Packages (little-endian header numbers). Undefined when db_load is missing.
 */
export function buildBerkeleyRpmdb(blobs: readonly Uint8Array[], pageSize = 4096): Buffer | undefined {
  if (!hasTool('db_load') && !hasToolVersion('db_load')) return undefined;
  const work = mkdtempSync(join(tmpdir(), 'containersec-bdb-'));
  try {
    const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
    const lines = blobs.flatMap((blob, i) => {
      const key = Buffer.alloc(4);
      key.writeUInt32LE(i + 1);
      return [hex(key), hex(blob)];
    });
    writeFileSync(join(work, 'dump.txt'), `${lines.join('\n')}\n`);
    execFileSync(
      'db_load',
      ['-T', '-t', 'hash', '-c', `db_pagesize=${pageSize}`, '-f', join(work, 'dump.txt'), join(work, 'Packages')],
      {
        stdio: 'ignore',
      },
    );
    return readFileSync(join(work, 'Packages'));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function hasToolVersion(tool: string): boolean {
  try {
    execFileSync(tool, ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * An NDB Packages.db laid out as rpm's rpmpkgWriteBlob/rpmpkgWriteslot write it (lib/backend/ndb/rpmpkg.c):
 * one slot page, blobs from block 256 on, Adler-32 over head, blob and padding. rpm here lacks the NDB
 * backend, so this writer follows the C source.
 */
export function encodeNdb(blobs: readonly Uint8Array[], adler32: (bytes: Uint8Array) => number): Buffer {
  const page = Buffer.alloc(4096);
  page.write('RpmP', 0, 'latin1');
  page.writeUInt32LE(0, 4);
  page.writeUInt32LE(blobs.length + 1, 8);
  page.writeUInt32LE(1, 12);
  page.writeUInt32LE(blobs.length + 1, 16);
  for (let at = 32; at < 4096; at += 16) page.write('Slot', at, 'latin1');
  const frames: Buffer[] = [];
  let block = 4096 / 16;
  blobs.forEach((blob, i) => {
    const blocks = Math.ceil((16 + blob.length + 12) / 16);
    const frame = Buffer.alloc(blocks * 16);
    frame.write('BlbS', 0, 'latin1');
    frame.writeUInt32LE(i + 1, 4);
    frame.writeUInt32LE(1_700_000_000, 8);
    frame.writeUInt32LE(blob.length, 12);
    frame.set(blob, 16);
    const tail = frame.length - 12;
    frame.writeUInt32LE(adler32(frame.subarray(0, tail)), tail);
    frame.writeUInt32LE(blob.length, tail + 4);
    frame.write('BlbE', tail + 8, 'latin1');
    const slot = 32 + i * 16;
    page.writeUInt32LE(i + 1, slot + 4);
    page.writeUInt32LE(block, slot + 8);
    page.writeUInt32LE(blocks, slot + 12);
    frames.push(frame);
    block += blocks;
  });
  return Buffer.concat([page, ...frames]);
}
