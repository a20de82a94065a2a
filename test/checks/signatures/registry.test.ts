/**
 * The signatures check against the real CNCF distribution registry (Debian's docker-registry 2.8, which has
 * no referrers API, so bundles are found through the `sha256-<hex>` referrers tag). Images are pushed with
 * skopeo; signatures are pushed over the distribution API the way cosign pushes them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSignatures } from '../../../src/checks/signatures/index.js';
import type { RawFinding } from '../../../src/core/finding.js';
import { buildImage, layoutFiles, writeFiles, type Blob, type BuiltImage } from '../../support/oci-builder.js';
import {
  SKIP_MESSAGE,
  haveRegistryTools,
  pushLayout,
  putManifest,
  startRegistry,
  type RunningRegistry,
} from '../../support/registry.js';
import { isFileLocation } from '../../../src/core/finding.js';
import { tempRepo } from '../../support/tmp.js';
import {
  bundleReferrer,
  cosignTag,
  inTotoStatement,
  keyBundle,
  makeKey,
  referrersIndex,
  signatureManifest,
  signaturesContext,
  signedLayer,
  type TestKey,
} from './support.js';

if (!haveRegistryTools) console.warn(`signatures registry tests ${SKIP_MESSAGE}`);

let registry: RunningRegistry;
let storage: string;

async function pushBlob(repository: string, b: Blob): Promise<void> {
  const start = await fetch(`http://${registry.host}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  await start.body?.cancel();
  if (start.status !== 202) throw new Error(`blob upload start: HTTP ${start.status}`);
  const location = new URL(start.headers.get('location')!, `http://${registry.host}`);
  location.searchParams.set('digest', b.digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: b.bytes,
  });
  await put.body?.cancel();
  if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status}`);
}

async function pushArtifact(
  repository: string,
  tag: string,
  artifact: { manifest: Blob; blobs: Blob[] },
): Promise<void> {
  for (const b of artifact.blobs) await pushBlob(repository, b);
  await putManifest(registry.host, repository, tag, artifact.manifest);
}

async function pushImage(repository: string, tag: string, content: string): Promise<BuiltImage> {
  const built = await buildImage({ layers: [[{ path: 'app/data.txt', content }]] });
  const dir = await mkdtemp(join(tmpdir(), 'containersec-sig-layout-'));
  try {
    await writeFiles(dir, layoutFiles([{ target: built.manifest, refName: tag }], [built.config, ...built.layers]));
    await pushLayout(dir, `${registry.host}/${repository}:${tag}`, { refName: tag });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return built;
}

async function run(
  files: Record<string, string>,
  key: TestKey,
  extra: { images?: string[]; changedPaths?: Set<string> } = {},
): Promise<{ findings: RawFinding[]; errors: string[]; notes: string[] }> {
  const repo = tempRepo({ '.keys/cosign.pub': key.publicPem, ...files });
  const output = await runSignatures(
    signaturesContext(
      repo,
      { require: [{ images: `${registry.host}/signed/**`, key: '.keys/cosign.pub' }], 'pinned-digests': 'fail' },
      { images: extra.images ?? [], ...(extra.changedPaths ? { changedPaths: extra.changedPaths } : {}) },
    ),
  );
  return { findings: output.findings, errors: output.errors ?? [], notes: output.notes ?? [] };
}

const brief = (findings: RawFinding[]): string[][] =>
  findings.map((f) => [
    f.ruleId,
    isFileLocation(f.location)
      ? `${f.location.path}:${f.location.startLine}:${f.location.startColumn}`
      : f.location.image,
  ]);

describe.skipIf(!haveRegistryTools)('signatures check against a real registry', () => {
  beforeAll(async () => {
    storage = await mkdtemp(join(tmpdir(), 'containersec-sig-storage-'));
    registry = await startRegistry({ storage });
  });

  afterAll(async () => {
    await registry?.stop();
    if (storage) await rm(storage, { recursive: true, force: true });
  });

  it('passes a digest-pinned image signed with cosign legacy .sig, referenced from a manifest', async () => {
    const key = makeKey();
    const built = await pushImage('signed/web', 'v1', 'web v1');
    const digest = built.manifest.digest;
    await pushArtifact(
      'signed/web',
      cosignTag(digest, 'sig'),
      signatureManifest([signedLayer(key, digest, `${registry.host}/signed/web`)]),
    );
    const result = await run(
      { 'deploy/web.yaml': `kind: Pod\nspec:\n  containers:\n    - image: ${registry.host}/signed/web:v1@${digest}\n` },
      key,
    );
    expect(result.errors).toEqual([]);
    expect(result.findings).toEqual([]);
    expect(result.notes.join('\n')).toContain(`@${digest}: signed by key .keys/cosign.pub`);
  });

  it('an unsigned, tag-only reference: unpinned (fix names the real digest) and unsigned, at the line:column', async () => {
    const built = await pushImage('signed/api', 'v1', 'api v1');
    const result = await run(
      {
        'deploy/api.yaml': `kind: Pod\nspec:\n  containers:\n    - name: api\n      image: ${registry.host}/signed/api:v1\n`,
      },
      makeKey(),
    );
    expect(result.errors).toEqual([]);
    expect(brief(result.findings)).toEqual([
      ['sig/unpinned-reference', 'deploy/api.yaml:5:14'],
      ['sig/unsigned', 'deploy/api.yaml:5:14'],
    ]);
    expect(result.findings[0]!.fix).toBe(`Pin it: ${registry.host}/signed/api:v1@${built.manifest.digest}`);
  });

  it('a signature by another key is sig/untrusted-signer', async () => {
    const built = await pushImage('signed/wrongkey', 'v1', 'wrong key');
    const digest = built.manifest.digest;
    await pushArtifact(
      'signed/wrongkey',
      cosignTag(digest, 'sig'),
      signatureManifest([signedLayer(makeKey(), digest, 'x')]),
    );
    const result = await run({}, makeKey(), { images: [`${registry.host}/signed/wrongkey@${digest}`] });
    expect(brief(result.findings)).toEqual([['sig/untrusted-signer', `${registry.host}/signed/wrongkey@${digest}`]]);
  });

  it('finds a Sigstore bundle through the referrers tag fallback (this registry has no referrers API)', async () => {
    const key = makeKey('ed25519');
    const built = await pushImage('signed/bundled', 'v1', 'bundled');
    const digest = built.manifest.digest;
    const referrer = bundleReferrer(
      keyBundle(key, inTotoStatement(digest, 'https://sigstore.dev/cosign/sign/v1')),
      built.manifest,
    );
    await pushArtifact('signed/bundled', referrer.manifest.digest, referrer);
    await putManifest(registry.host, 'signed/bundled', cosignTag(digest), referrersIndex([referrer.manifest]));
    const api = await fetch(`http://${registry.host}/v2/signed/bundled/referrers/${digest}`);
    await api.body?.cancel();
    expect(api.status).toBe(404);
    const result = await run({}, key, { images: [`${registry.host}/signed/bundled@${digest}`] });
    expect(result.findings).toEqual([]);
    expect(result.notes.join('\n')).toContain(`referrer ${referrer.manifest.digest}`);
  });

  it('a referrer that is not a bundle is sig/invalid-signature', async () => {
    const built = await pushImage('signed/notbundle', 'v1', 'not a bundle');
    const digest = built.manifest.digest;
    const referrer = bundleReferrer(Buffer.from('{"just":"json"}'), built.manifest, 'application/json');
    await pushArtifact('signed/notbundle', referrer.manifest.digest, referrer);
    await putManifest(registry.host, 'signed/notbundle', cosignTag(digest), referrersIndex([referrer.manifest]));
    const result = await run({}, makeKey(), { images: [`${registry.host}/signed/notbundle@${digest}`] });
    expect(brief(result.findings)).toEqual([['sig/invalid-signature', `${registry.host}/signed/notbundle@${digest}`]]);
  });

  it('reports tag-digest drift when the tag moved, and when it is gone', async () => {
    const key = makeKey();
    const old = await pushImage('signed/drift', 'v1', 'old');
    await pushArtifact(
      'signed/drift',
      cosignTag(old.manifest.digest, 'sig'),
      signatureManifest([signedLayer(key, old.manifest.digest, 'x')]),
    );
    const moved = await pushImage('signed/drift', 'v1', 'new content');
    const result = await run(
      {
        'k8s.yaml': `image: ${registry.host}/signed/drift:v1@${old.manifest.digest}\n`,
        'gone.yaml': `image: ${registry.host}/signed/drift:v0@${old.manifest.digest}\n`,
      },
      key,
    );
    expect(result.errors).toEqual([]);
    expect(brief(result.findings)).toEqual([
      ['sig/tag-digest-drift', 'gone.yaml:1:8'],
      ['sig/tag-digest-drift', 'k8s.yaml:1:8'],
    ]);
    expect(result.findings[0]!.message).toContain('no longer exists');
    expect(result.findings[1]!.message).toContain(
      `now points to ${moved.manifest.digest}, not to the pinned ${old.manifest.digest}`,
    );
  });

  it('verifies only references in files the change touches', async () => {
    const built = await pushImage('signed/untouched', 'v1', 'untouched');
    const result = await run(
      { 'a.yaml': `image: ${registry.host}/signed/untouched@${built.manifest.digest}\n` },
      makeKey(),
      { changedPaths: new Set(['other.yaml']) },
    );
    expect(result.findings).toEqual([]);
    const touched = await run(
      { 'a.yaml': `image: ${registry.host}/signed/untouched@${built.manifest.digest}\n` },
      makeKey(),
      { changedPaths: new Set(['a.yaml']) },
    );
    expect(brief(touched.findings)).toEqual([['sig/unsigned', 'a.yaml:1:8']]);
  });

  it('a missing image is a check error (fail closed), not a pass', async () => {
    const result = await run({}, makeKey(), { images: [`${registry.host}/signed/nothing:v1`] });
    expect(result.errors).toEqual([expect.stringContaining('not found')]);
  });
});
