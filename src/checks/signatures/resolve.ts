import { ociError } from '../../oci/errors.js';
import type { FileStore } from '../../oci/file-store.js';
import { CONTAINERD_NAME_ANNOTATION, REF_NAME_ANNOTATION } from '../../oci/layout.js';
import type { Descriptor } from '../../oci/manifest.js';
import type { RegistryClient } from '../../oci/registry.js';
import type { Target } from './index.js';
import { COSIGN_KIND, COSIGN_KIND_ANNOTATION, LayoutStore, RegistryStore, type ArtifactStore } from './store.js';

export interface ResolvedTarget {
  store: ArtifactStore;
  /** Digest of the top-level manifest or index: what cosign signs. */
  digest: string;
  manifestBytes: Buffer;
  /** Set when the reference pins a digest and its tag now points elsewhere (or nowhere). */
  drift?: { message: string; current?: string };
  close(): Promise<void>;
}

export interface ResolveSeams {
  client(registry: string): RegistryClient;
  layoutStore(path: string): Promise<FileStore>;
}

const SIGNATURE_TAG = /^sha(256|512)-[a-f0-9]+(\.(sig|att|sbom))?$/;

/** The image entry of a layout: by tag, else the one `cosign save` marked, else the only non-signature entry. */
export function selectImageEntry(entries: Descriptor[], tag: string | undefined, description: string): Descriptor {
  const refName = (entry: Descriptor): string | undefined =>
    entry.annotations?.[REF_NAME_ANNOTATION] ?? entry.annotations?.[CONTAINERD_NAME_ANNOTATION];
  let matches: Descriptor[];
  if (tag !== undefined) {
    matches = entries.filter(
      (entry) =>
        entry.annotations?.[REF_NAME_ANNOTATION] === tag || entry.annotations?.[CONTAINERD_NAME_ANNOTATION] === tag,
    );
  } else {
    const kinds: string[] = [COSIGN_KIND.image, COSIGN_KIND.imageIndex];
    matches = entries.filter((entry) => kinds.includes(entry.annotations?.[COSIGN_KIND_ANNOTATION] ?? ''));
    if (matches.length === 0) {
      matches = entries.filter(
        (entry) =>
          entry.annotations?.[COSIGN_KIND_ANNOTATION] === undefined &&
          !SIGNATURE_TAG.test(refName(entry) ?? '') &&
          entry.artifactType === undefined,
      );
    }
  }
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    throw ociError('NOT_FOUND', `${description} has no image${tag !== undefined ? ` tagged ${tag}` : ''}`);
  }
  const names = matches.map((entry) => refName(entry) ?? entry.digest).slice(0, 10);
  throw ociError(
    'AMBIGUOUS_IMAGE',
    `${description} holds several images (${names.join(', ')}); name one with oci:PATH:TAG`,
  );
}

async function resolveRegistry(target: Target, seams: ResolveSeams): Promise<ResolvedTarget> {
  const reference = target.reference!;
  const client = seams.client(reference.registry);
  const store = new RegistryStore(client, reference.repository);
  const close = async (): Promise<void> => {};
  if (reference.digest === undefined) {
    const top = await client.getManifest(reference.repository, reference.tag ?? 'latest');
    return { store, digest: top.digest, manifestBytes: top.bytes, close };
  }
  const top = await client.getManifest(reference.repository, reference.digest);
  const resolved: ResolvedTarget = { store, digest: top.digest, manifestBytes: top.bytes, close };
  if (reference.tag !== undefined) {
    const head = await client.headManifest(reference.repository, reference.tag);
    const current =
      head === undefined
        ? undefined
        : (head.digest ?? (await client.getManifest(reference.repository, reference.tag)).digest);
    const name = `${reference.registry}/${reference.repository}:${reference.tag}`;
    if (current === undefined) {
      resolved.drift = { message: `${name} no longer exists in the registry; the reference pins ${reference.digest}.` };
    } else if (current !== reference.digest) {
      resolved.drift = {
        message: `${name} now points to ${current}, not to the pinned ${reference.digest}.`,
        current,
      };
    }
  }
  return resolved;
}

async function resolveLayout(target: Target, seams: ResolveSeams): Promise<ResolvedTarget> {
  const fileStore = await seams.layoutStore(target.layout!.path);
  try {
    const store = new LayoutStore(fileStore);
    const index = await store.index();
    const entry = selectImageEntry(index.manifests, target.layout!.tag, store.description);
    const manifest = await store.manifestByDigest(entry);
    return { store, digest: manifest.digest, manifestBytes: manifest.bytes, close: () => fileStore.close() };
  } catch (error) {
    await fileStore.close();
    throw error;
  }
}

/** Finds the digest to verify, and where its signatures live. */
export function resolveTarget(target: Target, seams: ResolveSeams): Promise<ResolvedTarget> {
  return target.kind === 'registry' ? resolveRegistry(target, seams) : resolveLayout(target, seams);
}
