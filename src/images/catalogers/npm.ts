import { npmLicenses, withLicenses } from '../licenses.js';
import type { FileMeta } from '../filesystem.js';
import {
  MAX_CATALOGER_TOTAL_BYTES,
  MAX_METADATA_FILE_BYTES,
  cleanValue,
  purl,
  type Cataloger,
  type ImagePackage,
} from './types.js';

/**
 * Installed npm packages: `node_modules/<name>/package.json` or `node_modules/@scope/<name>/package.json`,
 * at any depth (nested node_modules). Other package.json files (a package's own test fixtures, the app's
 * root manifest) are not installed packages.
 */
const PACKAGE_ROOT = /(?:^|\/)node_modules\/(?:(@[^/.][^/]*)\/)?([^/.@][^/]*)\/package\.json$/;

export function isNpmPackageRoot(path: string): boolean {
  return PACKAGE_ROOT.test(path);
}

/** npm's naming rules (validate-npm-package-name), loosely: what npm itself could have installed. */
const NPM_NAME = /^(?:@[a-z0-9~][a-z0-9._~-]*\/)?[a-z0-9~][a-z0-9._~-]*$/i;

export const npmCataloger: Cataloger = {
  name: 'npm',
  stage: 'language',
  wants: (file: FileMeta) => file.path.endsWith('/package.json') && isNpmPackageRoot(file.path),
  maxFileBytes: MAX_METADATA_FILE_BYTES,
  maxTotalBytes: MAX_CATALOGER_TOTAL_BYTES,
  catalog(files, context) {
    const packages: ImagePackage[] = [];
    let invalid = 0;
    let firstInvalid = '';
    for (const file of files) {
      if (context.ownedByOsPackage(file.path)) continue;
      let manifest: unknown;
      try {
        if (file.truncated) throw new Error('too large');
        manifest = JSON.parse(file.data.toString('utf8'));
      } catch {
        if (invalid++ === 0) firstInvalid = file.path;
        continue;
      }
      if (typeof manifest !== 'object' || manifest === null) continue;
      const { name, version } = manifest as { name?: unknown; version?: unknown };
      if (typeof name !== 'string' || typeof version !== 'string' || !NPM_NAME.test(name) || version.trim() === '') {
        continue;
      }
      const cleanName = cleanValue(name, 214);
      const cleanVersion = cleanValue(version);
      const slash = cleanName.indexOf('/');
      const [scope, bare] =
        cleanName.startsWith('@') && slash > 0
          ? [cleanName.slice(0, slash), cleanName.slice(slash + 1)]
          : [undefined, cleanName];
      packages.push({
        ecosystem: 'npm',
        name: cleanName,
        version: cleanVersion,
        purl: purl('npm', scope, bare, cleanVersion),
        path: file.path,
        layer: file.layerDigest,
        cataloger: 'npm',
        ...withLicenses(npmLicenses(manifest)),
      });
    }
    if (invalid > 0) {
      context.note(
        `npm: ${invalid} package.json file(s) are not valid JSON and were skipped (first: /${firstInvalid})`,
      );
    }
    return { packages };
  },
};
