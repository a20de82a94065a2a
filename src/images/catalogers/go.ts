import type { FileContent, FileMeta } from '../filesystem.js';
import { ELF_MAGIC, elfSection } from './elf.js';
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

/**
 * The Go version and module info of a Go ELF executable (Go's debug/buildinfo): the `.go.buildinfo`
 * section, or, when the section table is stripped or beyond what was read, the first build info magic in
 * the bytes. Go 1.18+ stores both strings inline, varint-length-prefixed, after the 32-byte header; older
 * binaries store pointers into the data segment, which this reader does not follow.
 */
export function readGoBuildInfo(data: Buffer): BuildInfoResult {
  if (data.length < 64 || !data.subarray(0, 4).equals(ELF_MAGIC)) return { ok: false, none: true };
  const section = elfSection(data, '.go.buildinfo');
  const at = section ? section.offset : data.indexOf(BUILDINFO_MAGIC);
  if (at < 0) return { ok: false, none: true };
  if (at + HEADER_SIZE > data.length || !data.subarray(at, at + BUILDINFO_MAGIC.length).equals(BUILDINFO_MAGIC)) {
    return { ok: false, reason: 'the .go.buildinfo section does not start with the build info magic' };
  }
  const flags = data[at + 15] ?? 0;
  if ((flags & FLAG_VERSION_INLINE) === 0) {
    return { ok: false, reason: 'build info in the pre-Go 1.18 pointer format, which is not read' };
  }
  const version = varintString(data, at + HEADER_SIZE, 1024);
  const mod = version ? varintString(data, version.next, MAX_MODINFO_BYTES) : undefined;
  if (!version || !mod) return { ok: false, reason: 'the build info strings are truncated or too long' };
  let modinfo = mod.value;
  // Module info is framed by two 16-byte sentinels (cmd/go/internal/modload: infoStart, infoEnd).
  if (modinfo.length >= 33 && modinfo[modinfo.length - 17] === '\n') modinfo = modinfo.slice(16, -16);
  return { ok: true, info: { goVersion: version.value, modinfo } };
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
  const add = (name: string, version: string) =>
    packages.push({
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
    const version = cleanValue(module.version, 128);
    // The main module of a local build is `(devel)`: no released version to match.
    if (module.main && version === '(devel)') continue;
    if (!MODULE_PATH.test(path) || !MODULE_VERSION.test(version)) {
      skipped++;
      continue;
    }
    add(path, version);
  }
  if (skipped > 0) notes.push(`/${file.path}: ${skipped} module lines without a valid path and version were skipped`);
  return { packages, notes };
}
