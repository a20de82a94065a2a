/**
 * Keyless signatures made with a test Sigstore (CA, CT log, Rekor; test-pki.ts) in cosign's legacy annotation
 * format, verified through the same path as production ones: sigstore-js checks the chain, the SCT and the
 * Rekor SET; containersec checks the identity policy and the digest claim.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isBroken, legacyCandidate, type Candidate } from '../../../src/checks/signatures/candidates.js';
import { runSignatures } from '../../../src/checks/signatures/index.js';
import { trustFromJson, verifyCandidate, type Authority } from '../../../src/checks/signatures/verify.js';
import { buildImage, layoutFiles, writeFiles } from '../../support/oci-builder.js';
import { tempRepo } from '../../support/tmp.js';
import {
  cosignTag,
  makeKey,
  rekorBundleAnnotation,
  signBytes,
  signatureManifest,
  signaturesContext,
  simpleSigningPayload,
  type SignatureLayer,
} from './support.js';
import { issueLeaf, makeSigstore, pem, type LeafSpec, type TestSigstore } from './test-pki.js';

const DIGEST = 'sha256:' + 'd4'.repeat(32);
const ISSUER = 'https://token.actions.githubusercontent.com';
const SUBJECT = 'https://github.com/acme/web/.github/workflows/release.yml@refs/heads/main';
const SIGNED_AT = 1_700_000_000;
const VALID: Pick<LeafSpec, 'notBefore' | 'notAfter'> = {
  notBefore: new Date((SIGNED_AT - 120) * 1000),
  notAfter: new Date((SIGNED_AT + 480) * 1000),
};

function keylessLayer(
  sigstore: TestSigstore,
  options: { leaf?: Partial<LeafSpec>; integratedTime?: number; noSet?: boolean; digest?: string } = {},
): SignatureLayer {
  const key = makeKey('p256');
  const leaf = issueLeaf(sigstore, key, { subject: SUBJECT, issuer: ISSUER, ...VALID, ...options.leaf });
  const payload = simpleSigningPayload(options.digest ?? DIGEST, 'ghcr.io/acme/web');
  const signature = signBytes(key, payload);
  const annotations: Record<string, string> = {
    'dev.cosignproject.cosign/signature': signature.toString('base64'),
    'dev.sigstore.cosign/certificate': pem(leaf),
    'dev.sigstore.cosign/chain': pem(sigstore.root),
  };
  if (!options.noSet) {
    annotations['dev.sigstore.cosign/bundle'] = rekorBundleAnnotation(
      { key: sigstore.rekor.key, logId: sigstore.rekor.logId.toString('hex'), trustedRoot: {} },
      key,
      payload,
      signature,
      { verifierPem: pem(leaf), integratedTime: options.integratedTime ?? SIGNED_AT },
    );
  }
  return { payload, annotations };
}

function candidateOf(layer: SignatureLayer): Candidate {
  const result = legacyCandidate(
    { mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', annotations: layer.annotations },
    layer.payload,
    'tag sha256-d4.sig, layer 0',
  );
  if (result === undefined) throw new Error('not a signature layer');
  if (isBroken(result)) throw result.error;
  return result;
}

const keyless = (identity: Extract<Authority, { kind: 'keyless' }>['identity']): Authority => ({
  kind: 'keyless',
  identity,
});

describe('keyless signatures from a test Sigstore', () => {
  const sigstore = makeSigstore();
  const trust = trustFromJson(sigstore.trustedRoot, 'test root', true);

  it('verifies chain, SCT and SET, then the identity and the extensions, and says who signed', () => {
    const layer = keylessLayer(sigstore, {
      leaf: { extensions: { '1.3.6.1.4.1.57264.1.12': 'https://github.com/acme/web' } },
    });
    const outcome = verifyCandidate(
      candidateOf(layer),
      keyless({
        issuer: ISSUER,
        'subject-regexp': '^https://github\\.com/acme/web/\\.github/workflows/release\\.yml@refs/heads/main$',
        extensions: { 'source-repository-uri': 'https://github.com/acme/web' },
      }),
      trust,
      DIGEST,
    );
    expect(outcome).toMatchObject({
      ok: true,
      signer: {
        kind: 'certificate',
        description: `subject ${SUBJECT}, issuer ${ISSUER}, repository https://github.com/acme/web`,
        signedAt: '2023-11-14T22:13:20.000Z',
      },
    });
  });

  it('a valid signature from another workflow is an untrusted signer, naming the real signer', () => {
    const other = 'https://github.com/evil/fork/.github/workflows/release.yml@refs/heads/main';
    const outcome = verifyCandidate(
      candidateOf(keylessLayer(sigstore, { leaf: { subject: other } })),
      keyless({ issuer: ISSUER, subject: SUBJECT }),
      trust,
      DIGEST,
    );
    expect(outcome).toMatchObject({ ok: false, code: 'UNTRUSTED_SIGNER' });
    expect(outcome.ok ? '' : outcome.message).toContain(`validly signed by subject ${other}, issuer ${ISSUER}`);
  });

  it('an expired certificate (signed after its validity) or one without a timestamp is sig/expired-or-untimestamped', () => {
    const late = verifyCandidate(
      candidateOf(keylessLayer(sigstore, { integratedTime: SIGNED_AT + 3600 })),
      keyless({ issuer: ISSUER, subject: SUBJECT }),
      trustFromJson(sigstore.trustedRoot, 'test root'),
      DIGEST,
    );
    expect(late).toMatchObject({ ok: false, code: 'UNTIMESTAMPED' });
    const untimed = verifyCandidate(
      candidateOf(keylessLayer(sigstore, { noSet: true })),
      keyless({ issuer: ISSUER, subject: SUBJECT }),
      trustFromJson(sigstore.trustedRoot, 'test root'),
      DIGEST,
    );
    expect(untimed).toMatchObject({ ok: false, code: 'UNTIMESTAMPED' });
  });

  it('a certificate from another CA, or without an SCT, is an invalid signature', () => {
    const stranger = makeSigstore('other-fulcio');
    const foreign = verifyCandidate(
      candidateOf(keylessLayer(stranger)),
      keyless({ issuer: ISSUER, subject: SUBJECT }),
      trust,
      DIGEST,
    );
    expect(foreign).toMatchObject({ ok: false });
    expect(foreign.ok ? '' : foreign.code).toMatch(/CERTIFICATE_INVALID|TLOG_INVALID/);
    const noSct = verifyCandidate(
      candidateOf(keylessLayer(sigstore, { leaf: { withoutSct: true } })),
      keyless({ issuer: ISSUER, subject: SUBJECT }),
      trust,
      DIGEST,
    );
    expect(noSct).toMatchObject({ ok: false, code: 'CERTIFICATE_INVALID' });
    expect(noSct.ok ? '' : noSct.message).toContain('expected 1 SCTs, got 0');
  });

  it('is verified end to end by the check with the policy trusted-root, against an OCI layout', async () => {
    const image = await buildImage({ layers: [[{ path: 'a', content: 'keyless' }]] });
    const digest = image.manifest.digest;
    const sig = signatureManifest([keylessLayer(sigstore, { digest })]);
    const layoutDir = tempRepo();
    await writeFiles(
      layoutDir,
      layoutFiles(
        [
          { target: image.manifest, refName: 'v1' },
          { target: sig.manifest, refName: cosignTag(digest, 'sig') },
        ],
        [image.config, ...image.layers, ...sig.blobs],
      ),
    );
    const repo = tempRepo({ 'sigstore/trusted_root.json': JSON.stringify(sigstore.trustedRoot) });
    const run = (subject: string): ReturnType<typeof runSignatures> =>
      runSignatures(
        signaturesContext(
          repo,
          {
            require: [{ images: 'oci:/**', keyless: { issuer: ISSUER, subject } }],
            'trusted-root': 'sigstore/trusted_root.json',
          },
          { images: [`oci:${join(layoutDir)}:v1`] },
        ),
      );
    const good = await run(SUBJECT);
    expect(good.errors).toEqual([]);
    expect(good.findings).toEqual([]);
    expect(good.notes?.join('\n')).toContain(
      `signed by subject ${SUBJECT}, issuer ${ISSUER} at 2023-11-14T22:13:20.000Z`,
    );
    const bad = await run('https://github.com/acme/web/.github/workflows/other.yml@refs/heads/main');
    expect(bad.findings.map((f) => f.ruleId)).toEqual(['sig/untrusted-signer']);
    // With the embedded public-good root, the test CA is not trusted at all.
    const publicGood = await runSignatures(
      signaturesContext(
        repo,
        { require: [{ images: 'oci:/**', keyless: { issuer: ISSUER, subject: SUBJECT } }] },
        { images: [`oci:${layoutDir}:v1`] },
      ),
    );
    expect(publicGood.findings.map((f) => f.ruleId)).toEqual(['sig/invalid-signature']);
  });
});
