import { createHash, type Hash } from 'node:crypto';
import { createGunzip, type ZlibOptions } from 'node:zlib';
import { Readable, Transform, type Duplex, type TransformCallback, type TransformOptions } from 'node:stream';
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
  /**
   * Bytes of possibly wanted files pass 1 keeps while it streams, so that pass 2 need not read their layers
   * again. Files a later layer deletes or replaces also count until pass 2; past the cap, pass 2 reads them.
   */
  maxPrefetchBytes: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxLayerBytes: 4 * GiB,
  maxImageBytes: 16 * GiB,
  maxEntries: 1_000_000,
  maxZstdWindowBytes: 128 * MiB,
  maxDeletedFiles: 200_000,
  maxSymlinkHops: 40,
  maxPrefetchBytes: 32 * MiB,
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

/**
 * Inflate in 128 KiB output chunks (zlib's default is 16 KiB): an eighth of the thread-pool round trips. The
 * readable side may hold a few chunks so zlib keeps inflating on the pool while the tar parser runs on the
 * main thread; with the default (one chunk) the two take turns. Bounded: 4 chunks per open layer.
 */
export const INFLATE_CHUNK_BYTES = 128 * KiB;
const INFLATE_READ_AHEAD_BYTES = 4 * INFLATE_CHUNK_BYTES;

/**
 * Counts decompressed bytes against the layer and image limits (failing the stream the moment one is passed,
 * so a bomb never inflates further than one chunk past its cap) and, when asked, checks the diff_id at the end.
 */
class LayerMeter extends Transform {
  #layerBytes = 0;
  readonly #hash: Hash | undefined;
  readonly #expected: string | undefined;

  constructor(
    private readonly layer: LayerSource,
    private readonly limits: ImageLimits,
    private readonly budget: ByteBudget,
    verifyDiffId: boolean,
  ) {
    super();
    const [algorithm, expected] = (layer.diffId ?? '').split(':');
    if (verifyDiffId && expected && (algorithm === 'sha256' || algorithm === 'sha512')) {
      this.#hash = createHash(algorithm);
      this.#expected = expected.toLowerCase();
    }
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#layerBytes += chunk.length;
    this.budget.used += chunk.length;
    const { layer, limits, budget } = this;
    if (this.#layerBytes > limits.maxLayerBytes) {
      callback(
        new LayerError(
          'LAYER_TOO_LARGE',
          layer.digest,
          `layer ${layer.digest} decompresses to more than ${limits.maxLayerBytes} bytes (limit); a decompression bomb or an oversized layer, not scanned further`,
        ),
      );
      return;
    }
    if (budget.used > budget.limit) {
      callback(
        new LayerError(
          'IMAGE_TOO_LARGE',
          layer.digest,
          `image layers decompress to more than ${budget.limit} bytes in total (limit), reached in layer ${layer.digest}`,
        ),
      );
      return;
    }
    this.#hash?.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.#hash) {
      const actual = this.#hash.digest('hex');
      if (actual !== this.#expected) {
        const algorithm = (this.layer.diffId ?? '').split(':')[0] ?? '';
        callback(
          new LayerError(
            'LAYER_DIFF_ID_MISMATCH',
            this.layer.digest,
            `layer ${this.layer.digest} decompresses to ${algorithm}:${actual}, not to the diff_id ${this.layer.diffId} the image config names`,
          ),
        );
        return;
      }
    }
    callback();
  }
}

export interface OpenedLayer {
  compression: Compression;
  note?: string;
  /** The decompressed tar bytes, counted against the limits. Fails (errors) on any problem upstream. */
  tar: Readable;
  /** Closes the layer's stream and every stage after it: stopping early must not leave a file or an HTTP response open. */
  close(): void;
}

/** Stage by stage with back-pressure; an error anywhere fails the last stage with that error. */
function chain(source: Readable, stages: readonly Duplex[]): void {
  let from = source;
  for (const to of stages) {
    from.on('error', (error) => to.destroy(error));
    from.pipe(to);
    from = to;
  }
}

// zlib streams pass their options on to Transform, so the stream's own read-ahead can be set too.
const INFLATE_OPTIONS: ZlibOptions & Pick<TransformOptions, 'readableHighWaterMark'> = {
  chunkSize: INFLATE_CHUNK_BYTES,
  readableHighWaterMark: INFLATE_READ_AHEAD_BYTES,
};

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
  const meter = new LayerMeter(layer, limits, budget, verifyDiffId);
  const source =
    compression === 'zstd'
      ? Readable.from(zstdDecompress(rest, { maxWindowBytes: limits.maxZstdWindowBytes }), { objectMode: false })
      : Readable.from(rest, { objectMode: false });
  const stages: Duplex[] = compression === 'gzip' ? [createGunzip(INFLATE_OPTIONS), meter] : [meter];
  chain(source, stages);
  const close = () => {
    (raw as { destroy?: () => void }).destroy?.();
    source.destroy();
    for (const stage of stages) stage.destroy();
  };
  return { compression, ...(note ? { note } : {}), tar: meter, close };
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
