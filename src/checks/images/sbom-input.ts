import { readFile, stat } from 'node:fs/promises';
import { PackageURL } from 'packageurl-js';
import type { ScannedPackage } from './vulnerabilities.js';

/** SBOM files larger than this are refused. */
export const MAX_SBOM_BYTES = 128 * 1024 * 1024;
const MAX_COMPONENTS = 500_000;
const MAX_NESTING = 32;

interface Found {
  purl: string;
  where: string;
  source?: SourceHint;
}

export interface SbomInput {
  format: string;
  packages: ScannedPackage[];
  notes: string[];
}

const textOf = (v: unknown): string => (typeof v === 'string' ? v : '');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** purl `distro` qualifiers and namespaces to OSV release suffixes. */
function distroRelease(distro: string | undefined, prefix: string): string | undefined {
  const m = distro ? new RegExp(`^${prefix}-?(.+)$`, 'i').exec(distro) : null;
  return m?.[1];
}

const RPM_ECOSYSTEMS: Record<string, string> = {
  almalinux: 'AlmaLinux',
  rocky: 'Rocky Linux',
  'rocky-linux': 'Rocky Linux',
  redhat: 'Red Hat',
  opensuse: 'openSUSE',
  suse: 'SUSE',
  amazon: 'Amazon Linux',
  oracle: 'Oracle Linux',
  mageia: 'Mageia',
  openeuler: 'openEuler',
};

/**
 * A purl to an OSV package (https://github.com/package-url/purl-spec types; OSV ecosystem names from the
 * OSV schema). Unknown types keep an empty ecosystem: listed, never matched.
 */
export function packageFromPurl(purl: string): Omit<ScannedPackage, 'path' | 'layer'> | { error: string } {
  let p: PackageURL;
  try {
    p = PackageURL.fromString(purl);
  } catch (error) {
    return { error: `invalid purl: ${(error as Error).message}` };
  }
  const version = p.version ?? '';
  const q = (p.qualifiers ?? {}) as Record<string, string | undefined>;
  const ns = p.namespace ?? '';
  const base = { name: p.name, version, purl };
  switch (p.type) {
    case 'npm':
      return { ...base, ecosystem: 'npm', name: ns ? `${ns}/${p.name}` : p.name };
    case 'pypi':
      return { ...base, ecosystem: 'PyPI' };
    case 'gem':
      return { ...base, ecosystem: 'RubyGems' };
    case 'cargo':
      return { ...base, ecosystem: 'crates.io' };
    case 'nuget':
      return { ...base, ecosystem: 'NuGet' };
    case 'golang':
      return { ...base, ecosystem: 'Go', name: ns ? `${ns}/${p.name}` : p.name };
    case 'maven':
      return { ...base, ecosystem: 'Maven', name: `${ns}:${p.name}` };
    case 'composer':
      return { ...base, ecosystem: 'Packagist', name: ns ? `${ns}/${p.name}` : p.name };
    case 'pub':
      return { ...base, ecosystem: 'Pub' };
    case 'hex':
      return { ...base, ecosystem: 'Hex' };
    case 'deb': {
      const distro = ns.toLowerCase() === 'ubuntu' ? 'Ubuntu' : 'Debian';
      const release = distroRelease(q.distro, distro.toLowerCase());
      const upstream = q.upstream ? /^([^@\s]+)(?:@(\S+))?$/.exec(q.upstream) : null;
      // Trivy (and the purl spec's deb examples) carry the epoch in a qualifier; dpkg compares it first.
      return {
        ...base,
        version: withEpoch(version, q.epoch),
        ecosystem: release ? `${distro}:${release}` : distro,
        ...(upstream?.[1] ? { sourceName: upstream[1] } : {}),
        ...(upstream?.[2] ? { sourceVersion: upstream[2] } : {}),
      };
    }
    case 'apk': {
      const distro = ns.toLowerCase();
      const name = distro === 'wolfi' ? 'Wolfi' : distro === 'chainguard' ? 'Chainguard' : 'Alpine';
      const release = name === 'Alpine' ? /(\d+\.\d+)/.exec(q.distro ?? '')?.[1] : undefined;
      const origin = q.upstream ?? q.origin;
      return { ...base, ecosystem: release ? `Alpine:v${release}` : name, ...(origin ? { sourceName: origin } : {}) };
    }
    case 'rpm': {
      const ecosystem = RPM_ECOSYSTEMS[ns.toLowerCase()];
      const release = /(\d+)/.exec(q.distro ?? '')?.[1];
      const epoch = q.epoch ? `${q.epoch}:` : '';
      return {
        ...base,
        version: `${epoch}${version}`,
        ecosystem: ecosystem ? (release ? `${ecosystem}:${release}` : ecosystem) : '',
      };
    }
    default:
      return { ...base, ecosystem: '' };
  }
}

/** `1` + `9.2p1-2` → `1:9.2p1-2`; a version that already has an epoch keeps its own. */
function withEpoch(version: string, epoch: string | undefined): string {
  return epoch && /^\d+$/.test(epoch) && epoch !== '0' && !/^\d+:/.test(version) ? `${epoch}:${version}` : version;
}

/** A source package named outside the purl (Trivy's properties, SPDX `sourceInfo`). */
interface SourceHint {
  name: string;
  version?: string;
}

/**
 * Trivy's CycloneDX properties `aquasecurity:trivy:SrcName`, `SrcVersion`, `SrcRelease`, `SrcEpoch`: the source
 * package a deb or apk was built from, which Trivy does not put into the purl.
 */
function trivySource(properties: unknown): SourceHint | undefined {
  if (!Array.isArray(properties)) return undefined;
  const value = (name: string) => {
    for (const p of properties.slice(0, 200))
      if (isObject(p) && p.name === `aquasecurity:trivy:${name}` && typeof p.value === 'string') return p.value;
    return undefined;
  };
  const name = value('SrcName');
  if (!name) return undefined;
  const version = value('SrcVersion');
  const release = value('SrcRelease');
  const full = version ? withEpoch(release ? `${version}-${release}` : version, value('SrcEpoch')) : undefined;
  return { name, ...(full ? { version: full } : {}) };
}

/** SPDX `sourceInfo` as Trivy and Syft write it: `built package from: openssh 1:9.2p1-2+deb12u3`. */
function spdxSource(sourceInfo: unknown): SourceHint | undefined {
  const m = typeof sourceInfo === 'string' ? /built package from:\s*(\S+)(?:\s+(\S+))?/.exec(sourceInfo) : null;
  return m ? { name: m[1]!, ...(m[2] ? { version: m[2] } : {}) } : undefined;
}

function collectCycloneDx(components: unknown, out: Found[], depth: number, notes: string[]): void {
  if (!Array.isArray(components) || depth > MAX_NESTING) return;
  for (const component of components) {
    if (out.length >= MAX_COMPONENTS) return;
    if (!isObject(component)) continue;
    if (typeof component.purl === 'string') {
      const source = trivySource(component.properties);
      out.push({
        purl: component.purl,
        where: `component ${textOf(component['bom-ref'] ?? component.name).slice(0, 100)}`,
        ...(source ? { source } : {}),
      });
    }
    collectCycloneDx(component.components, out, depth + 1, notes);
  }
}

/** Reads a CycloneDX 1.4–1.6 or SPDX 2.3 JSON document; packages are taken as given (by purl). */
export async function readSbom(path: string): Promise<SbomInput> {
  const size = (await stat(path)).size;
  if (size > MAX_SBOM_BYTES) throw new Error(`${path} is larger than ${MAX_SBOM_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(json)) throw new Error(`${path} is not a CycloneDX or SPDX JSON document`);
  const notes: string[] = [];
  const found: Found[] = [];
  let format: string;
  if (json.bomFormat === 'CycloneDX') {
    format = `CycloneDX ${String(json.specVersion)}`;
    if (!['1.4', '1.5', '1.6'].includes(String(json.specVersion))) {
      notes.push(
        `${path}: CycloneDX ${String(json.specVersion).slice(0, 10)} is not one of the supported 1.4–1.6; read anyway`,
      );
    }
    if (
      isObject(json.metadata) &&
      isObject(json.metadata.component) &&
      typeof json.metadata.component.purl === 'string'
    ) {
      found.push({ purl: json.metadata.component.purl, where: 'metadata.component' });
    }
    collectCycloneDx(json.components, found, 0, notes);
  } else if (typeof json.spdxVersion === 'string') {
    format = json.spdxVersion;
    if (json.spdxVersion !== 'SPDX-2.3')
      notes.push(`${path}: ${json.spdxVersion.slice(0, 20)} is not SPDX-2.3; read anyway`);
    for (const pkg of Array.isArray(json.packages) ? json.packages.slice(0, MAX_COMPONENTS) : []) {
      if (!isObject(pkg) || !Array.isArray(pkg.externalRefs)) continue;
      for (const ref of pkg.externalRefs) {
        if (isObject(ref) && ref.referenceType === 'purl' && typeof ref.referenceLocator === 'string') {
          const source = spdxSource(pkg.sourceInfo);
          found.push({
            purl: ref.referenceLocator,
            where: `package ${textOf(pkg.SPDXID ?? pkg.name).slice(0, 100)}`,
            ...(source ? { source } : {}),
          });
        }
      }
    }
  } else {
    throw new Error(`${path} is neither CycloneDX (bomFormat) nor SPDX (spdxVersion) JSON`);
  }
  const packages: ScannedPackage[] = [];
  let invalid = 0;
  let unknown = 0;
  let byBinary = 0;
  for (const { purl, source } of found) {
    const pkg = packageFromPurl(purl);
    if ('error' in pkg) {
      invalid++;
      continue;
    }
    if (pkg.ecosystem === '') unknown++;
    if (!pkg.sourceName && source) {
      pkg.sourceName = source.name;
      if (source.version) pkg.sourceVersion = source.version;
    }
    if (!pkg.sourceName && /^pkg:(deb|apk)\//i.test(purl)) byBinary++;
    packages.push(pkg);
  }
  if (byBinary > 0) {
    notes.push(
      `${path}: ${byBinary} deb/apk package(s) name no source package (no upstream qualifier, Trivy SrcName property or SPDX sourceInfo): they were matched by binary name, which misses advisories filed under the source package (e.g. libssl3 under openssl)`,
    );
  }
  if (invalid > 0) notes.push(`${path}: ${invalid} component(s) with an invalid purl were skipped`);
  if (unknown > 0)
    notes.push(`${path}: ${unknown} component(s) have a purl type with no OSV ecosystem; listed, not matched`);
  notes.push(`${path}: ${format}, ${packages.length} package(s) with a purl`);
  return { format, packages, notes };
}
