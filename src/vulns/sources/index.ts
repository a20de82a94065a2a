import { isAbsolute, resolve } from 'node:path';
import { OsvApiSource, type OsvApiOptions } from './osv-api.js';
import { OsvFileSource } from './osv-files.js';
import { VulnSourceError, type VulnSource } from './types.js';

export { OsvApiSource, DEFAULT_OSV_API, type OsvApiOptions } from './osv-api.js';
export { OsvFileSource } from './osv-files.js';
export { VulnSourceError, type VulnLookup, type VulnQuery, type VulnSource } from './types.js';

/**
 * The source named by `--vuln-db` / `vulnerabilities.source`: `osv-api`, `osv-api:URL`, or a path (a
 * directory of OSV JSON files and/or all.zip files, or one such file). Relative paths resolve against
 * `root` (the repository root), so a policy's `source: ./osv` means the same file wherever the gate runs.
 */
export function openVulnSource(spec: string, root: string, api: Omit<OsvApiOptions, 'baseUrl'> = {}): VulnSource {
  const value = spec.trim();
  if (value === 'osv-api') return new OsvApiSource(api);
  if (value.startsWith('osv-api:')) {
    const url = value.slice('osv-api:'.length);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new VulnSourceError('INVALID_SOURCE', `vulnerability source "${spec}": "${url}" is not a URL`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw new VulnSourceError('INVALID_SOURCE', `vulnerability source "${spec}": only http(s) URLs are supported`);
    }
    return new OsvApiSource({ ...api, baseUrl: url });
  }
  if (value === '') throw new VulnSourceError('INVALID_SOURCE', 'vulnerability source is empty');
  return new OsvFileSource(isAbsolute(value) ? value : resolve(root, value), value, {
    ...(api.cacheDir !== undefined ? { cacheDir: api.cacheDir } : {}),
    ...(api.env ? { env: api.env } : {}),
  });
}
