import { composerLicenses, withLicenses } from '../licenses.js';
import type { FileMeta } from '../filesystem.js';
import { MAX_CATALOGER_TOTAL_BYTES, cleanValue, purl, type Cataloger, type ImagePackage } from './types.js';

/** installed.json of a large application is a few MiB (descriptions, autoload maps); 16 MiB is generous. */
const MAX_INSTALLED_JSON_BYTES = 16 * 1024 * 1024;
/** Packages read per file: a real project has hundreds; more is hostile. */
const MAX_PACKAGES_PER_FILE = 20_000;

/** Composer's package-name rule (composer/composer ValidatingArrayLoader): `vendor/package`, lowercase. */
// Composer's own name pattern, rewritten without its optional separators (`(?:[_.-]?[a-z0-9]+)*`), which
// backtrack exponentially on a long name that fails at its end; the names it accepts are the same.
const COMPOSER_NAME = /^[a-z0-9]+(?:[_.-][a-z0-9]+)*\/[a-z0-9]+(?:(?:[_.]|-{1,2})[a-z0-9]+)*$/;

export function isComposerInstalled(path: string): boolean {
  return /(?:^|\/)vendor\/composer\/installed\.json$/.test(path);
}

/** `v1.2.3` → `1.2.3`; branch versions (`dev-main`, `2.x-dev`) stay as Composer wrote them. */
export function normalizeComposerVersion(version: string): string {
  return /^v\d/i.test(version) ? version.slice(1) : version;
}

/** Composer 1 writes a top-level array; Composer 2 writes `{ "packages": [...], "dev": ..., ... }`. */
export function installedPackages(json: unknown): unknown[] | undefined {
  if (Array.isArray(json)) return json as unknown[];
  if (typeof json === 'object' && json !== null) {
    const packages = (json as { packages?: unknown }).packages;
    if (Array.isArray(packages)) return packages as unknown[];
  }
  return undefined;
}

export const composerCataloger: Cataloger = {
  name: 'composer',
  stage: 'language',
  wants: (file: FileMeta) => file.path.endsWith('/installed.json') && isComposerInstalled(file.path),
  maxFileBytes: MAX_INSTALLED_JSON_BYTES,
  maxTotalBytes: MAX_CATALOGER_TOTAL_BYTES,
  catalog(files, context) {
    const packages: ImagePackage[] = [];
    for (const file of files) {
      if (context.ownedByOsPackage(file.path)) continue;
      if (file.truncated) {
        context.note(`composer: /${file.path} is larger than ${MAX_INSTALLED_JSON_BYTES} bytes; skipped`);
        continue;
      }
      let json: unknown;
      try {
        json = JSON.parse(file.data.toString('utf8'));
      } catch {
        context.note(`composer: /${file.path} is not valid JSON; skipped`);
        continue;
      }
      const entries = installedPackages(json);
      if (!entries) {
        context.note(`composer: /${file.path} is neither a package list nor an object with "packages"; skipped`);
        continue;
      }
      if (entries.length > MAX_PACKAGES_PER_FILE) {
        context.note(
          `composer: /${file.path} lists ${entries.length} packages; only the first ${MAX_PACKAGES_PER_FILE} were read`,
        );
      }
      let invalid = 0;
      for (const entry of entries.slice(0, MAX_PACKAGES_PER_FILE)) {
        const { name, version } = (typeof entry === 'object' && entry !== null ? entry : {}) as {
          name?: unknown;
          version?: unknown;
        };
        if (typeof name !== 'string' || typeof version !== 'string' || !COMPOSER_NAME.test(name)) {
          invalid++;
          continue;
        }
        const cleanVersion = normalizeComposerVersion(cleanValue(version));
        if (cleanVersion === '') {
          invalid++;
          continue;
        }
        const [vendor, project] = name.split('/') as [string, string];
        packages.push({
          ecosystem: 'Packagist',
          name,
          version: cleanVersion,
          purl: purl('composer', vendor, project, cleanVersion),
          path: file.path,
          layer: file.layerDigest,
          cataloger: 'composer',
          ...withLicenses(composerLicenses(entry)),
        });
      }
      if (invalid > 0) {
        context.note(`composer: /${file.path}: ${invalid} entries without a valid name and version were skipped`);
      }
    }
    return { packages };
  },
};
