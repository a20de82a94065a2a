import { apkCataloger } from './catalogers/apk.js';
import { composerCataloger } from './catalogers/composer.js';
import { dotnetCataloger } from './catalogers/dotnet.js';
import { dpkgCataloger } from './catalogers/dpkg.js';
import { goCataloger } from './catalogers/go.js';
import { javaCataloger } from './catalogers/java.js';
import { npmCataloger } from './catalogers/npm.js';
import { osReleaseCataloger } from './catalogers/os-release.js';
import { pythonCataloger } from './catalogers/python.js';
import { rpmCataloger } from './catalogers/rpm.js';
import { rubyCataloger } from './catalogers/ruby.js';
import { rustCataloger } from './catalogers/rust.js';
import { combineFileFindings } from './catalogers/types.js';
import type { CatalogContext, Cataloger, FileFindings, ImagePackage, OsIdentity } from './catalogers/types.js';
import { indexImage, readImageFiles, type FileContent, type FileRequest, type ImageIndex } from './filesystem.js';
import type { ImageLimits, LayerSource } from './layers.js';
import { basename, dirname, joinPath, normalizeEntryPath } from './paths.js';

export const DEFAULT_CATALOGERS: readonly Cataloger[] = [
  osReleaseCataloger,
  dpkgCataloger,
  apkCataloger,
  rpmCataloger,
  npmCataloger,
  pythonCataloger,
  rubyCataloger,
  composerCataloger,
  dotnetCataloger,
  javaCataloger,
  goCataloger,
  rustCataloger,
];

export interface CatalogOptions {
  limits?: Partial<ImageLimits>;
  catalogers?: readonly Cataloger[];
  /** More pass-2 readers (e.g. the secret scanner) served by the same streaming pass. */
  extraRequests?: readonly FileRequest[];
  /** The check's abort signal: stops between tar entries and throws its reason. */
  signal?: AbortSignal;
}

export interface ImageCatalog {
  os?: OsIdentity;
  packages: ImagePackage[];
  /** What was seen and what could not be (shown in reports). */
  notes: string[];
  /** Layers that could not be read: the catalog is incomplete, the check must not pass silently. */
  errors: string[];
  index: ImageIndex;
}

const STAGES = ['identity', 'os', 'language'] as const;

/**
 * Indexes the image (pass 1), reads the files the catalogers and extra readers want (pass 2), then runs
 * the catalogers stage by stage: OS identity, OS package databases, language packages. Language packages
 * whose metadata file belongs to an OS package are skipped (they are the OS package).
 */
export async function catalogImage(
  layers: readonly LayerSource[],
  options: CatalogOptions = {},
): Promise<ImageCatalog> {
  const catalogers = options.catalogers ?? DEFAULT_CATALOGERS;
  const received = new Map<Cataloger, FileContent[]>();
  const readEach = new Map<Cataloger, { path: string; found: FileFindings }[]>();
  const requests: FileRequest[] = catalogers.map((cataloger) => {
    const files: FileContent[] = [];
    received.set(cataloger, files);
    const results: { path: string; found: FileFindings }[] = [];
    readEach.set(cataloger, results);
    return {
      name: cataloger.name,
      ...(cataloger.paths ? { paths: cataloger.paths } : {}),
      ...(cataloger.wants ? { wants: cataloger.wants } : {}),
      maxFileBytes: cataloger.maxFileBytes,
      ...(cataloger.maxTotalBytes !== undefined ? { maxTotalBytes: cataloger.maxTotalBytes } : {}),
      onFile: cataloger.readEach
        ? (file) => void results.push({ path: file.path, found: readEachSafely(cataloger, file) })
        : (file) => void files.push(file),
    };
  });
  const readers = [...requests, ...(options.extraRequests ?? [])];
  // Pass 1 keeps what the readers may want as it streams, so pass 2 reads few layers again.
  const index = await indexImage(layers, {
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    prefetch: readers,
  });
  await readImageFiles(index, readers, options.signal);

  const owned = new Set<string>();
  const canonical = (path: string) => {
    const normalized = normalizeEntryPath(path);
    if (!normalized.ok) return undefined;
    const parent = index.lookup(dirname(normalized.path));
    return parent.node ? joinPath(parent.path, basename(normalized.path)) : normalized.path;
  };
  const context: CatalogContext & { os?: OsIdentity } = {
    ownedByOsPackage: (path) => owned.has(path),
    stat: (path) => index.stat(path),
    note: (message) => index.notes.add(message),
  };
  const packages: ImagePackage[] = [];
  for (const stage of STAGES) {
    for (const cataloger of catalogers.filter((c) => c.stage === stage)) {
      try {
        if (cataloger.readEach) {
          packages.push(...combineFileFindings(cataloger.name, readEach.get(cataloger) ?? [], context));
          continue;
        }
        const result = await cataloger.catalog(received.get(cataloger) ?? [], context);
        packages.push(...result.packages);
        if (result.os && !context.os) context.os = result.os;
        for (const path of result.ownedFiles ?? []) {
          const resolved = canonical(path);
          if (resolved) owned.add(resolved);
        }
      } catch (error) {
        index.notes.add(`${cataloger.name}: failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  return {
    ...(context.os ? { os: context.os } : {}),
    packages,
    notes: index.notes.list(),
    errors: index.errors.map((error) => error.message),
    index,
  };
}

function readEachSafely(cataloger: Cataloger, file: FileContent): FileFindings {
  try {
    return cataloger.readEach!(file);
  } catch (error) {
    return {
      packages: [],
      notes: [`/${file.path}: failed: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
}
