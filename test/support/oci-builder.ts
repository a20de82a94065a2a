/**
 * Builds OCI image layouts, oci-archives and docker-archives from in-memory file lists, so tests need no
 * Docker engine and no binary fixtures. Layers are real tars (tar-stream) compressed with gzip.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';

export interface FileSpec {
  path: string;
  content?: string | Buffer;
  mode?: number;
  type?: 'file' | 'directory' | 'symlink';
  linkname?: string;
}

export interface Blob {
  mediaType: string;
  digest: string;
  size: number;
  bytes: Buffer;
}

export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
}

export interface BuiltImage {
  manifest: Blob;
  config: Blob;
  layers: Blob[];
  /** Uncompressed layer tars, in order (docker-archive layers). */
  layerTars: Buffer[];
  diffIds: string[];
  platform: PlatformSpec;
}

export interface ImageSpec {
  layers: FileSpec[][];
  platform?: PlatformSpec;
  config?: Record<string, unknown>;
  /** 'oci' (default) or 'docker' media types. */
  flavor?: 'oci' | 'docker';
  compress?: boolean;
  annotations?: Record<string, string>;
}

export const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export function blob(mediaType: string, bytes: Buffer): Blob {
  return { mediaType, digest: sha256(bytes), size: bytes.length, bytes };
}

export function jsonBlob(mediaType: string, value: unknown): Blob {
  return blob(mediaType, Buffer.from(JSON.stringify(value)));
}

export function descriptor(b: Blob, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { mediaType: b.mediaType, digest: b.digest, size: b.size, ...extra };
}

export async function tarOf(entries: FileSpec[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const header = {
      name: entry.path,
      mode: entry.mode ?? (type === 'directory' ? 0o755 : 0o644),
      mtime: new Date(0),
      type,
      ...(entry.linkname ? { linkname: entry.linkname } : {}),
    };
    await new Promise<void>((resolve, reject) => {
      const body = type === 'file' ? Buffer.from(entry.content ?? '') : undefined;
      const callback = (error?: Error | null): void => (error ? reject(error) : resolve());
      if (body === undefined) pack.entry(header, callback);
      else pack.entry(header, body, callback);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export async function buildImage(spec: ImageSpec): Promise<BuiltImage> {
  const docker = spec.flavor === 'docker';
  const platform = spec.platform ?? { os: 'linux', architecture: 'amd64' };
  const compress = spec.compress ?? true;
  const layerTars = await Promise.all(spec.layers.map((files) => tarOf(files)));
  const diffIds = layerTars.map(sha256);
  const layerType = docker
    ? compress
      ? 'application/vnd.docker.image.rootfs.diff.tar.gzip'
      : 'application/vnd.docker.image.rootfs.diff.tar'
    : compress
      ? 'application/vnd.oci.image.layer.v1.tar+gzip'
      : 'application/vnd.oci.image.layer.v1.tar';
  const layers = layerTars.map((bytes) => blob(layerType, compress ? gzipSync(bytes) : bytes));
  const config = jsonBlob(
    docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json',
    {
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      created: '2024-01-01T00:00:00Z',
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], ...spec.config },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: layerTars.map((_, i) => ({ created: '2024-01-01T00:00:00Z', created_by: `layer ${i}` })),
    },
  );
  const manifest = jsonBlob(
    docker ? 'application/vnd.docker.distribution.manifest.v2+json' : 'application/vnd.oci.image.manifest.v1+json',
    {
      schemaVersion: 2,
      mediaType: docker
        ? 'application/vnd.docker.distribution.manifest.v2+json'
        : 'application/vnd.oci.image.manifest.v1+json',
      config: descriptor(config),
      layers: layers.map((layer) => descriptor(layer)),
      ...(spec.annotations ? { annotations: spec.annotations } : {}),
    },
  );
  return { manifest, config, layers, layerTars, diffIds, platform };
}

export function buildIndex(
  images: BuiltImage[],
  extra: Record<string, unknown>[] = [],
  flavor: 'oci' | 'docker' = 'oci',
): Blob {
  const mediaType =
    flavor === 'docker'
      ? 'application/vnd.docker.distribution.manifest.list.v2+json'
      : 'application/vnd.oci.image.index.v1+json';
  return jsonBlob(mediaType, {
    schemaVersion: 2,
    mediaType,
    manifests: [...images.map((image) => descriptor(image.manifest, { platform: image.platform })), ...extra],
  });
}

export function imageBlobs(image: BuiltImage): Blob[] {
  return [image.manifest, image.config, ...image.layers];
}

export interface LayoutEntry {
  /** The manifest or index the entry points at. */
  target: Blob;
  refName?: string;
  platform?: PlatformSpec;
  annotations?: Record<string, string>;
}

/** The files of an OCI image layout, by relative path. */
export function layoutFiles(entries: LayoutEntry[], blobs: Blob[]): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  files.set('oci-layout', Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })));
  files.set(
    'index.json',
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: entries.map((entry) =>
          descriptor(entry.target, {
            ...(entry.platform ? { platform: entry.platform } : {}),
            ...(entry.refName || entry.annotations
              ? {
                  annotations: {
                    ...entry.annotations,
                    ...(entry.refName ? { 'org.opencontainers.image.ref.name': entry.refName } : {}),
                  },
                }
              : {}),
          }),
        ),
      }),
    ),
  );
  for (const b of [...blobs, ...entries.map((entry) => entry.target)])
    files.set(`blobs/sha256/${b.digest.slice(7)}`, b.bytes);
  return files;
}

export async function writeFiles(dir: string, files: Map<string, Buffer>): Promise<void> {
  for (const [path, bytes] of files) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), bytes);
  }
}

export async function tarOfFiles(files: Map<string, Buffer>): Promise<Buffer> {
  return tarOf([...files].map(([path, content]) => ({ path, content })));
}

/** `docker save` output of Docker before 25: <id>/layer.tar, <config hex>.json, manifest.json, repositories. */
export function legacyDockerArchiveFiles(images: { image: BuiltImage; repoTags: string[] }[]): { files: FileSpec[] } {
  const files: FileSpec[] = [];
  const seen = new Map<string, string>();
  const manifest = images.map(({ image, repoTags }) => {
    // docker save's legacy format needs the config as Docker wrote it; the builder's config is that JSON.
    const configName = `${image.config.digest.slice(7)}.json`;
    files.push({ path: configName, content: image.config.bytes });
    const layers = image.layerTars.map((bytes, i) => {
      const diffId = image.diffIds[i] as string;
      const id = createHash('sha256').update(`${diffId}/${i}`).digest('hex');
      const path = `${id}/layer.tar`;
      const first = seen.get(diffId);
      if (first === undefined) {
        seen.set(diffId, path);
        files.push({ path: `${id}/`, type: 'directory' });
        files.push({ path, content: bytes });
      } else {
        // Docker links a layer that appears twice to its first copy.
        files.push({ path: `${id}/`, type: 'directory' });
        files.push({ path, type: 'symlink', linkname: `../${first}` });
      }
      return path;
    });
    return { Config: configName, RepoTags: repoTags, Layers: layers };
  });
  files.push({ path: 'manifest.json', content: JSON.stringify(manifest) });
  return { files };
}

/** `docker save` output of Docker 25+: an OCI layout plus manifest.json pointing into blobs/sha256. */
export function ociDockerArchiveFiles(images: { image: BuiltImage; repoTags: string[] }[]): Map<string, Buffer> {
  const entries: LayoutEntry[] = images.map(({ image, repoTags }) => ({
    target: image.manifest,
    annotations: {
      'io.containerd.image.name': `docker.io/library/${repoTags[0] ?? 'unnamed'}`,
      'org.opencontainers.image.ref.name': (repoTags[0] ?? 'latest').split(':')[1] ?? 'latest',
    },
  }));
  const files = layoutFiles(
    entries,
    images.flatMap(({ image }) => imageBlobs(image)),
  );
  files.set(
    'manifest.json',
    Buffer.from(
      JSON.stringify(
        images.map(({ image, repoTags }) => ({
          Config: `blobs/sha256/${image.config.digest.slice(7)}`,
          RepoTags: repoTags,
          Layers: image.layers.map((layer) => `blobs/sha256/${layer.digest.slice(7)}`),
        })),
      ),
    ),
  );
  return files;
}
