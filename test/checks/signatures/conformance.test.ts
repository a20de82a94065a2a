/**
 * Conformance: the real cosign and Sigstore artefacts in ../shared/fixtures/signatures must verify exactly as
 * its expected.json says, through the same code path the check uses (legacy layer → bundle conversion,
 * bundle parsing, sigstore-js verification, identity policy, digest claim).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  bundleCandidate,
  isBroken,
  legacyCandidate,
  type Candidate,
} from '../../../src/checks/signatures/candidates.js';
import { PUBLIC_GOOD_TRUSTED_ROOT } from '../../../src/checks/signatures/public-good-root.js';
import { trustFromJson, verifyCandidate, type Authority, type Trust } from '../../../src/checks/signatures/verify.js';
import type { KeylessIdentity } from '../../../src/policy/types.js';

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURES = resolve(here, '../../../../shared/fixtures/signatures');
const present = existsSync(join(FIXTURES, 'expected.json'));
if (!present) console.warn('conformance suite skipped: ../shared/fixtures not found');

interface Check {
  key?: string;
  requireTlog?: boolean;
  identity?: string;
  identityRegExp?: string;
  issuer?: string;
  oids?: Record<string, string>;
  trustedRoot?: string;
  caRoots?: string;
  caIntermediates?: string;
  expect: 'pass' | 'fail';
}
interface Expected {
  trustedRoots: { publicGood: string };
  cosignLegacy: { case: string; imageDigest: string; checks: Check[] }[];
  bundles: { case: string; bundle: string; subjectDigest?: string; predicateType?: string; checks: Check[] }[];
}

const read = (path: string): Buffer => readFileSync(join(FIXTURES, path));
const expected: Expected | undefined = present ? (JSON.parse(read('expected.json').toString()) as Expected) : undefined;

function publicGood(): Trust {
  return trustFromJson(PUBLIC_GOOD_TRUSTED_ROOT, 'embedded public-good');
}

/** A private CA as a trusted root (what `signatures.trusted-root` would hold for bring-your-own PKI). */
function privateRoot(roots: string, intermediates: string): Trust {
  const der = (pem: string): string[] =>
    [...pem.matchAll(/-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/g)].map((m) =>
      (m[1] ?? '').replace(/\s+/g, ''),
    );
  const chain = [...der(read(intermediates).toString()), ...der(read(roots).toString())];
  const json = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    ctlogs: [],
    timestampAuthorities: [],
    certificateAuthorities: [
      {
        subject: { organization: 'Linuxera', commonName: 'private' },
        uri: 'https://ca.example',
        certChain: { certificates: chain.map((rawBytes) => ({ rawBytes })) },
        validFor: { start: '2000-01-01T00:00:00Z' },
      },
    ],
  };
  return trustFromJson(json, 'private CA', true);
}

function trustFor(check: Check, base: string): Trust {
  if (check.caRoots) return privateRoot(`${base}/${check.caRoots}`, `${base}/${check.caIntermediates}`);
  if (check.trustedRoot && check.trustedRoot !== 'publicGood') {
    return trustFromJson(JSON.parse(read(check.trustedRoot).toString()), check.trustedRoot);
  }
  return publicGood();
}

function authorityFor(check: Check, base: string): Authority {
  if (check.key) return { kind: 'key', key: createPublicKey(read(`${base}/${check.key}`)), label: check.key };
  const identity: KeylessIdentity = check.issuer ? { issuer: check.issuer } : { 'issuer-regexp': '.*' };
  if (check.identity) identity.subject = check.identity;
  if (check.identityRegExp) identity['subject-regexp'] = check.identityRegExp;
  if (check.oids) identity.extensions = check.oids;
  return { kind: 'keyless', identity };
}

describe.skipIf(!present)('conformance: cosign legacy signatures (../shared/fixtures)', () => {
  for (const fixture of expected?.cosignLegacy ?? []) {
    for (const [i, check] of fixture.checks.entries()) {
      it(`${fixture.case} #${i}: ${check.expect}`, () => {
        const dir = `cosign-legacy/${fixture.case}`;
        const layer = JSON.parse(read(`${dir}/layer.annotations.json`).toString()) as {
          mediaType: string;
          annotations: Record<string, string>;
        };
        const candidate = legacyCandidate(layer, read(`${dir}/layer.payload`), fixture.case);
        if (check.expect === 'pass') {
          expect(candidate).toBeDefined();
          expect(isBroken(candidate!)).toBe(false);
        }
        if (candidate === undefined) {
          // Not a signature layer (text/plain): cosign ignores it, so the image counts as unsigned.
          expect(layer.mediaType).not.toBe('application/vnd.dev.cosign.simplesigning.v1+json');
          return;
        }
        if (isBroken(candidate)) return;
        const outcome = verifyCandidate(
          candidate,
          authorityFor(check, 'cosign-legacy'),
          trustFor(check, 'cosign-legacy'),
          fixture.imageDigest,
          { requireTlog: check.requireTlog ?? false },
        );
        expect(outcome.ok, outcome.ok ? '' : outcome.message).toBe(check.expect === 'pass');
      });
    }
  }

  it('names the failure precisely: wrong key, payload for another digest, wrong issuer', () => {
    const load = (name: string): Candidate => {
      const dir = `cosign-legacy/${name}`;
      const layer = JSON.parse(read(`${dir}/layer.annotations.json`).toString()) as { mediaType: string };
      return legacyCandidate(layer, read(`${dir}/layer.payload`), name) as Candidate;
    };
    const key = (name: string): Authority => ({
      kind: 'key',
      key: createPublicKey(read(`cosign-legacy/keys/${name}`)),
      label: name,
    });
    const wrongKey = verifyCandidate(
      load('key-no-tlog'),
      key('cosign2.pub'),
      publicGood(),
      expected!.cosignLegacy[0]!.imageDigest,
    );
    expect(wrongKey).toMatchObject({ ok: false, code: 'UNTRUSTED_SIGNER' });
    const modified = expected!.cosignLegacy.find((c) => c.case === 'neg-modified-manifest')!;
    const replay = verifyCandidate(
      load('neg-modified-manifest'),
      key('cosign.pub'),
      publicGood(),
      modified.imageDigest,
    );
    expect(replay).toMatchObject({ ok: false, code: 'DIGEST_MISMATCH' });
    const fulcio = load('fulcio-rekor');
    const wrongIssuer = verifyCandidate(
      fulcio,
      { kind: 'keyless', identity: { issuer: 'https://accounts.google.com', subject: 'mitr@redhat.com' } },
      publicGood(),
      'sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a',
    );
    expect(wrongIssuer).toMatchObject({ ok: false, code: 'UNTRUSTED_SIGNER' });
    expect(wrongIssuer.ok ? '' : wrongIssuer.message).toContain(
      'subject mitr@redhat.com, issuer https://github.com/login/oauth',
    );
    // The Rekor SET covers the body; a SET grafted onto another signature must fail.
    const other = load('key-rekor');
    const grafted = {
      ...fulcio,
      bundle: {
        ...fulcio.bundle,
        verificationMaterial: {
          ...fulcio.bundle.verificationMaterial,
          tlogEntries: other.bundle.verificationMaterial.tlogEntries,
        },
      },
    };
    const set = verifyCandidate(
      grafted,
      { kind: 'keyless', identity: { issuer: 'https://github.com/login/oauth', subject: 'mitr@redhat.com' } },
      publicGood(),
      'sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a',
    );
    expect(set).toMatchObject({ ok: false });
    expect(set.ok ? '' : set.code).toMatch(/TLOG_INVALID|UNTIMESTAMPED|CERTIFICATE_INVALID/);
  });
});

describe.skipIf(!present)('conformance: Sigstore bundles (../shared/fixtures)', () => {
  for (const fixture of expected?.bundles ?? []) {
    for (const [i, check] of fixture.checks.entries()) {
      it(`${fixture.case} #${i}: ${check.expect}`, () => {
        const candidate = bundleCandidate(read(fixture.bundle), fixture.case, Buffer.alloc(0));
        if (isBroken(candidate)) {
          expect(check.expect, candidate.error.message).toBe('fail');
          return;
        }
        if (fixture.predicateType) expect(candidate.statement?.predicateType).toBe(fixture.predicateType);
        const digest = fixture.subjectDigest ?? 'sha256:' + '0'.repeat(64);
        const outcome = verifyCandidate(candidate, authorityFor(check, '.'), trustFor(check, '.'), digest);
        expect(outcome.ok, outcome.ok ? '' : outcome.message).toBe(check.expect === 'pass');
      });
    }
  }

  it('the reusable-workflow trap: the SAN is the called workflow, the caller is in extension 1.12', () => {
    const fixture = expected!.bundles.find((b) => b.case === 'github-reusable-workflow-slsa1')!;
    const candidate = bundleCandidate(read(fixture.bundle), fixture.case, Buffer.alloc(0)) as Candidate;
    const outcome = verifyCandidate(
      candidate,
      {
        kind: 'keyless',
        identity: {
          issuer: 'https://token.actions.githubusercontent.com',
          'subject-regexp': '^https://github\\.com/github/artifact-attestations-workflows/',
          extensions: { 'source-repository-uri': 'https://github.com/evil/fork' },
        },
      },
      publicGood(),
      fixture.subjectDigest!,
    );
    expect(outcome).toMatchObject({ ok: false, code: 'UNTRUSTED_SIGNER' });
    expect(outcome.ok ? '' : outcome.message).toContain('source-repository-uri');
  });

  it('an attestation for another subject digest is a digest mismatch, not a pass', () => {
    const fixture = expected!.bundles.find((b) => b.case === 'cosign-v3-oci-attestation')!;
    const candidate = bundleCandidate(read(fixture.bundle), fixture.case, Buffer.alloc(0)) as Candidate;
    const outcome = verifyCandidate(
      candidate,
      { kind: 'keyless', identity: { issuer: 'https://github.com/login/oauth', subject: 'cody@soyland.com' } },
      publicGood(),
      'sha256:' + 'ab'.repeat(32),
    );
    expect(outcome).toMatchObject({ ok: false, code: 'DIGEST_MISMATCH' });
  });

  it('the embedded trusted root is the production one from the fixtures', () => {
    const fixtureRoot = JSON.parse(read(expected!.trustedRoots.publicGood).toString()) as unknown;
    expect(PUBLIC_GOOD_TRUSTED_ROOT).toEqual(fixtureRoot);
  });
});
