import { isAbsolute, resolve } from 'node:path';
import { TarStore } from './archive.js';
import type { Env } from './credentials.js';
import { openDockerArchive } from './docker-archive.js';
import { ociError } from './errors.js';
import { DirectoryStore } from './file-store.js';
import { openLayoutImage } from './layout.js';
import type { Descriptor } from './manifest.js';
import { parseImageSource, type ImageReference } from './reference.js';
import { RegistryClient, type RegistryClientOptions } from './registry.js';
import { resolveImage, type ContentProvider, type FetchedContent, type OpenedImage } from './resolve.js';

export type { ImageConfig } from './manifest.js';
export type { LayerSource, OpenedImage } from './resolve.js';

export interface OpenImageOptions {
  env?: Env;
  /** "linux/arm64/v8"; indexes otherwise resolve to linux/amd64. */
  platform?: string;
  /** Registries that may be reached over plain http (loopback hosts always may). */
  insecureRegistries?: readonly string[];
  signal?: AbortSignal;
  /** Accepted for callers that pass one; nothing is extracted to disk, so it is not used. */
  tmpDir?: string;
  /** Base for relative paths of oci:, oci-archive: and docker-archive: sources. */
  cwd?: string;
  /** Test seams and tuning of the registry client. */
  registry?: Pick<RegistryClientOptions, 'fetch' | 'sleep' | 'retry' | 'credentials' | 'userAgent'>;
}

/** Manifests and blobs of one repository of a registry. */
export class RegistryProvider implements ContentProvider {
  readonly description: string;

  constructor(
    readonly client: RegistryClient,
    readonly repository: string,
  ) {
    this.description = `${client.registry}/${repository}`;
  }

  async readManifest(descriptor: Descriptor): Promise<FetchedContent> {
    const fetched = await this.client.getManifest(this.repository, descriptor.digest);
    if (fetched.size !== descriptor.size) {
      throw ociError(
        'SIZE_MISMATCH',
        `manifest ${descriptor.digest} of ${this.description}: descriptor size is ${descriptor.size} bytes but the registry sent ${fetched.size}`,
      );
    }
    return { digest: fetched.digest, parsed: fetched.parsed };
  }

  openBlob(descriptor: Pick<Descriptor, 'digest' | 'size'>, maxBytes: number): Promise<NodeJS.ReadableStream> {
    return this.client.openBlob(this.repository, descriptor, maxBytes);
  }
}

export function registryClientFor(registry: string, options: OpenImageOptions): RegistryClient {
  return new RegistryClient(registry, {
    ...options.registry,
    ...(options.env ? { env: options.env } : {}),
    ...(options.insecureRegistries ? { insecureRegistries: options.insecureRegistries } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

async function openRegistryImage(
  reference: ImageReference,
  input: string,
  options: OpenImageOptions,
): Promise<OpenedImage> {
  const client = registryClientFor(reference.registry, options);
  const provider = new RegistryProvider(client, reference.repository);
  // A digest pins the content; a tag next to it is informational, as for docker pull.
  const top = await client.getManifest(reference.repository, reference.digest ?? reference.tag ?? 'latest');
  return resolveImage(
    provider,
    { digest: top.digest, parsed: top.parsed },
    {
      reference: input,
      ...(options.platform !== undefined ? { platform: options.platform } : {}),
    },
  );
}

/**
 * Opens a container image from any supported source and returns its config and verified layer streams.
 * dir: and sbom: are not images; the images check reads them itself.
 */
export async function openImage(ref: string, options: OpenImageOptions = {}): Promise<OpenedImage> {
  const source = parseImageSource(ref);
  const path = (p: string): string => (isAbsolute(p) ? p : resolve(options.cwd ?? process.cwd(), p));
  const platform = options.platform !== undefined ? { platform: options.platform } : {};
  switch (source.kind) {
    case 'registry':
      return openRegistryImage(source.reference, ref, options);
    case 'oci':
      return openLayoutImage(await DirectoryStore.open(path(source.path), 'OCI layout'), {
        reference: ref,
        ...(source.tag !== undefined ? { tag: source.tag } : {}),
        ...platform,
      });
    case 'oci-archive':
      return openLayoutImage(await TarStore.open(path(source.path), 'oci-archive', options.signal), {
        reference: ref,
        ...(source.tag !== undefined ? { tag: source.tag } : {}),
        ...platform,
      });
    case 'docker-archive':
      return openDockerArchive(await TarStore.open(path(source.path), 'docker-archive', options.signal), {
        reference: ref,
        ...(source.reference !== undefined ? { selector: source.reference } : {}),
        ...platform,
      });
    case 'dir':
    case 'sbom':
      throw ociError(
        'UNSUPPORTED_SOURCE',
        `${ref}: ${source.kind}: sources are not container images and are read by the images check directly`,
      );
  }
}
