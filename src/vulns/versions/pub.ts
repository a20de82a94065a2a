import { MAX_VERSION_LENGTH, compareDigits, compareStrings, isAllDigits, type VersionScheme } from './scheme.js';
import { compareComponents, isValidSemver, parseSemverLike, splitRest } from './semver.js';

/**
 * Dart Pub versions, ordered as pub_semver's `Version.compareTo`: SemVer precedence, and then, unlike
 * SemVer, build metadata too (no build before any build; build identifiers compared like pre-release ones).
 */
function compareParts(a: string, b: string): number {
  const x = a === '' ? [] : a.split('.');
  const y = b === '' ? [] : b.split('.');
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const p = x[i];
    const q = y[i];
    if (p === q) continue;
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    const pn = isAllDigits(p);
    const qn = isAllDigits(q);
    const r = pn && qn ? compareDigits(p, q) : pn ? -1 : qn ? 1 : compareStrings(p, q);
    if (r !== 0) return r;
  }
  return 0;
}

export function comparePub(a: string, b: string): number {
  const x = parseSemverLike(a.slice(0, MAX_VERSION_LENGTH), 3);
  const y = parseSemverLike(b.slice(0, MAX_VERSION_LENGTH), 3);
  const c = compareComponents(x.components, y.components);
  if (c !== 0) return c;
  const xr = splitRest(x.rest);
  const yr = splitRest(y.rest);
  if (xr.prerelease === '' || yr.prerelease === '') {
    if (xr.prerelease !== yr.prerelease) return xr.prerelease === '' ? 1 : -1;
  } else {
    const p = compareParts(xr.prerelease, yr.prerelease);
    if (p !== 0) return p;
  }
  if (xr.build === '' || yr.build === '') return xr.build === yr.build ? 0 : xr.build === '' ? -1 : 1;
  return compareParts(xr.build, yr.build);
}

export const pub: VersionScheme = { id: 'pub', compare: comparePub, isValid: isValidSemver };
