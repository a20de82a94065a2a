import type { FileContent, FileMeta } from '../filesystem.js';
import {
  MAX_CATALOGER_TOTAL_BYTES,
  MAX_DATABASE_FILE_BYTES,
  cleanValue,
  purl,
  textOf,
  type Cataloger,
  type CatalogContext,
  type ImagePackage,
} from './types.js';

export const DPKG_STATUS = 'var/lib/dpkg/status';
const STATUS_D = 'var/lib/dpkg/status.d/';
const INFO_DIR = 'var/lib/dpkg/info/';

/** One deb822 paragraph: field names as written (case kept), continuation lines joined with `\n`. */
export type Paragraph = Map<string, string>;

/** Parses deb822 control data (dpkg status, status.d files): paragraphs split by blank lines. */
export function parseDeb822(text: string): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let current: Paragraph = new Map();
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      if (current.size > 0) paragraphs.push(current);
      current = new Map();
      last = undefined;
      continue;
    }
    if (line.startsWith('#')) continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      current.set(last, `${current.get(last) ?? ''}\n${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    current.set(last, line.slice(colon + 1).trim());
  }
  if (current.size > 0) paragraphs.push(current);
  return paragraphs;
}

/** `Source: openssl (3.0.11-1~deb12u2)` → name and optional version. */
export function parseSource(value: string | undefined): { name?: string; version?: string } {
  const match = /^\s*([^\s(]+)(?:\s*\(([^)]+)\))?/.exec(value ?? '');
  if (!match) return {};
  return { name: match[1], ...(match[2] ? { version: match[2].trim() } : {}) };
}

/**
 * dpkg states in which every file of the package is unpacked on disk (dpkg(1) "Package states"):
 * `unpacked` (dpkg --unpack, not configured), `half-configured` (postinst failed), and the trigger states,
 * which follow a configured install. `half-installed` (unpack or removal cut short), `config-files` (only
 * conffiles left) and `not-installed` do not count.
 */
const FILES_ON_DISK = new Set(['installed', 'triggers-pending', 'triggers-awaited', 'half-configured', 'unpacked']);

/**
 * dpkg's `Status: want flag status`. The package's code is in the image when the status (third word) is one
 * of FILES_ON_DISK, whatever the selection (`deinstall ok installed` is still installed until apt runs) and
 * the error flag (`reinstreq` asks for a reinstall; the files are still there).
 */
export function isInstalled(status: string | undefined): boolean {
  const words = (status ?? '').trim().split(/\s+/);
  return words.length === 3 && FILES_ON_DISK.has(words[2] ?? '');
}

export function dpkgPackages(
  paragraphs: readonly Paragraph[],
  file: Pick<FileContent, 'path' | 'layerDigest'>,
  context: CatalogContext,
  requireStatus: boolean,
): ImagePackage[] {
  const packages: ImagePackage[] = [];
  const os = context.os;
  const namespace = os && ['debian', 'ubuntu'].includes(os.id) ? os.id : (os?.id ?? 'debian');
  const ecosystem = os?.ecosystem ?? '';
  for (const paragraph of paragraphs) {
    const name = cleanValue(paragraph.get('package') ?? '');
    const version = cleanValue(paragraph.get('version') ?? '');
    if (!name || !version) continue;
    if (requireStatus && !isInstalled(paragraph.get('status'))) continue;
    const arch = cleanValue(paragraph.get('architecture') ?? '');
    const source = parseSource(paragraph.get('source'));
    const sourceName = source.name ? cleanValue(source.name) : name;
    const sourceVersion = source.version ? cleanValue(source.version) : version;
    packages.push({
      ecosystem,
      name,
      version,
      purl: purl('deb', namespace, name, version, {
        arch: arch || undefined,
        distro: os?.distro,
        upstream: sourceName !== name ? sourceName : undefined,
      }),
      sourceName,
      sourceVersion,
      ...(arch ? { arch } : {}),
      path: file.path,
      layer: file.layerDigest,
      cataloger: 'dpkg',
    });
  }
  return packages;
}

/** Lines of `info/*.list` (absolute paths) and distroless `status.d/*.md5sums` (`md5  relative/path`). */
function ownedFrom(file: FileContent): string[] {
  const text = file.data.toString('utf8');
  if (file.path.endsWith('.md5sums')) {
    return text
      .split('\n')
      .map((line) => /^[0-9a-f]{32}\s+(.+)$/.exec(line.trim())?.[1] ?? '')
      .filter(Boolean);
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== '/.');
}

export const dpkgCataloger: Cataloger = {
  name: 'dpkg',
  stage: 'os',
  paths: [DPKG_STATUS],
  wants: (file: FileMeta) =>
    file.path.startsWith(STATUS_D) ||
    (file.path.startsWith(INFO_DIR) && file.path.endsWith('.list') && !file.path.slice(INFO_DIR.length).includes('/')),
  maxFileBytes: MAX_DATABASE_FILE_BYTES,
  maxTotalBytes: MAX_CATALOGER_TOTAL_BYTES,
  catalog(files, context) {
    const packages: ImagePackage[] = [];
    const owned: string[] = [];
    for (const file of files) {
      if (file.path === DPKG_STATUS) {
        packages.push(...dpkgPackages(parseDeb822(textOf(file, context, 'dpkg')), file, context, true));
      } else if (file.path.startsWith(STATUS_D)) {
        if (file.path.endsWith('.md5sums')) owned.push(...ownedFrom(file));
        else packages.push(...dpkgPackages(parseDeb822(textOf(file, context, 'dpkg')), file, context, false));
      } else {
        owned.push(...ownedFrom(file));
      }
    }
    return { packages: dedupe(packages), ownedFiles: owned };
  },
};

/** One entry per name, architecture and version (status files list each installed instance once). */
export function dedupe(packages: ImagePackage[]): ImagePackage[] {
  const seen = new Set<string>();
  return packages.filter((p) => {
    const key = `${p.ecosystem}\0${p.name}\0${p.arch ?? ''}\0${p.version}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
