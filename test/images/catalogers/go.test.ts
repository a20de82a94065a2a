import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ldflagsVersion, parseModinfo, readGoBuildInfo, stdlibVersion } from '../../../src/images/catalogers/go.js';
import { GoWorkspace, MAIN_GO, goVersion as installedGo } from '../../support/go-build.js';
import { file } from '../../support/layer-builder.js';
import { catalogLayers, summary } from '../../support/image.js';

const uvarint = (n: number): Buffer => {
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  bytes.push(n);
  return Buffer.from(bytes);
};

/** 16-byte sentinels cmd/go frames modinfo with (the values do not matter to the reader, only the framing). */
const SENTINEL_START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const SENTINEL_END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

/**
 * A 64-bit little-endian ELF image with no section table, padded past the executable-size threshold, holding a
 * Go 1.18+ build info blob (so the reader's magic-scan path is used, as for a stripped section table).
 */
function syntheticGoElf(goVersion: string, modinfo: string, options: { flags?: number; rawLength?: Buffer } = {}) {
  const elf = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(elf);
  const header = Buffer.alloc(32);
  Buffer.from('\xff Go buildinf:', 'latin1').copy(header);
  header[14] = 8;
  header[15] = options.flags ?? 2;
  const mod = Buffer.concat([SENTINEL_START, Buffer.from(modinfo), SENTINEL_END]);
  const version = Buffer.from(goVersion);
  const blob = Buffer.concat([header, uvarint(version.length), version, options.rawLength ?? uvarint(mod.length), mod]);
  return Buffer.concat([elf, Buffer.alloc(4096 - 64), blob, Buffer.alloc(600 * 1024)]);
}

/**
 * A Go executable as the linker wrote it before Go 1.18, following debug/buildinfo's reader: a 32-byte
 * header (magic, pointer size, byte order 0/1) at the start of the first writable PT_LOAD segment, then two
 * pointers to Go string headers (data address, length) for runtime.buildVersion and runtime.modinfo, whose
 * bytes follow in the same segment. Addresses are virtual: the segment is loaded at `vaddr`, not at its file
 * offset, so a reader that takes them for file offsets finds nothing. `section` adds a `.go.buildinfo`
 * section header pointing at the blob (Go 1.13-1.17 wrote one; older or stripped binaries have none).
 */
export function oldFormatGoElf(
  goVersion: string,
  modinfo: string,
  options: { ptrSize?: 4 | 8; bigEndian?: boolean; section?: boolean; vaddr?: number } = {},
): Buffer {
  const ptrSize = options.ptrSize ?? 8;
  const big = options.bigEndian ?? false;
  const is64 = ptrSize === 8;
  const vaddr = options.vaddr ?? 0x4d2000;
  const segmentOffset = 0x2000;
  const word = (buf: Buffer, at: number, value: number) => {
    if (is64) {
      if (big) buf.writeBigUInt64BE(BigInt(value), at);
      else buf.writeBigUInt64LE(BigInt(value), at);
    } else if (big) buf.writeUInt32BE(value, at);
    else buf.writeUInt32LE(value, at);
  };
  const u16 = (buf: Buffer, at: number, value: number) =>
    big ? buf.writeUInt16BE(value, at) : buf.writeUInt16LE(value, at);
  const u32 = (buf: Buffer, at: number, value: number) =>
    big ? buf.writeUInt32BE(value, at) : buf.writeUInt32LE(value, at);

  // Data segment: [header 32][version string header][modinfo string header][version bytes][modinfo bytes].
  const mod = Buffer.concat([SENTINEL_START, Buffer.from(modinfo), SENTINEL_END]);
  const version = Buffer.from(goVersion);
  const headers = 32;
  const versionHeader = headers;
  const modHeader = versionHeader + 2 * ptrSize;
  const versionBytes = modHeader + 2 * ptrSize;
  const modBytes = versionBytes + version.length;
  const segment = Buffer.alloc(modBytes + mod.length);
  Buffer.from('\xff Go buildinf:', 'latin1').copy(segment);
  segment[14] = ptrSize;
  segment[15] = big ? 1 : 0;
  word(segment, 16, vaddr + versionHeader);
  word(segment, 16 + ptrSize, vaddr + modHeader);
  word(segment, versionHeader, vaddr + versionBytes);
  word(segment, versionHeader + ptrSize, version.length);
  word(segment, modHeader, vaddr + modBytes);
  word(segment, modHeader + ptrSize, mod.length);
  version.copy(segment, versionBytes);
  mod.copy(segment, modBytes);

  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;
  const elf = Buffer.alloc(segmentOffset);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, big ? 2 : 1, 1]).copy(elf);
  u16(elf, 16, 2); // ET_EXEC
  u16(elf, 18, is64 ? 62 : 8); // x86-64 / MIPS
  u32(elf, 20, 1);
  const phoff = ehsize;
  word(elf, is64 ? 0x20 : 0x1c, phoff);
  u16(elf, is64 ? 0x34 : 0x28, ehsize);
  u16(elf, is64 ? 0x36 : 0x2a, phentsize);
  u16(elf, is64 ? 0x38 : 0x2c, 2);
  // A text segment (R+X) first, then the data segment (R+W) holding the blob.
  const programs: [number, number, number, number][] = [
    [5, 0, vaddr - 0x100000, segmentOffset],
    [6, segmentOffset, vaddr, segment.length],
  ];
  programs.forEach(([flags, offset, address, size], i) => {
    const at = phoff + i * phentsize;
    u32(elf, at, 1); // PT_LOAD
    if (is64) {
      u32(elf, at + 4, flags);
      word(elf, at + 8, offset);
      word(elf, at + 16, address);
      word(elf, at + 24, address);
      word(elf, at + 32, size);
      word(elf, at + 40, size);
    } else {
      word(elf, at + 4, offset);
      word(elf, at + 8, address);
      word(elf, at + 12, address);
      word(elf, at + 16, size);
      word(elf, at + 20, size);
      u32(elf, at + 24, flags);
    }
  });
  let sections = Buffer.alloc(0);
  const padding = Buffer.alloc(600 * 1024);
  if (options.section) {
    // Section table after the padding: [null][.shstrtab][.go.buildinfo].
    const names = Buffer.from('\0.shstrtab\0.go.buildinfo\0');
    const namesOffset = segmentOffset + segment.length + padding.length;
    const shoff = namesOffset + names.length + (8 - (names.length % 8));
    const table = Buffer.alloc(shoff - namesOffset + 3 * shentsize);
    names.copy(table);
    const entry = (i: number, name: number, type: number, addr: number, offset: number, size: number) => {
      const at = shoff - namesOffset + i * shentsize;
      u32(table, at, name);
      u32(table, at + 4, type);
      word(table, at + (is64 ? 16 : 12), addr);
      word(table, at + (is64 ? 24 : 16), offset);
      word(table, at + (is64 ? 32 : 20), size);
    };
    entry(1, 1, 3, 0, namesOffset, names.length);
    entry(2, 11, 1, vaddr, segmentOffset, 32);
    word(elf, is64 ? 0x28 : 0x20, shoff);
    u16(elf, is64 ? 0x3a : 0x2e, shentsize);
    u16(elf, is64 ? 0x3c : 0x30, 3);
    u16(elf, is64 ? 0x3e : 0x32, 1);
    sections = table;
  }
  return Buffer.concat([elf, segment, padding, sections]);
}

const MODINFO = [
  'path\tgithub.com/acme/tool/cmd/tool',
  'mod\tgithub.com/acme/tool\tv1.4.0\th1:abc=',
  'dep\tgithub.com/spf13/cobra\tv1.8.0\th1:def=',
  'dep\tgolang.org/x/net\tv0.17.0\th1:ghi=',
  '=>\tgolang.org/x/net\tv0.23.0\th1:jkl=',
  'dep\tgopkg.in/yaml.v3\tv3.0.1\th1:mno=',
  'dep\tgithub.com/local/fork\tv0.1.0',
  '=>\t../fork\t(devel)\t',
  'dep\tgithub.com/evil/[x](y)\tv1.0.0',
  'dep\tgithub.com/novers/x\t',
  'build\t-compiler=gc',
  'build\tGOOS=linux',
  '',
].join('\n');

describe('go build info', () => {
  it('parses modinfo lines, replacements and Go versions', () => {
    expect(parseModinfo(MODINFO).map((m) => `${m.main ? 'mod' : 'dep'} ${m.path}@${m.version}`)).toEqual([
      'mod github.com/acme/tool@v1.4.0',
      'dep github.com/spf13/cobra@v1.8.0',
      'dep golang.org/x/net@v0.23.0',
      'dep gopkg.in/yaml.v3@v3.0.1',
      'dep github.com/local/fork@v0.1.0',
      'dep github.com/evil/[x](y)@v1.0.0',
      'dep github.com/novers/x@',
    ]);
    expect(stdlibVersion('go1.21.3')).toBe('1.21.3');
    expect(stdlibVersion('go1.22rc1')).toBe('1.22rc1');
    expect(stdlibVersion('go1.23.0 X:boringcrypto')).toBe('1.23.0');
    expect(stdlibVersion('devel go1.23-abcdef')).toBeUndefined();
  });

  it('reads build info from an ELF image and refuses non-ELF, old-format and lying blobs', () => {
    const good = readGoBuildInfo(syntheticGoElf('go1.21.3', MODINFO));
    expect(good).toEqual({ ok: true, info: { goVersion: 'go1.21.3', modinfo: MODINFO } });
    expect(
      readGoBuildInfo(Buffer.from('#!/bin/sh\necho not an ELF file at all, just a script that is long\n')),
    ).toEqual({
      ok: false,
      none: true,
    });
    // Pre-1.18 pointer format whose pointers map to no segment (this image has no program headers).
    expect(readGoBuildInfo(syntheticGoElf('go1.16', MODINFO, { flags: 0 }))).toEqual({
      ok: false,
      reason: 'the pre-Go 1.18 build info points outside the bytes read',
    });
    expect(readGoBuildInfo(syntheticGoElf('go1.21.3', MODINFO, { rawLength: uvarint(2 ** 30) }))).toEqual({
      ok: false,
      reason: 'the build info strings are truncated or too long',
    });
    expect(
      readGoBuildInfo(
        syntheticGoElf('go1.21.3', MODINFO, { rawLength: Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) }),
      ),
    ).toEqual({
      ok: false,
      reason: 'the build info strings are truncated or too long',
    });
  });

  it('catalogs stdlib and modules from a Go executable and notes what it skips', async () => {
    const { catalog } = await catalogLayers([
      [
        file('usr/local/bin/tool', syntheticGoElf('go1.21.3', MODINFO), 0o755),
        file('usr/local/bin/old', syntheticGoElf('go1.16', MODINFO, { flags: 0 }), 0o755),
        file('usr/local/bin/not-executable', syntheticGoElf('go1.20.1', MODINFO), 0o644),
        file('usr/local/bin/script', `#!/bin/sh\n${'#'.repeat(600 * 1024)}\n`, 0o755),
      ],
    ]);
    expect(summary(catalog.packages)).toEqual([
      'Go github.com/acme/tool@v1.4.0',
      'Go github.com/local/fork@v0.1.0',
      'Go github.com/spf13/cobra@v1.8.0',
      'Go golang.org/x/net@v0.23.0',
      'Go gopkg.in/yaml.v3@v3.0.1',
      'Go stdlib@1.21.3',
    ]);
    expect(catalog.packages.find((p) => p.name === 'golang.org/x/net')?.purl).toBe(
      'pkg:golang/golang.org/x/net@v0.23.0',
    );
    expect(catalog.packages.find((p) => p.name === 'stdlib')?.purl).toBe('pkg:golang/stdlib@1.21.3');
    const notes = catalog.notes.join('\n');
    expect(notes).toMatch(/go: \/usr\/local\/bin\/tool: 2 module lines without a valid path and version were skipped/);
    expect(notes).toMatch(/go: \/usr\/local\/bin\/old: the pre-Go 1.18 build info points outside the bytes read/);
    expect(notes).not.toMatch(/script/);
  });

  it('catalogs a real Go binary built at test time (go version -m as the oracle)', async () => {
    let goVersion: string;
    try {
      goVersion = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
    } catch {
      console.warn('go is not installed: the real Go binary test is skipped');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'containersec-go-'));
    try {
      mkdirSync(join(dir, 'dep'));
      writeFileSync(
        join(dir, 'go.mod'),
        'module example.com/app\n\ngo 1.18\n\nrequire example.com/dep v1.2.3\n\nreplace example.com/dep => ./dep\n',
      );
      writeFileSync(
        join(dir, 'main.go'),
        'package main\n\nimport "example.com/dep"\n\nfunc main() { println(dep.Hello()) }\n',
      );
      writeFileSync(join(dir, 'dep/go.mod'), 'module example.com/dep\n\ngo 1.18\n');
      writeFileSync(join(dir, 'dep/dep.go'), 'package dep\n\nfunc Hello() string { return "hi" }\n');
      const env = {
        ...process.env,
        GOPROXY: 'off',
        GOFLAGS: '-mod=mod',
        GOTOOLCHAIN: 'local',
        GOCACHE: join(dir, 'cache'),
      };
      execFileSync('go', ['build', '-o', 'app', '.'], { cwd: dir, env });
      execFileSync('go', ['build', '-ldflags=-s -w', '-o', 'app-stripped', '.'], { cwd: dir, env });
      const oracle = execFileSync('go', ['version', '-m', join(dir, 'app')], { encoding: 'utf8', env });
      expect(oracle).toMatch(/\tdep\texample.com\/dep\tv1.2.3/);
      const { catalog } = await catalogLayers([
        [
          file('app/server', readFileSync(join(dir, 'app')), 0o755),
          file('app/stripped', readFileSync(join(dir, 'app-stripped')), 0o755),
        ],
      ]);
      const stdlib = `Go stdlib@${goVersion.replace(/^go/, '')}`;
      expect(summary(catalog.packages)).toEqual([
        'Go example.com/dep@v1.2.3',
        'Go example.com/dep@v1.2.3',
        stdlib,
        stdlib,
      ]);
      expect(catalog.packages.map((p) => p.path).sort()).toEqual([
        'app/server',
        'app/server',
        'app/stripped',
        'app/stripped',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('reads the pre-Go 1.18 pointer format: 64/32-bit, little/big endian, with and without a section', async () => {
    const OLD_MODINFO =
      'path\tgithub.com/acme/old\nmod\tgithub.com/acme/old\tv0.9.1\t\ndep\tgolang.org/x/text\tv0.3.5\th1:x=\n';
    for (const options of [
      {},
      { section: true },
      { ptrSize: 4 as const, bigEndian: true },
      { ptrSize: 4 as const, section: true, vaddr: 0x8049000 },
      { bigEndian: true, section: true },
    ]) {
      expect(readGoBuildInfo(oldFormatGoElf('go1.16.15', OLD_MODINFO, options)), JSON.stringify(options)).toEqual({
        ok: true,
        info: { goVersion: 'go1.16.15', modinfo: OLD_MODINFO },
      });
    }
    const { catalog } = await catalogLayers([
      [file('usr/bin/old-tool', oldFormatGoElf('go1.15.7', OLD_MODINFO, { section: true }), 0o755)],
    ]);
    expect(summary(catalog.packages)).toEqual([
      'Go github.com/acme/old@v0.9.1',
      'Go golang.org/x/text@v0.3.5',
      'Go stdlib@1.15.7',
    ]);
  });

  it('old format: pointers outside every segment or lengths past the cap give a reason, not garbage', () => {
    const good = oldFormatGoElf('go1.16', 'mod\tx.example/m\tv1.0.0\t\n');
    const blob = good.indexOf(Buffer.from('\xff Go buildinf:', 'latin1'));
    const dangling = Buffer.from(good);
    dangling.writeBigUInt64LE(0xdead0000n, blob + 16);
    expect(readGoBuildInfo(dangling)).toEqual({
      ok: false,
      reason: 'the pre-Go 1.18 build info points outside the bytes read',
    });
    const huge = Buffer.from(good);
    huge.writeBigUInt64LE(2n ** 40n, blob + 32 + 8); // the version string's length
    expect(readGoBuildInfo(huge)).toMatchObject({ ok: false });
    const oddPointer = Buffer.from(good);
    oddPointer[blob + 14] = 3;
    expect(readGoBuildInfo(oddPointer)).toEqual({ ok: false, reason: 'build info with pointer size 3' });
  });

  it('finds the blob in the data segment, not a copy of the magic in read-only data before it', () => {
    const image = oldFormatGoElf('go1.17.13', 'mod\tx.example/m\tv1.0.0\t\n');
    // debug/buildinfo itself compiled into a program puts the magic string in .rodata (the text segment).
    const decoy = Buffer.concat([Buffer.from('\xff Go buildinf:', 'latin1'), Buffer.from([8, 2, 0, 0])]);
    decoy.copy(image, 0x1000);
    expect(readGoBuildInfo(image)).toMatchObject({ ok: true, info: { goVersion: 'go1.17.13' } });
  });

  it("takes a (devel) main module version from -ldflags -X with Trivy's guards", () => {
    const modinfo = (flags: string, main = '(devel)') =>
      `path\texample.com/app/cmd/app\nmod\texample.com/app\t${main}\t\nbuild\t-ldflags="${flags}"\n`;
    const v = (flags: string, main?: string) => ldflagsVersion('example.com/app', modinfo(flags, main));
    expect(v('-s -w -X main.version=1.2.3')).toBe('v1.2.3');
    expect(v("-X 'main.Version=v2.0.0-rc.1'")).toBe('v2.0.0-rc.1');
    expect(v('-X=example.com/app/internal/version.Version=0.4.0')).toBe('v0.4.0');
    expect(v('-X github.com/acme/lib/common.ver=3.1.0')).toBe('v3.1.0');
    // Not a version variable, not SemVer, or ambiguous: nothing.
    expect(v('-X main.commit=1.2.3 -X main.date=2024.1.1')).toBeUndefined();
    expect(v('-X main.version=dev')).toBeUndefined();
    expect(v('-X main.version=unknown -X main.buildVersion=1.0')).toBeUndefined();
    expect(v('-X main.version=1.0.0 -X example.com/app/pkg/version.Version=1.1.0')).toBeUndefined();
    // <module>/cmd/... first, then main/common/version/cmd packages, then others.
    expect(v('-X example.com/app/cmd/app/x.version=5.0.0 -X main.version=1.0.0')).toBe('v5.0.0');
    expect(v('-X example.com/other/build.Version=9.0.0 -X main.version=1.0.0')).toBe('v1.0.0');
    expect(v('-X example.com/other/build.Version=9.0.0')).toBe('v9.0.0');
  });

  it('catalogs the main module at its stamped version when build info says (devel) or a v0.0.0 pseudo-version', async () => {
    const build = (main: string, flags: string) =>
      syntheticGoElf(
        'go1.21.3',
        `path\texample.com/app\nmod\texample.com/app\t${main}\t\ndep\tgolang.org/x/net\tv0.17.0\th1:x=\nbuild\t-ldflags="${flags}"\n`,
      );
    const { catalog } = await catalogLayers([
      [
        file('bin/a', build('(devel)', '-X main.version=v1.0.0'), 0o755),
        file('bin/b', build('v0.0.0-20240101000000-abcdefabcdef', '-X main.version=1.1.0'), 0o755),
        file('bin/c', build('(devel)', '-X main.version=dev'), 0o755),
        file('bin/d', build('v1.5.0', '-X main.version=9.9.9'), 0o755),
      ],
    ]);
    expect(summary(catalog.packages.filter((p) => p.name === 'example.com/app'))).toEqual([
      'Go example.com/app@v1.0.0',
      'Go example.com/app@v1.1.0',
      'Go example.com/app@v1.5.0',
    ]);
    expect(catalog.packages.filter((p) => p.relationship === 'root').map((p) => p.name)).toEqual([
      'example.com/app',
      'example.com/app',
      'example.com/app',
    ]);
  });

  it('a real `go build -ldflags -X main.version=…` checkout build is catalogued at that version', async () => {
    if (!installedGo()) {
      console.warn('go is not installed: the real -ldflags -X test is skipped');
      return;
    }
    const ws = new GoWorkspace();
    try {
      const files = { 'go.mod': 'module example.com/stamped\n\ngo 1.18\n', 'main.go': MAIN_GO };
      const out = ws.build(files, 'stamped', ['-ldflags=-s -w -X main.version=v2.3.4']);
      expect(ws.versionM(out)).toMatch(/mod\texample.com\/stamped\t\(devel\)/);
      const { catalog } = await catalogLayers([[file('usr/local/bin/stamped', readFileSync(out), 0o755)]]);
      expect(summary(catalog.packages).filter((p) => p.includes('stamped'))).toEqual(['Go example.com/stamped@v2.3.4']);
    } finally {
      ws.remove();
    }
  }, 120_000);
});
