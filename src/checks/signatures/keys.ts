import { createPublicKey, type KeyObject } from 'node:crypto';
import type { FileTree } from '../../core/tree.js';

/** A public key PEM is well under 4 KiB (RSA 4096: about 800 bytes). */
export const MAX_KEY_BYTES = 64 * 1024;
const CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);
const MIN_RSA_BITS = 2048;

export class KeyError extends Error {}

/** The public key a policy names: a repository file (path from the repo root) or an inline PEM. */
export async function loadPolicyKey(spec: string, tree: FileTree): Promise<{ key: KeyObject; label: string }> {
  const inline = spec.includes('-----BEGIN');
  let pem: string;
  const label = inline ? 'inline key' : spec;
  if (inline) {
    pem = spec;
  } else {
    const path = spec.replace(/^\.\//, '');
    if (path.startsWith('/') || path.split('/').includes('..')) {
      throw new KeyError(`key ${spec}: give a path inside the repository, relative to its root`);
    }
    const bytes = await tree.read(path, MAX_KEY_BYTES);
    if (bytes === undefined) {
      throw new KeyError(`key ${spec} was not found in the repository (or is larger than ${MAX_KEY_BYTES} bytes)`);
    }
    pem = bytes.toString('utf8');
  }
  return { key: parsePublicKey(pem, label), label };
}

/** Parses a PEM public key and accepts only what cosign signs with: ECDSA P-256/384/521, Ed25519, RSA ≥ 2048. */
export function parsePublicKey(pem: string, label: string): KeyObject {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    throw new KeyError(
      `${label} is a PRIVATE key: remove it from the repository now, rotate it, and commit only the public key (cosign.pub)`,
    );
  }
  const block = /-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY)-----[\s\S]+?-----END \1-----/.exec(pem);
  if (!block) throw new KeyError(`${label} holds no PEM public key (-----BEGIN PUBLIC KEY-----)`);
  let key: KeyObject;
  try {
    key = createPublicKey(block[0]);
  } catch (error) {
    throw new KeyError(`${label} is not a valid public key: ${(error as Error).message}`);
  }
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'ec' && details.namedCurve !== undefined && CURVES.has(details.namedCurve)) return key;
  if (type === 'ed25519') return key;
  if (type === 'rsa' && (details.modulusLength ?? 0) >= MIN_RSA_BITS) return key;
  const what =
    type === 'ec' ? `an EC key on ${details.namedCurve ?? 'an unknown curve'}` : `a ${type ?? 'unknown'} key`;
  throw new KeyError(
    `${label} is ${what}${type === 'rsa' ? ` of ${details.modulusLength ?? 0} bits` : ''}; supported: ECDSA P-256/P-384/P-521, Ed25519, RSA ≥ ${MIN_RSA_BITS} bits`,
  );
}
