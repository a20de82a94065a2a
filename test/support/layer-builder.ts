import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import type { LayerSource } from '../../src/images/layers.js';

/** One tar entry of a test layer. Paths are written exactly as given (so `../x` and `/abs` can be tested). */
export interface LayerEntry {
  path: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'fifo';
  content?: string | Buffer;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  /** Extra pax records (e.g. GNU sparse markers). */
  pax?: Record<string, string>;
}

export const file = (path: string, content: string | Buffer, mode = 0o644): LayerEntry => ({ path, content, mode });
export const dir = (path: string, mode = 0o755): LayerEntry => ({ path, type: 'directory', mode });
export const symlink = (path: string, target: string): LayerEntry => ({ path, type: 'symlink', linkname: target });
export const hardlink = (path: string, target: string): LayerEntry => ({ path, type: 'link', linkname: target });

/** `.wh.<name>` next to the hidden path. */
export function whiteout(path: string): LayerEntry {
  const slash = path.lastIndexOf('/');
  const parent = slash < 0 ? '' : `${path.slice(0, slash)}/`;
  return { path: `${parent}.wh.${path.slice(slash + 1)}`, content: '' };
}

/** `.wh..wh..opq` inside the directory. */
export const opaque = (directory: string): LayerEntry => ({ path: `${directory}/.wh..wh..opq`, content: '' });

export async function buildTar(entries: readonly LayerEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (chunk) => chunks.push(chunk as Buffer));
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const entry of entries) {
    const content = entry.content === undefined ? undefined : Buffer.from(entry.content);
    const type = entry.type ?? 'file';
    const header = {
      name: entry.path,
      type,
      mode: entry.mode ?? (type === 'directory' ? 0o755 : 0o644),
      uid: entry.uid ?? 0,
      gid: entry.gid ?? 0,
      mtime: new Date(0),
      ...(entry.linkname !== undefined ? { linkname: entry.linkname } : {}),
      ...(entry.pax ? { pax: entry.pax } : {}),
    };
    await new Promise<void>((resolve, reject) => {
      const callback = (error?: Error | null) => (error ? reject(error) : resolve());
      if (type === 'file') pack.entry(header, content ?? Buffer.alloc(0), callback);
      else pack.entry({ ...header, size: 0 }, callback);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export const gzip = (data: Buffer): Buffer => gzipSync(data);

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const MAX_BLOCK = 128 * 1024;

function blockHeader(size: number, type: 0 | 1 | 2, last: boolean): Buffer {
  const value = (size << 3) | (type << 1) | (last ? 1 : 0);
  return Buffer.from([value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff]);
}

/**
 * A valid zstd frame (RFC 8878) made of raw (stored) blocks, window 128 KiB: no encoder needed, and every
 * decoder must accept it. `rle` appends RLE blocks of one byte value: a tiny input that expands hugely.
 */
export function zstdStored(data: Buffer, rle?: { byte: number; blocks: number }): Buffer {
  const parts: Buffer[] = [ZSTD_MAGIC, Buffer.from([0x00, 7 << 3])];
  const blocks: Buffer[] = [];
  for (let offset = 0; offset < data.length || blocks.length === 0; offset += MAX_BLOCK) {
    blocks.push(data.subarray(offset, Math.min(offset + MAX_BLOCK, data.length)));
    if (data.length === 0) break;
  }
  const rleBlocks = rle?.blocks ?? 0;
  blocks.forEach((block, i) => {
    parts.push(blockHeader(block.length, 0, i === blocks.length - 1 && rleBlocks === 0), block);
  });
  for (let i = 0; i < rleBlocks; i++) {
    parts.push(blockHeader(MAX_BLOCK, 1, i === rleBlocks - 1), Buffer.from([rle?.byte ?? 0]));
  }
  return Buffer.concat(parts);
}

/** Real zstd compression through the `zstd` command, when it is installed. */
export function zstdCli(data: Buffer): Buffer | undefined {
  try {
    return execFileSync('zstd', ['-q', '-c', '-3'], { input: data, maxBuffer: 1 << 30 });
  } catch {
    return undefined;
  }
}

export const MEDIA = {
  tar: 'application/vnd.oci.image.layer.v1.tar',
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
} as const;

export function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A LayerSource over bytes in memory, handed out in small odd-sized chunks to exercise chunk boundaries. */
export function layerSource(
  bytes: Buffer,
  mediaType: string,
  chunkSize = 4093,
): LayerSource & { opens: number; closed: number } {
  const source = {
    digest: sha256(bytes),
    mediaType,
    size: bytes.length,
    opens: 0,
    /** Streams that ended or were destroyed: equals `opens` when nothing leaked. */
    closed: 0,
    open(): Promise<NodeJS.ReadableStream> {
      source.opens++;
      function* chunks() {
        for (let offset = 0; offset < bytes.length; offset += chunkSize) {
          yield bytes.subarray(offset, offset + chunkSize);
        }
      }
      const stream = Readable.from(chunks());
      stream.once('close', () => source.closed++);
      return Promise.resolve(stream);
    },
  };
  return source;
}

export async function tarLayer(entries: readonly LayerEntry[], compression: 'none' | 'gzip' | 'zstd' = 'gzip') {
  const data = await buildTar(entries);
  if (compression === 'gzip') return layerSource(gzip(data), MEDIA.gzip);
  if (compression === 'zstd') return layerSource(zstdStored(data), MEDIA.zstd);
  return layerSource(data, MEDIA.tar);
}

/** A lone ustar header announcing a regular file of `size` bytes (the data is supplied separately). */
export async function tarFileHeader(name: string, size: number): Promise<Buffer> {
  const header = Buffer.from((await buildTar([file(name, '')])).subarray(0, 512));
  header.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 12, 'ascii');
  header.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return header;
}
