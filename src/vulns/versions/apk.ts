import { compareApk2, isValidApk2 } from './apk2.js';
import { MAX_VERSION_LENGTH, compareDigits, isDigit, type VersionScheme } from './scheme.js';

/**
 * Alpine/Wolfi/Chainguard package versions, ordered exactly as apk-tools 3 `src/version.c`:
 * `digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}`. Versions are read as a token stream; comparison
 * walks both streams while the token types agree, then decides on the first differing value or type.
 * Pre-release suffixes `_alpha`, `_beta`, `_pre`, `_rc` sort before the bare version; `_cvs`, `_svn`,
 * `_git`, `_hg`, `_p` after it. Invalid versions still get apk's (string-sort-like) order.
 */
const enum Token {
  InitialDigit,
  Digit,
  Letter,
  Suffix,
  SuffixNo,
  CommitHash,
  RevisionNo,
  End,
  Invalid,
}

// Order of the suffix values: INVALID, pre-release suffixes, NONE (the pivot), post-release suffixes.
const SUFFIXES = ['', 'alpha', 'beta', 'pre', 'rc', '', 'cvs', 'svn', 'git', 'hg', 'p'] as const;
const SUFFIX_INVALID = 0;
const SUFFIX_NONE = 5;

interface TokenState {
  token: Token;
  suffix: number;
  /** The token's text (digits, letter, suffix name or hash). */
  value: string;
}

class Reader {
  private pos = 0;
  constructor(private readonly s: string) {}

  get done(): boolean {
    return this.pos >= this.s.length;
  }
  peek(): string | undefined {
    return this.s[this.pos];
  }
  take(n = 1): string {
    const out = this.s.slice(this.pos, this.pos + n);
    this.pos += out.length;
    return out;
  }
  span(pred: (c: string) => boolean): string {
    const start = this.pos;
    while (this.pos < this.s.length && pred(this.s[this.pos] as string)) this.pos++;
    return this.s.slice(start, this.pos);
  }
  startsWith(prefix: string): boolean {
    return this.s.startsWith(prefix, this.pos);
  }
}

const isLower = (c: string): boolean => c >= 'a' && c <= 'z';
const isHex = (c: string): boolean => isDigit(c) || (c >= 'a' && c <= 'f');

function suffixValue(name: string): number {
  if (name.length === 0) return SUFFIX_INVALID;
  const index = SUFFIXES.indexOf(name as (typeof SUFFIXES)[number], 1);
  return index === SUFFIX_NONE || index < 0 ? SUFFIX_INVALID : index;
}

function parseDigits(t: TokenState, r: Reader): void {
  t.value = r.span(isDigit);
  if (t.value.length === 0) t.token = Token.Invalid;
}

function first(r: Reader): TokenState {
  const t: TokenState = { token: Token.InitialDigit, suffix: 0, value: '' };
  parseDigits(t, r);
  return t;
}

function next(t: TokenState, r: Reader): void {
  if (r.done) {
    t.token = Token.End;
    return;
  }
  const c = r.peek() as string;
  if (isLower(c)) {
    if (t.token > Token.Digit) return invalid(t);
    t.value = r.take();
    t.token = Token.Letter;
    return;
  }
  if (c === '.' || isDigit(c)) {
    if (c === '.') {
      if (t.token > Token.Digit) return invalid(t);
      r.take();
    }
    if (t.token === Token.InitialDigit || t.token === Token.Digit) t.token = Token.Digit;
    else if (t.token === Token.Suffix) t.token = Token.SuffixNo;
    else return invalid(t);
    parseDigits(t, r);
    return;
  }
  if (c === '_') {
    if (t.token > Token.SuffixNo) return invalid(t);
    r.take();
    t.value = r.span(isLower);
    t.suffix = suffixValue(t.value);
    if (t.suffix === SUFFIX_INVALID) return invalid(t);
    t.token = Token.Suffix;
    return;
  }
  if (c === '~') {
    if (t.token >= Token.CommitHash) return invalid(t);
    r.take();
    t.value = r.span(isHex);
    if (t.value.length === 0) return invalid(t);
    t.token = Token.CommitHash;
    return;
  }
  if (c === '-') {
    if (t.token >= Token.RevisionNo || !r.startsWith('-r')) return invalid(t);
    r.take(2);
    t.token = Token.RevisionNo;
    parseDigits(t, r);
    return;
  }
  invalid(t);
}

function invalid(t: TokenState): void {
  t.token = Token.Invalid;
}

function tokenCmp(a: TokenState, b: TokenState): number {
  switch (a.token) {
    case Token.Digit:
      // A leading zero makes apk fall back to a raw string comparison (Gentoo rule: 1.05 < 1.1).
      if (a.value.startsWith('0') || b.value.startsWith('0')) return blobSort(a.value, b.value);
      return compareDigits(a.value, b.value);
    case Token.InitialDigit:
    case Token.SuffixNo:
    case Token.RevisionNo:
      return compareDigits(a.value, b.value);
    case Token.Letter:
      return blobSort(a.value, b.value);
    case Token.Suffix:
      return a.suffix < b.suffix ? -1 : a.suffix > b.suffix ? 1 : 0;
    default:
      return blobSort(a.value, b.value);
  }
}

/** apk_blob_sort: memcmp over the common length, then the shorter sorts first. */
function blobSort(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** apk_version_compare_fuzzy: with `fuzzy`, a version equals any version it is a token prefix of. */
export function compareApkFuzzy(a: string, b: string, fuzzy: boolean): number {
  const ra = new Reader(a);
  const rb = new Reader(b);
  const ta = first(ra);
  const tb = first(rb);
  while (ta.token === tb.token && ta.token < Token.End) {
    const r = tokenCmp(ta, tb);
    if (r !== 0) return r;
    next(ta, ra);
    next(tb, rb);
  }
  if (ta.token === tb.token) return 0;
  if (tb.token === Token.End && fuzzy) return 0;
  if (ta.token === Token.Suffix && ta.suffix < SUFFIX_NONE) return -1;
  if (tb.token === Token.Suffix && tb.suffix < SUFFIX_NONE) return 1;
  if (ta.token > tb.token) return -1;
  if (tb.token > ta.token) return 1;
  return 0;
}

export function compareApk(a: string, b: string): number {
  return compareApkFuzzy(a, b, false);
}

const TOKEN_NAMES = [
  'digit',
  'digit',
  'letter',
  'suffix',
  'suffix-number',
  'commit-hash',
  'revision',
  'end',
  'invalid',
];

/** The token stream apk-tools 3 reads from a version, ending with `end` (valid) or `invalid`. */
export function parseApk(version: string): { kind: string; value: string }[] {
  const r = new Reader(version.slice(0, MAX_VERSION_LENGTH));
  const t = first(r);
  const tokens: { kind: string; value: string }[] = [];
  for (;;) {
    tokens.push({ kind: TOKEN_NAMES[t.token] as string, value: t.token < Token.End ? t.value : '' });
    if (t.token >= Token.End) return tokens;
    next(t, r);
  }
}

/** apk_version_validate. */
export function isValidApk(version: string): boolean {
  if (version.length > MAX_VERSION_LENGTH) return false;
  const r = new Reader(version);
  const t = first(r);
  while (t.token < Token.End) next(t, r);
  return t.token === Token.End;
}

/** apk result bits (apk_version.h), for dependency-style operators such as `<~`. */
export const APK_LESS = 2;
export const APK_EQUAL = 1;
export const APK_GREATER = 4;
export const APK_FUZZY = 8;

/** apk_version_match: does `a op b` hold, `op` being a mask of the bits above. */
export function apkVersionMatch(a: string, op: number, b: string): boolean {
  if ((op & (APK_LESS | APK_EQUAL | APK_GREATER)) === (APK_LESS | APK_EQUAL | APK_GREATER)) return true;
  const r = compareApkFuzzy(a, b, (op & APK_FUZZY) !== 0);
  const bit = r < 0 ? APK_LESS : r > 0 ? APK_GREATER : APK_EQUAL;
  return (bit & op) !== 0;
}

export const apk: VersionScheme = { id: 'apk', compare: compareApk, isValid: isValidApk };

/**
 * The order used for the Alpine family ecosystems (Alpine, Wolfi, Chainguard, MinimOS…): apk-tools 3,
 * except for pairs that apk 3 rejects but apk-tools 2.10 accepts — the legacy spellings still found in
 * Alpine's own security data (`5.7.1p1-r0`: a letter followed by digits). Those get apk 2.10's order, as
 * the `apk` of Alpine 3.10 (and OSV's Alpine ordering fixtures) gives them. Valid if either accepts it.
 */
export function compareApkFamily(a: string, b: string): number {
  const legacy = !(isValidApk(a) && isValidApk(b)) && isValidApk2(a) && isValidApk2(b);
  return legacy ? compareApk2(a, b) : compareApk(a, b);
}

export const apkFamily: VersionScheme = {
  id: 'apk',
  compare: compareApkFamily,
  isValid: (v) => isValidApk(v) || isValidApk2(v),
};
