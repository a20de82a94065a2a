import { linkStampedVariables, parseModinfo, readGoBuildInfo, stdlibVersion } from '../../../images/catalogers/go.js';

export { linkStampedVariables };

/**
 * Go build information of the container engines' own executables on the runner host (runc, containerd, the
 * runc shim, dockerd, the docker CLI, buildkitd). These are Go programs, so the module version and the Go
 * toolchain are embedded in them even when they were unpacked from a release tarball rather than installed
 * by the package manager. Only a few windows of each file are read (ELF header, section table, the
 * `.go.buildinfo` section), never the whole executable, and nothing is executed.
 */

/** Bytes read from one executable at most, all windows together. */
export const MAX_BINARY_PROBE_BYTES = 8 * 1024 * 1024;
/** The build info section holds the Go version and module list; runc's is a few KiB, dockerd's under 64 KiB. */
const MAX_BUILDINFO_WINDOW = 4 * 1024 * 1024;
const MAX_SECTION_TABLE_BYTES = 1024 * 1024;
const MAX_SECTION_NAMES_BYTES = 1024 * 1024;
const ELF_HEADER_BYTES = 64;

/** Where engines are installed: distribution packages, release tarballs, and Flatcar/CoreOS's /opt/bin. */
export const RUNTIME_BINARY_DIRS = ['/usr/local/bin', '/usr/local/sbin', '/usr/bin', '/usr/sbin', '/opt/bin'];

export type BinaryComponent = 'runc' | 'containerd' | 'docker-engine' | 'docker-cli' | 'buildkit';

interface BinaryRole {
  component: BinaryComponent;
  /** Main module paths this executable is built from (containerd 2 moved to a /v2 module). */
  modules: string[];
  /** The `path` line of a GOPATH-mode build (Docker Engine before its go.mod), when there is no module. */
  packagePaths: string[];
  /** `-X` variables the upstream build sets to the release version. */
  versionVariables: string[];
}

const CONTAINERD: BinaryRole = {
  component: 'containerd',
  modules: ['github.com/containerd/containerd', 'github.com/containerd/containerd/v2'],
  packagePaths: [],
  versionVariables: [
    'github.com/containerd/containerd/version.Version',
    'github.com/containerd/containerd/v2/version.Version',
  ],
};

/** The executables read, by file name. */
export const RUNTIME_BINARIES: Readonly<Record<string, BinaryRole>> = {
  runc: {
    component: 'runc',
    modules: ['github.com/opencontainers/runc'],
    packagePaths: [],
    versionVariables: ['main.version'],
  },
  containerd: CONTAINERD,
  'containerd-shim-runc-v2': CONTAINERD,
  dockerd: {
    component: 'docker-engine',
    modules: ['github.com/docker/docker', 'github.com/moby/moby/v2'],
    packagePaths: ['github.com/docker/docker/cmd/dockerd'],
    versionVariables: [
      'github.com/docker/docker/dockerversion.Version',
      'github.com/moby/moby/v2/dockerversion.Version',
    ],
  },
  docker: {
    component: 'docker-cli',
    modules: ['github.com/docker/cli'],
    packagePaths: ['github.com/docker/cli/cmd/docker'],
    versionVariables: ['github.com/docker/cli/cli/version.Version'],
  },
  buildkitd: {
    component: 'buildkit',
    modules: ['github.com/moby/buildkit'],
    packagePaths: [],
    versionVariables: ['github.com/moby/buildkit/version.Version'],
  },
};

/** Positioned reads of a file; undefined when it is missing, not a regular file or unreadable. */
export interface BinaryReader {
  fileSize(path: string): number | undefined;
  readBytes(path: string, offset: number, length: number): Buffer | undefined;
}

export type VersionSource = 'module' | 'link-stamp';

export interface GoBinary {
  path: string;
  name: string;
  role: BinaryRole;
  goVersion: string;
  /** `go1.21.6` → `1.21.6`, when recognised. */
  stdlib?: string;
  /** The main module (or the GOPATH package path when built without modules). */
  module: string;
  /** The package name the advisory table uses for this program: the main module, else the project's module. */
  advisoryName: string;
  /** Version as recorded (`v1.1.12`, or the `-X` value); undefined when the build recorded none. */
  version?: string;
  /**
   * `module`: the main module version in the build info, set only when the build used that exact module
   * version (go install module@version, or Go 1.24+ building a clean tagged checkout). `link-stamp`: the
   * value the build script passed with `-ldflags -X`, which says what the builder called the release.
   */
  source?: VersionSource;
  /** Why no version was found, for the notes. */
  missing?: string;
}

export type BinaryProbe = { ok: true; binary: GoBinary } | { ok: false; path: string; reason: string };

interface ElfLayout {
  is64: boolean;
  little: boolean;
}

function layoutOf(header: Buffer): ElfLayout | undefined {
  if (header.length < ELF_HEADER_BYTES) return undefined;
  if (header[0] !== 0x7f || header.toString('latin1', 1, 4) !== 'ELF') return undefined;
  if (header[4] !== 1 && header[4] !== 2) return undefined;
  return { is64: header[4] === 2, little: header[5] !== 2 };
}

function reader(data: Buffer, layout: ElfLayout) {
  const u16 = (at: number) => (layout.little ? data.readUInt16LE(at) : data.readUInt16BE(at));
  const u32 = (at: number) => (layout.little ? data.readUInt32LE(at) : data.readUInt32BE(at));
  const word = (at: number) =>
    layout.is64 ? Number(layout.little ? data.readBigUInt64LE(at) : data.readBigUInt64BE(at)) : u32(at);
  return { u16, u32, word };
}

interface Budget {
  left: number;
}

function readCapped(
  input: BinaryReader,
  path: string,
  size: number,
  offset: number,
  length: number,
  budget: Budget,
): Buffer | undefined {
  if (offset < 0 || length <= 0 || offset >= size) return undefined;
  const wanted = Math.min(length, size - offset, budget.left);
  if (wanted <= 0) return undefined;
  budget.left -= wanted;
  return input.readBytes(path, offset, wanted);
}

/**
 * Where Go's debug/buildinfo looks: the `.go.buildinfo` section, else the start of the first writable,
 * non-executable loadable segment. Returns the file window to search for the build info magic.
 */
function buildInfoWindow(
  input: BinaryReader,
  path: string,
  size: number,
  header: Buffer,
  layout: ElfLayout,
  budget: Budget,
): Buffer | undefined {
  const h = reader(header, layout);
  const shoff = h.word(layout.is64 ? 0x28 : 0x20);
  const shentsize = h.u16(layout.is64 ? 0x3a : 0x2e);
  const shnum = h.u16(layout.is64 ? 0x3c : 0x30);
  const shstrndx = h.u16(layout.is64 ? 0x3e : 0x32);
  const entry = layout.is64 ? 64 : 40;
  if (
    shoff > 0 &&
    shnum > 0 &&
    shentsize >= entry &&
    shstrndx < shnum &&
    shnum * shentsize <= MAX_SECTION_TABLE_BYTES
  ) {
    const table = readCapped(input, path, size, shoff, shnum * shentsize, budget);
    if (table && table.length === shnum * shentsize) {
      const t = reader(table, layout);
      const section = (i: number) => {
        const at = i * shentsize;
        return {
          name: t.u32(at),
          offset: t.word(at + (layout.is64 ? 0x18 : 0x10)),
          size: t.word(at + (layout.is64 ? 0x20 : 0x14)),
        };
      };
      const names = section(shstrndx);
      const strings =
        names.size > 0 && names.size <= MAX_SECTION_NAMES_BYTES
          ? readCapped(input, path, size, names.offset, names.size, budget)
          : undefined;
      if (strings) {
        for (let i = 0; i < shnum; i++) {
          const s = section(i);
          const end = strings.indexOf(0, s.name);
          if (end < 0 || strings.toString('latin1', s.name, end) !== '.go.buildinfo') continue;
          return readCapped(input, path, size, s.offset, Math.min(s.size, MAX_BUILDINFO_WINDOW), budget);
        }
      }
    }
  }
  const phoff = h.word(layout.is64 ? 0x20 : 0x1c);
  const phentsize = h.u16(layout.is64 ? 0x36 : 0x2a);
  const phnum = h.u16(layout.is64 ? 0x38 : 0x2c);
  if (phoff === 0 || phnum === 0 || phentsize < (layout.is64 ? 56 : 32)) return undefined;
  const programs = readCapped(input, path, size, phoff, phnum * phentsize, budget);
  if (!programs || programs.length < phnum * phentsize) return undefined;
  const p = reader(programs, layout);
  for (let i = 0; i < phnum; i++) {
    const at = i * phentsize;
    const type = p.u32(at);
    const flags = p.u32(at + (layout.is64 ? 4 : 24));
    // PT_LOAD with PF_W and without PF_X.
    if (type !== 1 || (flags & 3) !== 2) continue;
    const offset = p.word(at + (layout.is64 ? 8 : 4));
    const filesz = p.word(at + (layout.is64 ? 0x20 : 0x10));
    return readCapped(input, path, size, offset, Math.min(filesz, MAX_BUILDINFO_WINDOW), budget);
  }
  return undefined;
}

function packagePathOf(modinfo: string): string | undefined {
  const line = modinfo.split('\n').find((l) => l.startsWith('path\t'));
  return line?.slice('path\t'.length).trim() || undefined;
}

const PRINTABLE = /^[\x21-\x7e]{1,200}$/;

/** Reads the build info of one executable and works out which release it is. */
export function probeGoBinary(input: BinaryReader, path: string, name: string): BinaryProbe | undefined {
  const role = RUNTIME_BINARIES[name];
  const size = input.fileSize(path);
  if (!role || size === undefined) return undefined;
  const budget: Budget = { left: MAX_BINARY_PROBE_BYTES };
  const header = readCapped(input, path, size, 0, ELF_HEADER_BYTES, budget);
  const layout = header ? layoutOf(header) : undefined;
  if (!header || !layout) return { ok: false, path, reason: 'not an ELF executable (a wrapper script?)' };
  const window = buildInfoWindow(input, path, size, header, layout, budget);
  if (!window) return { ok: false, path, reason: 'no Go build information section found' };
  // The shared Go build info parser takes an ELF image; an ELF identification followed by the window (and
  // no section table) makes it search the window for the build info magic, as it does for stripped files.
  const ident = Buffer.alloc(ELF_HEADER_BYTES);
  header.copy(ident, 0, 0, 16);
  const parsed = readGoBuildInfo(Buffer.concat([ident, window]));
  if (!parsed.ok) {
    return { ok: false, path, reason: 'reason' in parsed ? parsed.reason : 'no Go build information found' };
  }
  const { goVersion, modinfo } = parsed.info;
  const main = parseModinfo(modinfo).find((m) => m.main);
  const packagePath = packagePathOf(modinfo);
  const module = main?.path ?? packagePath ?? '';
  const expected = main ? role.modules.includes(main.path) : role.packagePaths.includes(packagePath ?? '');
  if (!expected) {
    const shown = PRINTABLE.test(module) ? module : 'an unreadable module path';
    return { ok: false, path, reason: `built from ${shown}, not from ${role.modules[0] ?? name}` };
  }
  const binary: GoBinary = {
    path,
    name,
    role,
    goVersion: PRINTABLE.test(goVersion.replace(/ /g, '_')) ? goVersion : 'unknown',
    module,
    advisoryName: main?.path ?? role.modules[0] ?? module,
  };
  const stdlib = stdlibVersion(goVersion);
  if (stdlib) binary.stdlib = stdlib;
  const stamps = linkStampedVariables(modinfo);
  const stamped = role.versionVariables.map((v) => stamps.get(v)).find((v) => v !== undefined);
  if (main && main.version !== '' && main.version !== '(devel)' && PRINTABLE.test(main.version)) {
    binary.version = main.version;
    binary.source = 'module';
  } else if (stamped && PRINTABLE.test(stamped)) {
    binary.version = stamped;
    binary.source = 'link-stamp';
  } else {
    binary.missing = main
      ? 'the main module is "(devel)" (a local build) and no version was stamped with -ldflags -X (builds with -trimpath do not record -ldflags)'
      : 'built without modules and no version was stamped with -ldflags -X';
  }
  return { ok: true, binary };
}

/** Every known engine executable in the standard directories, in directory order. */
export function findGoBinaries(input: BinaryReader, dirs: readonly string[] = RUNTIME_BINARY_DIRS): BinaryProbe[] {
  const found: BinaryProbe[] = [];
  for (const dir of dirs) {
    for (const name of Object.keys(RUNTIME_BINARIES)) {
      const result = probeGoBinary(input, `${dir}/${name}`, name);
      if (result) found.push(result);
    }
  }
  return found;
}

/**
 * A Go module or stamped version in the advisory table's SemVer form: `v` dropped, build metadata
 * (`+incompatible`, `+dfsg1`) dropped, leading zeros dropped (Docker's `19.03.15` is `19.3.15`) and runc's old
 * `-rc93` pre-releases dotted (`-rc.93`). Pseudo-versions stay as they are: as SemVer pre-releases of the
 * next patch they sort after the commit's base release, as Go's own tools compare them.
 */
export function tableVersion(version: string): string | undefined {
  const m = /^v?(\d{1,6})\.(\d{1,6})\.(\d{1,6})(?:-([0-9A-Za-z.-]{1,100}))?(?:\+[0-9A-Za-z.-]{1,100})?$/.exec(
    version.trim(),
  );
  if (!m) return undefined;
  const [, major, minor, patch, pre] = m;
  const core = [major, minor, patch].map((part) => String(Number(part))).join('.');
  if (!pre) return core;
  const dotted = /^(rc|beta|alpha)(\d+)$/.exec(pre);
  return `${core}-${dotted ? `${dotted[1]}.${Number(dotted[2])}` : pre}`;
}
