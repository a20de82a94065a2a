import { isAbsolute, resolve } from 'node:path';
import { directoryLayer } from '../checks/images/dir-source.js';
import { ConfigurationError } from '../core/errors.js';
import { catalogImage, type ImagePackage, type LayerSource, type OsIdentity } from '../images/index.js';
import { openImage } from '../oci/image.js';
import { parseImageSource } from '../oci/reference.js';

/** What an SBOM describes: the image (or root filesystem) and the packages catalogued in it. */
export interface SbomSubject {
  /** The reference as given, with `@digest` when known. */
  reference: string;
  digest?: string;
  platform?: string;
  os?: OsIdentity;
  packages: ImagePackage[];
  notes: string[];
  /** Layers that could not be read: the SBOM is incomplete. */
  errors: string[];
}

export interface SubjectOptions {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  platform?: string;
  signal?: AbortSignal;
}

/** Opens and catalogs one image source for `containersec sbom`. */
export async function catalogSubject(ref: string, options: SubjectOptions): Promise<SbomSubject> {
  const source = parseImageSource(ref);
  if (source.kind === 'sbom') {
    throw new ConfigurationError('USAGE', `${ref}: is already an SBOM; give an image, an archive or dir:PATH`);
  }
  let layers: LayerSource[];
  let close = async () => {};
  let digest: string | undefined;
  let platform: string | undefined;
  const notes: string[] = [];
  if (source.kind === 'dir') {
    layers = [directoryLayer(isAbsolute(source.path) ? source.path : resolve(options.cwd, source.path), notes)];
  } else {
    const opened = await openImage(ref, {
      env: options.env,
      cwd: options.cwd,
      ...(options.platform ? { platform: options.platform } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    layers = opened.layers;
    close = () => opened.close();
    digest = opened.digest;
    platform = opened.platform;
  }
  try {
    const catalog = await catalogImage(layers, options.signal ? { signal: options.signal } : {});
    return {
      reference: digest && !ref.includes(`@${digest}`) ? `${ref}@${digest}` : ref,
      ...(digest ? { digest } : {}),
      ...(platform ? { platform } : {}),
      ...(catalog.os ? { os: catalog.os } : {}),
      packages: catalog.packages,
      notes: [...notes, ...catalog.notes],
      errors: catalog.errors,
    };
  } finally {
    await close();
  }
}
