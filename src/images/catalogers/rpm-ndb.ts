/**
 * Reads rpm's NDB `Packages.db` (SUSE: SLES 15, openSUSE Leap), following rpm's lib/backend/ndb/rpmpkg.c:
 * a 32-byte header ("RpmP", version 0, generation, slot page count), 4 KiB slot pages of 16-byte slots
 * ("Slot", package index, block offset, block count), and 16-byte-block blobs framed by a head ("BlbS",
 * package index, timestamp, length) and a tail (Adler-32, length, "BlbE"). Like rpm, a blob is only
 * accepted when its checksum, length and magics agree.
 */

const le32 = (text: string) => Buffer.from(text, 'latin1').readUInt32LE(0);
const DB_MAGIC = le32('RpmP');
const SLOT_MAGIC = le32('Slot');
const BLOB_HEAD_MAGIC = le32('BlbS');
const BLOB_TAIL_MAGIC = le32('BlbE');
const HEADER_SIZE = 32;
const PAGE_SIZE = 4096;
const SLOT_SIZE = 16;
const BLK_SIZE = 16;
const BLOB_HEAD = 16;
const BLOB_TAIL = 12;
/** go-rpmdb's sanity bound; 2048 slot pages hold over 500,000 packages. */
const MAX_SLOT_PAGES = 2048;

export class NdbError extends Error {
  override name = 'NdbError';
}

export function adler32(bytes: Uint8Array, start = 1): number {
  let a = start & 0xffff;
  let b = (start >>> 16) & 0xffff;
  for (let i = 0; i < bytes.length;) {
    const end = Math.min(bytes.length, i + 5552);
    for (; i < end; i++) {
      a += bytes[i] ?? 0;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

export function isNdb(bytes: Uint8Array): boolean {
  return bytes.length >= HEADER_SIZE && Buffer.from(bytes.buffer, bytes.byteOffset, 4).readUInt32LE(0) === DB_MAGIC;
}

export function readNdbValues(bytes: Uint8Array, maxBlobBytes: number): { values: Uint8Array[]; bad: number } {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isNdb(data)) throw new NdbError('not an rpm NDB database');
  if (data.readUInt32LE(4) !== 0) throw new NdbError(`unsupported NDB version ${data.readUInt32LE(4)}`);
  const slotPages = data.readUInt32LE(12);
  if (slotPages === 0 || slotPages > MAX_SLOT_PAGES || slotPages * PAGE_SIZE > data.length) {
    throw new NdbError(`NDB header announces ${slotPages} slot pages`);
  }
  const fileBlocks = Math.floor(data.length / BLK_SIZE);
  const firstBlobBlock = (slotPages * PAGE_SIZE) / BLK_SIZE;
  const values: Uint8Array[] = [];
  let bad = 0;
  for (let at = HEADER_SIZE; at < slotPages * PAGE_SIZE; at += SLOT_SIZE) {
    if (data.readUInt32LE(at) !== SLOT_MAGIC) throw new NdbError('NDB slot page is damaged (bad slot magic)');
    const blockOffset = data.readUInt32LE(at + 8);
    if (blockOffset === 0) continue;
    const index = data.readUInt32LE(at + 4);
    const blocks = data.readUInt32LE(at + 12);
    if (!index || !blocks || blockOffset < firstBlobBlock || blockOffset + blocks > fileBlocks) {
      bad++;
      continue;
    }
    const start = blockOffset * BLK_SIZE;
    const length = data.readUInt32LE(start + 12);
    const framed =
      data.readUInt32LE(start) === BLOB_HEAD_MAGIC &&
      data.readUInt32LE(start + 4) === index &&
      blocks === Math.ceil((BLOB_HEAD + length + BLOB_TAIL) / BLK_SIZE) &&
      length <= maxBlobBytes;
    if (!framed) {
      bad++;
      continue;
    }
    const tail = start + blocks * BLK_SIZE - BLOB_TAIL;
    const intact =
      data.readUInt32LE(tail) === adler32(data.subarray(start, tail)) &&
      data.readUInt32LE(tail + 4) === length &&
      data.readUInt32LE(tail + 8) === BLOB_TAIL_MAGIC;
    if (!intact) {
      bad++;
      continue;
    }
    values.push(data.subarray(start + BLOB_HEAD, start + BLOB_HEAD + length));
  }
  return { values, bad };
}
