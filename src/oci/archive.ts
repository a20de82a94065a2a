import { createReadStream, promises as fs } from 'node:fs';
import { posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';
import { isOciError, ociError } from './errors.js';
import { normalizeEntryName, type FileStore } from './file-store.js';

/** Bounds the index of a hostile archive with millions of tiny entries. */
export const MAX_ARCHIVE_ENTRIES = 200_000;
const MAX_LINK_HOPS = 8;

interface Entry {
  size: number;
  /** Byte offset of the data in the (uncompressed) tar stream. */
  offset: number;
  /** Target of a symbolic or hard link (docker save links duplicate layer.tar files). */
  link?: string;
}

function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Reads an image archive (oci-archive, docker-archive) in place: one pass with tar-stream records each
 * entry's name, size and data offset, then files are streamed straight from the archive (a byte range of a
 * plain tar; another decompressing pass for a gzipped one). Nothing is extracted and no layer is buffered.
 */
export class TarStore implements FileStore {
  readonly description: string;
  readonly #path: string;
  readonly #gzip: boolean;
  readonly #entries: Map<string, Entry>;

  private constructor(path: string, description: string, gzip: boolean, entries: Map<string, Entry>) {
    this.#path = path;
    this.description = description;
    this.#gzip = gzip;
    this.#entries = entries;
  }

  static async open(path: string, kind: string, signal?: AbortSignal): Promise<TarStore> {
    const description = `${kind} ${path}`;
    let head: Buffer;
    try {
      const handle = await fs.open(path, 'r');
      try {
        if (!(await handle.stat()).isFile()) throw new Error('not a regular file');
        head = Buffer.alloc(2);
        await handle.read(head, 0, 2, 0);
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw ociError('NOT_FOUND', `${description} is not a readable file`, error);
    }
    const gzip = isGzip(head);
    const entries = new Map<string, Entry>();
    const extract = tar.extract();
    extract.on('entry', (header, stream, next) => {
      const name = normalizeEntryName(header.name);
      const offset = (header as { byteOffset?: number }).byteOffset ?? 0;
      if (name !== undefined && (header.type === 'file' || header.type === 'contiguous-file')) {
        entries.set(name, { size: header.size, offset });
      } else if (name !== undefined && (header.type === 'symlink' || header.type === 'link')) {
        const target = header.type === 'symlink' ? posix.join(posix.dirname(name), header.linkname) : header.linkname;
        entries.set(name, { size: 0, offset, link: target });
      }
      if (entries.size > MAX_ARCHIVE_ENTRIES) {
        next(ociError('INVALID_ARCHIVE', `${description} has more than ${MAX_ARCHIVE_ENTRIES} entries`));
        return;
      }
      stream.on('end', () => next());
      stream.resume();
    });
    try {
      const source = createReadStream(path, signal ? { signal } : {});
      await (gzip ? pipeline(source, createGunzip(), extract) : pipeline(source, extract));
    } catch (error) {
      if (isOciError(error)) throw error;
      throw ociError(
        'INVALID_ARCHIVE',
        `${description} is not a readable tar archive: ${(error as Error).message}`,
        error,
      );
    }
    return new TarStore(path, description, gzip, entries);
  }

  #lookup(name: string): Entry | undefined {
    let current = normalizeEntryName(name);
    for (let hop = 0; current !== undefined && hop <= MAX_LINK_HOPS; hop++) {
      const entry = this.#entries.get(current);
      if (entry?.link === undefined) return entry;
      current = normalizeEntryName(entry.link);
    }
    return undefined;
  }

  names(): string[] {
    return [...this.#entries.keys()];
  }

  async size(name: string): Promise<number | undefined> {
    return Promise.resolve(this.#lookup(name)?.size);
  }

  async open(name: string): Promise<NodeJS.ReadableStream> {
    const entry = this.#lookup(name);
    if (entry === undefined) throw ociError('NOT_FOUND', `${name} not found in ${this.description}`);
    if (!this.#gzip) {
      if (entry.size === 0) return Promise.resolve(new PassThrough().end());
      return Promise.resolve(createReadStream(this.#path, { start: entry.offset, end: entry.offset + entry.size - 1 }));
    }
    return Promise.resolve(this.#openCompressed(entry));
  }

  /** A gzipped tar has no random access: decompress from the start, skip to the entry, stop after it. */
  #openCompressed(entry: Entry): NodeJS.ReadableStream {
    const output = new PassThrough();
    const source = createReadStream(this.#path);
    const gunzip = createGunzip();
    let skipped = 0;
    let sent = 0;
    const stop = (): void => {
      source.destroy();
      gunzip.destroy();
    };
    gunzip.on('data', (chunk: Buffer) => {
      let part = chunk;
      if (skipped < entry.offset) {
        const skip = Math.min(entry.offset - skipped, part.length);
        skipped += skip;
        part = part.subarray(skip);
      }
      if (part.length === 0) return;
      const take = part.subarray(0, entry.size - sent);
      sent += take.length;
      if (!output.write(take)) {
        gunzip.pause();
        output.once('drain', () => gunzip.resume());
      }
      if (sent >= entry.size) {
        stop();
        output.end();
      }
    });
    const fail = (error: Error): void => {
      if (sent < entry.size) output.destroy(error);
    };
    gunzip.on('error', fail);
    source.on('error', fail);
    gunzip.on('end', () => {
      if (sent < entry.size) output.end();
    });
    output.on('close', stop);
    source.pipe(gunzip);
    return output;
  }

  async close(): Promise<void> {}
}
