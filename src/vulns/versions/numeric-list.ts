import { MAX_VERSION_LENGTH, compareDigits, type VersionScheme } from './scheme.js';

/**
 * Purely numeric dotted versions: CRAN/Bioconductor (R's `compareVersion`, `.` and `-` separators) and
 * Hackage (Haskell `Data.Version`). Components compare numerically; when one list is a prefix of the
 * other, the longer one is greater (`1.0 < 1.0.0`).
 */
function compareNumericLists(a: string[], b: string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const r = compareDigits(a[i] as string, b[i] as string);
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function components(version: string, separators: RegExp): string[] {
  return version
    .slice(0, MAX_VERSION_LENGTH)
    .split(separators)
    .map((p) => (/^[0-9]+$/.test(p) ? p : '0'));
}

export const cran: VersionScheme = {
  id: 'cran',
  compare: (a, b) => compareNumericLists(components(a, /[.-]/), components(b, /[.-]/)),
  isValid: (v) => v.length <= MAX_VERSION_LENGTH && /^[0-9]+(?:[.-][0-9]+)+$/.test(v),
};

export const hackage: VersionScheme = {
  id: 'hackage',
  compare: (a, b) => compareNumericLists(components(a, /\./), components(b, /\./)),
  isValid: (v) => v.length <= MAX_VERSION_LENGTH && /^[0-9]+(?:\.[0-9]+)*$/.test(v),
};
