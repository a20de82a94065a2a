import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { VerifyingStream, digestOf, readVerified } from '../../src/oci/digest.js';
import { isOciError } from '../../src/oci/errors.js';

const data = Buffer.from('hello layer bytes');
const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;

function chunks(...parts: (string | Buffer)[]): Readable {
  return Readable.from(parts.map((part) => Buffer.from(part)));
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isOciError(error) ? error.code : String(error);
  }
}

describe('VerifyingStream', () => {
  it('passes bytes through when digest and size match, across chunk boundaries', async () => {
    const out = await readVerified(chunks('hello ', 'layer', ' bytes'), { digest, size: data.length });
    expect(out.equals(data)).toBe(true);
  });

  it('verifies sha512 digests', async () => {
    const sha512 = digestOf(data, 'sha512');
    expect(sha512).toMatch(/^sha512:[a-f0-9]{128}$/);
    expect((await readVerified(chunks(data), { digest: sha512 })).equals(data)).toBe(true);
  });

  it('fails with DIGEST_MISMATCH when one byte differs', async () => {
    const tampered = Buffer.from(data);
    tampered[0] = 0x48;
    expect(await codeOf(readVerified(chunks(tampered), { digest, size: data.length }))).toBe('DIGEST_MISMATCH');
  });

  it('fails with SIZE_MISMATCH when fewer bytes arrive', async () => {
    expect(await codeOf(readVerified(chunks(data.subarray(0, 5)), { digest, size: data.length }))).toBe(
      'SIZE_MISMATCH',
    );
  });

  it('fails as soon as more bytes than the descriptor size arrive, without reading the rest', async () => {
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled++;
        this.push(Buffer.alloc(1024));
      },
    });
    expect(await codeOf(readVerified(endless, { digest, size: data.length }))).toBe('SIZE_MISMATCH');
    expect(pulled).toBeLessThan(50);
  });

  it('enforces maxBytes when the size is unknown', async () => {
    expect(await codeOf(readVerified(chunks(Buffer.alloc(100)), { digest, maxBytes: 10 }))).toBe('BLOB_TOO_LARGE');
    expect(await codeOf(readVerified(chunks(Buffer.alloc(100)), { digest, maxBytes: 10, kind: 'manifest' }))).toBe(
      'MANIFEST_TOO_LARGE',
    );
  });

  it('refuses up front a descriptor size over the cap', () => {
    expect(() => new VerifyingStream({ digest, size: 100, maxBytes: 10 })).toThrow(/over the limit of 10 bytes/);
  });

  it('refuses malformed digests and sizes', () => {
    expect(() => new VerifyingStream({ digest: 'sha256:xyz' })).toThrow(/not a digest/);
    expect(() => new VerifyingStream({ digest, size: -1 })).toThrow(/invalid size/);
  });

  it('propagates a source error', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('disk on fire'));
      },
    });
    expect(await codeOf(readVerified(failing, { digest }))).toBe('Error: disk on fire');
  });

  it('names what failed in the message', async () => {
    await expect(readVerified(chunks('x'), { digest, what: 'layer 3 of ghcr.io/acme/web' })).rejects.toThrow(
      /^layer 3 of ghcr\.io\/acme\/web: content digest is sha256:[a-f0-9]{64}, expected sha256:/,
    );
  });
});
