/**
 * The compact index of offline OSV data, in one binary file so a warm start reads it without parsing:
 *
 *   magic "CSOSVIX3" | u32 header length | header JSON (signature, files, counts, skip notes, store size)
 *   | u32 key count K | u32 locator count L
 *   | (K+1) × u32 key byte offsets | (K+1) × u32 first-locator index per key
 *   | key bytes (UTF-8, sorted bytewise) | L × 12-byte locators
 *
 * A locator is `f64 offset | u32 length` of one record in the record store (the validated, trimmed records
 * as JSON, written next to the index). Lookups binary-search the key bytes in place: only the queried keys
 * are decoded. Every offset is bounds-checked when the file is opened, and a file that fails any check is
 * treated as absent (the index is rebuilt), never trusted.
 */

const MAGIC = Buffer.from('CSOSVIX3');
const LOCATOR_BYTES = 12;

/** Where one record lies in the record store. */
export interface Locator {
  offset: number;
  length: number;
}

export interface IndexHeader {
  format: number;
  signature: string;
  files: string[];
  records: number;
  skipped: string[];
  /** Byte size of the record store the locators point into. */
  storeBytes: number;
  /** Ecosystem bases (lower case) that at least one record names. */
  ecosystems?: string[];
}

/** Serialises the header and the key → locators map. */
export function encodeIndex(header: IndexHeader, keys: ReadonlyMap<string, readonly Locator[]>): Buffer {
  const encoded = [...keys.entries()].map(([key, list]) => ({ bytes: Buffer.from(key, 'utf8'), list }));
  encoded.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const keyBytes = encoded.reduce((sum, k) => sum + k.bytes.length, 0);
  const locatorCount = encoded.reduce((sum, k) => sum + k.list.length, 0);
  const count = encoded.length;
  const size = MAGIC.length + 4 + headerBytes.length + 8 + (count + 1) * 8 + keyBytes + locatorCount * LOCATOR_BYTES;
  const out = Buffer.allocUnsafe(size);
  let p = MAGIC.copy(out, 0);
  p = out.writeUInt32LE(headerBytes.length, p);
  p += headerBytes.copy(out, p);
  p = out.writeUInt32LE(count, p);
  p = out.writeUInt32LE(locatorCount, p);
  let keyOffset = 0;
  let locatorIndex = 0;
  const offsetsAt = p;
  const startsAt = p + (count + 1) * 4;
  encoded.forEach((k, i) => {
    out.writeUInt32LE(keyOffset, offsetsAt + i * 4);
    out.writeUInt32LE(locatorIndex, startsAt + i * 4);
    keyOffset += k.bytes.length;
    locatorIndex += k.list.length;
  });
  out.writeUInt32LE(keyOffset, offsetsAt + count * 4);
  out.writeUInt32LE(locatorIndex, startsAt + count * 4);
  p = startsAt + (count + 1) * 4;
  for (const k of encoded) p += k.bytes.copy(out, p);
  for (const k of encoded) {
    for (const l of k.list) {
      out.writeDoubleLE(l.offset, p);
      out.writeUInt32LE(l.length, p + 8);
      p += LOCATOR_BYTES;
    }
  }
  return out;
}

/** An opened index: the header, and locators by key without decoding the other keys. */
export class CompactIndex {
  private constructor(
    readonly header: IndexHeader,
    private readonly buffer: Buffer,
    private readonly count: number,
    private readonly offsetsAt: number,
    private readonly startsAt: number,
    private readonly keysAt: number,
    private readonly locatorsAt: number,
  ) {}

  /** Undefined when the bytes are not a well-formed index (wrong magic, truncated, offsets out of range). */
  static open(buffer: Buffer): CompactIndex | undefined {
    try {
      if (buffer.length < MAGIC.length + 12 || !buffer.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
      let p = MAGIC.length;
      const headerLength = buffer.readUInt32LE(p);
      p += 4;
      if (p + headerLength + 8 > buffer.length) return undefined;
      const header = JSON.parse(buffer.toString('utf8', p, p + headerLength)) as Partial<IndexHeader>;
      if (!validHeader(header)) return undefined;
      p += headerLength;
      const count = buffer.readUInt32LE(p);
      const locators = buffer.readUInt32LE(p + 4);
      p += 8;
      const offsetsAt = p;
      const startsAt = offsetsAt + (count + 1) * 4;
      const keysAt = startsAt + (count + 1) * 4;
      if (keysAt > buffer.length) return undefined;
      const keyBytes = buffer.readUInt32LE(offsetsAt + count * 4);
      const locatorsAt = keysAt + keyBytes;
      if (locatorsAt + locators * LOCATOR_BYTES !== buffer.length) return undefined;
      if (buffer.readUInt32LE(startsAt + count * 4) !== locators) return undefined;
      for (let i = 0; i < count; i++) {
        if (buffer.readUInt32LE(offsetsAt + i * 4) > buffer.readUInt32LE(offsetsAt + (i + 1) * 4)) return undefined;
        if (buffer.readUInt32LE(startsAt + i * 4) > buffer.readUInt32LE(startsAt + (i + 1) * 4)) return undefined;
      }
      return new CompactIndex(header, buffer, count, offsetsAt, startsAt, keysAt, locatorsAt);
    } catch {
      return undefined;
    }
  }

  get keyCount(): number {
    return this.count;
  }

  /** The locators of a key (binary search over the sorted key bytes), each checked against the store size. */
  locators(key: string): Locator[] {
    const wanted = Buffer.from(key, 'utf8');
    let low = 0;
    let high = this.count - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const start = this.keysAt + this.buffer.readUInt32LE(this.offsetsAt + mid * 4);
      const end = this.keysAt + this.buffer.readUInt32LE(this.offsetsAt + (mid + 1) * 4);
      const order = Buffer.compare(this.buffer.subarray(start, end), wanted);
      if (order === 0) return this.read(mid);
      if (order < 0) low = mid + 1;
      else high = mid - 1;
    }
    return [];
  }

  private read(key: number): Locator[] {
    const first = this.buffer.readUInt32LE(this.startsAt + key * 4);
    const last = this.buffer.readUInt32LE(this.startsAt + (key + 1) * 4);
    const out: Locator[] = [];
    for (let i = first; i < last; i++) {
      const p = this.locatorsAt + i * LOCATOR_BYTES;
      const locator: Locator = { offset: this.buffer.readDoubleLE(p), length: this.buffer.readUInt32LE(p + 8) };
      if (
        Number.isSafeInteger(locator.offset) &&
        locator.offset >= 0 &&
        locator.offset + locator.length <= this.header.storeBytes
      )
        out.push(locator);
    }
    return out;
  }
}

function validHeader(header: Partial<IndexHeader>): header is IndexHeader {
  return (
    typeof header === 'object' &&
    header !== null &&
    typeof header.format === 'number' &&
    typeof header.signature === 'string' &&
    typeof header.records === 'number' &&
    typeof header.storeBytes === 'number' &&
    Array.isArray(header.files) &&
    header.files.every((f) => typeof f === 'string') &&
    Array.isArray(header.skipped) &&
    header.skipped.every((s) => typeof s === 'string')
  );
}
