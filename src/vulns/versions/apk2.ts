import { MAX_VERSION_LENGTH, isDigit } from './scheme.js';

/**
 * apk-tools 2.10 `src/version.c` (Alpine 3.10, the `apk version -t` that produced OSV's Alpine ordering
 * fixtures). It differs from apk-tools 3 (./apk.ts) only on strings apk 3 rejects or on corner cases:
 * a letter may be followed by more digits (`5.7.1p1`), suffix names match by prefix, leading zeros of a
 * non-first component count negatively (`1.0 > 1.00`), and invalid tokens sort lowest.
 */
const INVALID = -1;
const DIGIT_OR_ZERO = 0;
const DIGIT = 1;
const LETTER = 2;
const SUFFIX = 3;
const SUFFIX_NO = 4;
const REVISION_NO = 5;
const END = 6;

const PRE_SUFFIXES = ['alpha', 'beta', 'pre', 'rc'];
const POST_SUFFIXES = ['cvs', 'svn', 'git', 'hg', 'p'];

const isLower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';

class Blob {
  constructor(
    readonly s: string,
    public pos = 0,
  ) {}
  get len(): number {
    return this.s.length - this.pos;
  }
  at(i: number): string | undefined {
    return this.s[this.pos + i];
  }
}

function nextToken(type: number, b: Blob): number {
  let n = INVALID;
  const c = b.at(0);
  if (b.len === 0 || c === '\0') n = END;
  else if ((type === DIGIT || type === DIGIT_OR_ZERO) && isLower(c)) n = LETTER;
  else if (type === LETTER && isDigit(c)) n = DIGIT;
  else if (type === SUFFIX && isDigit(c)) n = SUFFIX_NO;
  else {
    if (c === '.') n = DIGIT_OR_ZERO;
    else if (c === '_') n = SUFFIX;
    else if (c === '-') {
      if (b.len > 1 && b.at(1) === 'r') {
        n = REVISION_NO;
        b.pos++;
      }
    }
    b.pos++;
  }
  if (n < type) {
    if (!(
      (n === DIGIT_OR_ZERO && type === DIGIT) ||
      (n === SUFFIX && type === SUFFIX_NO) ||
      (n === DIGIT && type === LETTER)
    ))
      n = INVALID;
  }
  return n;
}

/** get_token: returns [value, next type]. Numbers are kept as JS numbers (apk used a C int). */
function getToken(type: number, b: Blob): [number, number] {
  if (b.len <= 0) return [0, END];
  let v = 0;
  let i = 0;
  let nt = INVALID;
  // Leading zeros of a non-first component count negatively (1.0 > 1.00); the digits then follow.
  const zeros = type === DIGIT_OR_ZERO && b.at(0) === '0';
  const numeric = type === DIGIT_OR_ZERO || type === DIGIT || type === SUFFIX_NO || type === REVISION_NO;
  switch (numeric ? DIGIT : type) {
    case DIGIT:
      if (zeros) {
        while (i < b.len && b.at(i) === '0') i++;
        nt = DIGIT;
        v = -i;
        break;
      }
      while (i < b.len && isDigit(b.at(i))) {
        v = v * 10 + Number(b.at(i));
        i++;
      }
      break;
    case LETTER:
      v = (b.at(i) as string).charCodeAt(0);
      i++;
      break;
    case SUFFIX: {
      const rest = b.s.slice(b.pos);
      const pre = PRE_SUFFIXES.findIndex((s) => rest.startsWith(s));
      if (pre >= 0) {
        v = pre - PRE_SUFFIXES.length;
        i = (PRE_SUFFIXES[pre] as string).length;
        break;
      }
      const post = POST_SUFFIXES.findIndex((s) => rest.startsWith(s));
      if (post >= 0) {
        v = post;
        i = (POST_SUFFIXES[post] as string).length;
        break;
      }
      return [-1, INVALID];
    }
    default:
      return [-1, INVALID];
  }
  b.pos += i;
  if (b.len === 0) return [v, END];
  if (nt !== INVALID) return [v, nt];
  return [v, nextToken(type, b)];
}

export function compareApk2(a: string, b: string): number {
  const x = new Blob(a.slice(0, MAX_VERSION_LENGTH));
  const y = new Blob(b.slice(0, MAX_VERSION_LENGTH));
  let at = DIGIT;
  let bt = DIGIT;
  let av = 0;
  let bv = 0;
  while (at === bt && at !== END && at !== INVALID && av === bv) {
    [av, at] = getToken(at, x);
    [bv, bt] = getToken(bt, y);
  }
  if (av < bv) return -1;
  if (av > bv) return 1;
  if (at === bt) return 0;
  if (at === SUFFIX && getToken(at, x)[0] < 0) return -1;
  if (bt === SUFFIX && getToken(bt, y)[0] < 0) return 1;
  if (at > bt) return -1;
  if (bt > at) return 1;
  return 0;
}

/** apk_version_validate of apk-tools 2.10. */
export function isValidApk2(version: string): boolean {
  if (version.length > MAX_VERSION_LENGTH) return false;
  const b = new Blob(version);
  let t = DIGIT;
  while (t !== END && t !== INVALID) t = getToken(t, b)[1];
  return t === END;
}
