import { MAX_MANIFEST_BYTES, readVerified } from '../../oci/digest.js';
import { isOciError, ociError } from '../../oci/errors.js';
import type { FileStore } from '../../oci/file-store.js';
import { CONTAINERD_NAME_ANNOTATION, REF_NAME_ANNOTATION, blobPath, readLayoutIndex } from '../../oci/layout.js';
import { parseManifest, type Descriptor, type ImageIndex, type ParsedManifest } from '../../oci/manifest.js';
import type { RegistryClient } from '../../oci/registry.js';
import { readAll } from '../../oci/resolve.js';

/** cosign's `kind` annotation in layouts written by `cosign save` (pkg/oci/layout/index.go). */
export const COSIGN_KIND_ANNOTATION = 'kind';
export const COSIGN_KIND = {
  image: 'dev.cosignproject.cosign/image',
  imageIndex: 'dev.cosignproject.cosign/imageIndex',
  sigs: 'dev.cosignproject.cosign/sigs',
  atts: 'dev.cosignproject.cosign/atts',
} as const;

export interface StoredManifest {
  digest: string;
  bytes: Buffer;
  parsed: ParsedManifest;
}

/**
 * Where an image and the artefacts attached to it live: a registry repository or an OCI image layout. Every
 * manifest and blob is verified against its digest; every read is size-capped.
 */
export interface ArtifactStore {
  readonly description: string;
  /** The manifest a tag points to, or undefined when the tag does not exist. */
  manifestByTag(tag: string): Promise<StoredManifest | undefined>;
  manifestByDigest(descriptor: Pick<Descriptor, 'digest' | 'size'> & { mediaType?: string }): Promise<StoredManifest>;
  /** Manifests whose `subject` is `digest` (OCI 1.1 referrers), by artifact type when given. */
  referrers(digest: string, artifactType?: string): Promise<Descriptor[]>;
  blob(descriptor: Pick<Descriptor, 'digest' | 'size'>, maxBytes: number): Promise<Buffer>;
}

export class RegistryStore implements ArtifactStore {
  readonly description: string;

  constructor(
    readonly client: RegistryClient,
    readonly repository: string,
  ) {
    this.description = `${client.registry}/${repository}`;
  }

  async manifestByTag(tag: string): Promise<StoredManifest | undefined> {
    try {
      const fetched = await this.client.getManifest(this.repository, tag);
      return { digest: fetched.digest, bytes: fetched.bytes, parsed: fetched.parsed };
    } catch (error) {
      if (isOciError(error, 'NOT_FOUND')) return undefined;
      throw error;
    }
  }

  async manifestByDigest(descriptor: Pick<Descriptor, 'digest' | 'size'>): Promise<StoredManifest> {
    const fetched = await this.client.getManifest(this.repository, descriptor.digest);
    if (fetched.size !== descriptor.size) {
      throw ociError(
        'SIZE_MISMATCH',
        `manifest ${descriptor.digest} of ${this.description}: descriptor size is ${descriptor.size} bytes but the registry sent ${fetched.size}`,
      );
    }
    return { digest: fetched.digest, bytes: fetched.bytes, parsed: fetched.parsed };
  }

  referrers(digest: string, artifactType?: string): Promise<Descriptor[]> {
    return this.client.listReferrers(this.repository, digest, artifactType);
  }

  async blob(descriptor: Pick<Descriptor, 'digest' | 'size'>, maxBytes: number): Promise<Buffer> {
    return readAll(await this.client.openBlob(this.repository, descriptor, maxBytes));
  }
}

/**
 * An OCI image layout. Signatures are found the three ways tools write them: `cosign save` entries marked
 * with the `kind` annotation, manifests tagged `sha256-<hex>.sig` / `.att` / `sha256-<hex>` (ref name
 * annotation, as `skopeo copy` or `oras` write them), and manifests in index.json whose `subject` is the image.
 */
export class LayoutStore implements ArtifactStore {
  readonly description: string;
  #index: ImageIndex | undefined;

  constructor(readonly store: FileStore) {
    this.description = store.description;
  }

  async index(): Promise<ImageIndex> {
    this.#index ??= await readLayoutIndex(this.store);
    return this.#index;
  }

  async manifestByTag(tag: string): Promise<StoredManifest | undefined> {
    const index = await this.index();
    const entry = index.manifests.find(
      (m) => m.annotations?.[REF_NAME_ANNOTATION] === tag || m.annotations?.[CONTAINERD_NAME_ANNOTATION] === tag,
    );
    return entry === undefined ? undefined : this.manifestByDigest(entry);
  }

  async manifestByDigest(
    descriptor: Pick<Descriptor, 'digest' | 'size'> & { mediaType?: string },
  ): Promise<StoredManifest> {
    const what = `manifest ${descriptor.digest} in ${this.description}`;
    const path = blobPath(descriptor.digest);
    const size = await this.store.size(path);
    if (size === undefined) throw ociError('NOT_FOUND', `${what} is missing (${path})`);
    if (size > MAX_MANIFEST_BYTES) {
      throw ociError('MANIFEST_TOO_LARGE', `${what} is ${size} bytes, over the limit of ${MAX_MANIFEST_BYTES} bytes`);
    }
    const bytes = await readVerified(await this.store.open(path), {
      digest: descriptor.digest,
      size: descriptor.size,
      maxBytes: MAX_MANIFEST_BYTES,
      what,
      kind: 'manifest',
    });
    return { digest: descriptor.digest, bytes, parsed: parseManifest(bytes, what, descriptor.mediaType) };
  }

  async referrers(digest: string, artifactType?: string): Promise<Descriptor[]> {
    const found: Descriptor[] = [];
    for (const entry of (await this.index()).manifests) {
      if (entry.digest === digest) continue;
      if (artifactType !== undefined && entry.artifactType !== undefined && entry.artifactType !== artifactType)
        continue;
      let manifest: StoredManifest;
      try {
        manifest = await this.manifestByDigest(entry);
      } catch {
        continue; // a broken unrelated entry does not hide the others; broken referrers surface when read
      }
      const parsed = manifest.parsed;
      const subject = parsed.kind === 'manifest' ? parsed.manifest.subject : parsed.index.subject;
      if (subject?.digest !== digest) continue;
      const type =
        parsed.kind === 'manifest' ? (parsed.manifest.artifactType ?? parsed.manifest.config.mediaType) : undefined;
      if (artifactType !== undefined && type !== artifactType) continue;
      found.push({ ...entry, ...(type !== undefined ? { artifactType: type } : {}) });
    }
    return found;
  }

  async blob(descriptor: Pick<Descriptor, 'digest' | 'size'>, maxBytes: number): Promise<Buffer> {
    const what = `blob ${descriptor.digest} in ${this.description}`;
    if (descriptor.size > maxBytes) {
      throw ociError('BLOB_TOO_LARGE', `${what} is ${descriptor.size} bytes, over the limit of ${maxBytes} bytes`);
    }
    const path = blobPath(descriptor.digest);
    const size = await this.store.size(path);
    if (size === undefined) throw ociError('NOT_FOUND', `${what} is missing (${path})`);
    return readVerified(await this.store.open(path), {
      digest: descriptor.digest,
      size: descriptor.size,
      maxBytes,
      what,
    });
  }

  /** index.json entries that `cosign save` marked with `kind`. */
  async entriesOfKind(kind: string): Promise<Descriptor[]> {
    return (await this.index()).manifests.filter((m) => m.annotations?.[COSIGN_KIND_ANNOTATION] === kind);
  }
}
