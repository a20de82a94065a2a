import { splitEcosystem } from '../versions/index.js';

/**
 * The lookup key of a package: ecosystem base (no release suffix) and name, both as OSV compares them.
 * Records are kept under this key; the matcher then checks the release suffix and the exact name rules.
 */
export function packageKey(ecosystem: string, name: string): string {
  const base = splitEcosystem(ecosystem).base.toLowerCase();
  const normalized = base === 'pypi' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name.toLowerCase();
  return `${base}\u0000${normalized}`;
}
