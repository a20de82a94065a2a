import type { RawFinding } from '../../../core/finding.js';
import type { Severity } from '../../../core/severity.js';
import { osvEcosystem, parseOsRelease } from '../../../images/catalogers/os-release.js';
import { purl } from '../../../images/catalogers/types.js';
import { affectedBy } from '../../../vulns/match.js';
import { readOsvRecord, type OsvRecord } from '../../../vulns/osv.js';
import table from './escape-advisories.json' with { type: 'json' };
import { filesPresent, parseDpkgStatus, type DpkgPackage } from './dpkg-status.js';
import { RUNNER_RULE, runnerRules } from './rules.js';
import {
  RUNTIME_BINARY_DIRS,
  findGoBinaries,
  tableVersion,
  type BinaryComponent,
  type BinaryReader,
  type GoBinary,
} from './go-binaries.js';

/**
 * The "weak hosts" probe: versions of runc, containerd, Docker Engine (with the BuildKit it vendors) and
 * BuildKit on the runner host, read from the Debian/Ubuntu package database and from the Go build
 * information of the executables themselves, and matched against a small embedded table of container-escape
 * advisories (escape-advisories.json) through the OSV matcher. It only reads files.
 */

export const DPKG_STATUS_PATH = '/var/lib/dpkg/status';
/** dpkg's per-package file lists (`<package>.list`, or `<package>:<arch>.list` for Multi-Arch: same). */
export const DPKG_INFO_DIR = '/var/lib/dpkg/info';
const RULE = runnerRules.find((rule) => rule.id === RUNNER_RULE.vulnerableRuntime);

export interface HostRuntimeInput extends Partial<BinaryReader> {
  readFile(path: string): string | undefined;
  /** Directories searched for the engine executables (default RUNTIME_BINARY_DIRS). */
  binaryDirs?: readonly string[];
}

export interface HostRuntimeResult {
  findings: RawFinding[];
  notes: string[];
}

type Component = 'runc' | 'containerd' | 'docker-engine';

const MODULE: Record<Component, string> = {
  runc: 'github.com/opencontainers/runc',
  containerd: 'github.com/containerd/containerd',
  'docker-engine': 'github.com/docker/docker',
};

const DISPLAY: Record<Component, string> = { runc: 'runc', containerd: 'containerd', 'docker-engine': 'Docker Engine' };

interface PackageRole {
  component: Component;
  /**
   * Built by the upstream vendor from the unmodified release tag (Docker's own repository), so the version
   * says what code runs. Distribution and Microsoft (moby-*) builds can carry backported fixes.
   */
  upstreamBuild: boolean;
}

/** Debian/Ubuntu package names of the engines, including the moby-* packages of GitHub's Ubuntu images. */
export const RUNTIME_PACKAGES: Readonly<Record<string, PackageRole>> = {
  runc: { component: 'runc', upstreamBuild: false },
  'moby-runc': { component: 'runc', upstreamBuild: false },
  containerd: { component: 'containerd', upstreamBuild: false },
  'containerd.io': { component: 'containerd', upstreamBuild: true },
  'moby-containerd': { component: 'containerd', upstreamBuild: false },
  'docker-ce': { component: 'docker-engine', upstreamBuild: true },
  'docker-engine': { component: 'docker-engine', upstreamBuild: true },
  'docker.io': { component: 'docker-engine', upstreamBuild: false },
  'moby-engine': { component: 'docker-engine', upstreamBuild: false },
};

/** Client packages: listed in the notes, not matched (the advisories are about the daemons). */
const CLIENT_PACKAGES = new Set(['docker-ce-cli', 'moby-cli', 'docker-buildx-plugin', 'moby-buildx']);

export interface AdvisoryTable {
  reviewed: string;
  advisories: OsvRecord[];
}

/** The embedded table, read through the tolerant OSV reader like any other record. */
export function escapeAdvisories(json: unknown = table): AdvisoryTable {
  const source = json as { reviewed?: unknown; advisories?: unknown };
  const advisories = Array.isArray(source.advisories)
    ? source.advisories.flatMap((entry) => {
        const read = readOsvRecord(entry);
        return read.ok ? [read.record] : [];
      })
    : [];
  return { reviewed: typeof source.reviewed === 'string' ? source.reviewed : 'unknown', advisories };
}

const ADVISORIES = escapeAdvisories();

/**
 * The upstream project version inside a Debian package version, in SemVer form for the advisory table:
 * epoch and Debian revision dropped (`5:27.1.1-1~ubuntu.24.04~noble` → `27.1.1`), repack suffixes dropped
 * (`1.6.20~ds1`, `20.10.24+dfsg1`), pre-releases dotted (`1.0.0~rc93` → `1.0.0-rc.93`, so that rc10 sorts
 * after rc6 as it does upstream) and leading zeros removed (`18.09.1` → `18.9.1`). Undefined when the
 * version does not start with a release number.
 */
export function upstreamVersion(debianVersion: string): string | undefined {
  let v = debianVersion.trim().replace(/^\d+:/, '');
  const dash = v.lastIndexOf('-');
  if (dash > 0) v = v.slice(0, dash);
  const m = /^(\d{1,6})\.(\d{1,6})(?:\.(\d{1,6}))?(?:[~-](rc|beta|alpha)\.?(\d{1,6}))?(?=$|[+~])/.exec(v);
  if (!m) return undefined;
  const [, major, minor, patch = '0', kind, n] = m;
  const core = [major, minor, patch].map((part) => String(Number(part))).join('.');
  return kind ? `${core}-${kind}.${Number(n)}` : core;
}

interface OsInfo {
  id?: string;
  versionId?: string;
  ecosystem?: string;
  label: string;
}

function readOs(input: HostRuntimeInput): OsInfo {
  for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
    const text = input.readFile(path);
    if (text === undefined) continue;
    const fields = parseOsRelease(text.slice(0, 64 * 1024));
    if (!fields.ID) continue;
    const id = fields.ID.toLowerCase();
    const { ecosystem } = osvEcosystem({
      id,
      ...(fields.VERSION_ID ? { versionId: fields.VERSION_ID } : {}),
      ...(fields.VERSION_CODENAME ? { versionCodename: fields.VERSION_CODENAME } : {}),
      ...(fields.PRETTY_NAME ? { prettyName: fields.PRETTY_NAME } : {}),
      ...(fields.VERSION ? { version: fields.VERSION } : {}),
    });
    const info: OsInfo = { id, label: ecosystem ?? fields.PRETTY_NAME ?? id };
    if (fields.VERSION_ID) info.versionId = fields.VERSION_ID;
    if (ecosystem) info.ecosystem = ecosystem;
    return info;
  }
  return { label: 'distribution unknown: no readable os-release' };
}

const SEVERITY: Record<string, Severity> = { CRITICAL: 'critical', HIGH: 'high', MODERATE: 'medium', LOW: 'low' };

function advisorySeverity(record: OsvRecord, upstreamBuild: boolean): Severity {
  const label = record.database_specific?.severity;
  const rated = (typeof label === 'string' ? SEVERITY[label.toUpperCase()] : undefined) ?? 'high';
  // A distribution may have backported the fix without changing the upstream part of the version.
  return rated === 'critical' && !upstreamBuild ? 'high' : rated;
}

function cveOf(record: OsvRecord): string {
  return record.aliases?.find((alias) => alias.startsWith('CVE-')) ?? record.id;
}

interface Installed {
  pkg: DpkgPackage;
  role: PackageRole;
  upstream: string;
}

interface DpkgRuntimes {
  installed: Installed[];
  /** Every runtime or client package with files on disk, for ownership of the executables. */
  packages: DpkgPackage[];
}

/** The engine packages in the dpkg database, with notes on what was and was not readable. */
function readDpkgRuntimes(
  input: HostRuntimeInput,
  os: OsInfo,
  notes: string[],
  advisories: AdvisoryTable,
): DpkgRuntimes {
  const none: DpkgRuntimes = { installed: [], packages: [] };
  const text = input.readFile(DPKG_STATUS_PATH);
  if (text === undefined) {
    notes.push(
      `Could not read ${DPKG_STATUS_PATH}: runc, containerd, Docker Engine and BuildKit packages on the host ` +
        'were not checked (only Debian/Ubuntu package databases are read; RPM hosts are not covered).',
    );
    return none;
  }
  const status = parseDpkgStatus(text);
  if (status.packages.length === 0) {
    notes.push(
      `${DPKG_STATUS_PATH} has no package stanza with Package, Version and Status: host container runtime packages were not checked.`,
    );
    return none;
  }
  if (status.truncated) notes.push(`${DPKG_STATUS_PATH} has too many stanzas; only the first ones were read.`);

  const installed: Installed[] = [];
  const packages: DpkgPackage[] = [];
  const clients: string[] = [];
  const unreadable: string[] = [];
  const seen = new Set<string>();
  for (const pkg of status.packages) {
    if (!filesPresent(pkg) || seen.has(pkg.package)) continue;
    if (CLIENT_PACKAGES.has(pkg.package)) {
      seen.add(pkg.package);
      packages.push(pkg);
      clients.push(`${pkg.package} ${pkg.version}`);
      continue;
    }
    const role = RUNTIME_PACKAGES[pkg.package];
    if (!role) continue;
    seen.add(pkg.package);
    packages.push(pkg);
    const upstream = upstreamVersion(pkg.version);
    if (upstream === undefined) unreadable.push(`${pkg.package} ${pkg.version}`);
    else installed.push({ pkg, role, upstream });
  }

  if (installed.length === 0 && unreadable.length === 0) {
    notes.push(
      `No runc, containerd or Docker Engine package is installed according to ${DPKG_STATUS_PATH} (${os.label}).`,
    );
  } else {
    const listed = installed.map(
      ({ pkg, role, upstream }) => `${pkg.package} ${pkg.version} (${DISPLAY[role.component]} ${upstream})`,
    );
    notes.push(
      `Container runtime packages on the host (${DPKG_STATUS_PATH}, ${os.label}): ${listed.join(', ') || 'none readable'}; ` +
        `matched against ${advisories.advisories.length} container-escape advisories (table reviewed ${advisories.reviewed}).`,
    );
  }
  if (unreadable.length > 0) {
    notes.push(`No upstream version could be read from ${unreadable.join(', ')}: not matched.`);
  }
  const containerdIo = installed.find(({ pkg }) => pkg.package === 'containerd.io');
  if (containerdIo && !installed.some(({ role }) => role.component === 'runc')) {
    notes.push(
      `runc is bundled in containerd.io ${containerdIo.pkg.version}; the package database does not record its version, ` +
        'so runc is judged by the build information of its executable when one is readable.',
    );
  }
  if (clients.length > 0) {
    notes.push(
      `Client packages not matched: ${clients.join(', ')}. BuildKit is checked through the Docker Engine that vendors it ` +
        'and through a buildkitd executable on the host; one running in a container (docker/setup-buildx-action) is not seen.',
    );
  }
  return { installed, packages };
}

/** The absolute paths a package installed, from dpkg's per-package file lists. */
function dpkgOwners(input: HostRuntimeInput, packages: DpkgPackage[]): Map<string, DpkgPackage> {
  const owners = new Map<string, DpkgPackage>();
  for (const pkg of packages) {
    const candidates = [
      `${pkg.package}.list`,
      ...(pkg.architecture ? [`${pkg.package}:${pkg.architecture}.list`] : []),
    ];
    for (const name of candidates) {
      const text = input.readFile(`${DPKG_INFO_DIR}/${name}`);
      if (text === undefined) continue;
      for (const line of text.split('\n')) if (line.startsWith('/')) owners.set(line.trim(), pkg);
      break;
    }
  }
  return owners;
}

const hasStdlibAdvisories = (table: AdvisoryTable): boolean =>
  table.advisories.some((record) =>
    (record.affected ?? []).some((entry) => entry.package?.ecosystem === 'Go' && entry.package.name === 'stdlib'),
  );

interface Judged {
  binary: GoBinary;
  owner?: DpkgPackage;
  version: string;
}

/**
 * Reads the host's package database and the build information of the engine executables, and matches
 * them. `container` is the evidence that the job runs inside a container, in which case both describe the
 * job image, not the host, and nothing is reported.
 */
export function probeHostRuntimes(
  input: HostRuntimeInput,
  container: string | undefined,
  object: string,
  advisories: AdvisoryTable = ADVISORIES,
): HostRuntimeResult {
  const notes: string[] = [];
  const stdlibAdvisories = hasStdlibAdvisories(advisories);
  const findings: RawFinding[] = [];
  if (container) {
    notes.push(
      `Host container runtimes not checked: the job runs in a container (${container}), so ${DPKG_STATUS_PATH} ` +
        "and the executables in /usr/bin describe the job image, not the host's runc, containerd, Docker Engine or BuildKit.",
    );
    return { findings, notes };
  }
  const os = readOs(input);
  const dpkg = readDpkgRuntimes(input, os, notes, advisories);
  const judged: Judged[] = [];
  const superseded = new Set<string>();

  if (!input.fileSize || !input.readBytes) {
    notes.push('Go build information of the engine executables was not read (no binary reader).');
  } else {
    const reader: BinaryReader = { fileSize: input.fileSize, readBytes: input.readBytes };
    const probes = findGoBinaries(reader, input.binaryDirs ?? RUNTIME_BINARY_DIRS);
    const owners = dpkgOwners(input, dpkg.packages);
    const read: string[] = [];
    const toolchains: string[] = [];
    for (const probe of probes) {
      if (!probe.ok) {
        notes.push(`${probe.path}: ${probe.reason}; not matched.`);
        continue;
      }
      const { binary } = probe;
      const owner = owners.get(binary.path);
      const ownerText = owner ? `, package ${owner.package}` : '';
      // The package's version stands for this file only when the package is this engine (containerd.io
      // bundles runc without recording its version).
      const covered = owner !== undefined && RUNTIME_PACKAGES[owner.package]?.component === binary.role.component;
      toolchains.push(`${binary.path} ${binary.goVersion}`);
      if (!binary.version || !binary.source) {
        read.push(`${binary.path} (${binary.module}, no version${ownerText})`);
        notes.push(
          `${binary.path}: ${binary.missing ?? 'no version recorded'}` +
            (covered ? `; the version of package ${owner.package} is used.` : '; not matched.'),
        );
        continue;
      }
      const how = binary.source === 'module' ? 'module version' : 'version stamped at link time';
      read.push(`${binary.path} (${binary.module} ${binary.version}, ${how}${ownerText})`);
      const version = tableVersion(binary.version);
      if (version === undefined) {
        notes.push(`${binary.path}: version ${binary.version} is not a release version; not matched.`);
        continue;
      }
      if (covered && binary.source !== 'module') {
        notes.push(
          `${binary.path} belongs to package ${owner.package}; its build information has no exact module version, ` +
            `so the package version ${owner.version} is used.`,
        );
        continue;
      }
      if (covered) {
        superseded.add(owner.package);
        notes.push(
          `${binary.path} belongs to package ${owner.package} ${owner.version}; its build information records the ` +
            `exact module version ${binary.version}, which is used instead of the package version.`,
        );
      }
      judged.push({ binary, ...(owner ? { owner } : {}), version });
    }
    notes.push(
      read.length > 0
        ? `Go build information read from ${read.join('; ')}.`
        : `No runc, containerd, containerd-shim-runc-v2, dockerd, docker or buildkitd executable with Go build information in ${(input.binaryDirs ?? RUNTIME_BINARY_DIRS).join(', ')}.`,
    );
    if (toolchains.length > 0 && !stdlibAdvisories) {
      notes.push(
        `Go toolchains: ${toolchains.join(', ')}; the advisory table has no Go standard library advisories, so these are not matched.`,
      );
    }
  }

  for (const item of dpkg.installed) {
    if (superseded.has(item.pkg.package)) continue;
    for (const record of advisories.advisories) {
      const result = affectedBy(record, { ecosystem: 'Go', name: MODULE[item.role.component], version: item.upstream });
      if (result.indeterminate) {
        notes.push(
          `${record.id} could not be evaluated for ${item.pkg.package} ${item.upstream}: ${result.reason ?? ''}`,
        );
      }
      if (!result.affected) continue;
      findings.push(finding(item, record, result.fixed, os, object));
    }
  }
  for (const item of judged) {
    const queries = [{ name: item.binary.advisoryName, version: item.version }];
    if (stdlibAdvisories && item.binary.stdlib) queries.push({ name: 'stdlib', version: item.binary.stdlib });
    for (const query of queries) {
      for (const record of advisories.advisories) {
        const result = affectedBy(record, { ecosystem: 'Go', ...query });
        if (result.indeterminate) {
          notes.push(
            `${record.id} could not be evaluated for ${item.binary.path} ${query.version}: ${result.reason ?? ''}`,
          );
        }
        if (result.affected) findings.push(binaryFinding(item, query, record, result.fixed, object));
      }
    }
  }
  return { findings, notes };
}

const BINARY_DISPLAY: Record<BinaryComponent, string> = {
  runc: 'runc',
  containerd: 'containerd',
  'docker-engine': 'Docker Engine',
  'docker-cli': 'Docker CLI',
  buildkit: 'BuildKit',
};

function binaryFinding(
  item: Judged,
  query: { name: string; version: string },
  record: OsvRecord,
  fixed: string[],
  object: string,
): RawFinding {
  const { binary } = item;
  const stdlib = query.name === 'stdlib';
  const name = stdlib
    ? `the Go ${query.version} standard library in ${binary.name}`
    : BINARY_DISPLAY[binary.role.component];
  const ids = [record.id, ...(record.aliases ?? [])].join(' / ');
  const fixedText =
    fixed.length > 0 ? `fixed upstream in ${fixed.join(', ')}` : 'no fixed version recorded for this line';
  const how =
    binary.source === 'module'
      ? `module version ${binary.version ?? ''} in its Go build information`
      : `version ${binary.version ?? ''} stamped into it at link time; this is what the builder called the release, not a record of the source`;
  const summary = record.summary ? `: ${record.summary}` : '';
  const goVersion = `v${query.version.replace(/^v/, '')}`;
  return {
    ruleId: RUNNER_RULE.vulnerableRuntime,
    severity: advisorySeverity(record, true),
    title: RULE?.title ?? RUNNER_RULE.vulnerableRuntime,
    message:
      `${stdlib ? name : `${name} ${query.version}`} (${binary.path}, ${how}) is affected by ${ids}${summary}; ${fixedText}.` +
      (item.owner ? ` The file belongs to package ${item.owner.package} ${item.owner.version}.` : ''),
    location: { path: binary.path, object },
    key: `${binary.path}:${cveOf(record)}`,
    fix:
      fixed.length > 0
        ? `Replace ${binary.path} with ${name} ${fixed[0]} or later (from the project's release page or the package manager) and restart the daemon.`
        : `Replace ${binary.path} with a current ${name} release and restart the daemon.`,
    package: {
      ecosystem: 'Go',
      name: query.name,
      version: stdlib ? query.version : goVersion,
      purl: goPurl(query.name, stdlib ? query.version : goVersion),
    },
    vulnerability: { id: record.id, aliases: record.aliases ?? [], fixed },
  };
}

function goPurl(path: string, version: string): string {
  const slash = path.lastIndexOf('/');
  return slash > 0
    ? purl('golang', path.slice(0, slash), path.slice(slash + 1), version)
    : purl('golang', undefined, path, version);
}

function finding(item: Installed, record: OsvRecord, fixed: string[], os: OsInfo, object: string): RawFinding {
  const { pkg, role, upstream } = item;
  const name = DISPLAY[role.component];
  const ids = [record.id, ...(record.aliases ?? [])].join(' / ');
  const fixedText =
    fixed.length > 0 ? `fixed upstream in ${fixed.join(', ')}` : 'no fixed version recorded for this line';
  const backport = role.upstreamBuild
    ? ''
    : ` ${pkg.package} is not built by the upstream project: the distributor may have backported the fix into ${pkg.version} without changing the upstream version. If its security tracker says so, add a policy exception naming ${cveOf(record)}.`;
  const summary = record.summary ? `: ${record.summary}` : '';
  const out: RawFinding = {
    ruleId: RUNNER_RULE.vulnerableRuntime,
    severity: advisorySeverity(record, role.upstreamBuild),
    title: RULE?.title ?? RUNNER_RULE.vulnerableRuntime,
    message:
      `${name} ${upstream} (package ${pkg.package} ${pkg.version}) is affected by ${ids}${summary}; ${fixedText}.` +
      backport,
    location: { path: DPKG_STATUS_PATH, object },
    key: `${pkg.package}:${cveOf(record)}`,
    fix:
      fixed.length > 0
        ? `Upgrade ${pkg.package} so that ${name} is ${fixed[0]} or later (apt-get install --only-upgrade ${pkg.package}), or use a newer runner image.`
        : `Upgrade ${pkg.package} to a current ${name} release, or use a newer runner image.`,
    package: {
      ecosystem: os.ecosystem ?? 'Debian',
      name: pkg.package,
      version: pkg.version,
      purl: purl('deb', os.id === 'ubuntu' ? 'ubuntu' : 'debian', pkg.package, pkg.version, {
        arch: pkg.architecture,
        distro: os.id && os.versionId ? `${os.id}-${os.versionId}` : undefined,
      }),
    },
    vulnerability: { id: record.id, aliases: record.aliases ?? [], fixed },
  };
  return out;
}
