import { MAX_VERSION_LENGTH, compareDigits, compareStrings, isAllDigits, type VersionScheme } from './scheme.js';

/**
 * RubyGems versions, ordered as `Gem::Version#<=>`: `-` means `.pre.`; the version is scanned into
 * numeric and letter segments; trailing zeros are dropped from the numeric prefix and from the rest
 * (`canonical_segments`); a letter segment (a pre-release) sorts before any number, letters compare
 * byte-wise, missing segments count as 0.
 */
const VERSION_RE = /^\s*([0-9]+(?:\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?\s*$/;

export function isValidRubyGems(version: string): boolean {
  return version.length <= MAX_VERSION_LENGTH && VERSION_RE.test(version);
}

function dropTrailingZeros(segments: string[]): string[] {
  let end = segments.length;
  while (end > 0 && isAllDigits(segments[end - 1] as string) && compareDigits(segments[end - 1] as string, '0') === 0)
    end--;
  return segments.slice(0, end);
}

export function canonicalSegments(version: string): string[] {
  const text = version.slice(0, MAX_VERSION_LENGTH).trim() || '0';
  const segments = text.replaceAll('-', '.pre.').match(/[0-9]+|[a-z]+/gi) ?? [];
  const firstString = segments.findIndex((s) => !isAllDigits(s));
  const numeric = firstString < 0 ? segments : segments.slice(0, firstString);
  const rest = firstString < 0 ? [] : segments.slice(firstString);
  return [...dropTrailingZeros(numeric), ...dropTrailingZeros(rest)];
}

export function compareRubyGems(a: string, b: string): number {
  const x = canonicalSegments(a);
  const y = canonicalSegments(b);
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const l = x[i] ?? '0';
    const r = y[i] ?? '0';
    const ln = isAllDigits(l);
    const rn = isAllDigits(r);
    if (ln && rn) {
      const c = compareDigits(l, r);
      if (c !== 0) return c;
      continue;
    }
    if (l === r) continue;
    if (!ln && rn) return -1;
    if (ln && !rn) return 1;
    return compareStrings(l, r);
  }
  return 0;
}

export const rubygems: VersionScheme = { id: 'rubygems', compare: compareRubyGems, isValid: isValidRubyGems };
