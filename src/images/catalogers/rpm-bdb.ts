/**
 * Reads the values of rpm's Berkeley DB `Packages` file (a BDB hash database: RHEL/CentOS 5-8, Amazon Linux
 * 2, SLES 12) without Berkeley DB: the page layout is in libdb's src/dbinc/db_page.h. Every value is an rpm
 * header blob. Only reading; every page number, offset and length is checked against the file.
 */

const HASH_MAGIC = 0x061561;
const PAGE_HEADER = 26;
const PAGE_TYPE_OFFSET = 25;
const TYPE = { HASH_UNSORTED: 2, OVERFLOW: 7, HASH_META: 8, HASH: 13 } as const;
const ITEM = { KEYDATA: 1, OFFPAGE: 3 } as const;
const VALID_PAGE_SIZES = new Set([512, 1024, 2048, 4096, 8192, 16384, 32768, 65536]);

export class BerkeleyDbError extends Error {
  override name = 'BerkeleyDbError';
}

export function isBerkeleyHash(bytes: Uint8Array): boolean {
  if (bytes.length < 512) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return view.getUint32(12, true) === HASH_MAGIC || view.getUint32(12, false) === HASH_MAGIC;
}

/** Every value stored in the hash database, in page order. */
export function readBerkeleyHashValues(
  bytes: Uint8Array,
  maxValueBytes: number,
): { values: Uint8Array[]; bad: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 512) throw new BerkeleyDbError('file is too short for a Berkeley DB metadata page');
  const little = view.getUint32(12, true) === HASH_MAGIC;
  if (!little && view.getUint32(12, false) !== HASH_MAGIC) throw new BerkeleyDbError('not a Berkeley DB hash database');
  const u16 = (at: number) => view.getUint16(at, little);
  const u32 = (at: number) => view.getUint32(at, little);
  const pageSize = u32(20);
  if (!VALID_PAGE_SIZES.has(pageSize)) throw new BerkeleyDbError(`unexpected page size ${pageSize}`);
  if (bytes[24] !== 0) throw new BerkeleyDbError('encrypted Berkeley DB databases are not supported');
  if (bytes[PAGE_TYPE_OFFSET] !== TYPE.HASH_META) throw new BerkeleyDbError('page 0 is not a hash metadata page');
  const pages = Math.floor(bytes.length / pageSize);
  const lastPage = Math.min(u32(32), pages - 1);

  const values: Uint8Array[] = [];
  let bad = 0;
  const overflow = (first: number, length: number): Uint8Array | undefined => {
    if (length > maxValueBytes) return undefined;
    const out = new Uint8Array(length);
    let filled = 0;
    let page = first;
    for (let hops = 0; page !== 0 && filled < length; hops++) {
      if (page > lastPage || hops > lastPage) return undefined;
      const start = page * pageSize;
      if (bytes[start + PAGE_TYPE_OFFSET] !== TYPE.OVERFLOW) return undefined;
      const used = Math.min(u16(start + 22), pageSize - PAGE_HEADER, length - filled);
      out.set(bytes.subarray(start + PAGE_HEADER, start + PAGE_HEADER + used), filled);
      filled += used;
      page = u32(start + 16);
    }
    return filled === length ? out : undefined;
  };

  for (let page = 1; page <= lastPage; page++) {
    const start = page * pageSize;
    const type = bytes[start + PAGE_TYPE_OFFSET];
    if (type !== TYPE.HASH && type !== TYPE.HASH_UNSORTED) continue;
    const entries = u16(start + 20);
    if (PAGE_HEADER + entries * 2 > pageSize) {
      bad++;
      continue;
    }
    // Items are key/value pairs; values are the odd ones. Items fill the page from its end downwards, so an
    // item ends where the previous one starts.
    for (let i = 1; i < entries; i += 2) {
      const offset = u16(start + PAGE_HEADER + i * 2);
      const end = u16(start + PAGE_HEADER + (i - 1) * 2);
      if (offset < PAGE_HEADER || offset >= pageSize) {
        bad++;
        continue;
      }
      const itemType = bytes[start + offset];
      if (itemType === ITEM.OFFPAGE && offset + 12 <= pageSize) {
        const value = overflow(u32(start + offset + 4), u32(start + offset + 8));
        if (value) values.push(value);
        else bad++;
      } else if (itemType === ITEM.KEYDATA && end > offset && end <= pageSize) {
        values.push(bytes.slice(start + offset + 1, start + end));
      } else {
        bad++;
      }
    }
  }
  return { values, bad };
}
