import { MAX_VERSION_LENGTH, compareDigits, compareStrings, isDigit, isLetter, type VersionScheme } from './scheme.js';

/**
 * RPM versions (RHEL, AlmaLinux, Rocky, Oracle, Amazon Linux, openSUSE/SUSE, Photon, openEuler, Mageia),
 * `[epoch:]version[-release]`, each part ordered by rpm's `rpmvercmp()` (rpmio/rpmvercmp.c): separators
 * (anything but ASCII letters, digits, `~`, `^`) are skipped; `~` sorts before everything including the
 * end; `^` sorts after the end but before anything else; digit runs beat letter runs; digit runs compare
 * numerically, letter runs with strcmp; when one side runs out, the longer remainder wins.
 */
export interface RpmVersion {
  epoch: string;
  version: string;
  /** Undefined when there is no `-`; `''` for a trailing `-` (which rpm still treats as a release). */
  release: string | undefined;
}

export function parseRpm(evr: string): RpmVersion {
  let i = 0;
  while (i < evr.length && isDigit(evr[i])) i++;
  let epoch = '0';
  let rest = evr;
  if (evr[i] === ':') {
    epoch = evr.slice(0, i) || '0';
    rest = evr.slice(i + 1);
  }
  const dash = rest.lastIndexOf('-');
  if (dash < 0) return { epoch, version: rest, release: undefined };
  return { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) };
}

const isAlnum = (c: string | undefined): boolean => isDigit(c) || isLetter(c);

export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;

    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;

    const numeric = isDigit(a[i]);
    const pred = numeric ? isDigit : isLetter;
    const aStart = i;
    while (i < a.length && pred(a[i])) i++;
    const bStart = j;
    while (j < b.length && pred(b[j])) j++;
    const x = a.slice(aStart, i);
    const y = b.slice(bStart, j);
    // Segments of different types: the numeric one is newer.
    if (y.length === 0) return numeric ? 1 : -1;
    const r = numeric ? compareDigits(x, y) : compareStrings(x, y);
    if (r !== 0) return r;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/**
 * Epoch, then version, then release. A missing release sorts before any release (`1 < 1-0`), the order
 * OSV tooling and the rpm changelog rules use for fully-specified package versions.
 */
export function compareRpm(a: string, b: string): number {
  const x = parseRpm(a);
  const y = parseRpm(b);
  const e = rpmvercmp(x.epoch, y.epoch);
  if (e !== 0) return e;
  const v = rpmvercmp(x.version, y.version);
  if (v !== 0) return v;
  if (x.release === undefined || y.release === undefined) {
    return x.release === y.release ? 0 : x.release === undefined ? -1 : 1;
  }
  return rpmvercmp(x.release, y.release);
}

/** rpm accepts any EVR whose version part is non-empty and free of blanks. */
export function isValidRpm(evr: string): boolean {
  if (evr.length === 0 || evr.length > MAX_VERSION_LENGTH || /\s/.test(evr)) return false;
  const { version } = parseRpm(evr);
  return version.length > 0 && /[A-Za-z0-9]/.test(version);
}

export const rpm: VersionScheme = { id: 'rpm', compare: compareRpm, isValid: isValidRpm };
