/**
 * The signatures check end to end on OCI image layouts the tests build: signatures made here in cosign's
 * storage formats (a `sha256-<hex>.sig` tag, `cosign save` kind annotations, bundle referrers with a subject).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSignatures } from '../../../src/checks/signatures/index.js';
import type { RawFinding } from '../../../src/core/finding.js';
import {
  blob,
  buildImage,
  layoutFiles,
  writeFiles,
  type Blob,
  type BuiltImage,
  type LayoutEntry,
} from '../../support/oci-builder.js';
import { tempRepo } from '../../support/tmp.js';
import {
  bundleReferrer,
  cosignTag,
  dsseEnvelope,
  inTotoStatement,
  keyBundle,
  makeKey,
  signatureManifest,
  signaturesContext,
  signedLayer,
  type TestKey,
} from './support.js';

async function image(content = 'hello'): Promise<BuiltImage> {
  return buildImage({ layers: [[{ path: 'app/hello.txt', content }]] });
}

function imageBlobs(built: BuiltImage): Blob[] {
  return [built.config, ...built.layers];
}

async function layout(entries: LayoutEntry[], blobs: Blob[]): Promise<string> {
  const dir = tempRepo();
  await writeFiles(dir, layoutFiles(entries, blobs));
  return dir;
}

async function check(
  layoutDir: string,
  key: TestKey,
  requirement: Record<string, unknown> = {},
): Promise<{ findings: RawFinding[]; errors: string[]; notes: string[] }> {
  const repo = tempRepo({ '.keys/cosign.pub': key.publicPem });
  const context = signaturesContext(
    repo,
    { require: [{ images: 'oci:/**', key: '.keys/cosign.pub', ...requirement }] },
    { images: [`oci:${layoutDir}:v1`] },
  );
  const output = await runSignatures(context);
  return { findings: output.findings, errors: output.errors ?? [], notes: output.notes ?? [] };
}

const rules = (findings: RawFinding[]): string[] => findings.map((f) => f.ruleId);

describe('signatures check on OCI layouts', () => {
  it('passes an image signed with the policy key (legacy .sig tag) and says who signed', async () => {
    const key = makeKey();
    const built = await image();
    const sig = signatureManifest([signedLayer(key, built.manifest.digest, 'example.test/demo:v1')]);
    const dir = await layout(
      [
        { target: built.manifest, refName: 'v1' },
        { target: sig.manifest, refName: cosignTag(built.manifest.digest, 'sig') },
      ],
      [...imageBlobs(built), ...sig.blobs],
    );
    const result = await check(dir, key);
    expect(result.errors).toEqual([]);
    expect(result.findings).toEqual([]);
    expect(result.notes.join('\n')).toMatch(
      new RegExp(
        `${built.manifest.digest}: signed by key \\.keys/cosign\\.pub \\(SHA256:.+\\) \\(tag ${cosignTag(built.manifest.digest, 'sig')}, layer 0\\)`,
      ),
    );
  });

  it('finds signatures that cosign save marked with the kind annotation', async () => {
    const key = makeKey('ed25519');
    const built = await image();
    const sig = signatureManifest([signedLayer(key, built.manifest.digest, 'demo')]);
    const dir = await layout(
      [
        { target: built.manifest, refName: 'v1', annotations: { kind: 'dev.cosignproject.cosign/image' } },
        { target: sig.manifest, annotations: { kind: 'dev.cosignproject.cosign/sigs' } },
      ],
      [...imageBlobs(built), ...sig.blobs],
    );
    const result = await check(dir, key);
    expect(result.findings).toEqual([]);
    expect(result.notes.join('\n')).toContain('cosign save sig');
  });

  it('finds Sigstore bundle referrers by their subject', async () => {
    const key = makeKey('p384');
    const built = await image();
    const referrer = bundleReferrer(
      keyBundle(key, inTotoStatement(built.manifest.digest, 'https://sigstore.dev/cosign/sign/v1')),
      built.manifest,
    );
    const dir = await layout(
      [{ target: built.manifest, refName: 'v1' }, { target: referrer.manifest }],
      [...imageBlobs(built), ...referrer.blobs],
    );
    const result = await check(dir, key);
    expect(result.findings).toEqual([]);
    expect(result.notes.join('\n')).toContain(`referrer ${referrer.manifest.digest}`);
  });

  it('blocks an unsigned image with sig/unsigned on the image', async () => {
    const built = await image();
    const dir = await layout([{ target: built.manifest, refName: 'v1' }], imageBlobs(built));
    const result = await check(dir, makeKey());
    expect(result.findings.map((f) => [f.ruleId, f.severity, f.location])).toEqual([
      ['sig/unsigned', 'high', { image: `oci:${dir}:v1` }],
    ]);
    expect(result.findings[0]!.message).toContain(`${built.manifest.digest} has no signature`);
  });

  it('mode: warn reports an unmet requirement without blocking on it', async () => {
    const built = await image();
    const dir = await layout([{ target: built.manifest, refName: 'v1' }], imageBlobs(built));
    const warned = await check(dir, makeKey(), { mode: 'warn' });
    expect(warned.findings.map((f) => [f.ruleId, f.warnOnly])).toEqual([['sig/unsigned', true]]);
    const enforced = await check(dir, makeKey(), { mode: 'enforce' });
    expect(enforced.findings.map((f) => [f.ruleId, f.warnOnly])).toEqual([['sig/unsigned', undefined]]);
  });

  it('a signature by another key is sig/untrusted-signer', async () => {
    const built = await image();
    const sig = signatureManifest([signedLayer(makeKey(), built.manifest.digest, 'demo')]);
    const dir = await layout(
      [
        { target: built.manifest, refName: 'v1' },
        { target: sig.manifest, refName: cosignTag(built.manifest.digest, 'sig') },
      ],
      [...imageBlobs(built), ...sig.blobs],
    );
    expect(rules((await check(dir, makeKey())).findings)).toEqual(['sig/untrusted-signer']);
  });

  it('a valid signature copied from another image is sig/digest-mismatch', async () => {
    const key = makeKey();
    const built = await image();
    const other = await image('other');
    const sig = signatureManifest([signedLayer(key, other.manifest.digest, 'demo')]);
    const dir = await layout(
      [
        { target: built.manifest, refName: 'v1' },
        { target: sig.manifest, refName: cosignTag(built.manifest.digest, 'sig') },
      ],
      [...imageBlobs(built), ...sig.blobs],
    );
    const result = await check(dir, key);
    expect(rules(result.findings)).toEqual(['sig/digest-mismatch']);
    expect(result.findings[0]!.severity).toBe('critical');
  });

  it('a referrer with the bundle artifact type that holds no bundle is sig/invalid-signature', async () => {
    const built = await image();
    const referrer = bundleReferrer(Buffer.from('not a bundle'), built.manifest, 'text/plain');
    const dir = await layout(
      [{ target: built.manifest, refName: 'v1' }, { target: referrer.manifest }],
      [...imageBlobs(built), ...referrer.blobs],
    );
    const result = await check(dir, makeKey());
    expect(rules(result.findings)).toEqual(['sig/invalid-signature']);
    expect(result.findings[0]!.message).toContain('its layer is text/plain, not a Sigstore bundle');
  });

  it('a 50 MB signature manifest is refused with a finding, not read', async () => {
    const built = await image();
    const huge = blob('application/vnd.oci.image.manifest.v1+json', Buffer.alloc(50 * 1024 * 1024, 0x20));
    const dir = await layout(
      [
        { target: built.manifest, refName: 'v1' },
        { target: huge, refName: cosignTag(built.manifest.digest, 'sig') },
      ],
      imageBlobs(built),
    );
    const result = await check(dir, makeKey());
    expect(rules(result.findings)).toEqual(['sig/invalid-signature']);
    expect(result.findings[0]!.message).toMatch(/over the limit of 4194304 bytes/);
  });

  it('stops reading when the signature blobs of one image exceed the total budget', async () => {
    const built = await image();
    const big = { mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', size: 15 * 1024 * 1024 };
    const layers = Array.from({ length: 5 }, (_, i) => ({ ...big, digest: `sha256:${String(i).repeat(64)}` }));
    const manifest = blob(
      'application/vnd.oci.image.manifest.v1+json',
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: {
            mediaType: 'application/vnd.oci.image.config.v1+json',
            digest: built.config.digest,
            size: built.config.size,
          },
          layers,
        }),
      ),
    );
    const dir = await layout(
      [
        { target: built.manifest, refName: 'v1' },
        { target: manifest, refName: cosignTag(built.manifest.digest, 'sig') },
      ],
      imageBlobs(built),
    );
    const result = await check(dir, makeKey());
    expect(result.findings.map((f) => f.ruleId)).toEqual(Array(5).fill('sig/invalid-signature'));
    expect(result.findings[4]!.message).toContain('add up to more than 67108864 bytes');
  });

  it('requires attestations: missing, then present in a legacy .att manifest', async () => {
    const key = makeKey();
    const built = await image();
    const sig = signatureManifest([signedLayer(key, built.manifest.digest, 'demo')]);
    const base: LayoutEntry[] = [
      { target: built.manifest, refName: 'v1' },
      { target: sig.manifest, refName: cosignTag(built.manifest.digest, 'sig') },
    ];
    const requirement = { attestations: [{ type: 'slsaprovenance1' }] };
    const without = await check(await layout(base, [...imageBlobs(built), ...sig.blobs]), key, requirement);
    expect(rules(without.findings)).toEqual(['sig/missing-attestation']);
    expect(without.findings[0]!.message).toContain('has no slsaprovenance1 attestation');

    const statement = inTotoStatement(built.manifest.digest, 'https://slsa.dev/provenance/v1', {
      runDetails: { builder: { id: 'https://github.com/actions/runner/github-hosted' } },
    });
    const att = signatureManifest(
      [
        {
          payload: Buffer.from(JSON.stringify(dsseEnvelope(key, statement))),
          annotations: { predicateType: 'https://slsa.dev/provenance/v1' },
        },
      ],
      'application/vnd.dsse.envelope.v1+json',
    );
    const dir = await layout(
      [...base, { target: att.manifest, refName: cosignTag(built.manifest.digest, 'att') }],
      [...imageBlobs(built), ...sig.blobs, ...att.blobs],
    );
    const withAtt = await check(dir, key, requirement);
    expect(withAtt.findings).toEqual([]);
    expect(withAtt.notes.join('\n')).toContain('https://slsa.dev/provenance/v1 attested by key');
  });

  it('a keyless requirement is not met by a key signature, and says who signed', async () => {
    const key = makeKey();
    const built = await image();
    const sig = signatureManifest([signedLayer(key, built.manifest.digest, 'demo')]);
    const dir = await layout(
      [
        { target: built.manifest, refName: 'v1' },
        { target: sig.manifest, refName: cosignTag(built.manifest.digest, 'sig') },
      ],
      [...imageBlobs(built), ...sig.blobs],
    );
    const repo = tempRepo();
    const output = await runSignatures(
      signaturesContext(
        repo,
        {
          require: [
            { images: 'oci:/**', keyless: { issuer: 'https://token.actions.githubusercontent.com', subject: 'x' } },
          ],
        },
        { images: [`oci:${dir}:v1`] },
      ),
    );
    expect(rules(output.findings)).toEqual(['sig/untrusted-signer']);
    expect(output.findings[0]!.message).toContain('bare public key');
  });

  it('policy mistakes are check errors (fail closed), not silent passes', async () => {
    const built = await image();
    const dir = await layout([{ target: built.manifest, refName: 'v1' }], imageBlobs(built));
    const repo = tempRepo({
      '.keys/cosign.key': makeKey().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    await writeFile(join(repo, 'root.json'), '{"not":"a root"}');
    const output = await runSignatures(
      signaturesContext(
        repo,
        {
          require: [
            { images: 'oci:/**', key: '.keys/missing.pub' },
            { images: 'oci:/**', key: '.keys/cosign.key' },
            { images: 'oci:/**', keyless: { subject: 'x' } },
            { images: 'oci:/**' },
            {
              images: 'oci:/**',
              key: '.keys/missing.pub',
              attestations: [{ type: 'slsaprovenance1' }],
            },
          ],
        },
        { images: [`oci:${dir}:v1`] },
      ),
    );
    expect(output.errors).toEqual([
      expect.stringContaining('key .keys/missing.pub was not found in the repository'),
      expect.stringContaining('is a PRIVATE key'),
      expect.stringContaining('keyless needs `issuer`'),
      expect.stringContaining('names neither `key` nor `keyless`'),
      expect.stringContaining('key .keys/missing.pub was not found'),
    ]);
    const badRoot = await runSignatures(
      signaturesContext(
        repo,
        { require: [{ images: 'oci:/**', key: '.keys/missing.pub' }], 'trusted-root': 'root.json' },
        { images: [`oci:${dir}:v1`] },
      ),
    );
    expect(badRoot.errors).toEqual([expect.stringContaining('root.json')]);
  });

  it('an unsigned image with no require rule is "not configured", and one no rule names is "nothing to verify"', async () => {
    const built = await image();
    const dir = await layout([{ target: built.manifest, refName: 'v1' }], imageBlobs(built));
    const unconfigured = await runSignatures(signaturesContext(tempRepo(), {}, { images: [`oci:${dir}:v1`] }));
    expect(unconfigured.findings).toEqual([]);
    expect(unconfigured.skipped).toMatchObject({ label: 'not configured' });
    expect(unconfigured.skipped?.hint).toContain('checks.signatures.require');

    const key = makeKey();
    const repo = tempRepo({ '.keys/cosign.pub': key.publicPem });
    const elsewhere = await runSignatures(
      signaturesContext(
        repo,
        { require: [{ images: 'ghcr.io/acme/**', key: '.keys/cosign.pub' }] },
        { images: [`oci:${dir}:v1`] },
      ),
    );
    expect(elsewhere.findings).toEqual([]);
    expect(elsewhere.skipped).toMatchObject({
      label: 'nothing to verify',
      reason: 'no image matched a signatures.require rule.',
    });

    // A rule that applies verifies, and an unsigned image is a finding, not a skip.
    const required = await check(dir, key);
    expect(rules(required.findings)).toEqual(['sig/unsigned']);
  });
});
