import { splitEcosystem } from '../versions/index.js';

/**
 * The lookup key of a package: ecosystem base (no release suffix) and name, both as OSV compares them.
 * Records are kept under this key; the matcher then checks the release suffix and the exact name rules.
 */
export function packageKey(ecosystem: string, name: string): string {
  const base = splitEcosystem(ecosystem).base.toLowerCase();
  return `${base}\u0000${osvPackageName(ecosystem, name).toLowerCase()}`;
}

/**
 * The name as OSV records spell it: PyPI names PEP 503-normalised (the OSV API finds nothing for `Django` or
 * `pyOpenSSL`, only for `django` and `pyopenssl`); other ecosystems' names as they are.
 */
export function osvPackageName(ecosystem: string, name: string): string {
  return splitEcosystem(ecosystem).base.toLowerCase() === 'pypi' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name;
}
