import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MAX_BINARY_PROBE_BYTES,
  linkStampedVariables,
  probeGoBinary,
  tableVersion,
} from '../../../../src/checks/hardening/runner/go-binaries.js';
import {
  DPKG_STATUS_PATH,
  escapeAdvisories,
  probeHostRuntimes,
} from '../../../../src/checks/hardening/runner/host-runtimes.js';
import { probeRunner, systemRunnerProbeInput } from '../../../../src/checks/hardening/runner/index.js';
import type { RawFinding } from '../../../../src/core/finding.js';
import { GoWorkspace, MAIN_GO, goVersion } from '../../../support/go-build.js';

const RULE = 'runner/vulnerable-container-runtime';

const uvarint = (n: number): Buffer => {
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  bytes.push(n);
  return Buffer.from(bytes);
};

/**
 * A 64-bit little-endian ELF file laid out as Go's linker writes one: the `.go.buildinfo` section (32-byte
 * header, then the Go version and the sentinel-framed modinfo as varint-prefixed strings) in the data, and a
 * section header table with `.shstrtab` at the end of the file.
 */
function elfWithBuildInfo(
  goVersionText: string,
  modinfo: string,
  options: { sectionSize?: number; flags?: number } = {},
) {
  const header = Buffer.alloc(32);
  Buffer.from('\xff Go buildinf:', 'latin1').copy(header);
  header[14] = 8;
  header[15] = options.flags ?? 2;
  const mod = Buffer.concat([Buffer.alloc(16, 0x30), Buffer.from(modinfo), Buffer.from('\n'), Buffer.alloc(16, 0xf9)]);
  const version = Buffer.from(goVersionText);
  const blob = Buffer.concat([header, uvarint(version.length), version, uvarint(mod.length), mod]);
  const names = Buffer.from('\0.go.buildinfo\0.shstrtab\0');
  const dataAt = 0x1000;
  const namesAt = dataAt + blob.length;
  const shoff = namesAt + names.length;
  const elf = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(elf);
  elf.writeBigUInt64LE(BigInt(shoff), 0x28);
  elf.writeUInt16LE(64, 0x3a);
  elf.writeUInt16LE(3, 0x3c);
  elf.writeUInt16LE(2, 0x3e);
  const section = (name: number, offset: number, size: number) => {
    const entry = Buffer.alloc(64);
    entry.writeUInt32LE(name, 0);
    entry.writeUInt32LE(1, 4);
    entry.writeBigUInt64LE(BigInt(offset), 0x18);
    entry.writeBigUInt64LE(BigInt(size), 0x20);
    return entry;
  };
  return Buffer.concat([
    elf,
    Buffer.alloc(dataAt - 64),
    blob,
    names,
    Buffer.alloc(64),
    section(1, dataAt, options.sectionSize ?? blob.length),
    section(15, namesAt, names.length),
  ]);
}

const RUNC_MODINFO =
  'path\tgithub.com/opencontainers/runc\nmod\tgithub.com/opencontainers/runc\tv1.1.11\th1:x=\nbuild\t-compiler=gc';

/** A virtual host: text files, executables, and a record of every byte window read. */
function host(texts: Record<string, string>, binaries: Record<string, Buffer>) {
  const reads: { path: string; offset: number; length: number }[] = [];
  return {
    reads,
    input: {
      env: {},
      readFile: (path: string) => texts[path],
      statSocket: () => false,
      fileSize: (path: string) => binaries[path]?.length,
      readBytes: (path: string, offset: number, length: number) => {
        reads.push({ path, offset, length });
        return binaries[path]?.subarray(offset, offset + length);
      },
    },
  };
}

const keys = (findings: RawFinding[]) => findings.map((f) => f.key).sort();

describe('Go build information of engine executables', () => {
  it('normalises module and stamped versions to the advisory table form', () => {
    expect(tableVersion('v1.1.11')).toBe('1.1.11');
    expect(tableVersion('v1.0.0-rc93')).toBe('1.0.0-rc.93');
    expect(tableVersion('1.2.0-rc.1+dev')).toBe('1.2.0-rc.1');
    expect(tableVersion('19.03.15')).toBe('19.3.15');
    expect(tableVersion('v1.1.13-0.20240201000000-0123456789ab')).toBe('1.1.13-0.20240201000000-0123456789ab');
    expect(tableVersion('v28.0.0+incompatible')).toBe('28.0.0');
    expect(tableVersion('(devel)')).toBeUndefined();
    expect(tableVersion('24.0')).toBeUndefined();
  });

  it('reads -X version stamps from the recorded -ldflags, quoted or not', () => {
    const stamps = linkStampedVariables(
      [
        'build\t-ldflags="-w -X \\"github.com/docker/docker/dockerversion.Version=24.0.7\\" -X main.version=1.1.12"',
        'build\t-ldflags=-X=main.gitCommit=abc',
        'build\tCGO_ENABLED=1',
      ].join('\n'),
    );
    expect(Object.fromEntries(stamps)).toEqual({
      'github.com/docker/docker/dockerversion.Version': '24.0.7',
      'main.version': '1.1.12',
      'main.gitCommit': 'abc',
    });
  });

  it('finds .go.buildinfo through the section table and reads only bounded windows', () => {
    const elf = elfWithBuildInfo('go1.21.6', RUNC_MODINFO);
    const { input, reads } = host({}, { '/usr/local/bin/runc': elf });
    const probe = probeGoBinary(input, '/usr/local/bin/runc', 'runc');
    expect(probe).toMatchObject({
      ok: true,
      binary: { module: 'github.com/opencontainers/runc', version: 'v1.1.11', source: 'module', stdlib: '1.21.6' },
    });
    // Header, section table, section names, the section: never the whole file.
    expect(reads.map((r) => r.offset)).toEqual([0, elf.length - 192, elf.length - 192 - 25, 0x1000]);
  });

  it('caps what a lying section table can make it read', () => {
    const elf = elfWithBuildInfo('go1.21.6', RUNC_MODINFO, { sectionSize: 2 ** 40 });
    const huge = Buffer.concat([elf, Buffer.alloc(0)]);
    const big = { ...host({}, { '/usr/bin/runc': huge }) };
    // The file claims nothing beyond its size, so reads stop at the end of the file and within the budget.
    const probe = probeGoBinary(big.input, '/usr/bin/runc', 'runc');
    expect(probe?.ok).toBe(true);
    expect(big.reads.reduce((sum, r) => sum + r.length, 0)).toBeLessThanOrEqual(MAX_BINARY_PROBE_BYTES);
    const padded = Buffer.concat([elf.subarray(0, 0x1000), Buffer.alloc(64 * 1024 * 1024), elf.subarray(0x1000)]);
    padded.writeBigUInt64LE(BigInt(elf.readBigUInt64LE(0x28)) + BigInt(64 * 1024 * 1024), 0x28);
    const far = host({}, { '/usr/bin/runc': padded });
    probeGoBinary(far.input, '/usr/bin/runc', 'runc');
    expect(far.reads.reduce((sum, r) => sum + r.length, 0)).toBeLessThanOrEqual(MAX_BINARY_PROBE_BYTES);
  });

  it('says why it could not read a file instead of guessing', () => {
    const { input } = host(
      {},
      {
        '/usr/bin/docker': Buffer.from('#!/bin/sh\nexec /usr/libexec/docker/cli "$@"\n'.padEnd(200, '#')),
        '/usr/bin/runc': elfWithBuildInfo('go1.16', RUNC_MODINFO, { flags: 0 }),
        '/usr/bin/containerd': elfWithBuildInfo('go1.21.6', RUNC_MODINFO),
      },
    );
    expect(probeGoBinary(input, '/usr/bin/docker', 'docker')).toEqual({
      ok: false,
      path: '/usr/bin/docker',
      reason: 'not an ELF executable (a wrapper script?)',
    });
    expect(probeGoBinary(input, '/usr/bin/runc', 'runc')).toMatchObject({
      ok: false,
      reason: 'the pre-Go 1.18 build info points outside the bytes read',
    });
    expect(probeGoBinary(input, '/usr/bin/containerd', 'containerd')).toMatchObject({
      ok: false,
      reason: 'built from github.com/opencontainers/runc, not from github.com/containerd/containerd',
    });
    expect(probeGoBinary(input, '/usr/bin/missing', 'runc')).toBeUndefined();
    const result = probeHostRuntimes(input, undefined, 'runner:ci');
    expect(result.findings).toEqual([]);
    const notes = result.notes.join('\n');
    expect(notes).toContain('/usr/bin/docker: not an ELF executable');
    expect(notes).toContain('/usr/bin/runc: the pre-Go 1.18 build info points outside');
  });

  it('matches the Go standard library only when the table has advisories for it', () => {
    const { input } = host({}, { '/usr/bin/runc': elfWithBuildInfo('go1.21.6', RUNC_MODINFO) });
    const withoutStdlib = probeHostRuntimes(input, undefined, 'runner:ci');
    expect(withoutStdlib.findings.map((f) => f.package?.name)).not.toContain('stdlib');
    expect(withoutStdlib.notes.join('\n')).toContain(
      '/usr/bin/runc go1.21.6; the advisory table has no Go standard library',
    );
    // A table written for this test (not a real advisory) with a standard library range.
    const table = escapeAdvisories({
      reviewed: '2026-11-28',
      advisories: [
        {
          schema_version: '1.7.0',
          id: 'TEST-STDLIB-1',
          modified: '2026-11-28T00:00:00Z',
          summary: 'synthetic standard library advisory',
          affected: [
            {
              package: { ecosystem: 'Go', name: 'stdlib' },
              ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.21.7' }] }],
            },
          ],
        },
      ],
    });
    const matched = probeHostRuntimes(input, undefined, 'runner:ci', table);
    expect(matched.findings).toEqual([
      expect.objectContaining({
        key: '/usr/bin/runc:TEST-STDLIB-1',
        package: { ecosystem: 'Go', name: 'stdlib', version: '1.21.6', purl: 'pkg:golang/stdlib@1.21.6' },
      }),
    ]);
    expect(matched.findings[0]?.message).toContain('the Go 1.21.6 standard library in runc');
    expect(matched.notes.join('\n')).not.toContain('no Go standard library advisories');
    const fixedGo = host({}, { '/usr/bin/runc': elfWithBuildInfo('go1.21.7', RUNC_MODINFO) });
    expect(probeHostRuntimes(fixedGo.input, undefined, 'runner:ci', table).findings).toEqual([]);
  });

  it('reads bounded windows of a real file through the system input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'containersec-probe-'));
    try {
      const elf = elfWithBuildInfo('go1.21.6', RUNC_MODINFO);
      writeFileSync(join(dir, 'runc'), elf);
      const input = systemRunnerProbeInput({});
      expect(input.fileSize?.(join(dir, 'runc'))).toBe(elf.length);
      expect(input.fileSize?.(dir)).toBeUndefined();
      expect(input.readBytes?.(join(dir, 'runc'), 0x1000, 16)?.toString('latin1')).toBe('\xff Go buildinf:\x08\x02');
      expect(input.readBytes?.(join(dir, 'nope'), 0, 16)).toBeUndefined();
      expect(probeGoBinary(input as Required<typeof input>, join(dir, 'runc'), 'runc')?.ok).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('real Go executables built at test time (go version -m as the oracle)', () => {
  const go = goVersion();
  const ws = go ? new GoWorkspace() : undefined;
  const built: Record<string, Buffer> = {};

  beforeAll(() => {
    if (!ws) {
      console.warn('go is not installed: the real Go executable tests of the runner probe are skipped');
      return;
    }
    const mainAt = (module: string, extra: Record<string, string> = {}) => ({
      'go.mod': `module ${module}\n\ngo 1.18\n`,
      ...extra,
    });
    ws.publish(
      'github.com/opencontainers/runc',
      'v1.1.11',
      mainAt('github.com/opencontainers/runc', { 'main.go': MAIN_GO }),
    );
    ws.publish(
      'github.com/opencontainers/runc',
      'v1.1.12',
      mainAt('github.com/opencontainers/runc', { 'main.go': MAIN_GO }),
    );
    for (const version of ['v1.4.2', 'v1.4.3']) {
      ws.publish(
        'github.com/containerd/containerd',
        version,
        mainAt('github.com/containerd/containerd', {
          'cmd/containerd/main.go': MAIN_GO,
          'cmd/containerd-shim-runc-v2/main.go': MAIN_GO,
        }),
      );
    }
    ws.publish(
      'github.com/moby/buildkit',
      'v0.12.4',
      mainAt('github.com/moby/buildkit', { 'cmd/buildkitd/main.go': MAIN_GO }),
    );
    const copy = (path: string, as: string) => (built[as] = readFileSync(path));
    copy(ws.install('github.com/opencontainers/runc@v1.1.11'), 'runc-1.1.11');
    copy(ws.install('github.com/opencontainers/runc@v1.1.12'), 'runc-1.1.12');
    copy(ws.install('github.com/containerd/containerd/cmd/containerd@v1.4.2'), 'containerd-1.4.2');
    copy(ws.install('github.com/containerd/containerd/cmd/containerd-shim-runc-v2@v1.4.2'), 'shim-1.4.2');
    copy(ws.install('github.com/containerd/containerd/cmd/containerd@v1.4.3'), 'containerd-1.4.3');
    copy(ws.install('github.com/moby/buildkit/cmd/buildkitd@v0.12.4'), 'buildkitd-0.12.4');
    const runcSource = mainAt('github.com/opencontainers/runc', { 'main.go': MAIN_GO });
    copy(ws.build(runcSource, 'runc-trimpath', ['-trimpath', '-ldflags=-X main.version=1.1.11']), 'runc-trimpath');
    copy(ws.build(runcSource, 'runc-stamped', ['-ldflags=-X main.version=1.1.11']), 'runc-stamped');
    copy(
      ws.build(
        { 'main.go': MAIN_GO },
        'dockerd',
        ['-ldflags=-w -X github.com/docker/docker/dockerversion.Version=24.0.7'],
        'github.com/docker/docker/cmd/dockerd',
      ),
      'dockerd-24.0.7',
    );
    copy(ws.build(mainAt('example.com/not-runc', { 'main.go': MAIN_GO }), 'impostor'), 'impostor');
  }, 240_000);

  afterAll(() => ws?.remove());

  it('matches module versions recorded by go install (runc, containerd, the shim, buildkitd)', () => {
    if (!ws) return;
    expect(ws.versionM(join(ws.bin, 'runc'))).toMatch(/\tmod\tgithub.com\/opencontainers\/runc\tv1.1.12\t/);
    const { input } = host(
      {},
      {
        '/usr/local/bin/runc': built['runc-1.1.11']!,
        '/usr/local/bin/containerd': built['containerd-1.4.2']!,
        '/usr/local/bin/containerd-shim-runc-v2': built['shim-1.4.2']!,
        '/usr/local/bin/buildkitd': built['buildkitd-0.12.4']!,
      },
    );
    const result = probeHostRuntimes(input, undefined, 'runner:github-actions');
    expect(keys(result.findings)).toEqual([
      '/usr/local/bin/buildkitd:CVE-2024-23651',
      '/usr/local/bin/buildkitd:CVE-2024-23652',
      '/usr/local/bin/buildkitd:CVE-2024-23653',
      '/usr/local/bin/containerd-shim-runc-v2:CVE-2020-15257',
      '/usr/local/bin/containerd:CVE-2020-15257',
      '/usr/local/bin/runc:CVE-2024-21626',
      '/usr/local/bin/runc:CVE-2025-31133',
      '/usr/local/bin/runc:CVE-2025-52565',
      '/usr/local/bin/runc:CVE-2025-52881',
    ]);
    const leaky = result.findings.find((f) => f.key === '/usr/local/bin/runc:CVE-2024-21626')!;
    expect(leaky).toMatchObject({
      ruleId: RULE,
      severity: 'high',
      location: { path: '/usr/local/bin/runc', object: 'runner:github-actions' },
      package: {
        ecosystem: 'Go',
        name: 'github.com/opencontainers/runc',
        version: 'v1.1.11',
        purl: 'pkg:golang/github.com/opencontainers/runc@v1.1.11',
      },
      vulnerability: { id: 'GHSA-xr7r-f8xq-vfvv', fixed: ['1.1.12'] },
    });
    expect(leaky.message).toContain('module version v1.1.11 in its Go build information');
    const notes = result.notes.join('\n');
    expect(notes).toContain(`/usr/local/bin/runc ${go}`);
    expect(notes).toContain('no Go standard library advisories');
    expect(notes).toContain('Could not read /var/lib/dpkg/status');
  });

  it('does not report fixed releases', () => {
    if (!ws) return;
    const { input } = host(
      {},
      { '/usr/bin/runc': built['runc-1.1.12']!, '/usr/bin/containerd': built['containerd-1.4.3']! },
    );
    const result = probeHostRuntimes(input, undefined, 'runner:ci');
    expect(keys(result.findings)).toEqual([
      '/usr/bin/runc:CVE-2025-31133',
      '/usr/bin/runc:CVE-2025-52565',
      '/usr/bin/runc:CVE-2025-52881',
    ]);
  });

  it('uses a -X version stamp when the module says (devel), and says so', () => {
    if (!ws) return;
    expect(ws.versionM(join(ws.bin, 'dockerd'))).toContain('-X github.com/docker/docker/dockerversion.Version=24.0.7');
    const { input } = host(
      {},
      { '/usr/bin/dockerd': built['dockerd-24.0.7']!, '/opt/bin/runc': built['runc-stamped']! },
    );
    const result = probeHostRuntimes(input, undefined, 'runner:ci');
    expect(keys(result.findings)).toEqual([
      '/opt/bin/runc:CVE-2024-21626',
      '/opt/bin/runc:CVE-2025-31133',
      '/opt/bin/runc:CVE-2025-52565',
      '/opt/bin/runc:CVE-2025-52881',
      '/usr/bin/dockerd:CVE-2024-23651',
      '/usr/bin/dockerd:CVE-2024-23652',
      '/usr/bin/dockerd:CVE-2024-23653',
      '/usr/bin/dockerd:CVE-2024-41110',
    ]);
    const authz = result.findings.find((f) => f.key === '/usr/bin/dockerd:CVE-2024-41110')!;
    expect(authz.message).toContain('version 24.0.7 stamped into it at link time');
    expect(authz.package).toMatchObject({ name: 'github.com/docker/docker', version: 'v24.0.7' });
  });

  it('reports nothing for a -trimpath (devel) build or another program named runc', () => {
    if (!ws) return;
    const { input } = host({}, { '/usr/bin/runc': built['runc-trimpath']!, '/usr/local/bin/runc': built.impostor! });
    const result = probeHostRuntimes(input, undefined, 'runner:ci');
    expect(result.findings).toEqual([]);
    const notes = result.notes.join('\n');
    expect(notes).toContain('/usr/bin/runc: the main module is "(devel)"');
    expect(notes).toContain(
      '/usr/local/bin/runc: built from example.com/not-runc, not from github.com/opencontainers/runc',
    );
  });

  const runcDpkg = (version: string, pkg = 'runc') =>
    [`Package: ${pkg}`, 'Status: install ok installed', 'Architecture: amd64', `Version: ${version}`, ''].join('\n');

  it('prefers the exact module version over the package version of the package that owns the file', () => {
    if (!ws) return;
    const { input } = host(
      {
        [DPKG_STATUS_PATH]: runcDpkg('1.1.12-0ubuntu3'),
        '/var/lib/dpkg/info/runc.list': '/.\n/usr\n/usr/bin\n/usr/bin/runc\n',
      },
      { '/usr/bin/runc': built['runc-1.1.11']! },
    );
    const result = probeHostRuntimes(input, undefined, 'runner:ci');
    expect(keys(result.findings)).toEqual([
      '/usr/bin/runc:CVE-2024-21626',
      '/usr/bin/runc:CVE-2025-31133',
      '/usr/bin/runc:CVE-2025-52565',
      '/usr/bin/runc:CVE-2025-52881',
    ]);
    expect(result.notes.join('\n')).toContain(
      '/usr/bin/runc belongs to package runc 1.1.12-0ubuntu3; its build information records the exact module version v1.1.11, which is used instead of the package version.',
    );
  });

  it('prefers the package version over a link stamp for a file the engine package owns', () => {
    if (!ws) return;
    const { input } = host(
      { [DPKG_STATUS_PATH]: runcDpkg('1.1.12-0ubuntu3'), '/var/lib/dpkg/info/runc.list': '/usr/bin/runc\n' },
      { '/usr/bin/runc': built['runc-stamped']! },
    );
    const result = probeHostRuntimes(input, undefined, 'runner:ci');
    expect(keys(result.findings)).toEqual(['runc:CVE-2025-31133', 'runc:CVE-2025-52565', 'runc:CVE-2025-52881']);
    expect(result.notes.join('\n')).toContain(
      '/usr/bin/runc belongs to package runc; its build information has no exact module version, so the package version 1.1.12-0ubuntu3 is used.',
    );
  });

  it('judges the runc that containerd.io bundles by its own build information', () => {
    if (!ws) return;
    const { input } = host(
      {
        [DPKG_STATUS_PATH]: runcDpkg('1.7.25-1', 'containerd.io'),
        '/var/lib/dpkg/info/containerd.io.list': '/usr/bin/containerd\n/usr/bin/runc\n',
      },
      { '/usr/bin/runc': built['runc-stamped']! },
    );
    const result = probeHostRuntimes(input, undefined, 'runner:ci');
    expect(keys(result.findings)).toContain('/usr/bin/runc:CVE-2024-21626');
    expect(result.findings.find((f) => f.key === '/usr/bin/runc:CVE-2024-21626')?.message).toContain(
      'The file belongs to package containerd.io 1.7.25-1.',
    );
  });

  it('does not read host executables from inside a job container', () => {
    if (!ws) return;
    const { input, reads } = host({ '/.dockerenv': '' }, { '/usr/bin/runc': built['runc-1.1.11']! });
    const result = probeRunner({ ...input, env: { CI: 'true' } });
    expect(result.findings.filter((f) => f.ruleId === RULE)).toEqual([]);
    expect(reads).toEqual([]);
  });
});
