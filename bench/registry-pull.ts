/**
 * Registry pull vs `skopeo copy` (issue 4): starts the real distribution registry (Debian's `docker-registry`)
 * on 127.0.0.1, pushes a multi-layer image of more than 300 MB uncompressed into it with skopeo, then pulls it
 * back to disk, alternating our client and `skopeo copy docker://… oci:DIR`. Ours fetches the manifest, the
 * config and every layer with the src/oci registry client (each blob hashed as it streams and rejected on a
 * mismatch, exactly as the images check reads them) and writes them as an OCI layout, as skopeo does.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { SKIP_MESSAGE, haveRegistryTools, startRegistry } from '../test/support/registry.js';
import { PEAK_RSS_SOURCE, buildImage, bundleForChild, type BuiltLayer } from './image-catalog.js';
import { median } from './measure.js';
import type { BenchResult } from './report.js';

const MiB = 1024 * 1024;
const REPOSITORY = 'bench/image';
const TAG = 'latest';
const MEDIA = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
};

function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Moves the built layer blobs into an OCI image layout with a config, a manifest and a tagged index. */
export function writeLayout(layout: string, layers: BuiltLayer[]): void {
  const blobs = path.join(layout, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const putBlob = (data: string) => {
    const digest = sha256(data);
    writeFileSync(path.join(blobs, digest.slice('sha256:'.length)), data);
    return { digest, size: Buffer.byteLength(data) };
  };
  for (const layer of layers) renameSync(layer.file, path.join(blobs, layer.digest.slice('sha256:'.length)));
  const config = putBlob(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { User: 'app' },
      rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
      history: layers.map(() => ({ created_by: 'bench' })),
    }),
  );
  const manifest = putBlob(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.manifest,
      config: { mediaType: MEDIA.config, ...config },
      layers: layers.map((layer) => ({ mediaType: MEDIA.layer, digest: layer.digest, size: layer.size })),
    }),
  );
  writeFileSync(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    path.join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: MEDIA.manifest,
          ...manifest,
          annotations: { 'org.opencontainers.image.ref.name': TAG },
        },
      ],
    }),
  );
}

function skopeo(args: string[]): void {
  const result = spawnSync('skopeo', args, { encoding: 'utf8', timeout: 600_000 });
  if (result.status !== 0) throw new Error(`skopeo ${args.join(' ')} failed: ${result.stderr || result.error}`);
}

interface PullResult {
  ms: number;
  peakMiB: number;
  blobs: number;
  bytes: number;
}

/**
 * The pull child: plain Node on a bundle of src/oci. Layers one after the other, as the images check streams
 * them; every blob goes through the client's verifying stream into a temp file, renamed once it verified.
 */
export function pullChildSource(bundle: string): string {
  return `import { createWriteStream, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
${PEAK_RSS_SOURCE}
const { RegistryClient, MAX_CONFIG_BYTES, MAX_LAYER_BYTES } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
const [registry, repository, tag, out] = process.argv.slice(2);
const started = process.hrtime.bigint();
const client = new RegistryClient(registry);
const manifest = await client.getManifest(repository, tag);
if (manifest.parsed.kind !== 'manifest') throw new Error('expected an image manifest');
const blobs = path.join(out, 'blobs', 'sha256');
mkdirSync(blobs, { recursive: true });
const hex = (digest) => digest.slice(digest.indexOf(':') + 1);
writeFileSync(path.join(blobs, hex(manifest.digest)), manifest.bytes);
const { config, layers } = manifest.parsed.manifest;
let bytes = manifest.bytes.length;
for (const [descriptor, max] of [[config, MAX_CONFIG_BYTES], ...layers.map((layer) => [layer, MAX_LAYER_BYTES])]) {
  const target = path.join(blobs, hex(descriptor.digest));
  await pipeline(await client.openBlob(repository, descriptor, max), createWriteStream(target + '.partial'));
  renameSync(target + '.partial', target);
  bytes += descriptor.size;
}
writeFileSync(path.join(out, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
writeFileSync(path.join(out, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.size, annotations: { 'org.opencontainers.image.ref.name': tag } }] }));
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log(JSON.stringify({ ms, peakMiB: peakRssMiB(), blobs: layers.length + 2, bytes }));
`;
}

function timed<T>(run: () => T): { ms: number; value: T } {
  const started = process.hrtime.bigint();
  const value = run();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

/** Blob names and sizes of a layout, to check both pulls wrote the same image. */
function blobListing(layout: string): string {
  const dir = path.join(layout, 'blobs', 'sha256');
  return readdirSync(dir)
    .sort()
    .map((name) => `${name}:${statSync(path.join(dir, name)).size}`)
    .join('\n');
}

function skipped(): BenchResult {
  return {
    name: 'registry-pull',
    title: 'Registry pull vs skopeo copy',
    markdown: `${SKIP_MESSAGE}. Not measured on this machine.`,
  };
}

export async function registryPull(iterations = 5): Promise<BenchResult> {
  if (!haveRegistryTools) {
    console.warn(`registry-pull: ${SKIP_MESSAGE}`);
    return skipped();
  }
  const temp = mkdtempSync(path.join(os.tmpdir(), 'containersec-bench-pull-'));
  const storage = path.join(temp, 'storage');
  mkdirSync(storage);
  const registry = await startRegistry({ storage });
  try {
    const bundle = await bundleForChild(
      "export { RegistryClient } from './src/oci/registry.ts';\nexport { MAX_CONFIG_BYTES, MAX_LAYER_BYTES } from './src/oci/digest.ts';",
      path.join(temp, 'oci-lib.mjs'),
    );
    const child = path.join(temp, 'pull-child.mjs');
    writeFileSync(child, pullChildSource(bundle));
    const built = path.join(temp, 'built');
    mkdirSync(built);
    const { layers, bytes } = await buildImage(built, 320 * MiB, 6);
    const layout = path.join(temp, 'layout');
    writeLayout(layout, layers);
    const compressed = layers.reduce((sum, layer) => sum + layer.size, 0);
    const destination = `${registry.host}/${REPOSITORY}:${TAG}`;
    skopeo([
      'copy',
      '--quiet',
      '--preserve-digests',
      '--dest-tls-verify=false',
      `oci:${layout}:${TAG}`,
      `docker://${destination}`,
    ]);

    const oursDir = path.join(temp, 'ours');
    const skopeoDir = path.join(temp, 'skopeo');
    const ours: { wall: number; result: PullResult }[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < iterations; i++) {
      // Fresh directories: skopeo skips blobs an OCI layout already holds.
      rmSync(oursDir, { recursive: true, force: true });
      rmSync(skopeoDir, { recursive: true, force: true });
      const run = timed(() =>
        spawnSync(process.execPath, [child, registry.host, REPOSITORY, TAG, oursDir], { encoding: 'utf8' }),
      );
      if (run.value.status !== 0) throw new Error(`our pull failed: ${run.value.stderr}`);
      ours.push({ wall: run.ms, result: JSON.parse(run.value.stdout.trim().split('\n').at(-1)!) as PullResult });
      theirs.push(
        timed(() =>
          skopeo(['copy', '--quiet', '--src-tls-verify=false', `docker://${destination}`, `oci:${skopeoDir}:${TAG}`]),
        ).ms,
      );
    }
    if (blobListing(oursDir) !== blobListing(skopeoDir)) {
      throw new Error('our pull and skopeo copy wrote different blobs; the timings would not compare the same work');
    }
    const oursWall = median(ours.map((run) => run.wall));
    const oursInner = median(ours.map((run) => run.result.ms));
    const skopeoWall = median(theirs);
    const peak = Math.max(...ours.map((run) => run.result.peakMiB));
    return {
      name: 'registry-pull',
      title: 'Registry pull vs skopeo copy',
      markdown: [
        `Median of ${iterations} alternating runs, Node ${process.version}, Debian's docker-registry on 127.0.0.1 (plain http, no auth). The image (${(bytes / MiB).toFixed(0)} MiB tar, ${(compressed / MiB).toFixed(0)} MiB gzip, ${layers.length} layers) is pushed once with \`skopeo copy\`, then pulled to a fresh OCI layout directory by each side: ours is a child process (plain Node on an esbuild bundle of src/oci) fetching the manifest, the config and the layers one after the other with the registry client, every blob hashed as it streams and written to disk; skopeo is \`skopeo copy docker://… oci:DIR\`. Both write the same blobs (checked).`,
        '',
        '| image | skopeo copy ms | our pull ms (process) | ratio | our pull ms (inside the process) | our peak RSS MiB |',
        '| :-- | --: | --: | --: | --: | --: |',
        `| ${(bytes / MiB).toFixed(0)} MiB tar / ${(compressed / MiB).toFixed(0)} MiB gzip, ${layers.length} layers | ${skopeoWall.toFixed(0)} | ${oursWall.toFixed(0)} | **${(oursWall / skopeoWall).toFixed(2)}×** | ${oursInner.toFixed(0)} | ${peak.toFixed(0)} |`,
        '',
        "Process times include start-up on both sides (Node and the bundle: about 100 ms). Peak RSS is the child's own high-water mark (`VmHWM`).",
      ].join('\n'),
    };
  } finally {
    await registry.stop();
    rmSync(temp, { recursive: true, force: true });
  }
}
