import { createHash } from 'node:crypto';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { SignatureError } from './errors.js';

/** Media types and annotations cosign writes (sigstore/cosign pkg/types and pkg/oci/static). */
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';
export const BUNDLE_ARTIFACT_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const ANNOTATION = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
  rfc3161: 'dev.sigstore.cosign/rfc3161timestamp',
} as const;
/** The in-toto predicate cosign 3 signs when it stores an image signature as a bundle. */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
const SIMPLE_SIGNING_TYPE = 'cosign container image signature';
const BUNDLE_V01 = 'application/vnd.dev.sigstore.bundle+json;version=0.1';

export interface InTotoStatement {
  type: string;
  predicateType: string;
  subjects: { name?: string; sha256?: string }[];
  predicate: unknown;
}

/** One signature or attestation attached to an image, ready to verify. */
export interface Candidate {
  /** Where it came from, for messages: "tag sha256-….sig, layer 1", "referrer sha256:…". */
  origin: string;
  /** A plain image signature, or an attestation (in-toto statement) of some predicate type. */
  purpose: 'signature' | 'attestation';
  bundle: Bundle;
  /** The signed bytes of a message signature (the simple-signing payload, or the image manifest). */
  artifact?: Buffer;
  /** The image digests the signed content claims to be about. */
  claims: string[];
  statement?: InTotoStatement;
}

/** A signature artefact that could not even be parsed: it is reported, never ignored. */
export interface BrokenCandidate {
  origin: string;
  error: SignatureError;
}

export type CandidateResult = Candidate | BrokenCandidate;

export function isBroken(candidate: CandidateResult): candidate is BrokenCandidate {
  return 'error' in candidate;
}

function malformed(message: string): never {
  throw new SignatureError('MALFORMED', message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJsonObject(bytes: Buffer | string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (error) {
    malformed(`${what} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(value)) malformed(`${what} is not a JSON object`);
  return value;
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function base64(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || !BASE64.test(value.replace(/\s+/g, ''))) {
    malformed(`${what} is not base64`);
  }
  return value.replace(/\s+/g, '');
}

/** The DER certificates of a PEM bundle, base64-encoded (what the bundle's `rawBytes` hold). */
export function pemCertificates(pem: string, what: string): string[] {
  const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/g)];
  if (blocks.length === 0) malformed(`${what} holds no PEM certificate`);
  return blocks.map((block) => base64((block[1] ?? '').replace(/\s+/g, ''), what));
}

/** `critical.image.docker-manifest-digest` of a simple-signing payload (containers/image signature format). */
export function simpleSigningClaim(payload: Buffer, what: string): string {
  const document = parseJsonObject(payload, what);
  const critical = document.critical;
  if (!isRecord(critical)) malformed(`${what} has no "critical" section`);
  if (typeof critical.type !== 'string' || critical.type.toLowerCase() !== SIMPLE_SIGNING_TYPE) {
    malformed(`${what} has critical.type ${JSON.stringify(critical.type ?? null)}, not "${SIMPLE_SIGNING_TYPE}"`);
  }
  const image = critical.image;
  const digest = isRecord(image) ? image['docker-manifest-digest'] : undefined;
  if (typeof digest !== 'string' || !/^sha(256|512):[a-f0-9]+$/.test(digest)) {
    malformed(`${what} has no valid critical.image.docker-manifest-digest`);
  }
  return digest;
}

/** Parses an in-toto v0.1/v1 statement (the DSSE payload of an attestation). */
export function parseStatement(payload: Buffer, what: string): InTotoStatement {
  const document = parseJsonObject(payload, what);
  const type = document._type;
  if (typeof type !== 'string' || !type.startsWith('https://in-toto.io/Statement/')) {
    malformed(`${what} is not an in-toto statement (_type ${JSON.stringify(type ?? null)})`);
  }
  if (typeof document.predicateType !== 'string') malformed(`${what} has no predicateType`);
  if (!Array.isArray(document.subject) || document.subject.length === 0) malformed(`${what} has no subject`);
  const subjects = document.subject.slice(0, 1000).map((subject) => {
    const digest = isRecord(subject) && isRecord(subject.digest) ? subject.digest.sha256 : undefined;
    const name = isRecord(subject) ? subject.name : undefined;
    return {
      ...(typeof name === 'string' ? { name } : {}),
      ...(typeof digest === 'string' ? { sha256: digest.toLowerCase() } : {}),
    };
  });
  return { type, predicateType: document.predicateType, subjects, predicate: document.predicate };
}

function toBundle(json: Record<string, unknown>, what: string): Bundle {
  try {
    return bundleFromJSON(json);
  } catch (error) {
    malformed(`${what} is not a valid Sigstore bundle: ${(error as Error).message}`);
  }
}

/** cosign's `dev.sigstore.cosign/bundle` annotation (a Rekor SET) as a bundle tlog entry. */
function tlogEntryFromAnnotation(text: string, what: string): Record<string, unknown> {
  const annotation = parseJsonObject(text, `${what} bundle annotation`);
  const payload = annotation.Payload;
  if (!isRecord(payload)) malformed(`${what} bundle annotation has no Payload`);
  const body = base64(payload.body, `${what} Rekor body`);
  const bodyJson = parseJsonObject(Buffer.from(body, 'base64'), `${what} Rekor body`);
  const logIndex = payload.logIndex;
  const integratedTime = payload.integratedTime;
  const logID = payload.logID;
  if (typeof logIndex !== 'number' || typeof integratedTime !== 'number' || typeof logID !== 'string') {
    malformed(`${what} bundle annotation lacks logIndex, integratedTime or logID`);
  }
  if (!/^[a-f0-9]{64}$/.test(logID)) malformed(`${what} bundle annotation has a malformed logID`);
  return {
    logIndex: String(logIndex),
    logId: { keyId: Buffer.from(logID, 'hex').toString('base64') },
    kindVersion: {
      kind: typeof bodyJson.kind === 'string' ? bodyJson.kind : '',
      version: typeof bodyJson.apiVersion === 'string' ? bodyJson.apiVersion : '',
    },
    integratedTime: String(integratedTime),
    inclusionPromise: { signedEntryTimestamp: base64(annotation.SignedEntryTimestamp, `${what} SET`) },
    canonicalizedBody: body,
  };
}

function verificationMaterial(annotations: Record<string, string>, what: string): Record<string, unknown> {
  const certificate = annotations[ANNOTATION.certificate];
  const material: Record<string, unknown> = {};
  if (certificate) {
    const chain = annotations[ANNOTATION.chain];
    const certificates = [
      ...pemCertificates(certificate, `${what} certificate`).slice(0, 1),
      ...(chain ? pemCertificates(chain, `${what} chain`) : []),
    ];
    material.x509CertificateChain = { certificates: certificates.map((rawBytes) => ({ rawBytes })) };
  } else {
    material.publicKey = { hint: '' };
  }
  const set = annotations[ANNOTATION.bundle];
  material.tlogEntries = set ? [tlogEntryFromAnnotation(set, what)] : [];
  const rfc3161 = annotations[ANNOTATION.rfc3161];
  if (rfc3161) {
    const timestamp = parseJsonObject(rfc3161, `${what} RFC 3161 annotation`).SignedRFC3161Timestamp;
    material.timestampVerificationData = {
      rfc3161Timestamps: [{ signedTimestamp: base64(timestamp, `${what} RFC 3161 timestamp`) }],
    };
  }
  return material;
}

/**
 * One layer of a cosign `sha256-<hex>.sig` or `.att` manifest, converted to a v0.1 bundle the way
 * sigstore-go's OCI example does: the signature annotation becomes a message signature over the layer bytes
 * (or the layer is a DSSE envelope), the certificate and chain annotations the certificate chain, and the
 * bundle annotation (Rekor SET) one tlog entry with an inclusion promise. Returns undefined for layers that
 * are not signatures at all (cosign ignores them too).
 */
export function legacyCandidate(
  layer: { mediaType: string; annotations?: Record<string, string> },
  payload: Buffer,
  origin: string,
): CandidateResult | undefined {
  const annotations = layer.annotations ?? {};
  try {
    if (layer.mediaType === SIMPLE_SIGNING_MEDIA_TYPE) {
      const signature = base64(annotations[ANNOTATION.signature], `${origin} signature annotation`);
      const claim = simpleSigningClaim(payload, `${origin} payload`);
      const bundle = toBundle(
        {
          mediaType: BUNDLE_V01,
          verificationMaterial: verificationMaterial(annotations, origin),
          messageSignature: {
            messageDigest: {
              algorithm: 'SHA2_256',
              digest: createHash('sha256').update(payload).digest('base64'),
            },
            signature,
          },
        },
        origin,
      );
      return { origin, purpose: 'signature', bundle, artifact: payload, claims: [claim] };
    }
    if (layer.mediaType === DSSE_MEDIA_TYPE) {
      const envelope = parseJsonObject(payload, `${origin} DSSE envelope`);
      const bundle = toBundle(
        {
          mediaType: BUNDLE_V01,
          verificationMaterial: verificationMaterial(annotations, origin),
          dsseEnvelope: envelope,
        },
        origin,
      );
      return dsseCandidate(bundle, origin);
    }
  } catch (error) {
    if (error instanceof SignatureError) return { origin, error };
    throw error;
  }
  return undefined;
}

function dsseCandidate(bundle: Bundle, origin: string): Candidate {
  if (bundle.content.$case !== 'dsseEnvelope') malformed(`${origin} is not a DSSE envelope`);
  const envelope = bundle.content.dsseEnvelope;
  // Not an in-toto statement: still verified (a forged envelope must show as forged), but it claims no digest.
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) return { origin, purpose: 'signature', bundle, claims: [] };
  const statement = parseStatement(Buffer.from(envelope.payload), `${origin} in-toto statement`);
  const claims = statement.subjects.flatMap((s) => (s.sha256 ? [`sha256:${s.sha256}`] : []));
  const purpose = statement.predicateType === COSIGN_SIGN_PREDICATE ? 'signature' : 'attestation';
  return { origin, purpose, bundle, claims, statement };
}

/**
 * A Sigstore bundle stored as an OCI 1.1 referrer (cosign 3, GitHub attestations). A DSSE bundle carries an
 * in-toto statement: cosign's sign predicate is a signature, anything else an attestation. A message
 * signature bundle signs the image manifest bytes themselves.
 */
export function bundleCandidate(bytes: Buffer, origin: string, imageManifest: Buffer): CandidateResult {
  try {
    const json = parseJsonObject(bytes, `${origin} bundle`);
    if (typeof json.mediaType !== 'string' || !json.mediaType.startsWith('application/vnd.dev.sigstore.bundle')) {
      malformed(`${origin} is not a Sigstore bundle (mediaType ${JSON.stringify(json.mediaType ?? null)})`);
    }
    const bundle = toBundle(json, origin);
    if (bundle.content.$case === 'dsseEnvelope') return dsseCandidate(bundle, origin);
    const digest = Buffer.from(bundle.content.messageSignature.messageDigest?.digest ?? []).toString('hex');
    return {
      origin,
      purpose: 'signature',
      bundle,
      artifact: imageManifest,
      claims: digest.length > 0 ? [`sha256:${digest}`] : [],
    };
  } catch (error) {
    if (error instanceof SignatureError) return { origin, error };
    throw error;
  }
}
