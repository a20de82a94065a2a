/**
 * Image catalog throughput and memory (issue 4): builds multi-layer gzip images on disk (a dpkg database
 * with a few hundred packages, a node_modules tree with a few hundred packages, thousands of bulk files),
 * catalogs them the way the images check does (catalogers + secret scanner + passwd reader) in a child
 * process, and compares with `gzip -dc` over the same layer blobs, alternated in the same run. Peak RSS is
 * the child's maxRSS, shown at two image sizes.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import type { BenchResult } from './report.js';

const MiB = 1024 * 1024;
const FILE_BYTES = 96 * 1024;

interface Entry {
  path: string;
  content: Buffer;
}

async function tarOf(entries: Iterable<Entry>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const entry of entries) pack.entry({ name: entry.path, mode: 0o644, mtime: new Date(0) }, entry.content);
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Semi-compressible content (like binaries and text): pseudo-random words from a seed. */
function bulk(seed: number, size: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i += 4) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    out.writeUInt32LE(x & 0x3f3f3f3f, Math.min(i, size - 4));
  }
  return out;
}

function dpkgStatus(count: number): string {
  const stanzas: string[] = [];
  for (let i = 0; i < count; i++) {
    stanzas.push(
      [
        `Package: lib-bench-${i}`,
        'Status: install ok installed',
        'Architecture: amd64',
        `Source: bench-src-${Math.floor(i / 3)}`,
        `Version: 1.${i}.0-1`,
        `Description: benchmark package ${i}`,
        '',
      ].join('\n'),
    );
  }
  return stanzas.join('\n');
}

/** Writes the layer blobs of an image of about `targetBytes` uncompressed; returns their paths. */
export async function buildImage(
  dir: string,
  targetBytes: number,
  layerCount: number,
): Promise<{ blobs: string[]; bytes: number }> {
  const blobs: string[] = [];
  let bytes = 0;
  const base = await tarOf([
    { path: 'etc/os-release', content: Buffer.from('ID=debian\nVERSION_ID="12"\n') },
    { path: 'etc/passwd', content: Buffer.from('root:x:0:0:root:/root:/bin/sh\n') },
    { path: 'var/lib/dpkg/status', content: Buffer.from(dpkgStatus(300)) },
  ]);
  const write = (tarBytes: Buffer) => {
    bytes += tarBytes.length;
    const gz = gzipSync(tarBytes, { level: 1 });
    const file = path.join(dir, createHash('sha256').update(gz).digest('hex'));
    writeFileSync(file, gz);
    blobs.push(file);
  };
  write(base);
  const npm: Entry[] = [];
  for (let i = 0; i < 300; i++) {
    npm.push({
      path: `app/node_modules/bench-${i}/package.json`,
      content: Buffer.from(JSON.stringify({ name: `bench-${i}`, version: `2.${i}.1` })),
    });
    npm.push({ path: `app/node_modules/bench-${i}/index.js`, content: Buffer.from(`module.exports = ${i};\n`) });
  }
  write(await tarOf(npm));
  const filesPerLayer = Math.ceil((targetBytes - bytes) / FILE_BYTES / (layerCount - 2));
  for (let layer = 0; layer < layerCount - 2; layer++) {
    const entries: Entry[] = [];
    for (let i = 0; i < filesPerLayer; i++) {
      entries.push({
        path: `usr/share/bench/l${layer}/d${i % 50}/f${i}.bin`,
        content: bulk(layer * 100_000 + i, FILE_BYTES),
      });
    }
    write(await tarOf(entries));
  }
  return { blobs, bytes };
}

function timeGzip(blobs: string[]): number {
  const started = process.hrtime.bigint();
  const result = spawnSync('sh', ['-c', 'gzip -dc "$@" > /dev/null', 'gzip', ...blobs]);
  if (result.status !== 0) throw new Error(`gzip -dc failed: ${result.stderr.toString()}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

interface ChildResult {
  ms: number;
  maxRssMiB: number;
  packages: number;
  errors: number;
}

function timeCatalog(blobs: string[]): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const result = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', ...blobs], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`catalog child failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as ChildResult;
}

/** In the child: catalog the blobs as the images check does, then report time and peak RSS. */
async function child(blobs: string[]): Promise<void> {
  const { catalogImage } = await import('../src/images/index.js');
  const { secretScanner } = await import('../src/checks/images/secrets.js');
  const layers = blobs.map((file) => ({
    digest: `sha256:${path.basename(file)}`,
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    size: statSync(file).size,
    open: () => Promise.resolve(createReadStream(file) as NodeJS.ReadableStream),
  }));
  const started = process.hrtime.bigint();
  const catalog = await catalogImage(layers, { extraRequests: [secretScanner().request] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const result: ChildResult = {
    ms,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    packages: catalog.packages.length,
    errors: catalog.errors.length,
  };
  console.log(JSON.stringify(result));
}

/** Peak RSS of plain Node decompressing the same blobs (createGunzip to a no-op sink): the floor we sit on. */
function gunzipRss(blobs: string[]): number {
  const code = `import { createReadStream } from 'node:fs'; import { createGunzip } from 'node:zlib';
    import { pipeline } from 'node:stream/promises'; import { Writable } from 'node:stream';
    for (const b of ${JSON.stringify(blobs)}) await pipeline(createReadStream(b), createGunzip(), new Writable({ write(c, e, cb) { cb(); } }));
    console.log(process.resourceUsage().maxRSS / 1024);`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`gunzip RSS child failed: ${result.stderr}`);
  return Number(result.stdout.trim());
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function imageCatalog(iterations = 3): Promise<BenchResult> {
  const rows: string[] = [];
  const temp = mkdtempSync(path.join(os.tmpdir(), 'containersec-bench-image-'));
  try {
    for (const [label, target] of [
      ['150 MB', 150 * MiB],
      ['320 MB', 320 * MiB],
    ] as const) {
      const dir = mkdtempSync(path.join(temp, 'img-'));
      const { blobs, bytes } = await buildImage(dir, target, 6);
      const compressed = blobs.reduce((sum, b) => sum + statSync(b).size, 0);
      const gzipTimes: number[] = [];
      const runs: ChildResult[] = [];
      for (let i = 0; i < iterations; i++) {
        gzipTimes.push(timeGzip(blobs));
        runs.push(timeCatalog(blobs));
      }
      const ours = median(runs.map((r) => r.ms));
      const reference = median(gzipTimes);
      const rss = Math.max(...runs.map((r) => r.maxRssMiB));
      const floor = gunzipRss(blobs);
      rows.push(
        `| ${label} (${(bytes / MiB).toFixed(0)} MiB tar, ${(compressed / MiB).toFixed(0)} MiB gzip, ${blobs.length} layers, ${runs[0]!.packages} packages) | ${reference.toFixed(0)} | ${ours.toFixed(0)} | **${(ours / reference).toFixed(2)}×** | ${rss.toFixed(0)} | ${floor.toFixed(0)} |`,
      );
      if (runs.some((r) => r.errors > 0))
        rows.push(`| (catalog reported layer errors: the figures above are not valid) | | | | |`);
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return {
    name: 'image-catalog',
    title: 'Image catalog: full catalog vs gzip -dc, and peak RSS',
    markdown: [
      `Median of ${iterations} alternating runs, Node ${process.version}. "Catalog" is pass 1 (index every layer) + pass 2 (read the files the dpkg/npm/python/… catalogers and the secret scanner want) + cataloguing, in a child process; "gzip -dc" decompresses the same blobs once to /dev/null.`,
      '',
      '| image | gzip -dc ms | catalog ms | ratio | catalog peak RSS MiB | plain Node gunzip peak RSS MiB |',
      '| :-- | --: | --: | --: | --: | --: |',
      ...rows,
      '',
      'Aims (issue 4): ratio under 1.5×; peak RSS under 200 MB whatever the image size. Pass 1 reads every layer once, pass 2 re-reads only layers holding wanted files, so the ratio is above 1× by design. The catalog child includes about 100 MiB of tsx and module loading; the last column is plain Node (no tsx) piping the same blobs through `zlib.createGunzip()` to a no-op sink: its RSS grows with the bytes inflated as well (zlib output buffers are external memory that V8 reclaims lazily), so the growth is not held by the catalog. Registry pull vs `skopeo copy` is not measured here.',
    ].join('\n'),
  };
}

if (process.argv[2] === '--child') await child(process.argv.slice(3));
