import { singleLicense, withLicenses } from '../licenses.js';
import { MAX_DATABASE_FILE_BYTES, cleanValue, purl, textOf, type Cataloger, type ImagePackage } from './types.js';
import { dedupe } from './dpkg.js';

export const APK_DATABASES = ['lib/apk/db/installed', 'usr/lib/apk/db/installed'];

export interface ApkRecord {
  name: string;
  version: string;
  arch?: string;
  origin?: string;
  license?: string;
  files: string[];
}

/**
 * apk's installed database (apk-tools `apk_db_index_read`): one `X:value` line per field, packages split by
 * blank lines. P name, V version, A arch, o origin (source package), F directory, R file in the last F.
 */
export function parseApkInstalled(text: string): ApkRecord[] {
  const records: ApkRecord[] = [];
  let current: Partial<ApkRecord> & { files: string[] } = { files: [] };
  let directory = '';
  const flush = () => {
    if (current.name && current.version) records.push(current as ApkRecord);
    current = { files: [] };
    directory = '';
  };
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (line.length < 2 || line[1] !== ':') continue;
    const value = line.slice(2);
    switch (line[0]) {
      case 'P':
        current.name = cleanValue(value);
        break;
      case 'V':
        current.version = cleanValue(value);
        break;
      case 'A':
        current.arch = cleanValue(value);
        break;
      case 'o':
        current.origin = cleanValue(value);
        break;
      case 'L':
        current.license = value;
        break;
      case 'F':
        directory = value.trim().replace(/^\/+|\/+$/g, '');
        break;
      case 'R':
        current.files.push(directory ? `${directory}/${value.trim()}` : value.trim());
        break;
      default:
        break;
    }
  }
  flush();
  return records;
}

export const apkCataloger: Cataloger = {
  name: 'apk',
  stage: 'os',
  paths: APK_DATABASES,
  maxFileBytes: MAX_DATABASE_FILE_BYTES,
  catalog(files, context) {
    const os = context.os;
    const namespace = os && ['wolfi', 'chainguard'].includes(os.id) ? os.id : 'alpine';
    const packages: ImagePackage[] = [];
    const owned: string[] = [];
    const seen = new Set<string>();
    for (const file of files) {
      // lib/apk and usr/lib/apk can be the same file through a symlink: read it once.
      const key = `${file.layerDigest}:${file.resolvedPath ?? file.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const record of parseApkInstalled(textOf(file, context, 'apk'))) {
        owned.push(...record.files);
        const sourceName = record.origin ?? record.name;
        packages.push({
          ecosystem: os?.ecosystem ?? '',
          name: record.name,
          version: record.version,
          purl: purl('apk', namespace, record.name, record.version, {
            arch: record.arch,
            distro: os?.distro,
            upstream: sourceName !== record.name ? sourceName : undefined,
          }),
          sourceName,
          sourceVersion: record.version,
          ...(record.arch ? { arch: record.arch } : {}),
          path: file.path,
          layer: file.layerDigest,
          cataloger: 'apk',
          ...withLicenses(singleLicense(record.license)),
        });
      }
    }
    return { packages: dedupe(packages), ownedFiles: owned };
  },
};
