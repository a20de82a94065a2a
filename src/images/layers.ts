import { createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { zstdDecompress } from './zstd.js';

/** One layer blob of an image, in layer order (base first). Input contract from src/oci/. */
export interface LayerSource {
  digest: string;
  diffId?: string;
  mediaType: string;
  size: number;
  open(): Promise<NodeJS.ReadableStream> /* compressed bytes as stored */;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** Bounds on what one image may cost us. Every value is a count or a size in bytes. */
export interface ImageLimits {
  /** Decompressed tar bytes of one layer. */
  maxLayerBytes: number;
  /** Decompressed tar bytes of all layers together, summed over both passes' first pass. */
  maxImageBytes: number;
  /** Paths kept in the in-memory index (all layers); about 500 bytes of heap each. */
  maxEntries: number;
  /** Largest zstd window (bytes) we allocate for one frame. zstd's own decoder default limit is 128 MiB. */
  maxZstdWindowBytes: number;
  /** Files remembered as deleted or overwritten by a later layer. */
  maxDeletedFiles: number;
  /** Symlinks followed while resolving one path. Linux stops at 40 (MAXSYMLINKS). */
  maxSymlinkHops: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxLayerBytes: 4 * GiB,
  maxImageBytes: 16 * GiB,
  maxEntries: 1_000_000,
  maxZstdWindowBytes: 128 * MiB,
  maxDeletedFiles: 200_000,
  maxSymlinkHops: 40,
};

export type LayerErrorCode =
  | 'LAYER_TRUNCATED'
  | 'LAYER_CORRUPT'
  | 'LAYER_TOO_LARGE'
  | 'IMAGE_TOO_LARGE'
  | 'TOO_MANY_ENTRIES'
  | 'LAYER_OPEN_FAILED'
  | 'LAYER_DIFF_ID_MISMATCH';

/** A layer could not be read to the end. The message names the layer digest and what went wrong. */
export class LayerError extends Error {
  constructor(
    readonly code: LayerErrorCode,
    readonly layer: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LayerError';
  }
}

export type Compression = 'gzip' | 'zstd' | 'none';

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/** What the media type claims. Docker and OCI spellings, incl. foreign/non-distributable layers. */
export function compressionFromMediaType(mediaType: string): Compression | undefined {
  const type = mediaType.trim().toLowerCase();
  if (type.endsWith('+gzip') || type.endsWith('.tar.gzip') || type.endsWith('tar.gz')) return 'gzip';
  if (type.endsWith('+zstd') || type.endsWith('.tar.zstd')) return 'zstd';
  if (type.endsWith('.tar') || type.endsWith('layer.v1.tar') || type === 'application/x-tar') return 'none';
  return undefined;
}

export function compressionFromMagic(head: Uint8Array): Compression | undefined {
  const starts = (magic: number[]) => magic.every((byte, i) => head[i] === byte);
  if (starts(GZIP_MAGIC)) return 'gzip';
  if (starts(ZSTD_MAGIC)) return 'zstd';
  return head.length >= 512 || head.length === 0 ? 'none' : undefined;
}

/**
 * Magic bytes win over the media type: docker-archive layers are often labelled `tar` while gzipped, and a
 * registry can lie. A disagreement is reported as a note.
 */
export function detectCompression(mediaType: string, head: Uint8Array): { compression: Compression; note?: string } {
  const claimed = compressionFromMediaType(mediaType);
  const actual = compressionFromMagic(head) ?? 'none';
  if (claimed !== undefined && claimed !== actual) {
    return {
      compression: actual,
      note: `media type ${mediaType} says ${claimed} but the content starts like ${actual}; read as ${actual}`,
    };
  }
  return { compression: actual };
}

/** Shared decompressed-byte budget of one image. */
export class ByteBudget {
  used = 0;
  constructor(readonly limit: number) {}
}

async function* chunksOf(stream: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    }
  } finally {
    (stream as { destroy?: () => void }).destroy?.();
  }
}

/** Reads until `min` bytes are buffered so the magic bytes can be checked, then replays them. */
async function peek(
  source: AsyncGenerator<Buffer>,
  min: number,
): Promise<{ head: Buffer; rest: AsyncGenerator<Buffer> }> {
  const parts: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < min) {
    const next = await source.next();
    if (next.done) {
      done = true;
      break;
    }
    parts.push(next.value);
    length += next.value.length;
  }
  const head = Buffer.concat(parts);
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      if (head.length > 0) yield head;
      if (!done) yield* source;
    } finally {
      // Stopping early must close the layer's stream (a file or an HTTP response), not leave it open.
      await source.return(undefined);
    }
  }
  return { head, rest: replay() };
}

async function* gunzip(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const inflater = createGunzip();
  const input = Readable.from(source);
  input.on('error', (error) => inflater.destroy(error));
  input.pipe(inflater);
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) yield chunk;
  } finally {
    input.destroy();
    inflater.destroy();
  }
}

async function* counted(
  source: AsyncIterable<Buffer>,
  layer: LayerSource,
  limits: ImageLimits,
  budget: ByteBudget,
  verifyDiffId: boolean,
): AsyncGenerator<Buffer> {
  let layerBytes = 0;
  const [algorithm, expected] = (layer.diffId ?? '').split(':');
  const hash =
    verifyDiffId && expected && (algorithm === 'sha256' || algorithm === 'sha512') ? createHash(algorithm) : undefined;
  for await (const chunk of source) {
    layerBytes += chunk.length;
    budget.used += chunk.length;
    if (layerBytes > limits.maxLayerBytes) {
      throw new LayerError(
        'LAYER_TOO_LARGE',
        layer.digest,
        `layer ${layer.digest} decompresses to more than ${limits.maxLayerBytes} bytes (limit); a decompression bomb or an oversized layer, not scanned further`,
      );
    }
    if (budget.used > budget.limit) {
      throw new LayerError(
        'IMAGE_TOO_LARGE',
        layer.digest,
        `image layers decompress to more than ${budget.limit} bytes in total (limit), reached in layer ${layer.digest}`,
      );
    }
    hash?.update(chunk);
    yield chunk;
  }
  if (hash) {
    const actual = hash.digest('hex');
    if (actual !== expected?.toLowerCase()) {
      throw new LayerError(
        'LAYER_DIFF_ID_MISMATCH',
        layer.digest,
        `layer ${layer.digest} decompresses to ${algorithm}:${actual}, not to the diff_id ${layer.diffId} the image config names`,
      );
    }
  }
}

export interface OpenedLayer {
  compression: Compression;
  note?: string;
  /** The decompressed tar bytes, counted against the limits. */
  tar: AsyncGenerator<Buffer>;
  /** Closes the layer's stream: stopping early must not leave a file or an HTTP response open. */
  close(): void;
}

/**
 * Opens a layer, detects its compression and returns its decompressed tar bytes as a stream. With
 * `verifyDiffId`, reading to the end checks the bytes against the layer's diff_id (when it has one).
 */
export async function openLayerTar(
  layer: LayerSource,
  limits: ImageLimits,
  budget: ByteBudget,
  verifyDiffId = false,
): Promise<OpenedLayer> {
  let raw: NodeJS.ReadableStream;
  try {
    raw = await layer.open();
  } catch (error) {
    throw new LayerError(
      'LAYER_OPEN_FAILED',
      layer.digest,
      `layer ${layer.digest} could not be opened: ${message(error)}`,
      {
        cause: error,
      },
    );
  }
  const { head, rest } = await peek(chunksOf(raw), 512);
  const { compression, note } = detectCompression(layer.mediaType, head);
  const decompressed =
    compression === 'gzip'
      ? gunzip(rest)
      : compression === 'zstd'
        ? zstdDecompress(rest, { maxWindowBytes: limits.maxZstdWindowBytes })
        : rest;
  const close = () => (raw as { destroy?: () => void }).destroy?.();
  return {
    compression,
    ...(note ? { note } : {}),
    tar: counted(decompressed, layer, limits, budget, verifyDiffId),
    close,
  };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Turns a decompression or tar error into a LayerError that names the layer. */
export function layerError(layer: string, error: unknown): LayerError {
  if (error instanceof LayerError) return error;
  const text = message(error);
  const code = (error as { code?: unknown } | null)?.code;
  const truncated =
    /unexpected end|premature|truncat|Z_BUF_ERROR/i.test(text) ||
    code === 'Z_BUF_ERROR' ||
    (code === 5 && /zstd/i.test(text));
  return truncated
    ? new LayerError('LAYER_TRUNCATED', layer, `layer ${layer} is truncated: ${text}`, { cause: error })
    : new LayerError('LAYER_CORRUPT', layer, `layer ${layer} is not a readable tar stream: ${text}`, { cause: error });
}
