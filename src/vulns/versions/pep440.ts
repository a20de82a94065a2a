import { MAX_VERSION_LENGTH, compareDigits, compareStrings, isAllDigits, type VersionScheme } from './scheme.js';

/**
 * PyPI versions: PEP 440 ordering exactly as pypa/packaging's `Version` (`_cmpkey`): epoch, release
 * (trailing zeros ignored), pre-release (a < b < rc; `alpha`/`beta`/`c`/`pre`/`preview` normalised),
 * post-release, dev-release (a bare `.devN` sorts before the pre-releases of its release), local version
 * (numeric segments above alphanumeric ones, longer above its prefix). Strings that are not PEP 440 are
 * ordered as packaging's historical `LegacyVersion` (setuptools rules, always before every PEP 440
 * version) and reported invalid.
 *
 * Written here rather than taken from @renovatebot/pep440: that port has no LegacyVersion ordering, and
 * the matcher needs a total order that never throws on the non-PEP 440 strings real advisories contain.
 */
const PEP440_RE = new RegExp(
  '^\\s*v?(?:(?:([0-9]+)!)?([0-9]+(?:\\.[0-9]+)*)' +
    '([-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?([0-9]+)?)?' +
    '((?:-([0-9]+))|(?:[-_.]?(post|rev|r)[-_.]?([0-9]+)?))?' +
    '([-_.]?(dev)[-_.]?([0-9]+)?)?)' +
    '(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\\s*$',
  'i',
);

export interface Pep440Version {
  epoch: string;
  release: string[];
  pre?: { letter: 'a' | 'b' | 'rc'; number: string };
  post?: string;
  dev?: string;
  local?: string[];
}

export function parsePep440(version: string): Pep440Version | undefined {
  if (version.length > MAX_VERSION_LENGTH) return undefined;
  const m = PEP440_RE.exec(version);
  if (!m) return undefined;
  const out: Pep440Version = { epoch: m[1] ?? '0', release: (m[2] as string).split('.') };
  if (m[4] !== undefined) out.pre = { letter: preLetter(m[4]), number: m[5] ?? '0' };
  if (m[6] !== undefined) out.post = m[7] ?? m[9] ?? '0';
  if (m[11] !== undefined) out.dev = m[12] ?? '0';
  if (m[13] !== undefined) out.local = m[13].toLowerCase().split(/[-_.]/);
  return out;
}

function preLetter(raw: string): 'a' | 'b' | 'rc' {
  const l = raw.toLowerCase();
  if (l === 'a' || l === 'alpha') return 'a';
  if (l === 'b' || l === 'beta') return 'b';
  return 'rc';
}

export function isValidPep440(version: string): boolean {
  return parsePep440(version) !== undefined;
}

/** -1/0/1 for optional numbers where "absent" sorts at `absent` (-Infinity or +Infinity). */
function compareOptional(a: string | undefined, b: string | undefined, absent: -1 | 1): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? absent : -absent;
  return compareDigits(a, b);
}

function comparePre(x: Pep440Version, y: Pep440Version): number {
  // packaging: no pre, no post, but dev => pre is -Infinity; no pre otherwise => +Infinity.
  const rank = (v: Pep440Version): number => (v.pre ? 0 : v.post === undefined && v.dev !== undefined ? -1 : 1);
  const rx = rank(x);
  const ry = rank(y);
  if (rx !== ry) return rx < ry ? -1 : 1;
  if (!x.pre || !y.pre) return 0;
  return compareStrings(x.pre.letter, y.pre.letter) || compareDigits(x.pre.number, y.pre.number);
}

function compareLocal(a: string[] | undefined, b: string[] | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const p = a[i] as string;
    const q = b[i] as string;
    const pn = isAllDigits(p);
    const qn = isAllDigits(q);
    const r = pn && qn ? compareDigits(p, q) : pn ? 1 : qn ? -1 : compareStrings(p, q);
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareRelease(a: string[], b: string[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const r = compareDigits(a[i] ?? '0', b[i] ?? '0');
    if (r !== 0) return r;
  }
  return 0;
}

function comparePep440Parsed(x: Pep440Version, y: Pep440Version): number {
  return (
    compareDigits(x.epoch, y.epoch) ||
    compareRelease(x.release, y.release) ||
    comparePre(x, y) ||
    compareOptional(x.post, y.post, -1) ||
    compareOptional(x.dev, y.dev, 1) ||
    compareLocal(x.local, y.local)
  );
}

const LEGACY_REPLACEMENTS: Record<string, string> = { pre: 'c', preview: 'c', '-': 'final-', rc: 'c', dev: '@' };

/** packaging < 22 `_legacy_cmpkey` parts (epoch -1 is implied by sorting legacy before PEP 440). */
export function legacyParts(version: string): string[] {
  const parts: string[] = [];
  const pieces = version.toLowerCase().split(/(\d+|[a-z]+|\.|-)/);
  for (const raw of [...pieces, 'final']) {
    const piece = raw === 'final' ? '*final' : (LEGACY_REPLACEMENTS[raw] ?? raw);
    if (piece === '' || piece === '.') continue;
    const part = piece === '*final' ? piece : /^[0-9]/.test(piece) ? piece.padStart(8, '0') : `*${piece}`;
    if (part.startsWith('*')) {
      if (part < '*final') while (parts.length > 0 && parts[parts.length - 1] === '*final-') parts.pop();
      while (parts.length > 0 && parts[parts.length - 1] === '00000000') parts.pop();
    }
    parts.push(part);
  }
  return parts;
}

function compareLegacy(a: string, b: string): number {
  const x = legacyParts(a);
  const y = legacyParts(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const r = compareStrings(x[i] as string, y[i] as string);
    if (r !== 0) return r;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

export function comparePep440(a: string, b: string): number {
  const x = parsePep440(a);
  const y = parsePep440(b);
  if (x && y) return comparePep440Parsed(x, y);
  if (x) return 1;
  if (y) return -1;
  return compareLegacy(a.slice(0, MAX_VERSION_LENGTH), b.slice(0, MAX_VERSION_LENGTH));
}

export const pep440: VersionScheme = { id: 'pep440', compare: comparePep440, isValid: isValidPep440 };
