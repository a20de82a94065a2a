import { MAX_MANIFEST_BYTES, readVerified, verifyStream } from './digest.js';
import { ociError } from './errors.js';
import { readStoreFile, type FileStore } from './file-store.js';
import { parseJson, parseManifest, type Descriptor, type ImageIndex } from './manifest.js';
import { MEDIA_TYPE } from './media-types.js';
import type { ContentProvider, FetchedContent, OpenedImage } from './resolve.js';
import { resolveImage } from './resolve.js';

export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
/** containerd (and docker save since 25) also record the full image name. */
export const CONTAINERD_NAME_ANNOTATION = 'io.containerd.image.name';

export function blobPath(digest: string): string {
  const [algorithm, encoded] = digest.split(':') as [string, string];
  return `blobs/${algorithm}/${encoded}`;
}

/** Manifests and blobs of an OCI image layout (directory or tar), each verified as it is read. */
export class LayoutProvider implements ContentProvider {
  readonly description: string;
  readonly #store: FileStore;

  constructor(store: FileStore) {
    this.#store = store;
    this.description = store.description;
  }

  async openBlob(descriptor: Pick<Descriptor, 'digest' | 'size'>, maxBytes: number): Promise<NodeJS.ReadableStream> {
    const what = `blob ${descriptor.digest} in ${this.description}`;
    const path = blobPath(descriptor.digest);
    const size = await this.#store.size(path);
    if (size === undefined) throw ociError('NOT_FOUND', `${what} is missing (${path})`);
    if (size !== descriptor.size) {
      throw ociError(
        'SIZE_MISMATCH',
        `${what}: descriptor size is ${descriptor.size} bytes but ${path} has ${size}; refusing to use it`,
      );
    }
    const expected = { digest: descriptor.digest, size: descriptor.size, maxBytes, what };
    return verifyStream(await this.#store.open(path), expected);
  }

  async readManifest(descriptor: Descriptor): Promise<FetchedContent> {
    const what = `manifest ${descriptor.digest} in ${this.description}`;
    const path = blobPath(descriptor.digest);
    const size = await this.#store.size(path);
    if (size === undefined) throw ociError('NOT_FOUND', `${what} is missing (${path})`);
    if (size > MAX_MANIFEST_BYTES) {
      throw ociError('MANIFEST_TOO_LARGE', `${what} is ${size} bytes, over the limit of ${MAX_MANIFEST_BYTES} bytes`);
    }
    const bytes = await readVerified(await this.#store.open(path), {
      digest: descriptor.digest,
      size: descriptor.size,
      maxBytes: MAX_MANIFEST_BYTES,
      what,
      kind: 'manifest',
    });
    return { digest: descriptor.digest, parsed: parseManifest(bytes, what, descriptor.mediaType) };
  }
}

/** Checks `oci-layout` and returns the parsed `index.json`. */
export async function readLayoutIndex(store: FileStore): Promise<ImageIndex> {
  const marker = await readStoreFile(store, 'oci-layout', 64 * 1024, 'oci-layout');
  if (marker === undefined) {
    throw ociError('INVALID_LAYOUT', `${store.description} is not an OCI image layout: it has no oci-layout file`);
  }
  const layout = parseJson(marker, `oci-layout of ${store.description}`, 'INVALID_LAYOUT') as {
    imageLayoutVersion?: unknown;
  };
  if (typeof layout?.imageLayoutVersion !== 'string' || !layout.imageLayoutVersion.startsWith('1.')) {
    throw ociError(
      'INVALID_LAYOUT',
      `${store.description}: unsupported imageLayoutVersion ${JSON.stringify(layout?.imageLayoutVersion ?? null)} (expected 1.x)`,
    );
  }
  const indexBytes = await readStoreFile(store, 'index.json', MAX_MANIFEST_BYTES, 'index.json');
  if (indexBytes === undefined) throw ociError('INVALID_LAYOUT', `${store.description} has no index.json`);
  const parsed = parseManifest(indexBytes, `index.json of ${store.description}`);
  if (parsed.kind !== 'index')
    throw ociError('INVALID_LAYOUT', `index.json of ${store.description} is not an image index`);
  return parsed.index;
}

function refNames(index: ImageIndex): string[] {
  return index.manifests
    .map((entry) => entry.annotations?.[REF_NAME_ANNOTATION])
    .filter((name): name is string => !!name);
}

/** Which entry of index.json to open: by ref name, the only one, or the whole index when it lists platforms. */
export function selectLayoutEntry(
  index: ImageIndex,
  tag: string | undefined,
  description: string,
): Descriptor | 'index' {
  if (tag !== undefined) {
    const match = index.manifests.filter(
      (entry) =>
        entry.annotations?.[REF_NAME_ANNOTATION] === tag || entry.annotations?.[CONTAINERD_NAME_ANNOTATION] === tag,
    );
    if (match.length === 1) return match[0] as Descriptor;
    if (match.length > 1) {
      if (match.every((entry) => entry.platform !== undefined)) return 'index';
      throw ociError('AMBIGUOUS_IMAGE', `${description} has ${match.length} manifests named "${tag}"`);
    }
    const names = refNames(index);
    throw ociError(
      'NOT_FOUND',
      `${description} has no image named "${tag}"; names in index.json: ${names.length > 0 ? names.join(', ') : 'none'}`,
    );
  }
  if (index.manifests.length === 1) return index.manifests[0] as Descriptor;
  if (index.manifests.length === 0) throw ociError('INVALID_LAYOUT', `${description}: index.json lists no manifests`);
  if (index.manifests.every((entry) => entry.platform !== undefined)) return 'index';
  const names = refNames(index);
  throw ociError(
    'AMBIGUOUS_IMAGE',
    `${description} holds ${index.manifests.length} images; name one with :TAG${names.length > 0 ? ` (${names.join(', ')})` : ''}`,
  );
}

export interface LayoutOpenOptions {
  reference: string;
  tag?: string;
  platform?: string;
}

/** Opens the image a layout (directory or archive store) holds. The store is closed with the image. */
export async function openLayoutImage(store: FileStore, options: LayoutOpenOptions): Promise<OpenedImage> {
  try {
    const index = await readLayoutIndex(store);
    const provider = new LayoutProvider(store);
    const entry = selectLayoutEntry(index, options.tag, store.description);
    let top: FetchedContent;
    if (entry === 'index') {
      const filtered =
        options.tag === undefined
          ? index
          : {
              ...index,
              manifests: index.manifests.filter(
                (m) =>
                  m.annotations?.[REF_NAME_ANNOTATION] === options.tag ||
                  m.annotations?.[CONTAINERD_NAME_ANNOTATION] === options.tag,
              ),
            };
      top = { parsed: { kind: 'index', index: { ...filtered, mediaType: MEDIA_TYPE.ociIndex } } };
    } else {
      top = await provider.readManifest(entry);
    }
    return await resolveImage(provider, top, {
      reference: options.reference,
      ...(options.platform !== undefined ? { platform: options.platform } : {}),
      close: () => store.close(),
    });
  } catch (error) {
    await store.close();
    throw error;
  }
}
