/**
 * rpm header blobs as rpmdb stores them (rpm's `headerExport`, lib/header.c): two big-endian int32 counts
 * (index entries `il`, data bytes `dl`), `il` 16-byte index entries {tag, type, offset, count}, then `dl`
 * bytes of data. No magic in the database copy. Every length and offset is checked: the blob is hostile.
 */

export const RPMTAG = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  VENDOR: 1011,
  ARCH: 1022,
  OLDFILENAMES: 1027,
  SOURCERPM: 1044,
  DIRINDEXES: 1116,
  BASENAMES: 1117,
  DIRNAMES: 1118,
} as const;

const TYPE = { CHAR: 1, INT8: 2, INT16: 3, INT32: 4, INT64: 5, STRING: 6, BIN: 7, STRING_ARRAY: 8, I18NSTRING: 9 };

/** rpm's own caps (lib/header_internal.h): HEADER_TAGS_MAX 0xffff entries, HEADER_DATA_MAX 256 MiB. */
const MAX_ENTRIES = 0xffff;
const MAX_DATA = 0x0fffffff;
const ENTRY_BYTES = 16;

export type TagValue = string | string[] | number[];

export class RpmHeaderError extends Error {
  override name = 'RpmHeaderError';
}

export class RpmHeader {
  private constructor(private readonly values: Map<number, TagValue>) {}

  static parse(blob: Uint8Array, wanted: ReadonlySet<number>): RpmHeader {
    if (blob.length < 8) throw new RpmHeaderError('header blob is shorter than 8 bytes');
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    const il = view.getUint32(0);
    const dl = view.getUint32(4);
    if (il === 0 || il > MAX_ENTRIES) throw new RpmHeaderError(`header has ${il} index entries`);
    if (dl > MAX_DATA) throw new RpmHeaderError(`header data of ${dl} bytes is over rpm's limit`);
    const dataStart = 8 + il * ENTRY_BYTES;
    if (dataStart + dl > blob.length) throw new RpmHeaderError('header blob is shorter than its index says');
    const data = blob.subarray(dataStart, dataStart + dl);
    const values = new Map<number, TagValue>();
    for (let i = 0; i < il; i++) {
      const at = 8 + i * ENTRY_BYTES;
      const tag = view.getInt32(at);
      if (!wanted.has(tag)) continue;
      const type = view.getUint32(at + 4);
      const offset = view.getInt32(at + 8);
      const count = view.getUint32(at + 12);
      if (offset < 0 || offset >= data.length || count === 0 || count > data.length) continue;
      const value = readValue(data, type, offset, count);
      if (value !== undefined) values.set(tag, value);
    }
    return new RpmHeader(values);
  }

  string(tag: number): string | undefined {
    const value = this.values.get(tag);
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
    return undefined;
  }

  strings(tag: number): string[] {
    const value = this.values.get(tag);
    if (typeof value === 'string') return [value];
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : [];
  }

  numbers(tag: number): number[] {
    const value = this.values.get(tag);
    return Array.isArray(value) && value.every((v) => typeof v === 'number') ? value : [];
  }
}

const decoder = new TextDecoder('utf-8', { fatal: false });

function readStrings(data: Uint8Array, offset: number, count: number): string[] | undefined {
  const strings: string[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    const end = data.indexOf(0, at);
    if (end < 0) return undefined;
    strings.push(decoder.decode(data.subarray(at, end)));
    at = end + 1;
  }
  return strings;
}

function readValue(data: Uint8Array, type: number, offset: number, count: number): TagValue | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const ints = (size: number, read: (at: number) => number): number[] | undefined => {
    if (offset + size * count > data.length) return undefined;
    return Array.from({ length: count }, (_, i) => read(offset + i * size));
  };
  switch (type) {
    case TYPE.STRING:
      return readStrings(data, offset, 1)?.[0];
    case TYPE.STRING_ARRAY:
    case TYPE.I18NSTRING:
      return readStrings(data, offset, count);
    case TYPE.INT32:
      return ints(4, (at) => view.getUint32(at));
    case TYPE.INT16:
      return ints(2, (at) => view.getUint16(at));
    case TYPE.INT8:
    case TYPE.CHAR:
      return ints(1, (at) => view.getUint8(at));
    case TYPE.INT64:
      return ints(8, (at) => Number(view.getBigUint64(at)));
    default:
      return undefined;
  }
}

/** `openssl-3.0.7-27.el9.src.rpm` → name `openssl`, version `3.0.7-27.el9`. */
export function parseSourceRpm(sourceRpm: string | undefined): { name: string; version: string } | undefined {
  const base = /^(.+)\.(?:no)?src\.rpm$/.exec(sourceRpm ?? '')?.[1];
  if (!base) return undefined;
  const release = base.lastIndexOf('-');
  const version = release > 0 ? base.lastIndexOf('-', release - 1) : -1;
  if (version <= 0) return undefined;
  return { name: base.slice(0, version), version: base.slice(version + 1) };
}
