import {
  MAX_VERSION_LENGTH,
  compareDigits,
  compareStrings,
  isAllDigits,
  isDigit,
  type VersionScheme,
} from './scheme.js';

/**
 * SemVer 2.0.0 precedence (semver.org §11), used by npm, crates.io, Hex, Go modules, SwiftURL, Bitnami,
 * ConanCenter and every OSV `SEMVER` range. Parsing is lenient the way OSV tooling is: an optional `v`,
 * any number of numeric components (components after the third join the pre-release/build text), numbers
 * of any size. Build metadata (`+…`, e.g. Go's `+incompatible`) never affects precedence. Go
 * pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`) are ordinary pre-releases and need nothing special.
 */
export interface SemverLike {
  components: string[];
  /** Everything after the numeric components, e.g. `-rc.1+build`. */
  rest: string;
}

export function parseSemverLike(version: string, maxComponents: number): SemverLike {
  const s = version.startsWith('v') ? version.slice(1) : version;
  const components: string[] = [];
  let i = 0;
  let current = '';
  for (; i < s.length; i++) {
    const c = s[i] as string;
    if (isDigit(c)) {
      current += c;
      continue;
    }
    if (current !== '') {
      components.push(current);
      current = '';
    }
    if (c === '.') continue;
    break;
  }
  if (i >= s.length && current !== '') components.push(current);
  let rest = s.slice(i);
  if (components.length > maxComponents) {
    rest = components
      .slice(maxComponents)
      .map((c) => `.${c}`)
      .join('')
      .concat(rest);
    components.length = maxComponents;
  }
  return { components, rest };
}

export function compareComponents(a: string[], b: string[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const r = compareDigits(a[i] ?? '0', b[i] ?? '0');
    if (r !== 0) return r;
  }
  return 0;
}

/** Pre-release precedence: no pre-release sorts after any; identifiers compared per §11.4. */
export function comparePrerelease(a: string, b: string, caseInsensitive = false): number {
  if (a === '' || b === '') return a === b ? 0 : a === '' ? 1 : -1;
  const x = a.split('.');
  const y = b.split('.');
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    let p = x[i] as string;
    let q = y[i] as string;
    const pn = isAllDigits(p);
    const qn = isAllDigits(q);
    let r: number;
    if (pn && qn) r = compareDigits(p, q);
    else if (pn) r = -1;
    else if (qn) r = 1;
    else {
      if (caseInsensitive) {
        p = p.toLowerCase();
        q = q.toLowerCase();
      }
      r = compareStrings(p, q);
    }
    if (r !== 0) return r;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

/** Splits `-pre+build` text into the pre-release (without the leading `-`) and build parts. */
export function splitRest(rest: string): { prerelease: string; build: string } {
  const plus = rest.indexOf('+');
  const pre = plus < 0 ? rest : rest.slice(0, plus);
  return { prerelease: pre.startsWith('-') ? pre.slice(1) : pre, build: plus < 0 ? '' : rest.slice(plus + 1) };
}

export function compareSemver(a: string, b: string): number {
  const x = parseSemverLike(a, 3);
  const y = parseSemverLike(b, 3);
  return (
    compareComponents(x.components, y.components) ||
    comparePrerelease(splitRest(x.rest).prerelease, splitRest(y.rest).prerelease)
  );
}

const NUM = '(?:0|[1-9][0-9]*)';
const PRE_ID = `(?:${NUM}|[0-9]*[A-Za-z-][0-9A-Za-z-]*)`;
const SEMVER_RE = new RegExp(
  `^v?${NUM}\\.${NUM}\\.${NUM}(?:-${PRE_ID}(?:\\.${PRE_ID})*)?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$`,
);

/** Strict SemVer 2.0.0 (the official regular expression), with an optional leading `v`. */
export function isValidSemver(version: string): boolean {
  return version.length <= MAX_VERSION_LENGTH && SEMVER_RE.test(version);
}

const SEMVER_LIKE_RE = new RegExp(
  `^v?[0-9]+(?:\\.[0-9]+){0,2}(?:-${PRE_ID}(?:\\.${PRE_ID})*)?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$`,
);

/**
 * A SemVer range bound with one to three numeric components (`1.2`, `v3`, `01.2.3`): missing components
 * are 0 and numbers compare by value, so `compareSemver` orders it without doubt — OSV tooling (osv-scanner,
 * osv-scalibr `semantic`) reads such bounds the same way. Four or more components stay invalid.
 */
export function isSemverBound(version: string): boolean {
  return version.length <= MAX_VERSION_LENGTH && SEMVER_LIKE_RE.test(version);
}

export const semver: VersionScheme = {
  id: 'semver',
  compare: compareSemver,
  isValid: isValidSemver,
  isValidBound: isSemverBound,
};

/**
 * Go toolchain versions as the `stdlib`/`toolchain` packages carry them (`go1.21.3`, `go1.21rc1`,
 * `1.21beta2`), converted the way golang.org/x/vuln does (`1.21.0-rc.1`) so they compare with the
 * SEMVER ranges of the Go vulnerability database. Anything else is treated as a plain semantic version.
 */
export function goToolchainToSemver(version: string): string {
  const m = /^(?:go)?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(alpha|beta|rc)(\d+))?$/.exec(version);
  if (!m) return version;
  const [, major, minor = '0', patch = '0', kind, n] = m;
  const base = `${major}.${minor}.${patch}`;
  return kind ? `${base}-${kind}.${n}` : base;
}

/** Go modules (SemVer with `v`, pseudo-versions, `+incompatible`) and Go toolchain versions. */
export function compareGo(a: string, b: string): number {
  return compareSemver(goToolchainToSemver(a), goToolchainToSemver(b));
}

export function isValidGo(version: string): boolean {
  return isValidSemver(goToolchainToSemver(version));
}

export const go: VersionScheme = {
  id: 'go',
  compare: compareGo,
  isValid: isValidGo,
  isValidBound: (version) => isSemverBound(goToolchainToSemver(version)),
};
