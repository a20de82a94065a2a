import { inflateRawSync } from 'node:zlib';
import { zip64Extra, type ZipEntry } from '../../vulns/sources/zip.js';

/**
 * A bounded ZIP reader over bytes already in memory (PKWARE APPNOTE 6.3.x: end-of-central-directory record,
 * zip64 locator, central directory, local headers). src/vulns/sources/zip.ts reads zips from a file handle;
 * image files arrive as buffers, and nested jars exist only as inflated bytes, so this one works on a Buffer.
 * It never throws: a malformed archive gives `{ ok: false, reason }`, a malformed entry a `null` read.
 */

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_MIN = 22;
const MAX_COMMENT = 0xffff;

/** The same entry fields as src/vulns/sources/zip.ts, whose zip64 extra-field parser this reuses. */
export type BufferZipEntry = ZipEntry;

export type ZipDirectory = { ok: true; entries: BufferZipEntry[]; declared: number } | { ok: false; reason: string };

/** The central directory: at most `maxEntries` entries (`declared` says how many the archive claims). */
export function readZipDirectory(data: Buffer, maxEntries: number): ZipDirectory {
  if (data.length < EOCD_MIN) return { ok: false, reason: 'too short to be a zip file' };
  let at = -1;
  for (let i = data.length - EOCD_MIN; i >= Math.max(0, data.length - EOCD_MIN - MAX_COMMENT); i--) {
    if (data.readUInt32LE(i) === EOCD_SIGNATURE) {
      at = i;
      break;
    }
  }
  if (at < 0) return { ok: false, reason: 'no end-of-central-directory record: not a zip file, or truncated' };
  let declared = data.readUInt16LE(at + 10);
  let size = data.readUInt32LE(at + 12);
  let offset = data.readUInt32LE(at + 16);
  if (declared === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = at - 20;
    if (locator < 0 || data.readUInt32LE(locator) !== ZIP64_LOCATOR_SIGNATURE) {
      return { ok: false, reason: 'zip64 fields without a zip64 locator' };
    }
    const zip64 = Number(data.readBigUInt64LE(locator + 8));
    if (zip64 + 56 > data.length || data.readUInt32LE(zip64) !== ZIP64_EOCD_SIGNATURE) {
      return { ok: false, reason: 'bad zip64 end-of-central-directory record' };
    }
    declared = Number(data.readBigUInt64LE(zip64 + 32));
    size = Number(data.readBigUInt64LE(zip64 + 40));
    offset = Number(data.readBigUInt64LE(zip64 + 48));
  }
  if (offset + size > data.length)
    return { ok: false, reason: 'the central directory lies beyond the end of the file' };
  const entries: BufferZipEntry[] = [];
  let p = offset;
  const end = offset + size;
  while (entries.length < Math.min(declared, maxEntries)) {
    if (p + 46 > end || data.readUInt32LE(p) !== CENTRAL_SIGNATURE) {
      return { ok: false, reason: `bad central directory entry ${entries.length + 1}` };
    }
    const nameLength = data.readUInt16LE(p + 28);
    const extraLength = data.readUInt16LE(p + 30);
    const commentLength = data.readUInt16LE(p + 32);
    if (p + 46 + nameLength + extraLength + commentLength > end) {
      return { ok: false, reason: 'the central directory ends in the middle of an entry' };
    }
    const raw = {
      compressed: data.readUInt32LE(p + 20),
      size: data.readUInt32LE(p + 24),
      offset: data.readUInt32LE(p + 42),
    };
    const entry: BufferZipEntry = {
      flags: data.readUInt16LE(p + 8),
      method: data.readUInt16LE(p + 10),
      compressedSize: raw.compressed,
      size: raw.size,
      localOffset: raw.offset,
      name: data.toString('utf8', p + 46, p + 46 + nameLength),
    };
    zip64Extra(data.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength), entry, raw);
    entries.push(entry);
    p += 46 + nameLength + extraLength + commentLength;
  }
  return { ok: true, entries, declared };
}

/**
 * The bytes of one entry, at most `maxBytes` inflated, or the reason they cannot be had (encrypted,
 * unsupported method, too large, corrupt). `maxOutputLength` makes inflate fail instead of growing past the
 * cap, whatever the entry declares (a zip bomb lies about its size).
 */
export function readZipEntry(
  data: Buffer,
  entry: BufferZipEntry,
  maxBytes: number,
): { ok: true; data: Buffer } | { ok: false; reason: string } {
  if (entry.flags & 1) return { ok: false, reason: 'encrypted' };
  if (entry.method !== 0 && entry.method !== 8) return { ok: false, reason: `compression method ${entry.method}` };
  if (entry.size > maxBytes || entry.compressedSize > maxBytes)
    return { ok: false, reason: `larger than ${maxBytes} bytes` };
  const at = entry.localOffset;
  if (at + 30 > data.length || data.readUInt32LE(at) !== LOCAL_SIGNATURE)
    return { ok: false, reason: 'bad local header' };
  const start = at + 30 + data.readUInt16LE(at + 26) + data.readUInt16LE(at + 28);
  if (start + entry.compressedSize > data.length) return { ok: false, reason: 'entry data is truncated' };
  const compressed = data.subarray(start, start + entry.compressedSize);
  if (entry.method === 0) return { ok: true, data: compressed };
  try {
    return { ok: true, data: inflateRawSync(compressed, { maxOutputLength: maxBytes }) };
  } catch (error) {
    const reason = error instanceof RangeError ? `inflates past ${maxBytes} bytes` : 'corrupt deflate data';
    return { ok: false, reason };
  }
}
