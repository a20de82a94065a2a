import { PackageURL } from 'packageurl-js';
import type { FileContent, FileMeta } from '../filesystem.js';

/**
 * A package found in an image. `ecosystem` is spelled as OSV spells it (`Debian:12`, `npm`, `PyPI`); it is
 * empty for OS packages of a distribution OSV has no ecosystem for (listed, never matched).
 */
export interface ImagePackage {
  ecosystem: string;
  name: string;
  version: string;
  purl: string;
  /** The source package (dpkg `Source:`, apk origin, rpm source RPM): OSV's distro advisories use it. */
  sourceName?: string;
  sourceVersion?: string;
  arch?: string;
  /** The file the package was read from. */
  path: string;
  /** Digest of the layer that holds that file. */
  layer: string;
  /** Which cataloger found it. */
  cataloger: string;
  /** Licences the package metadata declares (an SPDX expression or free text), when it declares any. */
  licenses?: string[];
  /**
   * The application itself (`root`: a Go main module, a Rust binary's root crate, the .NET app project) or
   * another project of the same build (`project`: a .NET project reference), as Trivy marks them; unset for
   * dependencies.
   */
  relationship?: 'root' | 'project';
}

/** The distribution of the image, from os-release or its fallbacks. */
export interface OsIdentity {
  /** os-release `ID` (`debian`, `ubuntu`, `alpine`, `rocky`, ...). */
  id: string;
  versionId?: string;
  versionCodename?: string;
  prettyName?: string;
  /** The OSV ecosystem for OS packages, when OSV has one for this release. */
  ecosystem?: string;
  /** purl `distro` qualifier, e.g. `debian-12`. */
  distro?: string;
  path: string;
  layer: string;
}

/** What catalogers can see of the earlier catalogers' results. */
export interface CatalogContext {
  os?: OsIdentity;
  /** True when an OS package database lists the path as one of its files (canonical image path). */
  ownedByOsPackage(path: string): boolean;
  /** Metadata of a final-visible path in the image (symlinks followed). */
  stat(path: string): FileMeta | undefined;
  note(message: string): void;
}

export interface CatalogResult {
  packages: ImagePackage[];
  /** Files the packages own (OS package databases only), as written in the database. */
  ownedFiles?: Iterable<string>;
  os?: OsIdentity;
}

/**
 * A cataloger declares what it needs from pass 2 (exact paths and/or a predicate over final files), then
 * builds packages from the contents it got. It never throws on bad input: it notes and moves on.
 */
export interface Cataloger {
  name: string;
  /** `os` catalogers run first (identity, then package databases) so language catalogers can skip owned files. */
  stage: 'identity' | 'os' | 'language';
  paths?: string[];
  wants?: (file: FileMeta) => boolean;
  maxFileBytes: number;
  maxTotalBytes?: number;
  catalog(files: readonly FileContent[], context: CatalogContext): CatalogResult | Promise<CatalogResult>;
  /**
   * For catalogers of large files (executables): reads one file the moment pass 2 delivers it, so only
   * what was found is kept and memory holds one binary at a time, not every binary in the image.
   */
  readEach?: (file: FileContent) => FileFindings;
}

/** What a per-file cataloger found in one file; notes already name the file. */
export interface FileFindings {
  packages: ImagePackage[];
  notes: string[];
}

const MAX_NOTES_PER_CATALOGER = 50;

/**
 * The result of a per-file cataloger over the files it read: files an OS package owns are skipped (the OS
 * package is what is reported and matched), and its notes are bounded.
 */
export function combineFileFindings(
  name: string,
  results: Iterable<{ path: string; found: FileFindings }>,
  context: CatalogContext,
): ImagePackage[] {
  const packages: ImagePackage[] = [];
  const notes: string[] = [];
  for (const { path, found } of results) {
    if (context.ownedByOsPackage(path)) continue;
    packages.push(...found.packages);
    notes.push(...found.notes);
  }
  for (const message of notes.slice(0, MAX_NOTES_PER_CATALOGER)) context.note(`${name}: ${message}`);
  if (notes.length > MAX_NOTES_PER_CATALOGER) {
    context.note(`${name}: ${notes.length - MAX_NOTES_PER_CATALOGER} more notes not listed`);
  }
  return packages;
}

const MiB = 1024 * 1024;
export const MAX_METADATA_FILE_BYTES = 1 * MiB;
export const MAX_DATABASE_FILE_BYTES = 64 * MiB;
export const MAX_CATALOGER_TOTAL_BYTES = 256 * MiB;

/** Builds a purl; a value the purl library refuses gives a plain, still unique fallback. */
export function purl(
  type: string,
  namespace: string | undefined,
  name: string,
  version: string,
  qualifiers?: Record<string, string | undefined>,
): string {
  const clean = Object.fromEntries(
    Object.entries(qualifiers ?? {}).filter((entry): entry is [string, string] => Boolean(entry[1])),
  );
  try {
    return new PackageURL(type, namespace ?? null, name, version, Object.keys(clean).length ? clean : null).toString();
  } catch {
    const ns = namespace ? `${encodeURIComponent(namespace)}/` : '';
    return `pkg:${type}/${ns}${encodeURIComponent(name)}@${encodeURIComponent(version)}`;
  }
}

/** Text of a file, with a note when it was cut at the size cap. */
export function textOf(file: FileContent, context: CatalogContext, cataloger: string): string {
  if (file.truncated) {
    context.note(
      `${cataloger}: /${file.path} is larger than the read limit; only its first ${file.data.length} bytes were read`,
    );
  }
  return file.data.toString('utf8');
}

/** Control characters and over-long values never leave a cataloger. */
export function cleanValue(value: string, max = 256): string {
  // eslint-disable-next-line no-control-regex
  const stripped = value.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return stripped.length > max ? stripped.slice(0, max) : stripped;
}
