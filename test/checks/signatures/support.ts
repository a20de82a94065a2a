/**
 * Makes cosign signatures in cosign's exact storage formats, with keys generated here (node:crypto):
 * - legacy: a `sha256-<hex>.sig` manifest whose simple-signing layers carry the signature annotations,
 *   optionally with a Rekor SET (`dev.sigstore.cosign/bundle`) made with a test Rekor key;
 * - legacy attestations: a `.att` manifest with DSSE envelope layers;
 * - Sigstore bundle v0.3 referrers (DSSE, cosign 3 sign predicate or any in-toto predicate).
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { CheckContext } from '../../../src/core/check.js';
import { FsTree } from '../../../src/repo/fs-tree.js';
import { mergePolicy } from '../../../src/policy/merge.js';
import { defaultPolicy } from '../../../src/policy/presets.js';
import type { Policy } from '../../../src/policy/types.js';
import { blob, descriptor, jsonBlob, type Blob } from '../../support/oci-builder.js';

export type KeyKind = 'p256' | 'p384' | 'p521' | 'ed25519' | 'rsa';

export interface TestKey {
  kind: KeyKind;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicPem: string;
}

export function makeKey(kind: KeyKind = 'p256'): TestKey {
  const pair =
    kind === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : kind === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ec', {
            namedCurve: { p256: 'prime256v1', p384: 'secp384r1', p521: 'secp521r1' }[kind],
          });
  return {
    kind,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** As cosign signs: SHA-256 for ECDSA and RSA (PKCS#1 v1.5), pure Ed25519. */
export function signBytes(key: TestKey, data: Buffer): Buffer {
  return sign(key.kind === 'ed25519' ? null : 'sha256', data, key.privateKey);
}

/** The simple-signing payload cosign writes (containers/image signature format), byte for byte. */
export function simpleSigningPayload(digest: string, reference: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': reference },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
}

export interface TestRekor {
  key: TestKey;
  logId: string;
  /** A trusted_root.json holding only this log. */
  trustedRoot: Record<string, unknown>;
}

export function makeRekor(): TestRekor {
  const key = makeKey('p256');
  const der = key.publicKey.export({ type: 'spki', format: 'der' });
  const logId = createHash('sha256').update(der).digest('hex');
  return {
    key,
    logId,
    trustedRoot: {
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [
        {
          baseUrl: 'https://rekor.test.invalid',
          hashAlgorithm: 'SHA2_256',
          publicKey: {
            rawBytes: der.toString('base64'),
            keyDetails: 'PKIX_ECDSA_P256_SHA_256',
            validFor: { start: '2000-01-01T00:00:00Z' },
          },
          logId: { keyId: Buffer.from(logId, 'hex').toString('base64') },
        },
      ],
      certificateAuthorities: [],
      ctlogs: [],
      timestampAuthorities: [],
    },
  };
}

/**
 * cosign's `dev.sigstore.cosign/bundle` annotation: a hashedrekord body for the signature and a SET, Rekor's
 * signature over the canonical JSON of {body, integratedTime, logID, logIndex}.
 */
export function rekorBundleAnnotation(
  rekor: TestRekor,
  signer: TestKey,
  payload: Buffer,
  signature: Buffer,
  options: { setOverOtherBody?: boolean; verifierPem?: string; integratedTime?: number } = {},
): string {
  const body = (hash: string): string =>
    Buffer.from(
      JSON.stringify({
        apiVersion: '0.0.1',
        kind: 'hashedrekord',
        spec: {
          data: { hash: { algorithm: 'sha256', value: hash } },
          signature: {
            content: signature.toString('base64'),
            publicKey: { content: Buffer.from(options.verifierPem ?? signer.publicPem).toString('base64') },
          },
        },
      }),
    ).toString('base64');
  const realBody = body(createHash('sha256').update(payload).digest('hex'));
  const signedBody = options.setOverOtherBody ? body('0'.repeat(64)) : realBody;
  const integratedTime = options.integratedTime ?? 1_700_000_000;
  const logIndex = 42;
  const canonical = `{"body":"${signedBody}","integratedTime":${integratedTime},"logID":"${rekor.logId}","logIndex":${logIndex}}`;
  const set = sign('sha256', Buffer.from(canonical), rekor.key.privateKey).toString('base64');
  return JSON.stringify({
    SignedEntryTimestamp: set,
    Payload: { body: realBody, integratedTime, logIndex, logID: rekor.logId },
  });
}

export interface SignatureLayer {
  mediaType?: string;
  payload: Buffer;
  annotations: Record<string, string>;
}

/** A legacy simple-signing layer signed with `key`. */
export function signedLayer(
  key: TestKey,
  digest: string,
  reference: string,
  options: { rekor?: TestRekor; setOverOtherBody?: boolean; tamper?: (payload: Buffer) => Buffer } = {},
): SignatureLayer {
  const payload = simpleSigningPayload(digest, reference);
  const signature = signBytes(key, payload);
  const annotations: Record<string, string> = { 'dev.cosignproject.cosign/signature': signature.toString('base64') };
  if (options.rekor) {
    annotations['dev.sigstore.cosign/bundle'] = rekorBundleAnnotation(options.rekor, key, payload, signature, options);
  }
  return { payload: options.tamper ? options.tamper(payload) : payload, annotations };
}

/** The manifest cosign pushes as `sha256-<hex>.sig` (or `.att`): an OCI manifest, one layer per signature. */
export function signatureManifest(
  layers: SignatureLayer[],
  defaultType = 'application/vnd.dev.cosign.simplesigning.v1+json',
): {
  manifest: Blob;
  blobs: Blob[];
} {
  const layerBlobs = layers.map((layer) => blob(layer.mediaType ?? defaultType, layer.payload));
  const config = jsonBlob('application/vnd.oci.image.config.v1+json', {
    architecture: '',
    os: '',
    config: {},
    rootfs: { type: 'layers', diff_ids: layerBlobs.map((b) => b.digest) },
  });
  const manifest = jsonBlob('application/vnd.oci.image.manifest.v1+json', {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: descriptor(config),
    layers: layerBlobs.map((b, i) => descriptor(b, { annotations: layers[i]!.annotations })),
  });
  return { manifest, blobs: [config, ...layerBlobs] };
}

function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType);
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

export function inTotoStatement(digest: string, predicateType: string, predicate: unknown = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'image', digest: { sha256: digest.replace(/^sha256:/, '') } }],
      predicateType,
      predicate,
    }),
  );
}

export function dsseEnvelope(key: TestKey, statement: Buffer): Record<string, unknown> {
  const payloadType = 'application/vnd.in-toto+json';
  return {
    payloadType,
    payload: statement.toString('base64'),
    signatures: [{ keyid: '', sig: signBytes(key, pae(payloadType, statement)).toString('base64') }],
  };
}

/** A Sigstore bundle v0.3 signed with a key (publicKey hint), as `cosign sign --new-bundle-format --key`. */
export function keyBundle(key: TestKey, statement: Buffer): Buffer {
  return Buffer.from(
    JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: { publicKey: { hint: 'test-key' }, tlogEntries: [] },
      dsseEnvelope: dsseEnvelope(key, statement),
    }),
  );
}

export const EMPTY_CONFIG = blob('application/vnd.oci.empty.v1+json', Buffer.from('{}'));

/** The OCI 1.1 referrer manifest cosign 3 pushes for a bundle. */
export function bundleReferrer(
  bundleBytes: Buffer,
  subject: Blob,
  layerType = 'application/vnd.dev.sigstore.bundle.v0.3+json',
): { manifest: Blob; blobs: Blob[] } {
  const layer = blob(layerType, bundleBytes);
  const manifest = jsonBlob('application/vnd.oci.image.manifest.v1+json', {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    config: descriptor(EMPTY_CONFIG),
    layers: [descriptor(layer)],
    subject: descriptor(subject),
    annotations: { 'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1' },
  });
  return { manifest, blobs: [EMPTY_CONFIG, layer] };
}

/** The referrers tag index (`sha256-<hex>`) a client writes when the registry has no referrers API. */
export function referrersIndex(referrers: Blob[]): Blob {
  return jsonBlob('application/vnd.oci.image.index.v1+json', {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: referrers.map((r) => descriptor(r, { artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' })),
  });
}

export function cosignTag(digest: string, suffix?: 'sig' | 'att'): string {
  return `${digest.replace(':', '-')}${suffix ? `.${suffix}` : ''}`;
}

export const quietLog = { info: (): void => undefined, warn: (): void => undefined, debug: (): void => undefined };

/** A check context over a real directory, with the default policy plus a `checks.signatures` fragment. */
export function signaturesContext(
  dir: string,
  signatures: Record<string, unknown>,
  extra: Partial<Omit<CheckContext, 'tree' | 'policy'>> = {},
): CheckContext {
  const policy: Policy = mergePolicy(defaultPolicy(), { checks: { signatures } });
  return {
    tree: new FsTree(dir),
    root: dir,
    isBase: false,
    policy,
    images: [],
    env: {},
    signal: new AbortController().signal,
    log: quietLog,
    ...extra,
  };
}
