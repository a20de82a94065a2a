import { createHash, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { X509Certificate, crypto as sigstoreCrypto, dsse } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import {
  PolicyError,
  VerificationError,
  Verifier,
  toSignedEntity,
  toTrustMaterial,
  type SignedEntity,
  type TrustMaterial,
} from '@sigstore/verify';
import type { KeylessIdentity } from '../../policy/types.js';
import type { Candidate } from './candidates.js';
import { SignatureError, type SignatureErrorCode } from './errors.js';
import { certificateIdentity, describeIdentity, identityMismatch, type CertificateIdentity } from './identity.js';

/** Who a policy trusts: a public key, or a keyless identity under the trusted root. */
export type Authority = { kind: 'key'; key: KeyObject; label: string } | { kind: 'keyless'; identity: KeylessIdentity };

export interface Trust {
  root: TrustedRoot;
  /** Built once per root: CAs, Rekor and CT log keys, TSAs. */
  material: TrustMaterial;
  /** Where the root came from, for messages. */
  label: string;
  /**
   * A private root from the policy (`signatures.trusted-root`). Only there may a certificate without any
   * trusted time be checked against the current time, as cosign does for bring-your-own PKI: private CAs
   * issue long-lived certificates and have no transparency log. Public-good Fulcio certificates live ten
   * minutes, so without a timestamp they never verify.
   */
  custom: boolean;
}

export interface Signer {
  kind: 'key' | 'certificate';
  /** "key .keys/cosign.pub (SHA256:…)" or "subject …, issuer …". */
  description: string;
  identity?: CertificateIdentity;
  /** Integrated time of the Rekor entry, when there is one (ISO). */
  signedAt?: string;
}

export interface VerifyOptions {
  /** Key-based signatures must also have a verified Rekor entry (cosign's default without --insecure-ignore-tlog). */
  requireTlog?: boolean;
}

export type Outcome =
  { ok: true; signer: Signer } | { ok: false; code: SignatureErrorCode; message: string; signer?: Signer };

export function trustFromJson(json: unknown, label: string, custom = false): Trust {
  let root: TrustedRoot;
  try {
    root = TrustedRoot.fromJSON(json);
  } catch (error) {
    throw new SignatureError('MALFORMED', `${label} is not a Sigstore trusted root: ${(error as Error).message}`);
  }
  if (root.certificateAuthorities.length === 0 && root.tlogs.length === 0) {
    throw new SignatureError('MALFORMED', `${label} lists no certificate authority and no transparency log`);
  }
  return { root, material: toTrustMaterial(root), label, custom };
}

/** SHA256 fingerprint of a key's SPKI, as `cosign public-key` users compare them. */
export function keyFingerprint(key: KeyObject): string {
  const der = key.export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`;
}

/**
 * Verifies a signature with Node's crypto instead of sigstore-js's, which always passes a hash name: that
 * fails for Ed25519. ECDSA signers choose the hash (cosign: SHA-256 for every curve; sigstore-go: the
 * curve's hash), so each SHA-2 size is tried; RSA is PKCS#1 v1.5 as cosign signs it.
 */
export function verifyRaw(key: KeyObject, data: Buffer, signature: Buffer): boolean {
  const attempt = (hash: string | null): boolean => {
    try {
      return cryptoVerify(hash, data, key, signature);
    } catch {
      return false;
    }
  };
  const type = key.asymmetricKeyType;
  if (type === 'ed25519' || type === 'ed448') return attempt(null);
  return ['sha256', 'sha384', 'sha512'].some(attempt);
}

/** What the signature covers: the message bytes, or the DSSE pre-authentication encoding. */
function signedBytes(candidate: Candidate): Buffer | undefined {
  const content = candidate.bundle.content;
  if (content.$case === 'dsseEnvelope') {
    return dsse.preAuthEncoding(content.dsseEnvelope.payloadType, Buffer.from(content.dsseEnvelope.payload));
  }
  return candidate.artifact;
}

function entityFor(candidate: Candidate): SignedEntity {
  let entity: SignedEntity;
  try {
    entity = toSignedEntity(candidate.bundle, candidate.artifact);
  } catch (error) {
    throw new SignatureError('MALFORMED', `${candidate.origin}: ${(error as Error).message}`);
  }
  const content = entity.signature;
  const data = signedBytes(candidate);
  return {
    ...entity,
    signature: {
      signature: content.signature,
      compareSignature: (signature) => content.compareSignature(signature),
      compareDigest: (digest) => content.compareDigest(digest),
      verifySignature: (key) => data !== undefined && verifyRaw(key, data, content.signature),
    },
  };
}

function leafCertificate(candidate: Candidate): X509Certificate | undefined {
  const material = candidate.bundle.verificationMaterial.content;
  const raw =
    material.$case === 'x509CertificateChain'
      ? material.x509CertificateChain.certificates[0]?.rawBytes
      : material.$case === 'certificate'
        ? material.certificate.rawBytes
        : undefined;
  if (raw === undefined) return undefined;
  try {
    return X509Certificate.parse(Buffer.from(raw));
  } catch (error) {
    throw new SignatureError(
      'MALFORMED',
      `${candidate.origin}: the certificate does not parse: ${(error as Error).message}`,
    );
  }
}

function integratedTime(candidate: Candidate): string | undefined {
  const seconds = Number(candidate.bundle.verificationMaterial.tlogEntries[0]?.integratedTime ?? Number.NaN);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : undefined;
}

function codeFor(error: VerificationError | PolicyError): SignatureErrorCode {
  const cause = error.cause instanceof Error ? error.cause.message : '';
  switch (error.code) {
    case 'TIMESTAMP_ERROR':
      return /expected \d+ timestamps, got 0/.test(error.message) ? 'UNTIMESTAMPED' : 'TLOG_INVALID';
    case 'CERTIFICATE_ERROR':
      return /expired|not valid/.test(`${error.message} ${cause}`) ? 'UNTIMESTAMPED' : 'CERTIFICATE_INVALID';
    case 'TLOG_ERROR':
    case 'TLOG_BODY_ERROR':
    case 'TLOG_INCLUSION_PROOF_ERROR':
    case 'TLOG_INCLUSION_PROMISE_ERROR':
    case 'TLOG_MISSING_INCLUSION_ERROR':
      return 'TLOG_INVALID';
    case 'SIGNATURE_ERROR':
      return 'SIGNATURE_INVALID';
    case 'PUBLIC_KEY_ERROR':
    case 'UNTRUSTED_SIGNER_ERROR':
      return 'UNTRUSTED_SIGNER';
    default:
      return 'SIGNATURE_INVALID';
  }
}

function failure(error: unknown): { code: SignatureErrorCode; message: string } {
  if (error instanceof SignatureError) return { code: error.code, message: error.message };
  if (error instanceof VerificationError || error instanceof PolicyError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { code: codeFor(error), message: `${error.code} ${error.message}${cause}` };
  }
  return { code: 'MALFORMED', message: (error as Error).message ?? String(error) };
}

function certificateSigner(identity: CertificateIdentity, candidate: Candidate): Signer {
  const signedAt = integratedTime(candidate);
  return {
    kind: 'certificate',
    description: describeIdentity(identity),
    identity,
    ...(signedAt ? { signedAt } : {}),
  };
}

function claimCheck(candidate: Candidate, imageDigest: string, signer: Signer): Outcome {
  if (candidate.claims.includes(imageDigest)) return { ok: true, signer };
  const claimed = candidate.claims.length === 0 ? 'no digest' : candidate.claims.slice(0, 3).join(', ');
  return {
    ok: false,
    code: 'DIGEST_MISMATCH',
    message: `${candidate.origin} is validly signed by ${signer.description}, but it signs ${claimed}, not the image ${imageDigest}`,
    signer,
  };
}

function verifyWithKey(
  candidate: Candidate,
  authority: Extract<Authority, { kind: 'key' }>,
  trust: Trust,
  digest: string,
  options: VerifyOptions,
): Outcome {
  const entity: SignedEntity = { ...entityFor(candidate), key: { $case: 'public-key', hint: 'policy' } };
  const material: TrustMaterial = {
    ...trust.material,
    publicKey: () => ({ publicKey: authority.key, validFor: () => true }),
  };
  // Key-based signatures need no transparency log (cosign --insecure-ignore-tlog, air-gapped signing), but any
  // tlog entry that is present must verify against the trusted root's Rekor keys.
  const verifier = new Verifier(material, {
    tlogThreshold: options.requireTlog ? 1 : 0,
    ctlogThreshold: 0,
    timestampThreshold: options.requireTlog ? 1 : 0,
  });
  const signedAt = integratedTime(candidate);
  const signer: Signer = {
    kind: 'key',
    description: `key ${authority.label} (${keyFingerprint(authority.key)})`,
    ...(signedAt ? { signedAt } : {}),
  };
  try {
    verifier.verify(entity);
  } catch (error) {
    const { code, message } = failure(error);
    if (code !== 'SIGNATURE_INVALID') return { ok: false, code, message: `${candidate.origin}: ${message}` };
    return keyMismatch(candidate, authority);
  }
  return claimCheck(candidate, digest, signer);
}

/** The signature does not verify with the policy key: say who did sign when the artefact tells us. */
function keyMismatch(candidate: Candidate, authority: Extract<Authority, { kind: 'key' }>): Outcome {
  const wanted = `${authority.label} (${keyFingerprint(authority.key)})`;
  const leaf = leafCertificate(candidate);
  const data = signedBytes(candidate);
  const signature = Buffer.from(
    candidate.bundle.content.$case === 'dsseEnvelope'
      ? (candidate.bundle.content.dsseEnvelope.signatures[0]?.sig ?? [])
      : candidate.bundle.content.messageSignature.signature,
  );
  if (leaf !== undefined && data !== undefined) {
    const certKey = sigstoreCrypto.createPublicKey(leaf.publicKey);
    if (verifyRaw(certKey, data, signature)) {
      const signer = certificateSigner(certificateIdentity(leaf), candidate);
      return {
        ok: false,
        code: 'UNTRUSTED_SIGNER',
        message: `${candidate.origin} is signed by the certificate of ${signer.description}, not with key ${wanted}`,
        signer,
      };
    }
    return {
      ok: false,
      code: 'SIGNATURE_INVALID',
      message: `${candidate.origin}: the signature verifies neither with key ${wanted} nor with its own certificate; the payload was altered after signing`,
    };
  }
  return {
    ok: false,
    code: 'UNTRUSTED_SIGNER',
    message: `${candidate.origin} does not verify with key ${wanted}: it was signed with another key, or altered after signing`,
  };
}

const MAX_CHAIN_LENGTH = 10;

function parseCertificates(raw: Uint8Array[]): X509Certificate[] {
  return raw.map((bytes) => X509Certificate.parse(Buffer.from(bytes)));
}

/** A path from the leaf to a certificate of one of the root's CAs, every link signed, CA-flagged and valid at `at`. */
function chainsTo(leaf: X509Certificate, intermediates: X509Certificate[], trust: Trust, at: Date): boolean {
  for (const authority of trust.material.certificateAuthorities) {
    if (at < authority.validFor.start || at > authority.validFor.end) continue;
    const pool = [...authority.certChain, ...intermediates];
    let current = leaf;
    for (let depth = 0; depth < MAX_CHAIN_LENGTH; depth++) {
      const issuer = pool.find(
        (candidate) =>
          candidate.subject.equals(current.issuer) &&
          candidate.isCA &&
          candidate.validForDate(at) &&
          current.verify(candidate),
      );
      if (issuer === undefined) break;
      if (authority.certChain.some((anchor) => anchor.equals(issuer))) return true;
      current = issuer;
    }
  }
  return false;
}

/** Bring-your-own-PKI signatures without a trusted time: chain and validity checked at `at` (now). */
function verifyPrivateChain(candidate: Candidate, leaf: X509Certificate, trust: Trust, at: Date): Outcome {
  const material = candidate.bundle.verificationMaterial.content;
  const intermediates =
    material.$case === 'x509CertificateChain'
      ? parseCertificates(material.x509CertificateChain.certificates.slice(1).map((c) => c.rawBytes))
      : [];
  if (!leaf.validForDate(at)) {
    return {
      ok: false,
      code: 'UNTIMESTAMPED',
      message: `${candidate.origin}: the certificate is not valid now (${leaf.notBefore.toISOString()} to ${leaf.notAfter.toISOString()}) and no timestamp proves an earlier signing time`,
    };
  }
  if (!chainsTo(leaf, intermediates, trust, at)) {
    return {
      ok: false,
      code: 'CERTIFICATE_INVALID',
      message: `${candidate.origin}: the certificate does not chain to a CA of ${trust.label}`,
    };
  }
  const data = signedBytes(candidate);
  const content = candidate.bundle.content;
  const signature = Buffer.from(
    content.$case === 'dsseEnvelope'
      ? (content.dsseEnvelope.signatures[0]?.sig ?? [])
      : content.messageSignature.signature,
  );
  if (data === undefined || !verifyRaw(sigstoreCrypto.createPublicKey(leaf.publicKey), data, signature)) {
    return {
      ok: false,
      code: 'SIGNATURE_INVALID',
      message: `${candidate.origin}: the signature does not verify with its certificate`,
    };
  }
  return { ok: true, signer: certificateSigner(certificateIdentity(leaf), candidate) };
}

function verifyKeyless(
  candidate: Candidate,
  authority: Extract<Authority, { kind: 'keyless' }>,
  trust: Trust,
  digest: string,
): Outcome {
  const leaf = leafCertificate(candidate);
  if (leaf === undefined) {
    return {
      ok: false,
      code: 'UNTRUSTED_SIGNER',
      message: `${candidate.origin} is signed with a bare public key, but the policy requires a keyless (certificate) signature`,
      signer: { kind: 'key', description: 'a public key with no certificate' },
    };
  }
  // Keyless needs a trusted time (Rekor entry or RFC 3161 timestamp) and an SCT; every tlog entry present must
  // verify (SET or inclusion proof, and a body that describes this signature).
  const verifier = new Verifier(trust.material, { tlogThreshold: 0, ctlogThreshold: 1, timestampThreshold: 1 });
  let identity: CertificateIdentity;
  try {
    verifier.verify(entityFor(candidate));
    identity = certificateIdentity(leaf);
  } catch (error) {
    const { code, message } = failure(error);
    const untimed =
      code === 'UNTIMESTAMPED' &&
      candidate.bundle.verificationMaterial.tlogEntries.length === 0 &&
      (candidate.bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length ?? 0) === 0;
    const fallback = trust.custom && untimed ? verifyPrivateChain(candidate, leaf, trust, new Date()) : undefined;
    if (fallback === undefined) {
      return { ok: false, code, message: `${candidate.origin} (trusted root: ${trust.label}): ${message}` };
    }
    if (!fallback.ok) return fallback;
    identity = certificateIdentity(leaf);
  }
  const signer = certificateSigner(identity, candidate);
  const mismatch = identityMismatch(identity, authority.identity);
  if (mismatch !== undefined) {
    return {
      ok: false,
      code: 'UNTRUSTED_SIGNER',
      message: `${candidate.origin} is validly signed by ${signer.description}, but ${mismatch}`,
      signer,
    };
  }
  return claimCheck(candidate, digest, signer);
}

/**
 * Verifies one signature or attestation for `digest` against one authority: signature, certificate chain,
 * SCT, tlog entries (sigstore-js), then the identity policy and the digest claim (here: sigstore-js does not
 * compare what the payload or in-toto subject names with the image).
 */
export function verifyCandidate(
  candidate: Candidate,
  authority: Authority,
  trust: Trust,
  digest: string,
  options: VerifyOptions = {},
): Outcome {
  try {
    return authority.kind === 'key'
      ? verifyWithKey(candidate, authority, trust, digest, options)
      : verifyKeyless(candidate, authority, trust, digest);
  } catch (error) {
    const { code, message } = failure(error);
    return { ok: false, code, message };
  }
}
