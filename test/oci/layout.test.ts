import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOciError } from '../../src/oci/errors.js';
import { openImage } from '../../src/oci/image.js';
import { readAll } from '../../src/oci/resolve.js';
import {
  buildImage,
  buildIndex,
  imageBlobs,
  layoutFiles,
  legacyDockerArchiveFiles,
  ociDockerArchiveFiles,
  tarOf,
  tarOfFiles,
  writeFiles,
  type BuiltImage,
} from '../support/oci-builder.js';

let work: string;
let amd: BuiltImage;
let arm: BuiltImage;

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { code: isOciError(error) ? error.code : `NOT_OCI: ${String(error)}`, message: (error as Error).message };
  }
  throw new Error('expected a failure');
}

async function dir(name: string): Promise<string> {
  return mkdtemp(join(work, `${name}-`));
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'oci-layout-test-'));
  amd = await buildImage({
    layers: [
      [
        { path: 'etc/', type: 'directory' },
        { path: 'etc/os-release', content: 'ID=alpine\n' },
      ],
      [{ path: 'usr/bin/app', content: '#!/bin/sh\n', mode: 0o755 }],
    ],
    config: { User: '1000', ExposedPorts: { '8080/tcp': {} } },
  });
  arm = await buildImage({
    layers: [[{ path: 'arm', content: 'arm64' }]],
    platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  });
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('oci: layout directories', () => {
  it('opens the only image, streams verified layers', async () => {
    const path = await dir('single');
    await writeFiles(path, layoutFiles([{ target: amd.manifest }], imageBlobs(amd)));
    const image = await openImage(`oci:${path}`);
    expect(image.digest).toBe(amd.manifest.digest);
    expect(image.platform).toBe('linux/amd64');
    expect(image.config.config.ExposedPorts).toEqual({ '8080/tcp': {} });
    expect(image.layers.map((l) => l.diffId)).toEqual(amd.diffIds);
    expect(gunzipSync(await readAll(await image.layers[1]!.open())).equals(amd.layerTars[1]!)).toBe(true);
    await image.close();
  });

  it('selects by :TAG (org.opencontainers.image.ref.name) and lists names when the tag is missing', async () => {
    const path = await dir('tags');
    await writeFiles(
      path,
      layoutFiles(
        [
          { target: amd.manifest, refName: 'v1' },
          { target: arm.manifest, refName: 'arm' },
        ],
        [...imageBlobs(amd), ...imageBlobs(arm)],
      ),
    );
    expect((await openImage(`oci:${path}:arm`)).digest).toBe(arm.manifest.digest);
    const missing = await failure(openImage(`oci:${path}:v2`));
    expect(missing).toEqual({
      code: 'NOT_FOUND',
      message: `OCI layout ${path} has no image named "v2"; names in index.json: v1, arm`,
    });
    const ambiguous = await failure(openImage(`oci:${path}`));
    expect(ambiguous.code).toBe('AMBIGUOUS_IMAGE');
    expect(ambiguous.message).toContain('name one with :TAG (v1, arm)');
  });

  it('resolves a multi-platform index (nested and top-level)', async () => {
    const index = buildIndex([amd, arm]);
    const nested = await dir('nested');
    await writeFiles(
      nested,
      layoutFiles([{ target: index, refName: 'latest' }], [...imageBlobs(amd), ...imageBlobs(arm)]),
    );
    const picked = await openImage(`oci:${nested}:latest`, { platform: 'linux/arm64/v8' });
    expect([picked.digest, picked.indexDigest, picked.platform]).toEqual([
      arm.manifest.digest,
      index.digest,
      'linux/arm64/v8',
    ]);
    const flat = await dir('flat');
    await writeFiles(
      flat,
      layoutFiles(
        [
          { target: amd.manifest, platform: amd.platform },
          { target: arm.manifest, platform: arm.platform },
        ],
        [...imageBlobs(amd), ...imageBlobs(arm)],
      ),
    );
    const top = await openImage(`oci:${flat}`);
    expect([top.digest, top.indexDigest, top.platform]).toEqual([amd.manifest.digest, undefined, 'linux/amd64']);
    const none = await failure(openImage(`oci:${flat}`, { platform: 'windows/amd64' }));
    expect(none.code).toBe('NO_MATCHING_PLATFORM');
    expect(none.message).toContain('available: linux/amd64, linux/arm64/v8');
  });

  it('detects a corrupted layer blob when it is read', async () => {
    const path = await dir('corrupt');
    const files = layoutFiles([{ target: amd.manifest }], imageBlobs(amd));
    const layerPath = `blobs/sha256/${amd.layers[0]!.digest.slice(7)}`;
    const corrupted = Buffer.from(files.get(layerPath)!);
    corrupted.writeUInt8(corrupted.readUInt8(20) ^ 1, 20);
    files.set(layerPath, corrupted);
    await writeFiles(path, files);
    const image = await openImage(`oci:${path}`);
    expect((await failure(readAll(await image.layers[0]!.open()))).code).toBe('DIGEST_MISMATCH');
  });

  it('reports missing blobs, missing oci-layout and wrong sizes', async () => {
    const missing = await dir('missing');
    const files = layoutFiles([{ target: amd.manifest }], imageBlobs(amd));
    files.delete(`blobs/sha256/${amd.config.digest.slice(7)}`);
    await writeFiles(missing, files);
    expect(await failure(openImage(`oci:${missing}`))).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining(`blob ${amd.config.digest}`) as string,
    });
    const noMarker = await dir('nomarker');
    const other = layoutFiles([{ target: amd.manifest }], imageBlobs(amd));
    other.delete('oci-layout');
    await writeFiles(noMarker, other);
    expect((await failure(openImage(`oci:${noMarker}`))).message).toContain(
      'is not an OCI image layout: it has no oci-layout file',
    );
    const grown = await dir('grown');
    const big = layoutFiles([{ target: amd.manifest }], imageBlobs(amd));
    big.set(`blobs/sha256/${amd.layers[0]!.digest.slice(7)}`, Buffer.concat([amd.layers[0]!.bytes, Buffer.from('x')]));
    await writeFiles(grown, big);
    const image = await openImage(`oci:${grown}`);
    expect((await failure(image.layers[0]!.open())).code).toBe('SIZE_MISMATCH');
  });

  it('refuses a manifest blob over the 4 MiB cap without reading it', async () => {
    const path = await dir('huge');
    const huge = { ...amd.manifest, bytes: Buffer.alloc(5 * 1024 * 1024, 0x20) };
    await writeFiles(path, layoutFiles([{ target: { ...huge, size: huge.bytes.length } }], []));
    const { code, message } = await failure(openImage(`oci:${path}`));
    expect(code).toBe('MANIFEST_TOO_LARGE');
    expect(message).toContain('over the limit of 4194304 bytes');
  });

  it('will not follow a blob symlink out of the layout', async () => {
    const path = await dir('escape');
    const outside = join(work, 'secret');
    await writeFile(outside, amd.layers[0]!.bytes);
    const files = layoutFiles([{ target: amd.manifest }], imageBlobs(amd));
    files.delete(`blobs/sha256/${amd.layers[0]!.digest.slice(7)}`);
    await writeFiles(path, files);
    await symlink(outside, join(path, 'blobs/sha256', amd.layers[0]!.digest.slice(7)));
    const image = await openImage(`oci:${path}`);
    expect((await failure(image.layers[0]!.open())).code).toBe('NOT_FOUND');
  });

  it('rejects a non-directory and dir:/sbom: sources', async () => {
    expect((await failure(openImage(`oci:${join(work, 'nope')}`))).code).toBe('NOT_FOUND');
    expect((await failure(openImage('dir:/'))).code).toBe('UNSUPPORTED_SOURCE');
    expect((await failure(openImage('sbom:x.json'))).code).toBe('UNSUPPORTED_SOURCE');
  });
});

describe('oci-archive', () => {
  it('streams from a plain tar of a layout', async () => {
    const path = join(work, 'image.oci.tar');
    await writeFile(
      path,
      await tarOfFiles(
        layoutFiles([{ target: buildIndex([amd, arm]), refName: '1.0' }], [...imageBlobs(amd), ...imageBlobs(arm)]),
      ),
    );
    const image = await openImage(`oci-archive:${path}:1.0`, { platform: 'linux/arm64' });
    expect(image.digest).toBe(arm.manifest.digest);
    expect((await readAll(await image.layers[0]!.open())).equals(arm.layers[0]!.bytes)).toBe(true);
  });

  it('streams from a gzipped tar, and with entries under ./ and long (pax) names', async () => {
    const files = layoutFiles([{ target: amd.manifest }], imageBlobs(amd));
    const entries = [...files].map(([name, content]) => ({ path: `./${name}`, content }));
    entries.unshift({ path: `./${'x'.repeat(150)}/${'y'.repeat(120)}.txt`, content: Buffer.from('pad') });
    const path = join(work, 'image.oci.tar.gz');
    await writeFile(path, gzipSync(await tarOf(entries)));
    const image = await openImage(`oci-archive:${path}`);
    const layers = await Promise.all(image.layers.map(async (l) => readAll(await l.open())));
    expect(layers.map((b) => b.equals(amd.layers[layers.indexOf(b)]!.bytes))).toEqual([true, true]);
  });

  it('detects a tampered blob in a gzipped archive', async () => {
    const files = layoutFiles([{ target: amd.manifest }], imageBlobs(amd));
    const key = `blobs/sha256/${amd.layers[1]!.digest.slice(7)}`;
    const bad = Buffer.from(files.get(key)!);
    bad.writeUInt8(bad.readUInt8(bad.length - 1) ^ 1, bad.length - 1);
    files.set(key, bad);
    const path = join(work, 'tampered.oci.tar.gz');
    await writeFile(path, gzipSync(await tarOfFiles(files)));
    const image = await openImage(`oci-archive:${path}`);
    expect((await failure(readAll(await image.layers[1]!.open()))).code).toBe('DIGEST_MISMATCH');
  });

  it('rejects files that are not tar archives', async () => {
    const path = join(work, 'garbage.tar');
    await writeFile(path, Buffer.alloc(2048, 0x41));
    expect((await failure(openImage(`oci-archive:${path}`))).code).toBe('INVALID_ARCHIVE');
  });
});

describe('docker-archive', () => {
  it('opens legacy docker save output (<id>/layer.tar, linked duplicate layers)', async () => {
    const duplicated = await buildImage({
      layers: [[{ path: 'a', content: 'same' }], [{ path: 'b', content: 'other' }], [{ path: 'a', content: 'same' }]],
      flavor: 'docker',
    });
    const path = join(work, 'legacy.tar');
    await writeFile(
      path,
      await tarOf(legacyDockerArchiveFiles([{ image: duplicated, repoTags: ['acme/app:1'] }]).files),
    );
    const image = await openImage(`docker-archive:${path}`);
    expect(image.digest).toBeUndefined();
    expect(image.layers.map((l) => [l.digest, l.mediaType])).toEqual(
      duplicated.diffIds.map((d) => [d, 'application/vnd.docker.image.rootfs.diff.tar']),
    );
    expect((await readAll(await image.layers[2]!.open())).equals(duplicated.layerTars[2]!)).toBe(true);
    expect(image.config.rootfs.diff_ids).toEqual(duplicated.diffIds);
  });

  it('selects among several images by RepoTag or @N and explains ambiguity', async () => {
    const path = join(work, 'multi.tar');
    await writeFile(
      path,
      await tarOf(
        legacyDockerArchiveFiles([
          { image: amd, repoTags: ['acme/app:1'] },
          { image: arm, repoTags: ['docker.io/acme/arm:2'] },
        ]).files,
      ),
    );
    expect(
      (await openImage(`docker-archive:${path}:acme/arm:2`, { platform: 'linux/arm64' })).config.architecture,
    ).toBe('arm64');
    expect((await openImage(`docker-archive:${path}:@0`)).config.architecture).toBe('amd64');
    const ambiguous = await failure(openImage(`docker-archive:${path}`));
    expect(ambiguous.code).toBe('AMBIGUOUS_IMAGE');
    expect(ambiguous.message).toContain('tags: acme/app:1, docker.io/acme/arm:2');
    expect((await failure(openImage(`docker-archive:${path}:acme/none:1`))).code).toBe('NOT_FOUND');
  });

  it('detects a tampered legacy layer.tar', async () => {
    const { files } = legacyDockerArchiveFiles([{ image: amd, repoTags: ['acme/app:1'] }]);
    const layer = files.find((f) => f.path.endsWith('layer.tar') && f.content);
    const bytes = Buffer.from(layer!.content as Buffer);
    bytes.writeUInt8(bytes.readUInt8(600) ^ 1, 600);
    layer!.content = bytes;
    const path = join(work, 'legacy-bad.tar');
    await writeFile(path, await tarOf(files));
    const image = await openImage(`docker-archive:${path}`);
    expect((await failure(readAll(await image.layers[0]!.open()))).code).toBe('DIGEST_MISMATCH');
  });

  it('opens the OCI-style archives of Docker 25+ through their real manifest', async () => {
    const uncompressed = await buildImage({ layers: [[{ path: 'x', content: 'x' }]], compress: false });
    const path = join(work, 'docker25.tar');
    await writeFile(
      path,
      await tarOfFiles(
        ociDockerArchiveFiles([
          { image: uncompressed, repoTags: ['acme/app:1'] },
          { image: amd, repoTags: ['acme/gz:2'] },
        ]),
      ),
    );
    const plain = await openImage(`docker-archive:${path}:acme/app:1`);
    expect([plain.digest, plain.layers[0]!.mediaType, plain.layers[0]!.digest]).toEqual([
      uncompressed.manifest.digest,
      'application/vnd.oci.image.layer.v1.tar',
      uncompressed.diffIds[0],
    ]);
    const gz = await openImage(`docker-archive:${path}:acme/gz:2`);
    expect(gz.digest).toBe(amd.manifest.digest);
    expect((await readAll(await gz.layers[1]!.open())).equals(amd.layers[1]!.bytes)).toBe(true);
  });

  it('ignores layer paths that climb out of the archive', async () => {
    const { files } = legacyDockerArchiveFiles([{ image: amd, repoTags: ['acme/app:1'] }]);
    const manifest = files.find((f) => f.path === 'manifest.json')!;
    const entries = JSON.parse(String(manifest.content)) as { Layers: string[] }[];
    entries[0]!.Layers[0] = '../../../../etc/passwd';
    manifest.content = JSON.stringify(entries);
    const path = join(work, 'climb.tar');
    await writeFile(path, await tarOf(files));
    const { code, message } = await failure(openImage(`docker-archive:${path}`));
    expect(code).toBe('INVALID_ARCHIVE');
    expect(message).toContain('layer ../../../../etc/passwd is missing');
  });

  it('rejects an archive without manifest.json and a config it cannot verify', async () => {
    const path = join(work, 'empty.tar');
    await writeFile(path, await tarOf([{ path: 'hello', content: 'x' }]));
    expect((await failure(openImage(`docker-archive:${path}`))).message).toContain('it has no manifest.json');
    const bad = join(work, 'badconfig.tar');
    await writeFile(
      bad,
      await tarOf([
        { path: 'manifest.json', content: JSON.stringify([{ Config: 'config.json', RepoTags: [], Layers: [] }]) },
        { path: 'config.json', content: '{}' },
      ]),
    );
    expect((await failure(openImage(`docker-archive:${bad}`))).message).toContain(
      'names no digest, so the config cannot be verified',
    );
  });
});
