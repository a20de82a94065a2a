import { pythonLicenses, withLicenses } from '../licenses.js';
import type { FileContent, FileMeta } from '../filesystem.js';
import {
  MAX_CATALOGER_TOTAL_BYTES,
  MAX_METADATA_FILE_BYTES,
  cleanValue,
  purl,
  type Cataloger,
  type ImagePackage,
} from './types.js';
import { readZipDirectory, readZipEntry } from './zip-buffer.js';

/** A zipped egg holds the code too; eggs of real distributions are a few MiB. */
const MAX_EGG_BYTES = 16 * 1024 * 1024;
const MAX_EGG_ENTRIES = 20_000;
const EGG_PKG_INFO = 'EGG-INFO/PKG-INFO';

/** PEP 503: lowercase, runs of `-`, `_`, `.` become one `-`. */
export function normalizePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * Installed distributions: `*.dist-info/METADATA` (wheels, PEP 376/627), `*.egg-info/PKG-INFO` (setuptools
 * develop/egg installs), `*.egg-info` as a single file (distutils, common in Debian's python3-* packages), and
 * eggs that `easy_install` / `setup.py install` put on sys.path: a directory `*.egg/EGG-INFO/PKG-INFO`, or a
 * zipped `*.egg` file holding `EGG-INFO/PKG-INFO` (osv-scalibr reads both; wheels lying around are not installed).
 */
export function isPythonMetadata(path: string): boolean {
  return (
    /\.dist-info\/METADATA$/.test(path) ||
    /\.egg-info\/PKG-INFO$/.test(path) ||
    /\.egg-info$/.test(path) ||
    /\.egg\/EGG-INFO\/PKG-INFO$/.test(path) ||
    isZippedEgg(path)
  );
}

function isZippedEgg(path: string): boolean {
  return /\.egg$/.test(path);
}

/** The PKG-INFO text of a zipped egg, or why it could not be read. */
export function zippedEggMetadata(data: Buffer): { text: string } | { problem: string } {
  const directory = readZipDirectory(data, MAX_EGG_ENTRIES);
  if (!directory.ok) return { problem: directory.reason };
  const entry = directory.entries.find((e) => e.name === EGG_PKG_INFO);
  if (!entry) return { problem: `no ${EGG_PKG_INFO}` };
  const read = readZipEntry(data, entry, MAX_METADATA_FILE_BYTES);
  return read.ok ? { text: read.data.toString('utf8') } : { problem: `${EGG_PKG_INFO}: ${read.reason}` };
}

function metadataText(file: FileContent): { text: string } | { problem: string } {
  if (!isZippedEgg(file.path)) return { text: file.data.toString('utf8') };
  if (file.truncated) return { problem: `larger than ${MAX_EGG_BYTES} bytes; not read` };
  return zippedEggMetadata(file.data);
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
  maxFileBytes: MAX_EGG_BYTES,
  maxTotalBytes: MAX_CATALOGER_TOTAL_BYTES,
  catalog(files, context) {
    const packages: ImagePackage[] = [];
    for (const file of files) {
      if (context.ownedByOsPackage(file.path)) continue;
      const metadata = metadataText(file);
      if ('problem' in metadata) {
        context.note(`python: /${file.path}: ${metadata.problem}; skipped`);
        continue;
      }
      const { name, version } = parseCoreMetadata(metadata.text);
      if (!name || !version) {
        context.note(`python: /${file.path} has no Name or Version header; skipped`);
        continue;
      }
      // The distribution's own spelling is shown (and written to the SBOM); the purl and matching use the
      // PEP 503 name.
      const display = cleanValue(name);
      const normalized = normalizePythonName(display);
      const cleanVersion = cleanValue(version);
      packages.push({
        ecosystem: 'PyPI',
        name: display,
        version: cleanVersion,
        purl: purl('pypi', undefined, normalized, cleanVersion),
        path: file.path,
        layer: file.layerDigest,
        cataloger: 'python',
        ...withLicenses(pythonLicenses(metadata.text)),
      });
    }
    return { packages };
  },
};
