import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { findElfSection } from '../../../src/images/catalogers/elf.js';
import {
  MAX_AUDIT_DATA_BYTES,
  graphProblems,
  parseAuditInfo,
  readAuditData,
  selectPackages,
  type AuditPackage,
} from '../../../src/images/catalogers/rust.js';
import { createImagesCheck } from '../../../src/checks/images/index.js';
import { affectedBy } from '../../../src/vulns/match.js';
import type { OsvRecord } from '../../../src/vulns/osv.js';
import { file } from '../../support/layer-builder.js';
import { catalogLayers, summary } from '../../support/image.js';
import { basePolicy, context, tempDir, writeRecords } from '../../checks/images/helpers.js';

interface Section {
  name: string;
  data: Buffer;
  /** Lie about where the section is (hostile headers). */
  offset?: number;
  type?: number;
}

/**
 * An ELF image with a real section header table (null section, the given sections, `.shstrtab`), laid out as
 * a linker does: data first, the table last. 64-bit little-endian unless `elf32be` (the 32-bit big-endian
 * layout exercises the other header offsets and byte order). Padded so the cataloger's size threshold is met.
 */
function elfWithSections(sections: Section[], options: { elf32be?: boolean; pad?: number } = {}): Buffer {
  const is64 = !options.elf32be;
  const ehsize = is64 ? 64 : 52;
  const shentsize = is64 ? 64 : 40;
  const names = Buffer.concat([
    Buffer.from('\0'),
    ...sections.map((s) => Buffer.from(`${s.name}\0`)),
    Buffer.from('.shstrtab\0'),
  ]);
  const padding = Buffer.alloc(options.pad ?? 200 * 1024);
  const parts: Buffer[] = [Buffer.alloc(ehsize), padding];
  let offset = ehsize + padding.length;
  const placed = sections.map((s) => {
    const at = offset;
    parts.push(s.data);
    offset += s.data.length;
    return { ...s, at };
  });
  const namesAt = offset;
  parts.push(names);
  offset += names.length;
  const shoff = offset;
  const table = Buffer.alloc(shentsize * (sections.length + 2));
  let nameAt = 1;
  const writeHeader = (index: number, name: number, type: number, at: number, size: number) => {
    const base = index * shentsize;
    if (is64) {
      table.writeUInt32LE(name, base);
      table.writeUInt32LE(type, base + 4);
      table.writeBigUInt64LE(BigInt(at), base + 0x18);
      table.writeBigUInt64LE(BigInt(size), base + 0x20);
    } else {
      table.writeUInt32BE(name, base);
      table.writeUInt32BE(type, base + 4);
      table.writeUInt32BE(at, base + 0x10);
      table.writeUInt32BE(size, base + 0x14);
    }
  };
  placed.forEach((s, i) => {
    writeHeader(i + 1, nameAt, s.type ?? 1, s.offset ?? s.at, s.data.length);
    nameAt += Buffer.byteLength(s.name) + 1;
  });
  writeHeader(sections.length + 1, nameAt, 3, namesAt, names.length);
  parts.push(table);
  const elf = Buffer.concat(parts);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, is64 ? 1 : 2, 1]).copy(elf);
  if (is64) {
    elf.writeBigUInt64LE(BigInt(shoff), 0x28);
    elf.writeUInt16LE(shentsize, 0x3a);
    elf.writeUInt16LE(sections.length + 2, 0x3c);
    elf.writeUInt16LE(sections.length + 1, 0x3e);
  } else {
    elf.writeUInt32BE(shoff, 0x20);
    elf.writeUInt16BE(shentsize, 0x2e);
    elf.writeUInt16BE(sections.length + 2, 0x30);
    elf.writeUInt16BE(sections.length + 1, 0x32);
  }
  return elf;
}

const depSection = (json: unknown): Section => ({
  name: '.dep-v0',
  data: deflateSync(typeof json === 'string' ? json : JSON.stringify(json)),
});

/** What cargo-auditable 0.6 writes for a binary `tool` with a crates.io and a git dependency (format 1). */
const AUDIT = {
  format: 1,
  packages: [
    { name: 'cc', version: '1.0.83', source: 'crates.io', kind: 'build' },
    { name: 'fork', version: '0.2.0', source: 'git', dependencies: [3] },
    { name: 'local-lib', version: '0.1.0', source: 'local' },
    { name: 'smallvec', version: '1.6.0', source: 'crates.io' },
    { name: 'tool', version: '2.1.0', source: 'local', dependencies: [1, 2, 3, 5], root: true },
    { name: 'zstd-sys', version: '2.0.9+zstd.1.5.5', source: 'crates.io', dependencies: [0] },
  ],
};

describe('cargo-auditable audit data', () => {
  it('finds .dep-v0 in 64-bit LE and 32-bit BE ELF section tables, and the rust-audit 0.1 name', () => {
    for (const elf32be of [false, true]) {
      const elf = elfWithSections([{ name: '.text', data: Buffer.alloc(16) }, depSection(AUDIT)], { elf32be });
      const result = readAuditData(elf);
      expect(result.ok && JSON.parse(result.json)).toEqual(AUDIT);
    }
    const legacy = elfWithSections([{ name: '.rust-deps-v0', data: deflateSync(JSON.stringify(AUDIT)) }]);
    expect(readAuditData(legacy).ok).toBe(true);
  });

  it('reports nothing for non-ELF files and ELF files without the section', () => {
    expect(readAuditData(Buffer.from('#!/bin/sh\n'.padEnd(4096, '#')))).toEqual({ ok: false, none: true });
    expect(readAuditData(elfWithSections([{ name: '.text', data: Buffer.alloc(8) }]))).toEqual({
      ok: false,
      none: true,
    });
    // A .dep-v0 of type NOBITS has no bytes in the file.
    expect(readAuditData(elfWithSections([{ ...depSection(AUDIT), type: 8 }]))).toEqual({ ok: false, none: true });
  });

  it('refuses a section beyond the file, a truncated file, a zlib bomb, bad zlib, non-UTF-8', () => {
    const beyond = elfWithSections([{ ...depSection(AUDIT), offset: 10 * 1024 * 1024 }]);
    expect(readAuditData(beyond)).toEqual({ ok: false, reason: 'the .dep-v0 section lies beyond the end of the file' });

    const whole = elfWithSections([depSection(AUDIT)]);
    // The section table sits at the end: a file cut short (or read only in part) loses it.
    expect(readAuditData(whole.subarray(0, 150 * 1024))).toEqual({
      ok: false,
      reason: 'its section header table lies beyond the end of the file (truncated or corrupt ELF)',
    });
    const noTable = Buffer.from(whole);
    noTable.writeBigUInt64LE(0n, 0x28);
    expect(readAuditData(noTable)).toEqual({ ok: false, none: true });
    expect(readAuditData(whole.subarray(0, 150 * 1024), true)).toEqual({
      ok: false,
      reason: 'larger than 134217728 bytes: its section table was not read',
    });

    const bomb = deflateSync(Buffer.alloc(MAX_AUDIT_DATA_BYTES + 1, 0x20), { level: 9 });
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(readAuditData(elfWithSections([{ name: '.dep-v0', data: bomb }]))).toEqual({
      ok: false,
      reason: `the .dep-v0 audit data inflates beyond ${MAX_AUDIT_DATA_BYTES} bytes: not read`,
    });
    expect(readAuditData(elfWithSections([{ name: '.dep-v0', data: Buffer.from('{"packages":[]}') }]))).toEqual({
      ok: false,
      reason: 'the .dep-v0 section is not valid zlib data',
    });
    expect(
      readAuditData(elfWithSections([{ name: '.dep-v0', data: deflateSync(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])) }])),
    ).toEqual({ ok: false, reason: 'the .dep-v0 audit data is not UTF-8' });
  });

  it('parses the documented JSON, defaults kind to runtime, and rejects what is not the format', () => {
    const parsed = parseAuditInfo(JSON.stringify(AUDIT));
    expect(parsed.ok && parsed.problems).toEqual([]);
    expect(parsed.ok && parsed.format).toBe(1);
    expect(parsed.ok && parsed.packages.map((p) => `${p.name}:${p.kind}:${p.root}`)).toEqual([
      'cc:build:false',
      'fork:runtime:false',
      'local-lib:runtime:false',
      'smallvec:runtime:false',
      'tool:runtime:true',
      'zstd-sys:runtime:false',
    ]);
    expect(parseAuditInfo('{"packages": [')).toEqual({ ok: false, reason: 'the audit data is not valid JSON' });
    expect(parseAuditInfo('[]')).toEqual({ ok: false, reason: 'the audit data has no `packages` array' });
    expect(parseAuditInfo('{"packages": {}}')).toEqual({ ok: false, reason: 'the audit data has no `packages` array' });
    const partial = parseAuditInfo(
      JSON.stringify({
        packages: [{ name: 'a', version: '1.0.0' }, 7, { name: 'b', version: '1.0.0', source: 'crates.io' }],
      }),
    );
    expect(partial.ok && partial.problems).toEqual(['2 package entries without a string name, version and source']);
    expect(partial.ok && partial.packages[2]?.name).toBe('b');
  });

  it('checks the dependency graph: indices in range, one root, no cycles', () => {
    const pkg = (dependencies: number[], root = false): AuditPackage => ({
      name: 'x',
      version: '1.0.0',
      source: 'crates.io',
      kind: 'runtime',
      dependencies,
      root,
    });
    expect(graphProblems([pkg([1], true), pkg([2]), pkg([])])).toEqual([]);
    expect(graphProblems([pkg([1, 9, -1], true), pkg([])])).toEqual([
      '2 dependency indices that are not package indices',
    ]);
    expect(graphProblems([pkg([1], true), pkg([0])])).toEqual(['a dependency cycle through 2 packages']);
    expect(graphProblems([pkg([], true), pkg([1])])).toEqual(['a dependency cycle through 1 packages']);
    expect(graphProblems([pkg([], true), pkg([], true)])).toEqual([
      '2 packages marked as root (the format allows one)',
    ]);
    // A long chain is checked without recursion.
    const chain = Array.from({ length: 100_000 }, (_, i) => pkg(i + 1 < 100_000 ? [i + 1] : [], i === 0));
    expect(graphProblems(chain)).toEqual([]);
  });

  it('selects runtime crates.io packages and the root crate, as osv-scalibr and Trivy do, and says what it left out', () => {
    const parsed = parseAuditInfo(JSON.stringify(AUDIT));
    if (!parsed.ok) throw new Error('unexpected');
    expect(selectPackages(parsed)).toEqual({
      packages: [
        { name: 'smallvec', version: '1.6.0' },
        { name: 'tool', version: '2.1.0', root: true },
        { name: 'zstd-sys', version: '2.0.9+zstd.1.5.5' },
      ],
      notes: ['runtime crates not from crates.io are not matched against advisories (git: 1, local: 1)'],
    });
    const hostile = parseAuditInfo(
      JSON.stringify({
        packages: [
          { name: 'ok', version: '1.0.0', source: 'crates.io', root: true, dependencies: [1] },
          { name: 'ok', version: '1.0.0', source: 'crates.io', dependencies: [0] },
          { name: '[x](http://e)', version: '1.0.0', source: 'crates.io' },
          { name: 'v', version: '1.0', source: 'crates.io' },
          { name: 'k', version: '1.0.0', source: 'crates.io', kind: 'weird' },
        ],
      }),
    );
    if (!hostile.ok) throw new Error('unexpected');
    expect(selectPackages(hostile)).toEqual({
      packages: [
        { name: 'ok', version: '1.0.0', root: true },
        { name: 'k', version: '1.0.0' },
      ],
      notes: [
        'a dependency cycle through 2 packages',
        '2 crates.io packages without a valid crate name and SemVer version skipped',
      ],
    });
  });
});

describe('rust cataloger', () => {
  it('catalogs crates from executables, skips OS-owned ones, and notes hostile sections without stopping', async () => {
    const many = {
      packages: Array.from({ length: 100_000 }, (_, i) => ({ name: `c${i}`, version: '1.0.0', source: 'crates.io' })),
    };
    const { catalog } = await catalogLayers([
      [
        file('var/lib/dpkg/status', 'Package: rg\nStatus: install ok installed\nVersion: 13.0.0-4\n\n'),
        file('var/lib/dpkg/info/rg.list', '/usr/bin/rg\n'),
        file('usr/bin/rg', elfWithSections([depSection(AUDIT)]), 0o755),
        file('usr/local/bin/tool', elfWithSections([depSection(AUDIT)]), 0o755),
        file(
          'usr/local/bin/bomb',
          elfWithSections([{ name: '.dep-v0', data: deflateSync(Buffer.alloc(9 << 20)) }]),
          0o755,
        ),
        file('usr/local/bin/json', elfWithSections([depSection('{"packages":')]), 0o755),
        file('usr/local/bin/beyond', elfWithSections([{ ...depSection(AUDIT), offset: 1 << 30 }]), 0o755),
        file('usr/local/bin/many', elfWithSections([depSection(many)]), 0o755),
        file('usr/local/bin/not-exec', elfWithSections([depSection(AUDIT)]), 0o644),
        file('usr/local/bin/small', elfWithSections([depSection(AUDIT)], { pad: 0 }), 0o755),
      ],
    ]);
    const rust = catalog.packages.filter((p) => p.cataloger === 'rust');
    expect(summary(rust.filter((p) => p.path === 'usr/local/bin/tool'))).toEqual([
      'crates.io smallvec@1.6.0',
      'crates.io tool@2.1.0',
      'crates.io zstd-sys@2.0.9+zstd.1.5.5',
    ]);
    expect(rust.filter((p) => p.relationship === 'root').map((p) => `${p.path} ${p.name}`)).toContain(
      'usr/local/bin/tool tool',
    );
    expect(rust.find((p) => p.name === 'zstd-sys')?.purl).toBe('pkg:cargo/zstd-sys@2.0.9+zstd.1.5.5');
    expect(rust.filter((p) => p.path === 'usr/local/bin/many')).toHaveLength(20_000);
    expect(new Set(rust.map((p) => p.path))).toEqual(new Set(['usr/local/bin/tool', 'usr/local/bin/many']));
    const notes = catalog.notes.filter((n) => n.startsWith('rust:')).sort();
    expect(notes).toEqual([
      'rust: /usr/local/bin/beyond: the .dep-v0 section lies beyond the end of the file',
      `rust: /usr/local/bin/bomb: the .dep-v0 audit data inflates beyond ${MAX_AUDIT_DATA_BYTES} bytes: not read`,
      'rust: /usr/local/bin/json: the audit data is not valid JSON',
      'rust: /usr/local/bin/many: 80000 packages beyond the 20000-package cap not listed',
      'rust: /usr/local/bin/tool: runtime crates not from crates.io are not matched against advisories (git: 1, local: 1)',
    ]);
  });

  it('gives packages that an OSV crates.io record matches end to end', async () => {
    const { catalog } = await catalogLayers([[file('app/tool', elfWithSections([depSection(AUDIT)]), 0o755)]]);
    const smallvec = catalog.packages.find((p) => p.name === 'smallvec');
    if (!smallvec) throw new Error('smallvec not catalogued');
    // RUSTSEC-2021-0003 (smallvec buffer overflow in insert_many), as OSV publishes it: crates.io, SEMVER range.
    const record: OsvRecord = {
      id: 'RUSTSEC-2021-0003',
      modified: '2021-10-19T22:14:35Z',
      affected: [
        {
          package: { ecosystem: 'crates.io', name: 'smallvec', purl: 'pkg:cargo/smallvec' },
          ranges: [
            {
              type: 'SEMVER',
              events: [{ introduced: '0.6.3' }, { fixed: '0.6.14' }, { introduced: '1.0.0' }, { fixed: '1.6.1' }],
            },
          ],
        },
      ],
    };
    expect(affectedBy(record, smallvec)).toMatchObject({ affected: true, fixed: ['1.6.1'] });
    expect(affectedBy(record, { ...smallvec, version: '1.6.1' }).affected).toBe(false);

    // The same through the images check: a dir: target holding the binary, OSV records from disk.
    const root = tempDir();
    mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
    writeFileSync(join(root, 'usr/local/bin/tool'), elfWithSections([depSection(AUDIT)]), { mode: 0o755 });
    const policy = basePolicy((p) => {
      p.checks.images.vulnerabilities.source = writeRecords(join(tempDir(), 'osv'), [record]);
    });
    const out = await createImagesCheck({ today: () => '2026-11-28' }).run(
      context(policy, { images: [`dir:${root}`] }),
    );
    const vulns = out.findings.filter((f) => f.ruleId.startsWith('vuln/'));
    expect(vulns.map((f) => `${f.ruleId} ${f.package?.ecosystem} ${f.package?.name}@${f.package?.version}`)).toEqual([
      'vuln/RUSTSEC-2021-0003 crates.io smallvec@1.6.0',
    ]);
    expect(vulns[0]?.location).toMatchObject({ path: '/usr/local/bin/tool' });
  });
});

/** Ready-built cargo project: a binary with a crates.io runtime dependency, a path dependency and build deps. */
function writeCrate(dir: string, registry: string): void {
  mkdirSync(join(dir, '.cargo'));
  mkdirSync(join(dir, 'src'));
  for (const sub of ['helper/src', 'buildhelper/src']) mkdirSync(join(dir, sub), { recursive: true });
  // Offline: crates.io is replaced by the crates Debian ships (librust-*-dev) as a directory source.
  writeFileSync(
    join(dir, '.cargo/config.toml'),
    `[source.crates-io]\nreplace-with = "debian"\n[source.debian]\ndirectory = "${registry}"\n[net]\noffline = true\n`,
  );
  writeFileSync(
    join(dir, 'Cargo.toml'),
    [
      '[package]\nname = "app"\nversion = "0.3.1"\nedition = "2018"',
      '[dependencies]\nitoa = "1"\nhelper = { path = "helper" }',
      '[build-dependencies]\nbuildhelper = { path = "buildhelper" }\nmemchr = "2"',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'src/main.rs'),
    'fn main() { let mut b = itoa::Buffer::new(); println!("{} {}", b.format(helper::answer()), env!("BUILT")); }\n',
  );
  writeFileSync(
    join(dir, 'build.rs'),
    'fn main() { println!("cargo:rustc-env=BUILT={}", buildhelper::name(memchr::memchr(b\'x\', b"ax").unwrap_or(0))); }\n',
  );
  writeFileSync(join(dir, 'helper/Cargo.toml'), '[package]\nname = "helper"\nversion = "0.1.0"\nedition = "2018"\n');
  writeFileSync(join(dir, 'helper/src/lib.rs'), 'pub fn answer() -> u32 { 42 }\n');
  writeFileSync(
    join(dir, 'buildhelper/Cargo.toml'),
    '[package]\nname = "buildhelper"\nversion = "0.2.0"\nedition = "2018"\n',
  );
  writeFileSync(join(dir, 'buildhelper/src/lib.rs'), 'pub fn name(n: usize) -> String { format!("b{}", n) }\n');
}

interface MetadataPackage {
  id: string;
  name: string;
  version: string;
  source: string | null;
}
interface MetadataNode {
  id: string;
  deps: { pkg: string; dep_kinds: { kind: string | null }[] }[];
}
interface Metadata {
  packages: MetadataPackage[];
  resolve: { root: string; nodes: MetadataNode[] };
}

const RANK = { dev: 0, build: 1, runtime: 2 } as const;
type Rank = keyof typeof RANK;
const strongest = (kinds: { kind: string | null }[]): Rank =>
  kinds
    .map((k): Rank => (k.kind === 'dev' ? 'dev' : k.kind === 'build' ? 'build' : 'runtime'))
    .reduce<Rank>((a, b) => (RANK[b] > RANK[a] ? b : a), kinds.length === 0 ? 'runtime' : 'dev');

/**
 * The audit JSON cargo-auditable builds from `cargo metadata` (auditable-serde `VersionInfo::try_from(&Metadata)`,
 * format 0): kinds propagated from the root by BFS (a runtime dep of a build dep is a build dep), dev-only
 * packages dropped, packages sorted by name then id, crates.io's registry URL spelt `crates.io`, other sources
 * cut at `+`, path packages `local`.
 */
function auditJsonFromMetadata(metadata: Metadata): object {
  const nodes = new Map(metadata.resolve.nodes.map((n) => [n.id, n]));
  const kinds = new Map<string, Rank>([[metadata.resolve.root, 'runtime']]);
  let queue = [metadata.resolve.root];
  while (queue.length > 0) {
    const next: string[] = [];
    for (const parent of queue) {
      const parentKind = kinds.get(parent) as Rank;
      for (const child of nodes.get(parent)?.deps ?? []) {
        const own = strongest(child.dep_kinds);
        const kind = RANK[own] < RANK[parentKind] ? own : parentKind;
        const previous = kinds.get(child.pkg);
        if (previous === undefined || RANK[kind] > RANK[previous]) {
          kinds.set(child.pkg, kind);
          next.push(child.pkg);
        }
      }
    }
    queue = next;
  }
  const packages = metadata.packages
    .filter((p) => kinds.has(p.id) && kinds.get(p.id) !== 'dev')
    .sort((a, b) => (a.name === b.name ? (a.id < b.id ? -1 : 1) : a.name < b.name ? -1 : 1));
  const index = new Map(packages.map((p, i) => [p.id, i]));
  const source = (s: string | null) =>
    s === null
      ? 'local'
      : s === 'registry+https://github.com/rust-lang/crates.io-index'
        ? 'crates.io'
        : (s.split('+')[0] ?? '');
  return {
    packages: packages.map((p) => {
      const dependencies = (nodes.get(p.id)?.deps ?? [])
        .filter((d) => strongest(d.dep_kinds) !== 'dev')
        .map((d) => index.get(d.pkg) as number)
        .sort((a, b) => a - b);
      return {
        name: p.name,
        version: p.version,
        source: source(p.source),
        ...(kinds.get(p.id) === 'build' ? { kind: 'build' } : {}),
        ...(dependencies.length > 0 ? { dependencies } : {}),
        ...(p.id === metadata.resolve.root ? { root: true } : {}),
      };
    }),
  };
}

describe('rust cataloger on a real Rust executable', () => {
  it('reads the audit data objcopy embeds into a binary cargo built offline', async () => {
    const registry = '/usr/share/cargo/registry';
    const tools = ['cargo', 'objcopy'].filter((tool) => {
      try {
        execFileSync(tool, ['--version'], { stdio: 'ignore' });
        return false;
      } catch {
        return true;
      }
    });
    const crates = ['itoa-', 'memchr-'].filter(
      (prefix) => !existsSync(registry) || !execFileSync('ls', [registry], { encoding: 'utf8' }).includes(prefix),
    );
    if (tools.length > 0 || crates.length > 0) {
      console.warn(
        `SKIPPED: real Rust binary test (missing ${[...tools, ...crates].join(', ')}): ` +
          'apt-get install cargo binutils librust-itoa-dev librust-memchr-dev',
      );
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'containersec-rust-'));
    try {
      writeCrate(dir, registry);
      const env = { ...process.env, CARGO_HOME: join(dir, 'cargo-home'), CARGO_TARGET_DIR: join(dir, 'target') };
      // cargo-auditable is not packaged in Debian and crates.io is not reachable here, so the section is added
      // the way cargo-auditable's linker step leaves it (a non-alloc `.dep-v0` holding zlib'd JSON), with objcopy.
      execFileSync('cargo', ['build', '--release', '--offline', '--quiet'], { cwd: dir, env, stdio: 'pipe' });
      const metadata = JSON.parse(
        execFileSync('cargo', ['metadata', '--format-version', '1', '--offline'], { cwd: dir, env, encoding: 'utf8' }),
      ) as Metadata;
      const audit = auditJsonFromMetadata(metadata);
      writeFileSync(join(dir, 'audit.zlib'), deflateSync(JSON.stringify(audit)));
      const binary = join(dir, 'target/release/app');
      const auditable = join(dir, 'app-auditable');
      execFileSync('objcopy', ['--add-section', `.dep-v0=${join(dir, 'audit.zlib')}`, binary, auditable]);
      // PARSING.md's own shell parser as the oracle: objcopy --dump-section .dep-v0 | zlib -d.
      execFileSync('objcopy', ['--dump-section', `.dep-v0=${join(dir, 'dumped.zlib')}`, auditable]);
      const oracle = JSON.parse(inflateSync(readFileSync(join(dir, 'dumped.zlib'))).toString('utf8')) as {
        packages: { name: string; version: string; source: string; kind?: string }[];
      };
      expect(oracle).toEqual(audit);
      const itoa = oracle.packages.find((p) => p.name === 'itoa');
      const memchr = oracle.packages.find((p) => p.name === 'memchr');
      expect(itoa?.source).toBe('crates.io');
      expect(memchr?.kind).toBe('build');

      const bytes = readFileSync(auditable);
      const section = findElfSection(bytes, '.dep-v0');
      expect(section.status).toBe('found');
      const { catalog } = await catalogLayers([
        [
          file('usr/local/bin/app', bytes, 0o755),
          file('usr/local/bin/app-plain', readFileSync(binary), 0o755),
          file('usr/local/bin/app-cut', bytes.subarray(0, bytes.length - 64), 0o755),
        ],
      ]);
      // The root crate (the binary itself, source local) is reported and marked, as osv-scalibr and Trivy do.
      expect(summary(catalog.packages)).toEqual(['crates.io app@0.3.1', `crates.io itoa@${itoa?.version}`]);
      expect(catalog.packages.map((p) => `${p.path} ${p.name} ${p.relationship ?? '-'}`)).toEqual([
        'usr/local/bin/app app root',
        'usr/local/bin/app itoa -',
      ]);
      expect(catalog.notes.filter((n) => n.startsWith('rust:')).sort()).toEqual([
        'rust: /usr/local/bin/app-cut: its section header table lies beyond the end of the file (truncated or corrupt ELF)',
        'rust: /usr/local/bin/app: runtime crates not from crates.io are not matched against advisories (local: 1)',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
