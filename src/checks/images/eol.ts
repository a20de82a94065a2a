import type { ImagePackage, OsIdentity } from '../../images/index.js';
import data from './eol-data.json' with { type: 'json' };

/**
 * End of life of the OS release and of language runtimes in the image, from the dated table in
 * eol-data.json. `today` is a parameter so tests are not tied to the calendar.
 */
export interface Product {
  name: string;
  source: string;
  /** Which endoflife.date date the cycles hold (`eol` or `extendedSupport`); scripts/refresh-eol.mjs reads it. */
  field: 'eol' | 'extendedSupport';
  /** The endoflife.date file and commit the cycles were checked against. */
  verified: string;
  /** Last day of support (YYYY-MM-DD); `true`: past its end of life, no date; `false`: supported, no date yet. */
  cycles: Record<string, string | boolean>;
}

export interface EolTable {
  updated: string;
  os: Record<string, Product>;
  runtimes: Record<string, Product>;
}

export const EOL_TABLE: EolTable = data as EolTable;

export interface EolHit {
  kind: 'os' | 'runtime';
  product: string;
  cycle: string;
  /** The last day of support; undefined when the table knows the cycle ended but not when. */
  eol?: string;
  source: string;
  /** How the release or runtime was recognised (os-release, a package, an ENV variable). */
  evidence: string;
  /** The image path the evidence came from, when there is one. */
  path?: string;
  layer?: string;
}

/** os-release ID to the table's key; derivatives that share a lifecycle are folded together. */
const OS_ALIASES: Record<string, string> = { redhat: 'rhel', 'rocky linux': 'rocky', oracle: 'ol' };

/** The release cycle key for an OS: `12` for Debian 12.5, `22.04` for Ubuntu, `3.20` for Alpine 3.20.3. */
export function osCycle(os: OsIdentity): { key: string; cycle: string } | undefined {
  const key = OS_ALIASES[os.id] ?? os.id;
  const version = os.versionId ?? '';
  let cycle: string | undefined;
  switch (key) {
    case 'ubuntu':
    case 'alpine':
      cycle = /^(\d+\.\d+)/.exec(version)?.[1];
      break;
    case 'amzn':
      cycle = /^(\d{4}\.\d{2}|\d+)/.exec(version)?.[1];
      break;
    default:
      cycle = /^(\d+)/.exec(version)?.[1];
  }
  return cycle ? { key, cycle } : undefined;
}

export type CycleStatus =
  { status: 'end-of-life'; eol?: string } | { status: 'supported'; eol?: string } | { status: 'unknown-cycle' };

/**
 * Where a cycle stands on `today` (YYYY-MM-DD, UTC). A date is the last day of support, as endoflife.date
 * means it (its API sets isEol only when today is after the date): on the date itself the cycle is supported.
 * A cycle the table does not list is unknown: no end of life is guessed for it.
 */
export function cycleStatus(product: Product, cycle: string, today: string): CycleStatus {
  if (!Object.hasOwn(product.cycles, cycle)) return { status: 'unknown-cycle' };
  const value = product.cycles[cycle];
  if (typeof value === 'boolean') return { status: value ? 'end-of-life' : 'supported' };
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return { status: 'unknown-cycle' };
  return { status: today > value ? 'end-of-life' : 'supported', eol: value };
}

export function osEndOfLife(os: OsIdentity, today: string, table: EolTable = EOL_TABLE): EolHit | undefined {
  const found = osCycle(os);
  const product = found ? table.os[found.key] : undefined;
  if (!found || !product) return undefined;
  const status = cycleStatus(product, found.cycle, today);
  if (status.status !== 'end-of-life') return undefined;
  return {
    kind: 'os',
    product: product.name,
    cycle: found.cycle,
    ...(status.eol ? { eol: status.eol } : {}),
    source: product.source,
    evidence: `/${os.path} (${os.prettyName ?? `${os.id} ${os.versionId ?? ''}`.trim()})`,
    path: `/${os.path}`,
    layer: os.layer,
  };
}

interface RuntimeVersion {
  runtime: string;
  cycle: string;
  evidence: string;
  /**
   * Installed from the distribution's own packages: the distribution supports it (security fixes backported)
   * until the release's own end of life, which the OS check judges, so upstream's end of life does not apply.
   */
  distroPackaged?: boolean;
  path?: string;
  layer?: string;
}

const majorMinor = (v: string) => /^(\d+\.\d+)/.exec(v)?.[1];
const major = (v: string) => /^(\d+)/.exec(v)?.[1];

/** Version variables the official Docker images set (node, python, openjdk/eclipse-temurin, golang, dotnet, php, ruby). */
const ENV_RUNTIMES: { name: string; runtime: string; cycle: (v: string) => string | undefined }[] = [
  { name: 'NODE_VERSION', runtime: 'nodejs', cycle: major },
  { name: 'PYTHON_VERSION', runtime: 'python', cycle: majorMinor },
  {
    name: 'JAVA_VERSION',
    runtime: 'java',
    cycle: (v) => /^(?:jdk-?)?(?:1\.(8)|(\d+))/.exec(v)?.slice(1).find(Boolean),
  },
  { name: 'GOLANG_VERSION', runtime: 'go', cycle: majorMinor },
  { name: 'DOTNET_VERSION', runtime: 'dotnet', cycle: majorMinor },
  { name: 'ASPNET_VERSION', runtime: 'dotnet', cycle: majorMinor },
  { name: 'PHP_VERSION', runtime: 'php', cycle: majorMinor },
  { name: 'RUBY_VERSION', runtime: 'ruby', cycle: majorMinor },
];

/** OS packages that install a runtime: name pattern → runtime and how to read the cycle from the version or name. */
const PACKAGE_RUNTIMES: {
  re: RegExp;
  runtime: string;
  cycle: (name: string, version: string) => string | undefined;
}[] = [
  { re: /^nodejs(?:-current)?$/, runtime: 'nodejs', cycle: (_n, v) => major(v.replace(/^\d+:/, '')) },
  { re: /^python(\d\.\d+)(?:-minimal)?$/, runtime: 'python', cycle: (n) => /^python(\d\.\d+)/.exec(n)?.[1] },
  { re: /^libpython(\d\.\d+)$/, runtime: 'python', cycle: (n) => /(\d\.\d+)$/.exec(n)?.[1] },
  {
    re: /^openjdk-?(\d+)-jre(?:-headless)?$|^openjdk(\d+)(?:-jre)?$|^java-(\d+)-openjdk(?:-headless)?$/,
    runtime: 'java',
    cycle: (n) => /(\d+)/.exec(n.replace(/^java-1\.8\.0/, 'java-8'))?.[1],
  },
  { re: /^golang-(\d\.\d+)-go$|^go$/, runtime: 'go', cycle: (n, v) => /(\d\.\d+)/.exec(n)?.[1] ?? majorMinor(v) },
  { re: /^(?:dotnet|aspnetcore)-runtime-(\d+\.\d+)$/, runtime: 'dotnet', cycle: (n) => /(\d+\.\d+)$/.exec(n)?.[1] },
  {
    re: /^php(\d\.\d)(?:-cli|-fpm|-common)?$|^php(\d)(\d)$/,
    runtime: 'php',
    cycle: (n) => /^php(\d)\.?(\d)/.exec(n)?.slice(1, 3).join('.'),
  },
  { re: /^ruby(\d\.\d+)$/, runtime: 'ruby', cycle: (n) => /(\d\.\d+)$/.exec(n)?.[1] },
];

/**
 * OS-package versions that mark a build from the runtime's own vendor repository rather than the
 * distribution (NodeSource's `20.11.0-1nodesource1`): judged by upstream's end of life.
 */
const UPSTREAM_BUILDS = /nodesource/i;

/**
 * Runtimes recognisable in the image: official-image ENV variables (upstream builds in /usr/local) and OS
 * packages (the distribution's builds, unless the version names an upstream vendor repository).
 */
export function detectRuntimes(env: readonly string[], packages: readonly ImagePackage[]): RuntimeVersion[] {
  const found: RuntimeVersion[] = [];
  for (const entry of env) {
    const eq = entry.indexOf('=');
    const name = eq < 0 ? entry : entry.slice(0, eq);
    const value = eq < 0 ? '' : entry.slice(eq + 1);
    for (const rule of ENV_RUNTIMES) {
      if (rule.name !== name) continue;
      const cycle = rule.cycle(value);
      if (cycle) found.push({ runtime: rule.runtime, cycle, evidence: `ENV ${name}=${value.slice(0, 40)}` });
    }
  }
  for (const pkg of packages) {
    if (pkg.cataloger !== 'dpkg' && pkg.cataloger !== 'apk' && pkg.cataloger !== 'rpm') continue;
    for (const rule of PACKAGE_RUNTIMES) {
      if (!rule.re.test(pkg.name)) continue;
      const cycle = rule.cycle(pkg.name, pkg.version);
      if (cycle) {
        const vendor = UPSTREAM_BUILDS.exec(pkg.version)?.[0];
        found.push({
          runtime: rule.runtime,
          cycle,
          evidence: `package ${pkg.name} ${pkg.version}${vendor ? ` (an upstream build: ${vendor})` : ''}`,
          ...(vendor ? {} : { distroPackaged: true }),
          path: `/${pkg.path}`,
          layer: pkg.layer,
        });
      }
    }
  }
  const seen = new Set<string>();
  // An upstream install (ENV, vendor repository) of a cycle wins over the distribution's package of it.
  found.sort((a, b) => Number(a.distroPackaged ?? false) - Number(b.distroPackaged ?? false));
  return found.filter((r) => {
    const key = `${r.runtime}@${r.cycle}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function runtimeEndOfLife(
  env: readonly string[],
  packages: readonly ImagePackage[],
  today: string,
  table: EolTable = EOL_TABLE,
): EolHit[] {
  const hits: EolHit[] = [];
  for (const runtime of detectRuntimes(env, packages)) {
    const product = table.runtimes[runtime.runtime];
    if (!product || runtime.distroPackaged) continue;
    const status = cycleStatus(product, runtime.cycle, today);
    if (status.status !== 'end-of-life') continue;
    hits.push({
      kind: 'runtime',
      product: product.name,
      cycle: runtime.cycle,
      ...(status.eol ? { eol: status.eol } : {}),
      source: product.source,
      evidence: runtime.evidence,
      ...(runtime.path ? { path: runtime.path } : {}),
      ...(runtime.layer ? { layer: runtime.layer } : {}),
    });
  }
  return hits;
}

/**
 * Notes for an OS release or runtime whose product the table tracks but whose cycle it does not list
 * (a release newer than the table, or a version string read wrongly): its end of life is not checked.
 */
export function unknownEolCycles(
  os: OsIdentity | undefined,
  env: readonly string[],
  packages: readonly ImagePackage[],
  table: EolTable = EOL_TABLE,
): string[] {
  const notes: string[] = [];
  const unknown = (product: Product, cycle: string, evidence: string) =>
    notes.push(
      `end of life not checked for ${product.name} ${cycle} (${evidence}): unknown cycle, not in the end-of-life table updated ${table.updated}`,
    );
  const found = os ? osCycle(os) : undefined;
  const osProduct = found ? table.os[found.key] : undefined;
  if (os && found && osProduct && !Object.hasOwn(osProduct.cycles, found.cycle)) {
    unknown(osProduct, found.cycle, `/${os.path}`);
  }
  for (const runtime of detectRuntimes(env, packages)) {
    const product = table.runtimes[runtime.runtime];
    if (product && !runtime.distroPackaged && !Object.hasOwn(product.cycles, runtime.cycle))
      unknown(product, runtime.cycle, runtime.evidence);
  }
  return notes;
}
