import { MAX_CONFIG_BYTES, MAX_LAYER_BYTES } from './digest.js';
import { ociError } from './errors.js';
import type { Descriptor, ImageConfig, ParsedManifest } from './manifest.js';
import { assertImageManifest, parseImageConfig } from './manifest.js';
import { DEFAULT_PLATFORM, formatPlatform, normalizePlatform, parsePlatform, selectPlatform } from './platform.js';

/** How deep an index may nest indexes before we give up (real images: one level). */
export const MAX_INDEX_DEPTH = 4;

export interface LayerSource {
  digest: string;
  /** Digest of the uncompressed layer tar, from the config's rootfs.diff_ids. */
  diffId?: string;
  mediaType: string;
  size: number;
  /** The layer bytes as stored (usually compressed), verified against `digest` and `size` while streaming. */
  open(): Promise<NodeJS.ReadableStream>;
}

export interface OpenedImage {
  /** What the user asked for, e.g. "ghcr.io/acme/web:1.2" or "oci:./layout:v1". */
  reference: string;
  /** Digest of the image manifest whose config and layers these are. */
  digest?: string;
  /** Digest of the index the manifest was chosen from, when there was one. */
  indexDigest?: string;
  manifest: unknown;
  config: ImageConfig;
  layers: LayerSource[];
  /** "linux/arm64/v8". */
  platform?: string;
  close(): Promise<void>;
}

export interface FetchedContent {
  /** Absent only for an OCI layout's index.json, which is not itself a blob. */
  digest?: string;
  parsed: ParsedManifest;
}

/** Where manifests and blobs come from: a registry, a layout directory, an archive. */
export interface ContentProvider {
  readonly description: string;
  /** A manifest or index, verified against the descriptor's digest and size. */
  readManifest(descriptor: Descriptor): Promise<FetchedContent>;
  /** A blob, verified against the descriptor's digest and size while it streams. */
  openBlob(descriptor: Pick<Descriptor, 'digest' | 'size'>, maxBytes: number): Promise<NodeJS.ReadableStream>;
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export interface ResolveOptions {
  reference: string;
  /** Explicitly requested platform; when absent, indexes resolve to linux/amd64. */
  platform?: string;
  close?: () => Promise<void>;
}

function configPlatform(config: ImageConfig): string | undefined {
  if (!config.os || !config.architecture) return undefined;
  return formatPlatform({
    os: config.os,
    architecture: config.architecture,
    ...(config.variant ? { variant: config.variant } : {}),
  });
}

/** From a top-level manifest or index to the image: platform selection, config, layer sources. */
export async function resolveImage(
  provider: ContentProvider,
  top: FetchedContent,
  options: ResolveOptions,
): Promise<OpenedImage> {
  let current = top;
  let indexDigest: string | undefined;
  let platform: string | undefined;
  const wanted = options.platform ?? DEFAULT_PLATFORM;
  for (let depth = 0; current.parsed.kind === 'index'; depth++) {
    if (depth >= MAX_INDEX_DEPTH) {
      throw ociError('INVALID_MANIFEST', `${options.reference}: indexes nest more than ${MAX_INDEX_DEPTH} levels deep`);
    }
    if (current.digest !== undefined) indexDigest ??= current.digest;
    const chosen = selectPlatform(
      current.parsed.index,
      wanted,
      `${options.reference} (index ${current.digest ?? 'index.json'})`,
    );
    if (chosen.platform) platform = formatPlatform(chosen.platform);
    current = await provider.readManifest(chosen);
  }
  const manifest = current.parsed.manifest;
  const what = `${options.reference} (manifest ${current.digest ?? 'unknown'})`;
  assertImageManifest(manifest, what);
  const configBytes = await readAll(await provider.openBlob(manifest.config, MAX_CONFIG_BYTES));
  const config = parseImageConfig(configBytes, `config ${manifest.config.digest} of ${options.reference}`);
  const fromConfig = configPlatform(config);
  if (indexDigest === undefined && options.platform !== undefined && fromConfig !== undefined) {
    const want = normalizePlatform(parsePlatform(options.platform));
    const have = normalizePlatform(parsePlatform(fromConfig));
    if (
      want.os !== have.os ||
      want.architecture !== have.architecture ||
      (want.variant !== '' && want.variant !== have.variant)
    ) {
      throw ociError(
        'NO_MATCHING_PLATFORM',
        `${options.reference} is a single-platform image for ${fromConfig}, not ${options.platform}; available: ${fromConfig}`,
      );
    }
  }
  const diffIds = config.rootfs.diff_ids.length === manifest.layers.length ? config.rootfs.diff_ids : undefined;
  const layers = manifest.layers.map((layer, i): LayerSource => ({
    digest: layer.digest,
    ...(diffIds?.[i] !== undefined ? { diffId: diffIds[i] } : {}),
    mediaType: layer.mediaType,
    size: layer.size,
    open: () => provider.openBlob(layer, MAX_LAYER_BYTES),
  }));
  const resolvedPlatform = platform ?? fromConfig;
  return {
    reference: options.reference,
    ...(current.digest !== undefined ? { digest: current.digest } : {}),
    ...(indexDigest !== undefined ? { indexDigest } : {}),
    manifest,
    config,
    layers,
    ...(resolvedPlatform !== undefined ? { platform: resolvedPlatform } : {}),
    close: options.close ?? (async () => {}),
  };
}
