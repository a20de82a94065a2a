import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EOL_TABLE,
  cycleStatus,
  osEndOfLife,
  runtimeEndOfLife,
  unknownEolCycles,
  type EolTable,
  type Product,
} from '../../../src/checks/images/eol.js';
import { createImagesCheck } from '../../../src/checks/images/index.js';
import type { ImagePackage, OsIdentity } from '../../../src/images/index.js';
import { basePolicy, context, dpkgStanza, tempDir, writeRecords } from './helpers.js';

const product = (cycles: Product['cycles']): Product => ({
  name: 'Distro',
  source: 'https://endoflife.date/distro',
  field: 'eol',
  verified: 'test',
  cycles,
});

const TABLE: EolTable = {
  updated: '2026-11-28',
  os: { debian: { ...product({ '11': '2026-08-31', '12': '2028-06-10', '7': true }), name: 'Debian' } },
  runtimes: {
    nodejs: { ...product({ '20': '2026-04-30', '22': '2027-04-30', '25': true, '26': false }), name: 'Node.js' },
  },
};

const os = (id: string, versionId: string): OsIdentity => ({
  id,
  versionId,
  path: 'etc/os-release',
  layer: 'sha256:l',
});

describe('end-of-life cycle status', () => {
  it('treats the date as the last day of support, as endoflife.date does (isEol = today > date)', () => {
    const p = product({ '1': '2026-11-28' });
    expect(cycleStatus(p, '1', '2026-11-27')).toEqual({ status: 'supported', eol: '2026-11-28' });
    expect(cycleStatus(p, '1', '2026-11-28')).toEqual({ status: 'supported', eol: '2026-11-28' });
    expect(cycleStatus(p, '1', '2026-11-29')).toEqual({ status: 'end-of-life', eol: '2026-11-28' });
  });

  it('reads `true` and `false` as dateless ends, and never guesses a cycle it does not list', () => {
    const p = product({ old: true, current: false, bad: 'soon' });
    expect(cycleStatus(p, 'old', '2026-11-28')).toEqual({ status: 'end-of-life' });
    expect(cycleStatus(p, 'current', '2026-11-28')).toEqual({ status: 'supported' });
    expect(cycleStatus(p, 'bad', '2026-11-28')).toEqual({ status: 'unknown-cycle' });
    expect(cycleStatus(p, '99', '2026-11-28')).toEqual({ status: 'unknown-cycle' });
    expect(cycleStatus(p, 'constructor', '2026-11-28')).toEqual({ status: 'unknown-cycle' });
  });

  it('flags OS releases and runtimes past their end, with the day injected', () => {
    expect(osEndOfLife(os('debian', '11.9'), '2026-08-31', TABLE)).toBeUndefined();
    expect(osEndOfLife(os('debian', '11.9'), '2026-09-01', TABLE)).toMatchObject({ cycle: '11', eol: '2026-08-31' });
    const dateless = osEndOfLife(os('debian', '7'), '2026-11-28', TABLE);
    expect(dateless).toMatchObject({ product: 'Debian', cycle: '7' });
    expect(dateless && 'eol' in dateless).toBe(false);
    expect(osEndOfLife(os('debian', '14'), '2026-11-28', TABLE)).toBeUndefined();
    const env = ['NODE_VERSION=20.11.0', 'X=1'];
    expect(runtimeEndOfLife(env, [], '2026-04-30', TABLE)).toEqual([]);
    expect(runtimeEndOfLife(env, [], '2026-05-01', TABLE).map((h) => `${h.product} ${h.cycle} ${h.eol}`)).toEqual([
      'Node.js 20 2026-04-30',
    ]);
    expect(runtimeEndOfLife(['NODE_VERSION=25.2.1'], [], '2026-11-28', TABLE).map((h) => h.cycle)).toEqual(['25']);
    expect(runtimeEndOfLife(['NODE_VERSION=26.0.0'], [], '2026-11-28', TABLE)).toEqual([]);
  });

  it('names each cycle of a tracked product that the table does not list', () => {
    const pkg: ImagePackage = {
      ecosystem: 'Debian:14',
      name: 'nodejs',
      version: '31.0.0+dfsg-1',
      purl: 'pkg:deb/debian/nodejs@31.0.0%2Bdfsg-1',
      path: 'var/lib/dpkg/status',
      layer: 'sha256:l',
      cataloger: 'dpkg',
    };
    // Debian's own nodejs is judged by Debian's support (the OS line), not by Node.js's table.
    expect(unknownEolCycles(os('debian', '14'), ['NODE_VERSION=22.1.0'], [pkg], TABLE)).toEqual([
      'end of life not checked for Debian 14 (/etc/os-release): unknown cycle, not in the end-of-life table updated 2026-11-28',
    ]);
    const nodesource = { ...pkg, version: '31.0.0-1nodesource1' };
    expect(unknownEolCycles(os('debian', '12'), [], [nodesource], TABLE)).toEqual([
      'end of life not checked for Node.js 31 (package nodejs 31.0.0-1nodesource1 (an upstream build: nodesource)): unknown cycle, not in the end-of-life table updated 2026-11-28',
    ]);
    // Known cycles and untracked products say nothing.
    expect(unknownEolCycles(os('debian', '12'), ['NODE_VERSION=26.1.0'], [], TABLE)).toEqual([]);
    expect(unknownEolCycles(os('fedora', '41'), [], [], TABLE)).toEqual([]);
    expect(unknownEolCycles(undefined, [], [], TABLE)).toEqual([]);
  });

  it('reports an unknown cycle as a note of the images check, and a known past one as a finding', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'etc'), { recursive: true });
    mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
    writeFileSync(join(root, 'etc/os-release'), 'ID=debian\nVERSION_ID="99"\nPRETTY_NAME="Debian 99"\n');
    writeFileSync(join(root, 'var/lib/dpkg/status'), dpkgStanza({ name: 'python3.9', version: '3.9.2-1' }));
    const policy = basePolicy((p) => {
      p.checks.images.vulnerabilities.source = writeRecords(join(tempDir(), 'osv'), []);
    });
    const target = `dir:${root}`;
    const out = await createImagesCheck({ today: () => '2026-11-28' }).run(context(policy, { images: [target] }));
    // python3.9 is Debian's package: Debian's support decides, not Python's end of life.
    expect(out.findings.filter((f) => f.ruleId.startsWith('image/eol')).map((f) => f.title)).toEqual([]);
    expect(out.notes?.filter((n) => n.includes('end of life not checked'))).toEqual([
      `${target}: end of life not checked for Debian 99 (/etc/os-release): unknown cycle, not in the end-of-life table updated ${EOL_TABLE.updated}`,
    ]);
  });
});

describe('distribution-packaged runtimes', () => {
  const deb = (name: string, version: string): ImagePackage => ({
    ecosystem: 'Ubuntu:22.04',
    name,
    version,
    purl: `pkg:deb/ubuntu/${name}@${version}`,
    path: 'var/lib/dpkg/status',
    layer: 'sha256:l',
    cataloger: 'dpkg',
  });
  it("judges Ubuntu 22.04's python3.10 by Ubuntu's support, upstream installs by upstream's end of life", () => {
    const ubuntu = [deb('python3.10', '3.10.12-1~22.04.6'), deb('libpython3.10', '3.10.12-1~22.04.6')];
    expect(runtimeEndOfLife([], ubuntu, '2026-11-28', EOL_TABLE)).toEqual([]);
    // The official python image sets PYTHON_VERSION and installs under /usr/local: upstream's date applies.
    expect(
      runtimeEndOfLife(['PYTHON_VERSION=3.10.14'], ubuntu, '2026-11-28', EOL_TABLE).map((h) => h.evidence),
    ).toEqual(['ENV PYTHON_VERSION=3.10.14']);
    // NodeSource's deb is an upstream build.
    expect(
      runtimeEndOfLife([], [deb('nodejs', '16.20.2-1nodesource1')], '2026-11-28', EOL_TABLE).map(
        (h) => `${h.product} ${h.cycle}`,
      ),
    ).toEqual(['Node.js 16']);
    expect(runtimeEndOfLife([], [deb('nodejs', '12.22.9~dfsg-1ubuntu3.6')], '2026-11-28', EOL_TABLE)).toEqual([]);
  });
});

describe('eol-data.json', () => {
  const products = [...Object.entries(EOL_TABLE.os), ...Object.entries(EOL_TABLE.runtimes)];
  const isDate = (value: string) =>
    /^\d{4}-\d{2}-\d{2}$/.test(value) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);

  it('lists every cycle of the endoflife.date file each product cites, with the same date (back to the first)', () => {
    const source = JSON.parse(
      readFileSync(new URL('../../scripts/eol-source-cycles.json', import.meta.url), 'utf8'),
    ) as { commit: string; products: Record<string, { field: string; cycles: Record<string, string | boolean> }> };
    for (const [key, p] of products) {
      const slug = p.source.split('/').pop()!;
      const cited = source.products[slug];
      expect(cited, `${key}: ${slug} is in the extract`).toBeDefined();
      expect(p.verified, key).toContain(source.commit);
      expect(p.field, key).toBe(cited!.field);
      expect(p.cycles, key).toEqual(cited!.cycles);
    }
    // The cycles the first copies missed.
    expect(EOL_TABLE.os.alpine?.cycles['3.9']).toBe('2020-11-01');
    expect(EOL_TABLE.os.alpine?.cycles['3.8']).toBe('2020-05-01');
    expect(EOL_TABLE.os.ubuntu?.cycles['12.04']).toBeDefined();
    expect(Object.keys(EOL_TABLE.runtimes.nodejs!.cycles)).toEqual(expect.arrayContaining(['1', '4', '9']));
    expect(EOL_TABLE.runtimes.python?.cycles['3.4']).toBe('2019-03-18');
  });

  it('names its field and source for every product and holds only real dates or booleans', () => {
    expect(isDate(EOL_TABLE.updated)).toBe(true);
    expect(products.length).toBe(16);
    for (const [key, p] of products) {
      expect(['eol', 'extendedSupport'], key).toContain(p.field);
      expect(p.source, key).toMatch(/^https:\/\/endoflife\.date\/[a-z-]+$/);
      expect(p.verified, key).toMatch(/endoflife-date\/endoflife\.date products\/[a-z-]+\.md/);
      for (const [cycle, value] of Object.entries(p.cycles)) {
        expect(typeof value === 'boolean' || isDate(value), `${key} ${cycle}`).toBe(true);
      }
    }
  });

  it('holds the dates verified against endoflife.date for the cycles images use most, with the moved ones', () => {
    // Moved since the first copies: Amazon Linux 2023 (2028-03-15 → 2029-06-30), Temurin 8 (2026-11-30 → 2030-12-31).
    expect(EOL_TABLE.os.amzn?.cycles['2023']).toBe('2029-06-30');
    const at = (group: 'os' | 'runtimes', key: string, cycle: string) => EOL_TABLE[group][key]?.cycles[cycle];
    expect(at('os', 'debian', '12')).toBe('2028-06-30');
    expect(at('os', 'debian', '9')).toBe('2022-07-01');
    expect(at('os', 'ubuntu', '22.04')).toBe('2027-04-01');
    expect(at('os', 'ubuntu', '20.04')).toBe('2025-05-31');
    expect(at('os', 'alpine', '3.23')).toBe('2027-11-01');
    expect(at('os', 'ol', '7')).toBe('2024-12-31');
    expect(at('runtimes', 'dotnet', '8.0')).toBe('2026-11-10');
    expect(at('runtimes', 'ruby', '3.1')).toBe('2025-03-26');
    expect(at('runtimes', 'java', '8')).toBe('2030-12-31');
    expect(at('runtimes', 'php', '8.5')).toBe('2029-12-31');
  });
});
