import { errorMessage } from '../../core/errors.js';
import { isOciError } from '../../oci/errors.js';
import type { Descriptor } from '../../oci/manifest.js';
import {
  BUNDLE_ARTIFACT_TYPE,
  bundleCandidate,
  legacyCandidate,
  type BrokenCandidate,
  type CandidateResult,
} from './candidates.js';
import { SignatureError } from './errors.js';
import { COSIGN_KIND, LayoutStore, type ArtifactStore, type StoredManifest } from './store.js';

/** A simple-signing payload is a few hundred bytes; an SBOM attestation can be a few MiB. */
export const MAX_SIGNATURE_BLOB_BYTES = 16 * 1024 * 1024;
/** cosign appends one layer per signature; more than this is not a real signature manifest. */
export const MAX_SIGNATURE_LAYERS = 100;
export const MAX_REFERRERS = 100;
/** Everything read for one image's signatures together: bounds memory when a registry serves many big layers. */
export const MAX_TOTAL_SIGNATURE_BYTES = 64 * 1024 * 1024;

export interface Discovered {
  candidates: CandidateResult[];
  /** Bytes of signature blobs read so far, against MAX_TOTAL_SIGNATURE_BYTES. */
  bytesRead: number;
  /** Layers that are not signatures (cosign ignores them too), for the "unsigned" message. */
  ignored: string[];
}

/** Registry trouble is a check error (fail closed), not a statement about the signature. */
const TRANSPORT_ERRORS = new Set([
  'NETWORK_ERROR',
  'AUTH_REQUIRED',
  'RATE_LIMITED',
  'REGISTRY_ERROR',
  'TOO_MANY_REDIRECTS',
  'INSECURE_TRANSPORT',
  'ABORTED',
]);

function broken(origin: string, error: unknown): BrokenCandidate {
  if (isOciError(error) && TRANSPORT_ERRORS.has(error.code)) throw error;
  return {
    origin,
    error:
      error instanceof SignatureError ? error : new SignatureError('MALFORMED', `${origin}: ${errorMessage(error)}`),
  };
}

/** The `sha256-<hex>.sig` / `.att` tag cosign attaches signatures and attestations under. */
export function cosignTag(digest: string, suffix: 'sig' | 'att'): string {
  return `${digest.replace(':', '-')}.${suffix}`;
}

async function legacyManifest(
  store: ArtifactStore,
  digest: string,
  suffix: 'sig' | 'att',
): Promise<{ manifest: StoredManifest; origin: string }[]> {
  const found: { manifest: StoredManifest; origin: string }[] = [];
  const tag = cosignTag(digest, suffix);
  const tagged = await store.manifestByTag(tag);
  if (tagged) found.push({ manifest: tagged, origin: `tag ${tag}` });
  if (store instanceof LayoutStore) {
    // `cosign save` writes one image per layout, with its signatures and attestations marked by `kind`.
    const images = [
      ...(await store.entriesOfKind(COSIGN_KIND.image)),
      ...(await store.entriesOfKind(COSIGN_KIND.imageIndex)),
    ];
    if (images.some((entry) => entry.digest === digest)) {
      for (const entry of await store.entriesOfKind(suffix === 'sig' ? COSIGN_KIND.sigs : COSIGN_KIND.atts)) {
        if (found.some((f) => f.manifest.digest === entry.digest)) continue;
        found.push({ manifest: await store.manifestByDigest(entry), origin: `cosign save ${suffix} ${entry.digest}` });
      }
    }
  }
  return found;
}

async function legacyCandidates(
  store: ArtifactStore,
  digest: string,
  suffix: 'sig' | 'att',
  into: Discovered,
): Promise<void> {
  let manifests: { manifest: StoredManifest; origin: string }[];
  try {
    manifests = await legacyManifest(store, digest, suffix);
  } catch (error) {
    into.candidates.push(broken(`tag ${cosignTag(digest, suffix)}`, error));
    return;
  }
  for (const { manifest, origin } of manifests) {
    if (manifest.parsed.kind !== 'manifest') {
      into.candidates.push(
        broken(origin, new SignatureError('MALFORMED', `${origin} is an index, not a signature manifest`)),
      );
      continue;
    }
    const layers = manifest.parsed.manifest.layers;
    if (layers.length > MAX_SIGNATURE_LAYERS) {
      into.candidates.push(
        broken(
          origin,
          new SignatureError(
            'MALFORMED',
            `${origin} has ${layers.length} layers, over the limit of ${MAX_SIGNATURE_LAYERS}`,
          ),
        ),
      );
      continue;
    }
    for (const [i, layer] of layers.entries()) {
      const layerOrigin = `${origin}, layer ${i}`;
      try {
        const payload = await readBudgeted(store, layer, into);
        const candidate = legacyCandidate(layer, payload, layerOrigin);
        if (candidate) into.candidates.push(candidate);
        else into.ignored.push(`${layerOrigin} (${layer.mediaType})`);
      } catch (error) {
        into.candidates.push(broken(layerOrigin, error));
      }
    }
  }
}

async function readBudgeted(store: ArtifactStore, layer: Descriptor, into: Discovered): Promise<Buffer> {
  if (into.bytesRead + layer.size > MAX_TOTAL_SIGNATURE_BYTES) {
    throw new SignatureError(
      'MALFORMED',
      `signature blobs of this image add up to more than ${MAX_TOTAL_SIGNATURE_BYTES} bytes; the rest were not read`,
    );
  }
  into.bytesRead += layer.size;
  return store.blob(layer, MAX_SIGNATURE_BLOB_BYTES);
}

async function bundleReferrer(
  store: ArtifactStore,
  referrer: Descriptor,
  imageManifest: Buffer,
  into: Discovered,
): Promise<CandidateResult> {
  const origin = `referrer ${referrer.digest}`;
  try {
    const manifest = await store.manifestByDigest(referrer);
    if (manifest.parsed.kind !== 'manifest')
      throw new SignatureError('MALFORMED', `${origin} is an index, not a bundle manifest`);
    const layer = manifest.parsed.manifest.layers[0];
    if (layer === undefined || !layer.mediaType.startsWith('application/vnd.dev.sigstore.bundle')) {
      throw new SignatureError(
        'MALFORMED',
        `${origin} has artifact type ${BUNDLE_ARTIFACT_TYPE} but its layer is ${layer?.mediaType ?? 'missing'}, not a Sigstore bundle`,
      );
    }
    return bundleCandidate(await readBudgeted(store, layer, into), origin, imageManifest);
  } catch (error) {
    return broken(origin, error);
  }
}

/**
 * Every signature and attestation attached to `digest`: cosign's legacy `.sig` and `.att` tags, and Sigstore
 * bundles stored as OCI 1.1 referrers (referrers API, or the `sha256-<hex>` referrers tag where the registry
 * has no API). Nothing here decides trust; unreadable artefacts come back as broken candidates.
 */
export async function discoverSignatures(
  store: ArtifactStore,
  digest: string,
  imageManifest: Buffer,
): Promise<Discovered> {
  const discovered: Discovered = { candidates: [], bytesRead: 0, ignored: [] };
  await legacyCandidates(store, digest, 'sig', discovered);
  await legacyCandidates(store, digest, 'att', discovered);
  let referrers: Descriptor[];
  try {
    referrers = await store.referrers(digest, BUNDLE_ARTIFACT_TYPE);
  } catch (error) {
    discovered.candidates.push(broken(`referrers of ${digest}`, error));
    return discovered;
  }
  for (const referrer of referrers.slice(0, MAX_REFERRERS)) {
    discovered.candidates.push(await bundleReferrer(store, referrer, imageManifest, discovered));
  }
  return discovered;
}
