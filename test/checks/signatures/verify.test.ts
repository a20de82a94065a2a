import { describe, expect, it } from 'vitest';
import { predicateMatches, provenanceMismatch } from '../../../src/checks/signatures/attestations.js';
import {
  bundleCandidate,
  isBroken,
  legacyCandidate,
  parseStatement,
  type Candidate,
} from '../../../src/checks/signatures/candidates.js';
import { identityMismatch, identityPolicyErrors } from '../../../src/checks/signatures/identity.js';
import { KeyError, parsePublicKey } from '../../../src/checks/signatures/keys.js';
import { PUBLIC_GOOD_TRUSTED_ROOT } from '../../../src/checks/signatures/public-good-root.js';
import { trustFromJson, verifyCandidate, type Authority } from '../../../src/checks/signatures/verify.js';
import {
  inTotoStatement,
  keyBundle,
  makeKey,
  makeRekor,
  signedLayer,
  simpleSigningPayload,
  type KeyKind,
  type TestKey,
} from './support.js';

const DIGEST = 'sha256:' + 'a1'.repeat(32);
const OTHER = 'sha256:' + 'b2'.repeat(32);
const REF = 'registry.test/acme/web';
const publicGood = trustFromJson(PUBLIC_GOOD_TRUSTED_ROOT, 'public-good');

const keyAuthority = (key: TestKey, label = 'cosign.pub'): Authority => ({
  kind: 'key',
  key: parsePublicKey(key.publicPem, label),
  label,
});

function candidate(layer: ReturnType<typeof signedLayer>): Candidate {
  const result = legacyCandidate(
    { mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', annotations: layer.annotations },
    layer.payload,
    'tag sha256-x.sig, layer 0',
  );
  expect(result).toBeDefined();
  if (result === undefined) throw new Error('not a signature layer');
  if (isBroken(result)) throw result.error;
  return result;
}

describe('key-based cosign signatures (legacy .sig layers)', () => {
  for (const kind of ['p256', 'p384', 'p521', 'ed25519', 'rsa'] as KeyKind[]) {
    it(`verifies a ${kind} signature and names the key`, () => {
      const key = makeKey(kind);
      const outcome = verifyCandidate(candidate(signedLayer(key, DIGEST, REF)), keyAuthority(key), publicGood, DIGEST);
      expect(outcome).toMatchObject({ ok: true, signer: { kind: 'key' } });
      expect(outcome.ok && outcome.signer.description).toMatch(/^key cosign\.pub \(SHA256:[A-Za-z0-9+/]{43}\)$/);
    });
  }

  it('a signature by another key is an untrusted signer', () => {
    const signer = makeKey();
    const outcome = verifyCandidate(
      candidate(signedLayer(signer, DIGEST, REF)),
      keyAuthority(makeKey()),
      publicGood,
      DIGEST,
    );
    expect(outcome).toMatchObject({ ok: false, code: 'UNTRUSTED_SIGNER' });
  });

  it('a payload edited after signing (digest swapped) never verifies', () => {
    const key = makeKey();
    const layer = signedLayer(key, OTHER, REF, {
      tamper: (payload) => Buffer.from(payload.toString().replace(OTHER, DIGEST)),
    });
    const outcome = verifyCandidate(candidate(layer), keyAuthority(key), publicGood, DIGEST);
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? '' : outcome.message).toContain('altered after signing');
  });

  it('a valid signature over another digest is a digest mismatch (replayed signature)', () => {
    const key = makeKey();
    const outcome = verifyCandidate(candidate(signedLayer(key, OTHER, REF)), keyAuthority(key), publicGood, DIGEST);
    expect(outcome).toMatchObject({ ok: false, code: 'DIGEST_MISMATCH' });
    expect(outcome.ok ? '' : outcome.message).toContain(`signs ${OTHER}, not the image ${DIGEST}`);
  });

  it('verifies a Rekor SET made by a trusted log, and requires one when asked', () => {
    const key = makeKey();
    const rekor = makeRekor();
    const trust = trustFromJson(rekor.trustedRoot, 'test root', true);
    const withSet = candidate(signedLayer(key, DIGEST, REF, { rekor }));
    expect(verifyCandidate(withSet, keyAuthority(key), trust, DIGEST, { requireTlog: true })).toMatchObject({
      ok: true,
      signer: { signedAt: '2023-11-14T22:13:20.000Z' },
    });
    const without = candidate(signedLayer(key, DIGEST, REF));
    expect(verifyCandidate(without, keyAuthority(key), trust, DIGEST, { requireTlog: true })).toMatchObject({
      ok: false,
      code: 'UNTIMESTAMPED',
    });
  });

  it('a SET over a different body, or from an unknown log, is an invalid signature', () => {
    const key = makeKey();
    const rekor = makeRekor();
    const trust = trustFromJson(rekor.trustedRoot, 'test root', true);
    const forged = candidate(signedLayer(key, DIGEST, REF, { rekor, setOverOtherBody: true }));
    expect(verifyCandidate(forged, keyAuthority(key), trust, DIGEST)).toMatchObject({
      ok: false,
      code: 'TLOG_INVALID',
    });
    const unknownLog = candidate(signedLayer(key, DIGEST, REF, { rekor }));
    expect(verifyCandidate(unknownLog, keyAuthority(key), publicGood, DIGEST)).toMatchObject({
      ok: false,
      code: 'TLOG_INVALID',
    });
  });

  it('a key-signed artefact never satisfies a keyless requirement', () => {
    const key = makeKey();
    const outcome = verifyCandidate(
      candidate(signedLayer(key, DIGEST, REF)),
      { kind: 'keyless', identity: { issuer: 'https://token.actions.githubusercontent.com', subject: 'x' } },
      publicGood,
      DIGEST,
    );
    expect(outcome).toMatchObject({ ok: false, code: 'UNTRUSTED_SIGNER' });
  });
});

describe('parsing signature artefacts', () => {
  it('ignores layers that are not signatures, as cosign does', () => {
    expect(legacyCandidate({ mediaType: 'text/plain', annotations: {} }, Buffer.from('x'), 'o')).toBeUndefined();
  });

  it('reports malformed signature layers precisely', () => {
    const type = 'application/vnd.dev.cosign.simplesigning.v1+json';
    const cases: [Record<string, string>, Buffer, string][] = [
      [{}, simpleSigningPayload(DIGEST, REF), 'signature annotation is not base64'],
      [{ 'dev.cosignproject.cosign/signature': 'AAAA' }, Buffer.from('{'), 'is not valid JSON'],
      [{ 'dev.cosignproject.cosign/signature': 'AAAA' }, Buffer.from('{"critical":{"type":"other"}}'), 'critical.type'],
      [
        { 'dev.cosignproject.cosign/signature': 'AAAA', 'dev.sigstore.cosign/bundle': '{"Payload":{}}' },
        simpleSigningPayload(DIGEST, REF),
        'not base64',
      ],
      [
        { 'dev.cosignproject.cosign/signature': 'AAAA', 'dev.sigstore.cosign/certificate': 'nope' },
        simpleSigningPayload(DIGEST, REF),
        'holds no PEM certificate',
      ],
    ];
    for (const [annotations, payload, message] of cases) {
      const result = legacyCandidate({ mediaType: type, annotations }, payload, 'layer');
      expect(result && isBroken(result) ? `${result.error.code} ${result.error.message}` : 'parsed').toContain(message);
    }
  });

  it('a referrer whose blob is not a Sigstore bundle is malformed, not ignored', () => {
    const result = bundleCandidate(Buffer.from('{"hello":"world"}'), 'referrer sha256:x', Buffer.alloc(0));
    expect(isBroken(result) && result.error.code).toBe('MALFORMED');
    const garbage = bundleCandidate(Buffer.from([0xff, 0x00]), 'referrer sha256:y', Buffer.alloc(0));
    expect(isBroken(garbage)).toBe(true);
  });

  it('a key-signed DSSE bundle with the cosign sign predicate is a signature of its subject', () => {
    const key = makeKey('p384');
    const result = bundleCandidate(
      keyBundle(key, inTotoStatement(DIGEST, 'https://sigstore.dev/cosign/sign/v1')),
      'referrer sha256:z',
      Buffer.alloc(0),
    );
    if (isBroken(result)) throw result.error;
    expect(result.purpose).toBe('signature');
    expect(verifyCandidate(result, keyAuthority(key), publicGood, DIGEST)).toMatchObject({ ok: true });
    expect(verifyCandidate(result, keyAuthority(key), publicGood, OTHER)).toMatchObject({
      ok: false,
      code: 'DIGEST_MISMATCH',
    });
  });

  it('parses in-toto statements and refuses what is not one', () => {
    expect(parseStatement(inTotoStatement(DIGEST, 'https://slsa.dev/provenance/v1'), 's').subjects).toEqual([
      { name: 'image', sha256: DIGEST.slice(7) },
    ]);
    expect(() => parseStatement(Buffer.from('{"_type":"x"}'), 's')).toThrow(/not an in-toto statement/);
    expect(() =>
      parseStatement(Buffer.from('{"_type":"https://in-toto.io/Statement/v1","predicateType":"p","subject":[]}'), 's'),
    ).toThrow(/no subject/);
  });
});

describe('policy keys', () => {
  it('refuses private keys, weak RSA and unsupported curves with a clear message', () => {
    const pair = makeKey();
    const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => parsePublicKey(privatePem, 'cosign.key')).toThrow(/PRIVATE key: remove it/);
    expect(() => parsePublicKey('not a key', 'k')).toThrow(KeyError);
    expect(() => parsePublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', 'k')).toThrow(
      /not a valid public key/,
    );
  });
});

describe('keyless identity policy', () => {
  const identity = {
    subject: 'https://github.com/acme/web/.github/workflows/release.yml@refs/heads/main',
    issuer: 'https://token.actions.githubusercontent.com',
    extensions: {
      '1.3.6.1.4.1.57264.1.12': 'https://github.com/acme/web',
      '1.3.6.1.4.1.57264.1.14': 'refs/heads/main',
    },
  };

  it('matches issuer exactly, subject exactly or by regexp, and pinned extensions by name or OID', () => {
    expect(identityMismatch(identity, { issuer: identity.issuer, subject: identity.subject })).toBeUndefined();
    expect(
      identityMismatch(identity, {
        issuer: identity.issuer,
        'subject-regexp': '^https://github\\.com/acme/',
        extensions: {
          'source-repository-uri': 'https://github.com/acme/web',
          '1.3.6.1.4.1.57264.1.14': 'refs/heads/main',
        },
      }),
    ).toBeUndefined();
    expect(identityMismatch(identity, { issuer: `${identity.issuer}/`, subject: identity.subject })).toMatch(
      /issuer is/,
    );
    expect(identityMismatch(identity, { 'issuer-regexp': '^https://accounts', subject: identity.subject })).toMatch(
      /does not match/,
    );
    expect(
      identityMismatch(identity, {
        issuer: identity.issuer,
        subject: identity.subject,
        extensions: { 'source-repository-ref': 'refs/heads/dev' },
      }),
    ).toContain('source-repository-ref (1.3.6.1.4.1.57264.1.14) is "refs/heads/main"');
  });

  it('refuses identity policies that would accept anyone', () => {
    expect(identityPolicyErrors({ subject: 'x' })).toEqual([expect.stringContaining('needs `issuer`')]);
    expect(identityPolicyErrors({ issuer: 'x' })).toEqual([expect.stringContaining('needs `subject`')]);
    expect(identityPolicyErrors({ issuer: 'x', 'subject-regexp': '(' })[0]).toContain('not a valid regular expression');
    expect(identityPolicyErrors({ issuer: 'x', subject: 'y', extensions: { 'no-such': 'z' } })[0]).toContain(
      'unknown extension "no-such"',
    );
  });
});

describe('attestation predicates and provenance pins', () => {
  it('maps cosign --type names to predicate types', () => {
    expect(predicateMatches('slsaprovenance1', 'https://slsa.dev/provenance/v1')).toBe(true);
    expect(predicateMatches('slsaprovenance1', 'https://slsa.dev/provenance/v0.2')).toBe(false);
    expect(predicateMatches('slsa-provenance', 'https://slsa.dev/provenance/v0.2')).toBe(true);
    expect(predicateMatches('spdx', 'https://spdx.dev/Document/v2.3')).toBe(true);
    expect(predicateMatches('cyclonedx', 'https://cyclonedx.org/bom')).toBe(true);
    expect(predicateMatches('https://example.com/p', 'https://example.com/p')).toBe(true);
  });

  it('checks builder id, repository and ref of SLSA v1 (GitHub) and v0.2 provenance', () => {
    const v1 = parseStatement(
      inTotoStatement(DIGEST, 'https://slsa.dev/provenance/v1', {
        buildDefinition: {
          externalParameters: { workflow: { repository: 'https://github.com/acme/web', ref: 'refs/heads/main' } },
        },
        runDetails: { builder: { id: 'https://github.com/actions/runner/github-hosted' } },
      }),
      's',
    );
    expect(
      provenanceMismatch(v1, {
        'builder-id': 'https://github.com/actions/runner/github-hosted',
        'source-repository': 'https://github.com/acme/web',
        'source-ref': 'refs/heads/main',
      }),
    ).toBeUndefined();
    expect(provenanceMismatch(v1, { 'source-ref': 'refs/tags/v1' })).toContain('source ref is "refs/heads/main"');
    const v02 = parseStatement(
      inTotoStatement(DIGEST, 'https://slsa.dev/provenance/v0.2', {
        builder: { id: 'https://builder.example' },
        invocation: { configSource: { uri: 'git+https://github.com/acme/web@refs/heads/main' } },
      }),
      's',
    );
    expect(
      provenanceMismatch(v02, { 'source-repository': 'https://github.com/acme/web', 'source-ref': 'refs/heads/main' }),
    ).toBeUndefined();
    expect(provenanceMismatch(v02, { 'builder-id': 'https://other' })).toContain(
      'builder id is "https://builder.example"',
    );
  });
});
