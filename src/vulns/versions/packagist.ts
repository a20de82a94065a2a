import { MAX_VERSION_LENGTH, compareDigits, isDigit, isAlnum, type VersionScheme } from './scheme.js';

/**
 * Packagist (Composer) versions, ordered as PHP's `version_compare()` (ext/standard/versioning.c) after
 * Composer's removal of a leading `v`/`V`: the version is canonicalised (`-`, `_`, `+` and other
 * non-alphanumerics become `.`, and `.` is inserted at digit/letter transitions), then compared part by
 * part: numbers numerically; words by their special form dev < alpha = a < beta = b < RC = rc < number <
 * pl = p (matched by prefix; unknown words sort before dev).
 */
/** php_canonicalize_version: the dotted form version_compare works on (`1.0rc1` → `1.0.rc.1`). */
export function canonicalize(version: string): string {
  if (version.length === 0) return '';
  let out = version[0] as string;
  let lp = version[0] as string;
  const isDig = (c: string): boolean => isDigit(c);
  const isNdig = (c: string): boolean => !isDigit(c) && c !== '.';
  for (let i = 1; i < version.length; i++) {
    const c = version[i] as string;
    const lq = out[out.length - 1];
    if (c === '-' || c === '_' || c === '+') {
      if (lq !== '.') out += '.';
    } else if ((isNdig(lp) && isDig(c)) || (isDig(lp) && isNdig(c))) {
      if (lq !== '.') out += '.';
      out += c;
    } else if (!isAlnum(c)) {
      if (lq !== '.') out += '.';
    } else {
      out += c;
    }
    lp = c;
  }
  return out;
}

const SPECIAL_FORMS: [string, number][] = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

function specialForm(form: string): number {
  for (const [name, order] of SPECIAL_FORMS) if (form.startsWith(name)) return order;
  return -1;
}

function compareSpecial(a: string, b: string): number {
  return Math.sign(specialForm(a) - specialForm(b));
}

/** strtol over a part starting with a digit: the leading digit run. */
function leadingDigits(s: string): string {
  let i = 0;
  while (i < s.length && isDigit(s[i])) i++;
  return s.slice(0, i);
}

export function phpVersionCompare(v1: string, v2: string, depth = 0): number {
  if (v1 === '' || v2 === '') return v1 === v2 ? 0 : v1 !== '' ? 1 : -1;
  if (depth > 4) return 0;
  const a = v1.startsWith('#') ? v1 : canonicalize(v1);
  const b = v2.startsWith('#') ? v2 : canonicalize(v2);
  // p/q index the current part; n1/n2 hold the index of the '.' ending it, or -1 (C's NULL).
  let p1 = 0;
  let p2 = 0;
  let n1 = 0;
  let n2 = 0;
  let compare = 0;
  while (p1 < a.length && p2 < b.length && n1 >= 0 && n2 >= 0) {
    n1 = a.indexOf('.', p1);
    n2 = b.indexOf('.', p2);
    const s1 = a.slice(p1, n1 < 0 ? undefined : n1);
    const s2 = b.slice(p2, n2 < 0 ? undefined : n2);
    const d1 = isDigit(s1[0]);
    const d2 = isDigit(s2[0]);
    if (d1 && d2) compare = compareDigits(leadingDigits(s1), leadingDigits(s2));
    else if (!d1 && !d2) compare = compareSpecial(s1, s2);
    else compare = d1 ? compareSpecial('#N#', s2) : compareSpecial(s1, '#N#');
    if (compare !== 0) break;
    if (n1 >= 0) p1 = n1 + 1;
    if (n2 >= 0) p2 = n2 + 1;
  }
  if (compare === 0) {
    if (n1 >= 0) compare = isDigit(a[p1]) ? 1 : phpVersionCompare(a.slice(p1), '#N#', depth + 1);
    else if (n2 >= 0) compare = isDigit(b[p2]) ? -1 : phpVersionCompare('#N#', b.slice(p2), depth + 1);
  }
  return compare;
}

function stripV(version: string): string {
  return version.startsWith('v') || version.startsWith('V') ? version.slice(1) : version;
}

export function comparePackagist(a: string, b: string): number {
  return phpVersionCompare(stripV(a.slice(0, MAX_VERSION_LENGTH)), stripV(b.slice(0, MAX_VERSION_LENGTH)));
}

// Composer's VersionParser::normalize accepts classical versions, date versions and dev branches. Its
// `(?:[.-]?\d+)+` is written `[.-]?\d+(?:[.-]\d+)*` (same versions) so a long digit run cannot backtrack.
const CLASSICAL =
  /^v?\d+(?:\.\d+){0,3}(?:[._-]?(?:stable|beta|b|rc|alpha|a|patch|pl|p)(?:[.-]?\d+(?:[.-]\d+)*)?)?(?:[.-]?dev)?(?:\+[0-9a-z._-]+)?$/i;
const DATE =
  /^v?\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3})?(?:[._-]?(?:stable|beta|b|rc|alpha|a|patch|pl|p)(?:[.-]?\d+(?:[.-]\d+)*)?)?(?:[.-]?dev)?$/i;
const BRANCH = /^(?:dev-\S+|[\w.-]+[.-]dev)$/i;

export function isValidPackagist(version: string): boolean {
  const v = version.trim();
  return v.length > 0 && v.length <= MAX_VERSION_LENGTH && (CLASSICAL.test(v) || DATE.test(v) || BRANCH.test(v));
}

export const packagist: VersionScheme = { id: 'packagist', compare: comparePackagist, isValid: isValidPackagist };
