import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModinfo, readGoBuildInfo, stdlibVersion } from '../../../src/images/catalogers/go.js';
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
    expect(readGoBuildInfo(syntheticGoElf('go1.16', MODINFO, { flags: 0 }))).toEqual({
      ok: false,
      reason: 'build info in the pre-Go 1.18 pointer format, which is not read',
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
    expect(notes).toMatch(/go: \/usr\/local\/bin\/old: build info in the pre-Go 1.18 pointer format/);
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
});
