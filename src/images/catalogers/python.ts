import type { FileMeta } from '../filesystem.js';
import {
  MAX_CATALOGER_TOTAL_BYTES,
  MAX_METADATA_FILE_BYTES,
  cleanValue,
  purl,
  type Cataloger,
  type ImagePackage,
} from './types.js';

/** PEP 503: lowercase, runs of `-`, `_`, `.` become one `-`. */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * Installed distributions: `*.dist-info/METADATA` (wheels, PEP 376/627), `*.egg-info/PKG-INFO` (setuptools
 * develop/egg installs) and `*.egg-info` as a single file (distutils, common in Debian's python3-* packages).
 */
export function isPythonMetadata(path: string): boolean {
  return /\.dist-info\/METADATA$/.test(path) || /\.egg-info\/PKG-INFO$/.test(path) || /\.egg-info$/.test(path);
}

/** Core metadata is RFC 822 headers; the body after the first blank line is the description. */
export function parseCoreMetadata(text: string): { name?: string; version?: string } {
  const fields: { name?: string; version?: string } = {};
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') break;
    const match = /^(Name|Version):\s*(.*)$/i.exec(line);
    if (!match) continue;
    const key = (match[1] ?? '').toLowerCase() as 'name' | 'version';
    fields[key] ??= (match[2] ?? '').trim();
  }
  return fields;
}

export const pythonCataloger: Cataloger = {
  name: 'python',
  stage: 'language',
  wants: (file: FileMeta) => isPythonMetadata(file.path),
  maxFileBytes: MAX_METADATA_FILE_BYTES,
  maxTotalBytes: MAX_CATALOGER_TOTAL_BYTES,
  catalog(files, context) {
    const packages: ImagePackage[] = [];
    for (const file of files) {
      if (context.ownedByOsPackage(file.path)) continue;
      const { name, version } = parseCoreMetadata(file.data.toString('utf8'));
      if (!name || !version) {
        context.note(`python: /${file.path} has no Name or Version header; skipped`);
        continue;
      }
      const normalized = normalizePythonName(cleanValue(name));
      const cleanVersion = cleanValue(version);
      packages.push({
        ecosystem: 'PyPI',
        name: normalized,
        version: cleanVersion,
        purl: purl('pypi', undefined, normalized, cleanVersion),
        path: file.path,
        layer: file.layerDigest,
        cataloger: 'python',
      });
    }
    return { packages };
  },
};
