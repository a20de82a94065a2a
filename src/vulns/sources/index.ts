import { isAbsolute, resolve } from 'node:path';
import { OsvApiSource, type OsvApiOptions } from './osv-api.js';
import { OsvDownloadSource, type OsvDownloadOptions } from './osv-download.js';
import { OsvFileSource } from './osv-files.js';
import { VulnSourceError, type VulnSource } from './types.js';

export { OsvApiSource, DEFAULT_OSV_API, type OsvApiOptions } from './osv-api.js';
export { OsvFileSource } from './osv-files.js';
export { OsvDownloadSource, DEFAULT_OSV_DOWNLOAD, type OsvDownloadOptions } from './osv-download.js';
export { DirectoryArchiveCache, githubActionsCache, type ArchiveCache } from './archive-cache.js';
export { VulnSourceError, type VulnLookup, type VulnQuery, type VulnSource } from './types.js';

/** Source spellings that are not paths (the CLI resolves everything else against its working directory). */
export function isNamedVulnSource(spec: string): boolean {
  return /^(osv-api|osv-download)(:|$)/.test(spec.trim());
}

function sourceUrl(spec: string, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new VulnSourceError('INVALID_SOURCE', `vulnerability source "${spec}": "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new VulnSourceError('INVALID_SOURCE', `vulnerability source "${spec}": only http(s) URLs are supported`);
  }
  return url;
}

/**
 * The source named by `--vuln-db` / `vulnerabilities.source`: `osv-api`, `osv-api:URL`, `osv-download`,
 * `osv-download:URL` (OSV's per-ecosystem all.zip archives, downloaded and cached), or a path (a directory
 * of OSV JSON files and/or all.zip files, or one such file). Relative paths resolve against `root` (the
 * repository root), so a policy's `source: ./osv` means the same file wherever the gate runs.
 */
export function openVulnSource(
  spec: string,
  root: string,
  api: Omit<OsvApiOptions, 'baseUrl'> & Omit<OsvDownloadOptions, 'baseUrl' | 'cacheDir'> = {},
): VulnSource {
  const value = spec.trim();
  if (value === 'osv-api') return new OsvApiSource(api);
  if (value.startsWith('osv-api:'))
    return new OsvApiSource({ ...api, baseUrl: sourceUrl(spec, value.slice('osv-api:'.length)) });
  if (value === 'osv-download' || value.startsWith('osv-download:')) {
    // The API's record cache directory is not the archive directory: archives have their own default.
    const { cacheDir: _recordCache, concurrency: _concurrency, ...download } = api;
    return new OsvDownloadSource({
      ...download,
      ...(value === 'osv-download' ? {} : { baseUrl: sourceUrl(spec, value.slice('osv-download:'.length)) }),
    });
  }
  if (value === '') throw new VulnSourceError('INVALID_SOURCE', 'vulnerability source is empty');
  return new OsvFileSource(isAbsolute(value) ? value : resolve(root, value), value, {
    ...(api.cacheDir !== undefined ? { cacheDir: api.cacheDir } : {}),
    ...(api.env ? { env: api.env } : {}),
  });
}
