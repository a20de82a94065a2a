import { apk, apkFamily } from './apk.js';
import { dpkg } from './dpkg.js';
import { maven } from './maven.js';
import { nuget } from './nuget.js';
import { cran, hackage } from './numeric-list.js';
import { packagist } from './packagist.js';
import { pep440 } from './pep440.js';
import { pub } from './pub.js';
import { rpm } from './rpm.js';
import { rubygems } from './rubygems.js';
import { MAX_VERSION_LENGTH, compareDigits, compareStrings, type VersionScheme } from './scheme.js';
import { go, semver } from './semver.js';

export type { VersionScheme } from './scheme.js';
export { apk, apkFamily, cran, dpkg, go, hackage, maven, nuget, packagist, pep440, pub, rpm, rubygems, semver };

/** OSV ecosystem base names (the part before the first `:`), lower-cased, to their version scheme. */
const SCHEMES: Record<string, VersionScheme> = {
  debian: dpkg,
  ubuntu: dpkg,
  alpine: apkFamily,
  wolfi: apkFamily,
  chainguard: apkFamily,
  minimos: apkFamily,
  alpaquita: apkFamily,
  'bellsoft hardened containers': apkFamily,
  almalinux: rpm,
  'rocky linux': rpm,
  'red hat': rpm,
  opensuse: rpm,
  suse: rpm,
  'photon os': rpm,
  openeuler: rpm,
  mageia: rpm,
  'oracle linux': rpm,
  oracle: rpm,
  'amazon linux': rpm,
  'azure linux': rpm,
  npm: semver,
  'crates.io': semver,
  hex: semver,
  swifturl: semver,
  bitnami: semver,
  conancenter: semver,
  julia: semver,
  go: go,
  kubernetes: go,
  pypi: pep440,
  maven: maven,
  rubygems: rubygems,
  nuget: nuget,
  packagist: packagist,
  pub: pub,
  cran: cran,
  bioconductor: cran,
  hackage: hackage,
  ghc: hackage,
};

/** `Ubuntu:22.04:LTS` → `{ base: 'Ubuntu', suffix: '22.04:LTS' }`. */
export function splitEcosystem(ecosystem: string): { base: string; suffix: string } {
  const colon = ecosystem.indexOf(':');
  return colon < 0
    ? { base: ecosystem.trim(), suffix: '' }
    : { base: ecosystem.slice(0, colon).trim(), suffix: ecosystem.slice(colon + 1).trim() };
}

/**
 * The version scheme of an OSV ecosystem string (`Debian:12`, `Alpine:v3.20`, `PyPI`…), or undefined
 * when the ecosystem has no known total order. `Root:<Distro>:…`/`Root:<Manager>` use the scheme of the
 * distribution or package manager they wrap.
 */
export function schemeForEcosystem(ecosystem: string): VersionScheme | undefined {
  // A scan asks about the same few ecosystem strings thousands of times.
  if (schemeMemo.has(ecosystem)) return schemeMemo.get(ecosystem);
  const scheme = lookupScheme(ecosystem);
  if (ecosystem.length <= 200) {
    if (schemeMemo.size >= 10_000) schemeMemo.clear();
    schemeMemo.set(ecosystem, scheme);
  }
  return scheme;
}

const schemeMemo = new Map<string, VersionScheme | undefined>();

function lookupScheme(ecosystem: string): VersionScheme | undefined {
  const { base, suffix } = splitEcosystem(ecosystem);
  const key = base.toLowerCase();
  if (key === 'root' && suffix !== '') return lookupScheme(suffix);
  return Object.hasOwn(SCHEMES, key) ? SCHEMES[key] : undefined;
}

export type CompareOutcome = { ok: true; result: number } | { ok: false; reason: string };

/**
 * Compares two versions of an ecosystem, saying when the comparison cannot be trusted: unknown
 * ecosystem, or a version the ecosystem's own tooling would reject.
 */
export function tryCompareVersions(ecosystem: string, a: string, b: string): CompareOutcome {
  const scheme = schemeForEcosystem(ecosystem);
  if (!scheme) return { ok: false, reason: `no version ordering is known for ecosystem "${ecosystem}"` };
  for (const v of [a, b]) {
    if (!scheme.isValid(v)) return { ok: false, reason: `"${clip(v)}" is not a valid ${scheme.id} version` };
  }
  return { ok: true, result: scheme.compare(a, b) };
}

/**
 * -1, 0 or 1: the order of `a` and `b` in `ecosystem` (OSV spelling). Never throws. Invalid versions get
 * the order the ecosystem's own tool gives them; an unknown ecosystem gets a generic, deterministic
 * natural order (digit runs numeric, the rest byte-wise) that is NOT authoritative — callers that must
 * know use `tryCompareVersions`.
 */
export function compareVersions(ecosystem: string, a: string, b: string): number {
  const scheme = schemeForEcosystem(ecosystem);
  return scheme ? scheme.compare(a, b) : naturalCompare(a, b);
}

/** Whether `version` is valid in `ecosystem`; false for unknown ecosystems. */
export function isValidVersion(ecosystem: string, version: string): boolean {
  return schemeForEcosystem(ecosystem)?.isValid(version) ?? false;
}

export function naturalCompare(a: string, b: string): number {
  const x = a.slice(0, MAX_VERSION_LENGTH).match(/\d+|\D+/g) ?? [];
  const y = b.slice(0, MAX_VERSION_LENGTH).match(/\d+|\D+/g) ?? [];
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const p = x[i] as string;
    const q = y[i] as string;
    const r = /^\d/.test(p) && /^\d/.test(q) ? compareDigits(p, q) : compareStrings(p, q);
    if (r !== 0) return r;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

function clip(s: string): string {
  return s.length > 64 ? `${s.slice(0, 61)}...` : s;
}
