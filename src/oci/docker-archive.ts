import { MAX_CONFIG_BYTES, MAX_LAYER_BYTES, MAX_MANIFEST_BYTES, readVerified, verifyStream } from './digest.js';
import { ociError } from './errors.js';
import { readStoreFile, normalizeEntryName, type FileStore } from './file-store.js';
import { LayoutProvider, readLayoutIndex } from './layout.js';
import { parseImageConfig, parseJson, type Descriptor } from './manifest.js';
import { MEDIA_TYPE } from './media-types.js';
import { isValidDigest, parseImageReference, formatImageReference } from './reference.js';
import { normalizePlatform, parsePlatform, formatPlatform } from './platform.js';
import { resolveImage, type FetchedContent, type LayerSource, type OpenedImage } from './resolve.js';

/** How many manifests we read while matching a docker-archive entry to its OCI manifest. */
const MAX_MANIFESTS_SCANNED = 256;

/** One entry of `docker save`'s manifest.json. */
export interface DockerArchiveEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
  LayerSources?: Record<string, Descriptor>;
}

function parseEntries(bytes: Buffer, description: string): DockerArchiveEntry[] {
  const document = parseJson(bytes, `manifest.json of ${description}`, 'INVALID_ARCHIVE');
  if (!Array.isArray(document))
    throw ociError('INVALID_ARCHIVE', `manifest.json of ${description} is not a JSON array`);
  return document.map((raw: unknown, i) => {
    const entry = (raw ?? {}) as Record<string, unknown>;
    const { Config, Layers, RepoTags, LayerSources } = entry;
    if (typeof Config !== 'string' || !Array.isArray(Layers) || !Layers.every((l) => typeof l === 'string')) {
      throw ociError(
        'INVALID_ARCHIVE',
        `manifest.json of ${description}: entry ${i} needs a Config string and a Layers array`,
      );
    }
    const tags = Array.isArray(RepoTags) ? RepoTags.filter((t): t is string => typeof t === 'string') : [];
    const sources =
      typeof LayerSources === 'object' && LayerSources !== null
        ? (LayerSources as Record<string, Descriptor>)
        : undefined;
    return { Config, Layers: Layers, RepoTags: tags, ...(sources ? { LayerSources: sources } : {}) };
  });
}

function canonical(name: string): string {
  try {
    return formatImageReference(parseImageReference(name));
  } catch {
    return name;
  }
}

function selectEntry(
  entries: DockerArchiveEntry[],
  selector: string | undefined,
  description: string,
): DockerArchiveEntry {
  if (selector !== undefined) {
    const byIndex = /^@(\d+)$/.exec(selector);
    if (byIndex) {
      const entry = entries[Number(byIndex[1])];
      if (entry) return entry;
      throw ociError(
        'NOT_FOUND',
        `${description} has ${entries.length} images; there is no image number ${byIndex[1]}`,
      );
    }
    const wanted = canonical(selector);
    const match = entries.find((entry) => entry.RepoTags.some((tag) => tag === selector || canonical(tag) === wanted));
    if (match) return match;
    const tags = entries.flatMap((entry) => entry.RepoTags);
    throw ociError(
      'NOT_FOUND',
      `${description} has no image tagged "${selector}"; tags: ${tags.length > 0 ? tags.join(', ') : 'none'}`,
    );
  }
  if (entries.length === 1) return entries[0] as DockerArchiveEntry;
  if (entries.length === 0) throw ociError('INVALID_ARCHIVE', `${description}: manifest.json lists no images`);
  throw ociError(
    'AMBIGUOUS_IMAGE',
    `${description} holds ${entries.length} images; name one as docker-archive:PATH:REPO:TAG or docker-archive:PATH:@N (tags: ${entries.flatMap((e) => e.RepoTags).join(', ') || 'none'})`,
  );
}

/** "blobs/sha256/<hex>" → "sha256:<hex>"; legacy "<hex>.json" config names → "sha256:<hex>". */
export function digestFromPath(path: string): string | undefined {
  const blob = /^blobs\/(sha256|sha512)\/([a-f0-9]+)$/.exec(path);
  if (blob) {
    const digest = `${blob[1]}:${blob[2]}`;
    return isValidDigest(digest) ? digest : undefined;
  }
  const legacy = /(?:^|\/)([a-f0-9]{64})\.json$/.exec(path);
  return legacy ? `sha256:${legacy[1]}` : undefined;
}

async function sniffMediaType(store: FileStore, path: string): Promise<string> {
  const stream = await store.open(path);
  const head: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    head.push(buffer);
    length += buffer.length;
    if (length >= 4) break;
  }
  (stream as { destroy?: () => void }).destroy?.();
  const bytes = Buffer.concat(head);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return MEDIA_TYPE.dockerLayerGzip;
  if (bytes.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) return MEDIA_TYPE.ociLayerZstd;
  return MEDIA_TYPE.dockerLayer;
}

/** Docker 25+ archives are also OCI layouts: find the manifest whose config is this entry's config. */
async function findOciManifest(
  store: FileStore,
  configDigest: string,
): Promise<{ provider: LayoutProvider; top: FetchedContent } | undefined> {
  if ((await store.size('oci-layout')) === undefined || (await store.size('index.json')) === undefined)
    return undefined;
  const index = await readLayoutIndex(store);
  const provider = new LayoutProvider(store);
  const queue: Descriptor[] = [...index.manifests];
  for (let scanned = 0; queue.length > 0 && scanned < MAX_MANIFESTS_SCANNED; scanned++) {
    const descriptor = queue.shift() as Descriptor;
    const fetched = await provider.readManifest(descriptor);
    if (fetched.parsed.kind === 'index') queue.push(...fetched.parsed.index.manifests);
    else if (fetched.parsed.manifest.config.digest === configDigest) return { provider, top: fetched };
  }
  return undefined;
}

export interface DockerArchiveOpenOptions {
  reference: string;
  /** "repo:tag" from RepoTags, or "@N" for the N-th image. */
  selector?: string;
  platform?: string;
}

/** Opens `docker save` output: legacy (<id>/layer.tar, <hex>.json) and OCI-style (Docker 25+) alike. */
export async function openDockerArchive(store: FileStore, options: DockerArchiveOpenOptions): Promise<OpenedImage> {
  try {
    const manifestBytes = await readStoreFile(store, 'manifest.json', MAX_MANIFEST_BYTES, 'manifest.json');
    if (manifestBytes === undefined) {
      throw ociError('INVALID_ARCHIVE', `${store.description} is not a docker save archive: it has no manifest.json`);
    }
    const entry = selectEntry(parseEntries(manifestBytes, store.description), options.selector, store.description);
    const configPath = normalizeEntryName(entry.Config);
    const configDigest = configPath === undefined ? undefined : digestFromPath(configPath);
    if (configPath === undefined || configDigest === undefined) {
      throw ociError(
        'INVALID_ARCHIVE',
        `${store.description}: config path "${entry.Config}" names no digest, so the config cannot be verified`,
      );
    }
    const oci = await findOciManifest(store, configDigest);
    if (oci) {
      return await resolveImage(oci.provider, oci.top, {
        reference: options.reference,
        ...(options.platform !== undefined ? { platform: options.platform } : {}),
        close: () => store.close(),
      });
    }
    return await openLegacy(store, entry, configPath, configDigest, options);
  } catch (error) {
    await store.close();
    throw error;
  }
}

async function openLegacy(
  store: FileStore,
  entry: DockerArchiveEntry,
  configPath: string,
  configDigest: string,
  options: DockerArchiveOpenOptions,
): Promise<OpenedImage> {
  const configSize = await store.size(configPath);
  if (configSize === undefined)
    throw ociError('INVALID_ARCHIVE', `${store.description}: config ${configPath} is missing`);
  const configWhat = `config ${configPath} in ${store.description}`;
  const configBytes = await readVerified(await store.open(configPath), {
    digest: configDigest,
    size: configSize,
    maxBytes: MAX_CONFIG_BYTES,
    what: configWhat,
  });
  const config = parseImageConfig(configBytes, configWhat);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== entry.Layers.length) {
    throw ociError(
      'INVALID_ARCHIVE',
      `${store.description}: manifest.json lists ${entry.Layers.length} layers but the config has ${diffIds.length} diff_ids`,
    );
  }
  const layers: LayerSource[] = [];
  for (const [i, raw] of entry.Layers.entries()) {
    const path = normalizeEntryName(raw);
    const size = path === undefined ? undefined : await store.size(path);
    if (path === undefined || size === undefined)
      throw ociError('INVALID_ARCHIVE', `${store.description}: layer ${raw} is missing`);
    const diffId = diffIds[i] as string;
    const digest = digestFromPath(path) ?? diffId;
    const declared = entry.LayerSources?.[diffId]?.mediaType;
    const mediaType =
      typeof declared === 'string'
        ? declared
        : digest === diffId
          ? MEDIA_TYPE.dockerLayer
          : await sniffMediaType(store, path);
    const what = `layer ${path} (${digest}) in ${store.description}`;
    layers.push({
      digest,
      diffId,
      mediaType,
      size,
      open: async () => verifyStream(await store.open(path), { digest, size, maxBytes: MAX_LAYER_BYTES, what }),
    });
  }
  const platform =
    config.os && config.architecture
      ? formatPlatform({
          os: config.os,
          architecture: config.architecture,
          ...(config.variant ? { variant: config.variant } : {}),
        })
      : undefined;
  if (options.platform !== undefined && platform !== undefined) {
    const want = normalizePlatform(parsePlatform(options.platform));
    const have = normalizePlatform(parsePlatform(platform));
    if (want.os !== have.os || want.architecture !== have.architecture) {
      throw ociError(
        'NO_MATCHING_PLATFORM',
        `${options.reference} holds an image for ${platform}, not ${options.platform}; available: ${platform}`,
      );
    }
  }
  return {
    reference: options.reference,
    manifest: entry,
    config,
    layers,
    ...(platform !== undefined ? { platform } : {}),
    close: () => store.close(),
  };
}
