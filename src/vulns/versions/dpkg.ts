import { MAX_VERSION_LENGTH, compareDigits, isDigit, isLetter, type VersionScheme } from './scheme.js';

/**
 * Debian/Ubuntu package versions, `[epoch:]upstream[-revision]`, ordered as dpkg's `verrevcmp`
 * (deb-version(7)): non-digit runs compare character by character with `~` before everything (even the
 * end of the string), then letters, then all other characters; digit runs compare numerically.
 */
export interface DpkgVersion {
  epoch: string;
  upstream: string;
  revision: string;
}

export function parseDpkg(version: string): DpkgVersion {
  const trimmed = version.trim();
  const colon = trimmed.indexOf(':');
  let epoch = '0';
  let rest = trimmed;
  if (colon >= 0) {
    epoch = trimmed.slice(0, colon);
    rest = trimmed.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  if (dash < 0) return { epoch, upstream: rest, revision: '' };
  return { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) };
}

/** dpkg's `order()`: `~` < end of string < letters < everything else (by ASCII + 256). */
function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (isDigit(c)) return 0;
  if (isLetter(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

export function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ac = order(i < a.length ? a[i] : undefined);
      const bc = order(j < b.length ? b[j] : undefined);
      if (ac !== bc) return ac < bc ? -1 : 1;
      i++;
      j++;
    }
    const aStart = i;
    while (i < a.length && isDigit(a[i])) i++;
    const bStart = j;
    while (j < b.length && isDigit(b[j])) j++;
    const firstDiff = compareDigits(a.slice(aStart, i) || '0', b.slice(bStart, j) || '0');
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

export function compareDpkg(a: string, b: string): number {
  const x = parseDpkg(a);
  const y = parseDpkg(b);
  const epoch = compareDigits(numericOrZero(x.epoch), numericOrZero(y.epoch));
  if (epoch !== 0) return epoch;
  return verrevcmp(x.upstream, y.upstream) || verrevcmp(x.revision, y.revision);
}

function numericOrZero(s: string): string {
  return /^[0-9]+$/.test(s) ? s : '0';
}

/**
 * dpkg's `parseversion()` errors (lib/dpkg/parsehelp.c): empty, embedded blanks, a non-numeric, empty or
 * too big epoch, nothing after the colon, an empty revision, an empty upstream. Its warnings (upstream
 * not starting with a digit, odd characters) are accepted: dpkg installs such packages.
 */
export function isValidDpkg(version: string): boolean {
  if (version.length > MAX_VERSION_LENGTH) return false;
  const trimmed = version.trim();
  if (trimmed.length === 0 || /\s/.test(trimmed)) return false;
  const colon = trimmed.indexOf(':');
  if (colon >= 0) {
    const epoch = trimmed.slice(0, colon);
    if (!/^[0-9]+$/.test(epoch) || Number(epoch) > 2147483647) return false;
    if (colon === trimmed.length - 1) return false;
  }
  const rest = trimmed.slice(colon + 1);
  const dash = rest.lastIndexOf('-');
  if (dash === rest.length - 1) return false;
  return (dash < 0 ? rest : rest.slice(0, dash)).length > 0;
}

export const dpkg: VersionScheme = { id: 'dpkg', compare: compareDpkg, isValid: isValidDpkg };
