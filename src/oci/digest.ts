import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ociError } from './errors.js';
import { validateDigest } from './reference.js';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
/** Largest manifest or index we accept. The distribution registry itself refuses manifests over 4 MiB. */
export const MAX_MANIFEST_BYTES = 4 * MiB;
/** Largest image config we accept (JSON: env, labels, history). Real ones are a few KiB. */
export const MAX_CONFIG_BYTES = 8 * MiB;
/** Largest single layer blob we will stream. */
export const MAX_LAYER_BYTES = 32 * GiB;

export interface ExpectedContent {
  digest: string;
  /** Exact byte count from the descriptor, when known. */
  size?: number;
  /** Refuse more than this many bytes even when size is unknown. */
  maxBytes?: number;
  /** What the bytes are, for error messages: "blob sha256:… of ghcr.io/acme/web". */
  what?: string;
  /** Manifests and blobs have separate size-limit codes. */
  kind?: 'manifest' | 'blob';
}

export function digestOf(data: Uint8Array, algorithm: 'sha256' | 'sha512' = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

/**
 * A pass-through stream that hashes bytes as they flow and fails the stream (instead of ending it) when the
 * digest or the byte count differs from the descriptor. Too many bytes fail as soon as they arrive, so a
 * hostile source cannot make us read past the declared size. Consumers therefore only trust data from a
 * stream that ended without error.
 */
export class VerifyingStream extends Transform {
  readonly #expected: ExpectedContent;
  readonly #hash;
  readonly #limit: number;
  #bytes = 0;

  constructor(expected: ExpectedContent) {
    super();
    const algorithm = validateDigest(expected.digest);
    if (expected.size !== undefined && (!Number.isSafeInteger(expected.size) || expected.size < 0)) {
      throw ociError('INVALID_MANIFEST', `${describe(expected)} has an invalid size ${String(expected.size)}`);
    }
    if (expected.size !== undefined && expected.maxBytes !== undefined && expected.size > expected.maxBytes) {
      throw tooLarge(expected, expected.size);
    }
    this.#expected = expected;
    this.#hash = createHash(algorithm);
    this.#limit = expected.size ?? expected.maxBytes ?? Number.POSITIVE_INFINITY;
  }

  get bytes(): number {
    return this.#bytes;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#bytes += chunk.length;
    if (this.#bytes > this.#limit) {
      callback(
        this.#expected.size === undefined
          ? tooLarge(this.#expected, this.#bytes)
          : sizeMismatch(this.#expected, `more than ${this.#expected.size} bytes`),
      );
      return;
    }
    this.#hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const expected = this.#expected;
    if (expected.size !== undefined && this.#bytes !== expected.size) {
      callback(sizeMismatch(expected, `${this.#bytes} bytes`));
      return;
    }
    const actual = `${expected.digest.split(':')[0]}:${this.#hash.digest('hex')}`;
    if (actual !== expected.digest) {
      callback(
        ociError(
          'DIGEST_MISMATCH',
          `${describe(expected)}: content digest is ${actual}, expected ${expected.digest}; the content was altered or corrupted, refusing to use it`,
        ),
      );
      return;
    }
    callback();
  }
}

function describe(expected: ExpectedContent): string {
  return expected.what ?? `blob ${expected.digest}`;
}

function tooLarge(expected: ExpectedContent, bytes: number): Error {
  return ociError(
    expected.kind === 'manifest' ? 'MANIFEST_TOO_LARGE' : 'BLOB_TOO_LARGE',
    `${describe(expected)} is ${bytes} bytes or more, over the limit of ${expected.maxBytes} bytes`,
  );
}

function sizeMismatch(expected: ExpectedContent, got: string): Error {
  return ociError(
    'SIZE_MISMATCH',
    `${describe(expected)}: descriptor size is ${expected.size} bytes but the source sent ${got}; refusing to use it`,
  );
}

/** Reads a whole (small) stream into memory through a VerifyingStream. */
export async function readVerified(source: NodeJS.ReadableStream, expected: ExpectedContent): Promise<Buffer> {
  const verifier = new VerifyingStream(expected);
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    verifier.on('data', (chunk: Buffer) => chunks.push(chunk));
    verifier.on('end', resolve);
    verifier.on('error', reject);
    source.on('error', (error: Error) => verifier.destroy(error));
  });
  source.pipe(verifier);
  try {
    await done;
  } finally {
    if (!verifier.writableFinished) destroySource(source);
  }
  return Buffer.concat(chunks);
}

/** Pipes `source` through a VerifyingStream; errors of the source surface on the returned stream. */
export function verifyStream(source: NodeJS.ReadableStream, expected: ExpectedContent): VerifyingStream {
  const verifier = new VerifyingStream(expected);
  source.on('error', (error: Error) => verifier.destroy(error));
  verifier.on('close', () => {
    if (!verifier.writableFinished) destroySource(source);
  });
  source.pipe(verifier);
  return verifier;
}

function destroySource(source: NodeJS.ReadableStream): void {
  const destroy = (source as { destroy?: () => void }).destroy;
  if (typeof destroy === 'function') destroy.call(source);
}
