import type { FileContent, FileMeta } from '../filesystem.js';
import { ELF_MAGIC, elfDataSegmentOffset, elfReadAddress, elfSection, elfSegments, isElf } from './elf.js';
import {
  cleanValue,
  combineFileFindings,
  purl,
  type Cataloger,
  type FileFindings,
  type ImagePackage,
} from './types.js';

const MiB = 1024 * 1024;
/** Go binaries are commonly 10-100 MiB; the build info sits at the start of the data segment. */
const MAX_BINARY_BYTES = 128 * MiB;
/** Executables are read one at a time (readEach) and dropped; the total only bounds the work per image. */
const MAX_TOTAL_BYTES = 512 * MiB;
/** The smallest stripped Go executable is over 1 MiB; smaller executables (scripts, small C tools) are not read. */
const MIN_BINARY_BYTES = 512 * 1024;
const MAX_MODINFO_BYTES = 4 * MiB;
const MAX_DEPS = 20_000;

/** debug/buildinfo: the 14-byte magic that opens the 32-byte build info header. */
const BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const FLAG_VERSION_INLINE = 0x2;

export interface GoBuildInfo {
  goVersion: string;
  modinfo: string;
}

export type BuildInfoResult =
  { ok: true; info: GoBuildInfo } | { ok: false; reason: string } | { ok: false; none: true };

/** encoding/binary Uvarint, bounded to 5 bytes (lengths beyond 2^35 are not strings in a real binary). */
function uvarint(data: Buffer, at: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let i = 0; i < 5 && at + i < data.length; i++) {
    const byte = data[at + i] ?? 0;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return { value, next: at + i + 1 };
  }
  return undefined;
}

function varintString(data: Buffer, at: number, max: number): { value: string; next: number } | undefined {
  const length = uvarint(data, at);
  if (!length || length.value > max || length.next + length.value > data.length) return undefined;
  return { value: data.toString('utf8', length.next, length.next + length.value), next: length.next + length.value };
}

/** Go searches the first 64 KiB of the data start for the magic, at a 16-byte boundary. */
const BUILDINFO_SEARCH_BYTES = 64 * 1024;
const BUILDINFO_ALIGN = 16;
const MAX_VERSION_BYTES = 1024;

/** The first 16-byte-aligned (relative to `start`) build info magic in the 64 KiB from `start`, or -1. */
function alignedMagic(data: Buffer, start: number): number {
  const end = Math.min(data.length, start + BUILDINFO_SEARCH_BYTES);
  for (let at = data.indexOf(BUILDINFO_MAGIC, start); at >= 0 && at + HEADER_SIZE <= end;) {
    if ((at - start) % BUILDINFO_ALIGN === 0) return at;
    at = data.indexOf(BUILDINFO_MAGIC, at + 1);
  }
  return -1;
}

/**
 * Before Go 1.18 the header holds, after the magic, the pointer size (4 or 8) and the byte order (0 little,
 * 1 big), then two pointers to Go string headers (data pointer, length) for runtime.buildVersion and
 * runtime.modinfo. Virtual addresses are mapped to file offsets through the program headers, as Go's
 * debug/buildinfo readString does.
 */
function readPointerFormat(data: Buffer, at: number, flags: number): BuildInfoResult {
  const ptrSize = data[at + 14];
  if (ptrSize !== 4 && ptrSize !== 8) return { ok: false, reason: `build info with pointer size ${ptrSize}` };
  const big = flags !== 0;
  const readPtr = (buf: Buffer, off: number): number =>
    ptrSize === 4
      ? big
        ? buf.readUInt32BE(off)
        : buf.readUInt32LE(off)
      : Number(big ? buf.readBigUInt64BE(off) : buf.readBigUInt64LE(off));
  const segments = elfSegments(data);
  const readString = (addr: number, max: number): string | undefined => {
    const header = elfReadAddress(data, segments, addr, 2 * ptrSize);
    if (!header || header.length < 2 * ptrSize) return undefined;
    const length = readPtr(header, ptrSize);
    if (length > max) return undefined;
    const bytes = elfReadAddress(data, segments, readPtr(header, 0), length);
    return bytes && bytes.length === length ? bytes.toString('utf8') : undefined;
  };
  const version = readString(readPtr(data, at + 16), MAX_VERSION_BYTES);
  if (!version) return { ok: false, reason: 'the pre-Go 1.18 build info points outside the bytes read' };
  const mod = readString(readPtr(data, at + 16 + ptrSize), MAX_MODINFO_BYTES) ?? '';
  return { ok: true, info: { goVersion: version, modinfo: unframe(mod) } };
}

/** Module info is framed by two 16-byte sentinels (cmd/go/internal/modload: infoStart, infoEnd). */
function unframe(modinfo: string): string {
  return modinfo.length >= 33 && modinfo[modinfo.length - 17] === '\n' ? modinfo.slice(16, -16) : modinfo;
}

/**
 * The Go version and module info of a Go ELF executable (Go's debug/buildinfo): the `.go.buildinfo`
 * section, else the first writable data segment, else (a stripped or partial image) the first build info
 * magic in the bytes. Go 1.18+ stores both strings inline, varint-length-prefixed, after the 32-byte header;
 * older binaries store pointers into the data segment (readPointerFormat).
 */
export function readGoBuildInfo(data: Buffer): BuildInfoResult {
  if (!isElf(data)) return { ok: false, none: true };
  const section = elfSection(data, '.go.buildinfo');
  let at = section?.offset ?? -1;
  if (!section) {
    const dataStart = elfDataSegmentOffset(elfSegments(data));
    if (dataStart !== undefined) at = alignedMagic(data, dataStart);
    if (at < 0) at = data.indexOf(BUILDINFO_MAGIC);
  }
  if (at < 0) return { ok: false, none: true };
  if (at + HEADER_SIZE > data.length || !data.subarray(at, at + BUILDINFO_MAGIC.length).equals(BUILDINFO_MAGIC)) {
    return { ok: false, reason: 'the .go.buildinfo section does not start with the build info magic' };
  }
  const flags = data[at + 15] ?? 0;
  if ((flags & FLAG_VERSION_INLINE) === 0) return readPointerFormat(data, at, flags);
  const version = varintString(data, at + HEADER_SIZE, MAX_VERSION_BYTES);
  const mod = version ? varintString(data, version.next, MAX_MODINFO_BYTES) : undefined;
  if (!version || !mod) return { ok: false, reason: 'the build info strings are truncated or too long' };
  return { ok: true, info: { goVersion: version.value, modinfo: unframe(mod.value) } };
}

export interface GoModule {
  path: string;
  version: string;
  main: boolean;
}

/**
 * `mod` (main module) and `dep` lines of modinfo, each tab-separated `path version [sum]`; a `=>` line
 * replaces the module before it. A replacement by a local directory has no version (or `(devel)`): the required module
 * is kept (its vulnerabilities are the best available guess).
 */
export function parseModinfo(modinfo: string): GoModule[] {
  const modules: GoModule[] = [];
  for (const line of modinfo.split('\n')) {
    const fields = line.split('\t');
    const [kind, path = '', version = ''] = fields;
    if (kind === 'mod' || kind === 'dep') {
      if (modules.length >= MAX_DEPS) break;
      modules.push({ path, version, main: kind === 'mod' });
    } else if (kind === '=>' && modules.length > 0 && version !== '' && version !== '(devel)') {
      const replaced = modules[modules.length - 1] as GoModule;
      modules[modules.length - 1] = { ...replaced, path, version };
    }
  }
  return modules;
}

/** `build\t-ldflags="-w -X pkg.Var=1.2.3"` → the `-X` assignments (quoted or not). */
export function linkStampedVariables(modinfo: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of modinfo.split('\n')) {
    if (!line.startsWith('build\t-ldflags=')) continue;
    const flags = line.slice('build\t-ldflags='.length).replace(/\\"/g, '"');
    for (const m of flags.matchAll(/-X[= ]+["']?([A-Za-z0-9_./~-]{1,200})=([^\s"'\\]{1,100})/g)) {
      out.set(m[1] as string, m[2] as string);
    }
  }
  return out;
}

/** golang.org/x/mod/semver.IsValid: `v1`, `v1.2`, `v1.2.3[-pre][+build]`. */
const GO_SEMVER =
  /^v(?:0|[1-9]\d*)(?:\.(?:0|[1-9]\d*)(?:\.(?:0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?)?$/;
const VERSION_PREFIXES = ['main', 'common', 'version', 'cmd'];

/**
 * The main module's version stamped with `-ldflags -X`, chosen as Trivy does: only variables named
 * `*.version` or `*.ver` holding a SemVer value (with or without `v`); `<module>/cmd/…` variables first, then
 * those of a `main`, `common`, `version` or `cmd` package, then any other; two different values in the
 * winning group mean no version. Returned with a `v`, as module versions are written.
 */
export function ldflagsVersion(mainPath: string, modinfo: string): string | undefined {
  const groups: string[][] = [[], [], []];
  for (const [key, value] of linkStampedVariables(modinfo)) {
    const lower = key.toLowerCase();
    if (!lower.endsWith('.version') && !lower.endsWith('.ver')) continue;
    const version = value.startsWith('v') ? value : `v${value}`;
    if (!GO_SEMVER.test(version)) continue;
    const pkg = (key.slice(key.lastIndexOf('/') + 1).split('.')[0] ?? '').toLowerCase();
    const group = key.startsWith(`${mainPath}/cmd/`) ? 0 : VERSION_PREFIXES.includes(pkg) ? 1 : 2;
    if (!groups[group]!.includes(version)) groups[group]!.push(version);
  }
  const winner = groups.find((group) => group.length > 0);
  return winner?.length === 1 ? winner[0] : undefined;
}

/** `go1.21.3` → `1.21.3`; `go1.22rc1`, `go1.23.0 X:boringcrypto` keep only the release. */
export function stdlibVersion(goVersion: string): string | undefined {
  const match = /^go(\d+(?:\.\d+){0,2}(?:(?:alpha|beta|rc)\d+)?)(?:\s|$)/.exec(goVersion);
  return match?.[1];
}

const MODULE_PATH = /^[A-Za-z0-9][A-Za-z0-9._~+/-]*$/;
const MODULE_VERSION = /^v\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/;

function goPurl(path: string, version: string): string {
  const slash = path.lastIndexOf('/');
  return slash > 0
    ? purl('golang', path.slice(0, slash), path.slice(slash + 1), version)
    : purl('golang', undefined, path, version);
}

function isExecutable(file: FileMeta): boolean {
  return file.type === 'file' && (file.mode & 0o111) !== 0 && file.size >= MIN_BINARY_BYTES;
}

export const goCataloger: Cataloger = {
  name: 'go',
  stage: 'language',
  wants: isExecutable,
  maxFileBytes: MAX_BINARY_BYTES,
  maxTotalBytes: MAX_TOTAL_BYTES,
  readEach: readGoExecutable,
  catalog(files, context) {
    const results = files.map((file) => ({ path: file.path, found: readGoExecutable(file) }));
    return { packages: combineFileFindings('go', results, context) };
  },
};

/** The Go toolchain (`stdlib`) and the modules recorded in one executable's build info. */
export function readGoExecutable(file: FileContent): FileFindings {
  const packages: ImagePackage[] = [];
  const notes: string[] = [];
  const result = readGoBuildInfo(file.data);
  if (!result.ok) {
    if ('reason' in result) notes.push(`/${file.path}: ${result.reason}`);
    else if (file.truncated && file.data.subarray(0, 4).equals(ELF_MAGIC)) {
      notes.push(`/${file.path}: larger than ${MAX_BINARY_BYTES} bytes and no Go build info in the part read`);
    }
    return { packages, notes };
  }
  const add = (name: string, version: string, main = false) =>
    packages.push({
      ...(main ? { relationship: 'root' as const } : {}),
      ecosystem: 'Go',
      name,
      version,
      purl: goPurl(name, version),
      path: file.path,
      layer: file.layerDigest,
      cataloger: 'go',
    });
  const stdlib = stdlibVersion(cleanValue(result.info.goVersion, 64));
  if (stdlib) add('stdlib', stdlib);
  else notes.push(`/${file.path}: unrecognised Go version ${JSON.stringify(cleanValue(result.info.goVersion, 64))}`);
  let skipped = 0;
  for (const module of parseModinfo(result.info.modinfo)) {
    const path = cleanValue(module.path);
    let version = cleanValue(module.version, 128);
    // The main module of a local build is `(devel)` (or a pseudo-version): a version stamped at link time
    // is the best available, as Trivy reads it; without one there is no released version to match.
    if (module.main && (version === '(devel)' || version === '' || version.startsWith('v0.0.0-'))) {
      const stamped = ldflagsVersion(path, result.info.modinfo);
      if (stamped) version = stamped;
      else if (version === '(devel)' || version === '') continue;
    }
    if (!MODULE_PATH.test(path) || !MODULE_VERSION.test(version)) {
      skipped++;
      continue;
    }
    add(path, version, module.main);
  }
  if (skipped > 0) notes.push(`/${file.path}: ${skipped} module lines without a valid path and version were skipped`);
  return { packages, notes };
}
