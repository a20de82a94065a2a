/**
 * One version scheme: how an ecosystem spells and orders its versions.
 *
 * `compare` is total: it never throws and orders every pair of strings, because the ecosystems' own tools
 * do (dpkg, apk, rpm, ComparableVersion, version_compare all order garbage somehow). Whether the result
 * means anything is what `isValid` answers: the matcher only trusts a comparison when both sides are
 * valid for the scheme, and otherwise reports "could not compare" (see ../match.ts).
 */
export interface VersionScheme {
  /** Stable scheme id, e.g. `dpkg`, `apk`, `rpm`, `semver`, `pep440`. */
  readonly id: string;
  /** -1, 0 or 1. */
  compare(a: string, b: string): number;
  /** True when the ecosystem's own tooling accepts the string as a version. */
  isValid(version: string): boolean;
  /**
   * Whether a range bound (an OSV event) is ordered reliably by `compare`, when that is looser than
   * `isValid`: `1.2` as a SemVer bound means `1.2.0` without doubt. Defaults to `isValid`.
   */
  isValidBound?(version: string): boolean;
}

/** `scheme.isValidBound`, falling back to `scheme.isValid`. */
export function isValidBound(scheme: VersionScheme, version: string): boolean {
  return scheme.isValidBound ? scheme.isValidBound(version) : scheme.isValid(version);
}

/** Longest version string any scheme accepts; longer input is hostile or broken. */
export const MAX_VERSION_LENGTH = 256;

export function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Compares two strings of ASCII digits by numeric value, without overflow (any length). */
export function compareDigits(a: string, b: string): number {
  const x = stripZeros(a);
  const y = stripZeros(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function stripZeros(s: string): string {
  let i = 0;
  while (i < s.length - 1 && s[i] === '0') i++;
  return s.slice(i);
}

/** Byte-wise string comparison (C `strcmp`/`memcmp` order for ASCII; UTF-16 code units otherwise). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

export function isLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

export function isAllDigits(s: string): boolean {
  return /^[0-9]+$/.test(s);
}

export function isAlnum(c: string | undefined): boolean {
  return isDigit(c) || isLetter(c);
}
