import { open, type FileHandle } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';

/**
 * A reader for the OSV `all.zip` files (PKWARE APPNOTE 6.3.x): central directory first, then each entry's
 * bytes read from its local header, one at a time. Nothing is extracted to disk and the archive is never
 * loaded whole, so a multi-gigabyte zip costs one entry's bytes of memory. Zip64 is supported (the npm and
 * PyPI archives have more than 65,535 entries).
 */

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_MIN = 22;
const MAX_COMMENT = 0xffff;
const CENTRAL_CHUNK = 1024 * 1024;
/** Entries are read through a read-ahead window: OSV archives hold hundreds of thousands of small records. */
const READ_AHEAD = 4 * 1024 * 1024;
/** Local extra fields longer than this (rare) cost a second read. */
const LOCAL_EXTRA_GUESS = 64;

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

export type ZipEntryResult =
  | {
      ok: true;
      entry: ZipEntry;
      data: Buffer;
      /** Where the entry's (compressed) bytes start in the file. */ dataOffset: number;
    }
  | { ok: false; entry: ZipEntry; reason: string };

export interface ZipReadOptions {
  /** Entries whose declared or actual uncompressed size is larger are skipped with a reason. */
  maxEntryBytes: number;
  /** Stop after this many entries (a zip with millions of tiny entries). */
  maxEntries: number;
  signal?: AbortSignal;
}

export class ZipFormatError extends Error {}

/** A name that could escape an extraction directory: absolute, drive letter, backslash or `..` segment. */
export function isUnsafeZipName(name: string): boolean {
  if (name.startsWith('/') || name.includes('\\') || /^[A-Za-z]:/.test(name) || name.includes('\0')) return true;
  return name.split('/').some((part) => part === '..');
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
}

interface Directory {
  offset: number;
  size: number;
  entries: number;
}

async function findDirectory(handle: FileHandle, fileSize: number): Promise<Directory> {
  const tailLength = Math.min(fileSize, EOCD_MIN + MAX_COMMENT);
  const tailStart = fileSize - tailLength;
  const tail = await readAt(handle, tailStart, tailLength);
  let at = -1;
  for (let i = tail.length - EOCD_MIN; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipFormatError('no end-of-central-directory record: not a zip file, or truncated');
  let entries = tail.readUInt16LE(at + 10);
  let size = tail.readUInt32LE(at + 12);
  let offset = tail.readUInt32LE(at + 16);
  if (entries === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locatorAt = tailStart + at - 20;
    const locator = locatorAt >= 0 ? await readAt(handle, locatorAt, 20) : Buffer.alloc(0);
    if (locator.length < 20 || locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIGNATURE)
      throw new ZipFormatError('zip64 fields without a zip64 end-of-central-directory locator');
    const zip64At = Number(locator.readBigUInt64LE(8));
    const zip64 = await readAt(handle, zip64At, 56);
    if (zip64.length < 56 || zip64.readUInt32LE(0) !== ZIP64_EOCD_SIGNATURE)
      throw new ZipFormatError('bad zip64 end-of-central-directory record');
    entries = Number(zip64.readBigUInt64LE(32));
    size = Number(zip64.readBigUInt64LE(40));
    offset = Number(zip64.readBigUInt64LE(48));
  }
  if (offset + size > fileSize) throw new ZipFormatError('the central directory lies beyond the end of the file');
  return { offset, size, entries };
}

/** Fills the 64-bit sizes and offset from a zip64 extra field where the 32-bit ones are 0xffffffff. */
export function zip64Extra(
  extra: Buffer,
  entry: ZipEntry,
  raw: { size: number; compressed: number; offset: number },
): void {
  for (let i = 0; i + 4 <= extra.length;) {
    const id = extra.readUInt16LE(i);
    const length = extra.readUInt16LE(i + 2);
    if (id === 0x0001) {
      let p = i + 4;
      const next = (): number | undefined => {
        if (p + 8 > i + 4 + length || p + 8 > extra.length) return undefined;
        const value = Number(extra.readBigUInt64LE(p));
        p += 8;
        return value;
      };
      if (raw.size === 0xffffffff) entry.size = next() ?? entry.size;
      if (raw.compressed === 0xffffffff) entry.compressedSize = next() ?? entry.compressedSize;
      if (raw.offset === 0xffffffff) entry.localOffset = next() ?? entry.localOffset;
      return;
    }
    i += 4 + length;
  }
}

/** The central directory entries, read in bounded chunks. */
async function* centralEntries(handle: FileHandle, directory: Directory, max: number): AsyncGenerator<ZipEntry> {
  let position = directory.offset;
  const end = directory.offset + directory.size;
  let buffer: Buffer = Buffer.alloc(0);
  let count = 0;
  while (count < Math.min(directory.entries, max)) {
    if (
      buffer.length < 46 ||
      buffer.length < 46 + buffer.readUInt16LE(28) + buffer.readUInt16LE(30) + buffer.readUInt16LE(32)
    ) {
      if (position >= end) throw new ZipFormatError('the central directory ends in the middle of an entry');
      const chunk = await readAt(handle, position, Math.min(CENTRAL_CHUNK, end - position));
      if (chunk.length === 0) throw new ZipFormatError('the central directory is truncated');
      position += chunk.length;
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      continue;
    }
    if (buffer.readUInt32LE(0) !== CENTRAL_SIGNATURE) throw new ZipFormatError('bad central directory entry signature');
    const nameLength = buffer.readUInt16LE(28);
    const extraLength = buffer.readUInt16LE(30);
    const commentLength = buffer.readUInt16LE(32);
    const raw = { compressed: buffer.readUInt32LE(20), size: buffer.readUInt32LE(24), offset: buffer.readUInt32LE(42) };
    const entry: ZipEntry = {
      flags: buffer.readUInt16LE(8),
      method: buffer.readUInt16LE(10),
      compressedSize: raw.compressed,
      size: raw.size,
      localOffset: raw.offset,
      name: buffer.toString('utf8', 46, 46 + nameLength),
    };
    zip64Extra(buffer.subarray(46 + nameLength, 46 + nameLength + extraLength), entry, raw);
    buffer = buffer.subarray(46 + nameLength + extraLength + commentLength);
    count++;
    yield entry;
  }
}

/** Reads file ranges through one buffered window, so entries stored in order cost one read per window. */
export class RangeReader {
  private start = 0;
  private buffer: Buffer = Buffer.alloc(0);

  constructor(
    private readonly handle: FileHandle,
    private readonly window = READ_AHEAD,
  ) {}

  /** Loads exactly [position, position + length) into the window (coalescing many nearby entry reads). */
  async load(position: number, length: number): Promise<void> {
    this.buffer = await readAt(this.handle, position, length);
    this.start = position;
  }

  covers(position: number, length: number): boolean {
    return position >= this.start && position + length <= this.start + this.buffer.length;
  }

  async read(position: number, length: number): Promise<Buffer> {
    const end = position + length;
    if (position >= this.start && end <= this.start + this.buffer.length) {
      return this.buffer.subarray(position - this.start, end - this.start);
    }
    if (length > this.window) return readAt(this.handle, position, length);
    this.buffer = await readAt(this.handle, position, this.window);
    this.start = position;
    return this.buffer.subarray(0, Math.min(length, this.buffer.length));
  }
}

/**
 * The bytes of one entry (inflated, at most `maxBytes`), read at its local header. Entries are small
 * (one OSV record each), so they are inflated synchronously: a thread-pool round trip per record costs more
 * than the inflation itself.
 */
export async function entryData(source: FileHandle | RangeReader, entry: ZipEntry, maxBytes: number): Promise<Buffer> {
  return (await readEntry(source, entry, maxBytes)).data;
}

/** Inflates (or copies) an entry's compressed bytes, at most `maxBytes` out. */
export function inflateEntry(compressed: Buffer, method: number, maxBytes: number): Buffer {
  if (method === 0) return Buffer.from(compressed);
  // maxOutputLength makes inflate fail instead of growing past the cap (a zip bomb entry).
  return inflateRawSync(compressed, { maxOutputLength: maxBytes });
}

async function readEntry(
  source: FileHandle | RangeReader,
  entry: ZipEntry,
  maxBytes: number,
): Promise<{ data: Buffer; dataOffset: number }> {
  const reader = source instanceof RangeReader ? source : new RangeReader(source, 0);
  const guess = 30 + entry.name.length * 3 + LOCAL_EXTRA_GUESS + entry.compressedSize;
  let chunk = await reader.read(entry.localOffset, guess);
  if (chunk.length < 30 || chunk.readUInt32LE(0) !== LOCAL_SIGNATURE) throw new Error('bad local header');
  const dataStart = 30 + chunk.readUInt16LE(26) + chunk.readUInt16LE(28);
  if (dataStart + entry.compressedSize > chunk.length) {
    chunk = await reader.read(entry.localOffset, dataStart + entry.compressedSize);
  }
  const compressed = chunk.subarray(dataStart, dataStart + entry.compressedSize);
  if (compressed.length !== entry.compressedSize) throw new Error('entry data is truncated');
  return { data: inflateEntry(compressed, entry.method, maxBytes), dataOffset: entry.localOffset + dataStart };
}

/**
 * Every entry of a zip, in central-directory order, with its bytes or the reason it was skipped: unsafe
 * name, encrypted, unsupported method, too large, corrupt. Directory entries are not yielded.
 */
export async function* readZip(path: string, options: ZipReadOptions): AsyncGenerator<ZipEntryResult> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const directory = await findDirectory(handle, size);
    const reader = new RangeReader(handle);
    for await (const entry of centralEntries(handle, directory, options.maxEntries)) {
      options.signal?.throwIfAborted();
      if (entry.name.endsWith('/')) continue;
      if (isUnsafeZipName(entry.name)) {
        yield { ok: false, entry, reason: 'unsafe entry name (absolute path or ".." segment)' };
        continue;
      }
      if (entry.flags & 1) {
        yield { ok: false, entry, reason: 'encrypted entry' };
        continue;
      }
      if (entry.method !== 0 && entry.method !== 8) {
        yield { ok: false, entry, reason: `unsupported compression method ${entry.method}` };
        continue;
      }
      if (entry.size > options.maxEntryBytes || entry.compressedSize > options.maxEntryBytes) {
        yield { ok: false, entry, reason: `larger than ${options.maxEntryBytes} bytes` };
        continue;
      }
      try {
        const { data, dataOffset } = await readEntry(reader, entry, options.maxEntryBytes);
        yield { ok: true, entry, data, dataOffset };
      } catch (error) {
        yield { ok: false, entry, reason: `unreadable: ${error instanceof Error ? error.message : String(error)}` };
      }
    }
    if (directory.entries > options.maxEntries) {
      yield {
        ok: false,
        entry: { name: '(rest of archive)', method: 0, flags: 0, compressedSize: 0, size: 0, localOffset: 0 },
        reason: `the archive has ${directory.entries} entries; only the first ${options.maxEntries} were read`,
      };
    }
  } finally {
    await handle.close();
  }
}

/**
 * Checks that a file is a readable zip: an end-of-central-directory record, a central directory inside
 * the file, and (when it lists entries) a first entry with a valid header. Throws ZipFormatError. A
 * download cut short loses the end record, so this is what catches truncation.
 */
export async function verifyZip(path: string): Promise<{ entries: number }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size < EOCD_MIN) throw new ZipFormatError(`${size} bytes: too short to be a zip file`);
    const directory = await findDirectory(handle, size);
    if (directory.entries > 0) {
      const first = await readAt(handle, directory.offset, 4);
      if (first.length < 4 || first.readUInt32LE(0) !== CENTRAL_SIGNATURE)
        throw new ZipFormatError('bad central directory entry signature');
    }
    return { entries: directory.entries };
  } finally {
    await handle.close();
  }
}
