import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { affectedBy, packageMatches, type PackageQuery } from '../../src/vulns/match.js';
import { readOsvRecord, type OsvAffected, type OsvRecord } from '../../src/vulns/osv.js';
import { assessSeverity } from '../../src/vulns/severity.js';
import { compareVersions, isValidVersion, splitEcosystem } from '../../src/vulns/versions/index.js';

/**
 * The matcher against the real OSV records in ../shared/fixtures/osv. For every ECOSYSTEM/SEMVER range
 * we derive package versions from the record's own events and compare the matcher with an independently
 * written interval reading of the schema ("v is affected iff some introduced <= v is not closed by a fixed
 * <= v or a last_affected < v after it, or v is listed"):
 *   - each `introduced` version is affected, and the reported fix is the range's next `fixed`;
 *   - each `fixed` version is not affected (unless another range of the package covers it);
 *   - a version just below each `introduced` is not affected (unless another range covers it).
 */
const FIXTURES = resolve(import.meta.dirname, '../../../shared/fixtures/osv');
const present = existsSync(FIXTURES);
if (!present) console.warn('conformance suite skipped: ../shared/fixtures not found');

function loadRecords(): { folder: string; file: string; record: OsvRecord }[] {
  const out: { folder: string; file: string; record: OsvRecord }[] = [];
  for (const folder of readdirSync(FIXTURES, { withFileTypes: true })) {
    if (!folder.isDirectory() || folder.name === 'schema') continue;
    for (const file of readdirSync(resolve(FIXTURES, folder.name))) {
      if (!file.endsWith('.json')) continue;
      const read = readOsvRecord(JSON.parse(readFileSync(resolve(FIXTURES, folder.name, file), 'utf8')));
      if (!read.ok) throw new Error(`${folder.name}/${file}: ${read.error}`);
      out.push({ folder: folder.name, file, record: read.record });
    }
  }
  return out;
}

const isRange = (type: string): boolean => type === 'ECOSYSTEM' || type === 'SEMVER';

/** Independent oracle: interval semantics over every matching entry of the record. */
function oracle(record: OsvRecord, pkg: PackageQuery): boolean {
  const cmp = (a: string, b: string): number => compareVersions(pkg.ecosystem, a, b);
  for (const entry of record.affected ?? []) {
    if (!entry.package || !packageMatches(entry.package, pkg)) continue;
    if ((entry.versions ?? []).includes(pkg.version)) return true;
    for (const range of entry.ranges ?? []) {
      if (!isRange(range.type)) continue;
      for (const start of range.events) {
        if (start.introduced === undefined) continue;
        const i = start.introduced;
        if (i !== '0' && cmp(pkg.version, i) < 0) continue;
        const closed = range.events.some(
          (e) =>
            (e.fixed !== undefined && (i === '0' || cmp(e.fixed, i) > 0) && cmp(pkg.version, e.fixed) >= 0) ||
            (e.last_affected !== undefined &&
              (i === '0' || cmp(e.last_affected, i) >= 0) &&
              cmp(pkg.version, e.last_affected) > 0),
        );
        const limited =
          range.events.some((e) => e.limit !== undefined) &&
          !range.events.some((e) => e.limit !== undefined && (e.limit.includes('*') || cmp(pkg.version, e.limit) < 0));
        if (!closed && !limited) return true;
      }
    }
  }
  return false;
}

/** A version just below `v` in the ecosystem's order, or undefined if we cannot build one. */
function justBelow(ecosystem: string, rangeType: string, v: string): string | undefined {
  const base = splitEcosystem(ecosystem).base.toLowerCase();
  let candidate: string;
  if (rangeType === 'SEMVER' || ['npm', 'go', 'crates.io', 'hex', 'nuget', 'pub'].includes(base))
    candidate = v.includes('-') ? `${v}.0` : `${v}-0`;
  else if (base === 'pypi') candidate = `${v}.dev0`;
  else if (base === 'debian' || base === 'ubuntu') candidate = `${v}~`;
  else if (['almalinux', 'rocky linux', 'red hat'].includes(base)) candidate = `${v}~`;
  else if (['alpine', 'wolfi', 'chainguard'].includes(base)) {
    const m = /^(.*?)(-r\d+)?$/.exec(v) as RegExpExecArray;
    candidate = `${m[1]}_alpha${m[2] ?? ''}`;
  } else if (base === 'maven') candidate = `${v}-alpha`;
  else return undefined;
  const ok =
    compareVersions(ecosystem, candidate, v) < 0 && (rangeType === 'SEMVER' || isValidVersion(ecosystem, candidate));
  return ok ? candidate : undefined;
}

describe.skipIf(!present)('real OSV records', () => {
  const records = present ? loadRecords() : [];

  it('reads all 120 records', () => {
    expect(records).toHaveLength(120);
  });

  it('derived versions match the interval reading of each record', () => {
    const perFolder = new Map<string, { checks: number; pass: number; skipped: number; coveredElsewhere: number }>();
    const failures: string[] = [];
    for (const { folder, file, record } of records) {
      const stats = perFolder.get(folder) ?? { checks: 0, pass: 0, skipped: 0, coveredElsewhere: 0 };
      perFolder.set(folder, stats);
      const check = (
        entry: OsvAffected,
        version: string,
        mustBeAffected: boolean,
        label: string,
        fix?: string,
      ): void => {
        const pkg: PackageQuery = {
          ecosystem: entry.package?.ecosystem ?? '',
          name: entry.package?.name ?? '',
          version,
        };
        const expected = oracle(record, pkg);
        const got = affectedBy(record, pkg);
        stats.checks++;
        if (!mustBeAffected && expected) stats.coveredElsewhere++;
        const fixOk = fix === undefined || got.fixed.includes(fix);
        const consistent = !mustBeAffected || expected;
        if (consistent && got.affected === expected && fixOk && got.indeterminate === undefined) stats.pass++;
        else
          failures.push(
            `${folder}/${file} ${pkg.ecosystem} ${pkg.name}@${version} [${label}] got ${JSON.stringify(got)} oracle ${expected}`,
          );
      };
      for (const entry of record.affected ?? []) {
        if (!entry.package) continue;
        for (const range of entry.ranges ?? []) {
          if (!isRange(range.type)) continue;
          range.events.forEach((e, index) => {
            if (e.introduced !== undefined && e.introduced !== '0') {
              const nextFix = range.events.slice(index + 1).find((x) => x.fixed !== undefined)?.fixed;
              check(entry, e.introduced, true, 'introduced', nextFix);
              const below = justBelow(entry.package?.ecosystem ?? '', range.type, e.introduced);
              if (below === undefined) stats.skipped++;
              else check(entry, below, false, 'below introduced');
            }
            if (e.fixed !== undefined) check(entry, e.fixed, false, 'fixed');
            if (e.last_affected !== undefined) check(entry, e.last_affected, true, 'last_affected');
          });
        }
        for (const v of (entry.versions ?? []).slice(0, 50)) check(entry, v, true, 'listed');
      }
    }
    for (const [folder, s] of [...perFolder].sort()) {
      console.log(
        `[osv-records] ${folder}: ${s.pass}/${s.checks} checks pass (${s.coveredElsewhere} fixed/below versions covered by another range)${s.skipped ? `, ${s.skipped} below-introduced versions not constructible` : ''}`,
      );
    }
    expect(failures).toEqual([]);
  });

  it('concrete expectations on distribution records', () => {
    const byFile = (file: string): OsvRecord => (records.find((r) => r.file === file) as { record: OsvRecord }).record;
    const dsa = byFile('DSA-3029-1.json');
    expect(affectedBy(dsa, { ecosystem: 'Debian:7', name: 'nginx', version: '1.2.1-2.2+wheezy2' })).toMatchObject({
      affected: true,
      fixed: ['1.2.1-2.2+wheezy3'],
    });
    expect(affectedBy(dsa, { ecosystem: 'Debian:7', name: 'nginx', version: '1.2.1-2.2+wheezy3' }).affected).toBe(
      false,
    );
    expect(affectedBy(dsa, { ecosystem: 'Debian:8', name: 'nginx', version: '1.2.1-2.2+wheezy2' }).affected).toBe(
      false,
    );
    const chromium = byFile('CVE-2024-3847.json');
    expect(
      affectedBy(chromium, { ecosystem: 'Debian:11', name: 'chromium', version: '120.0.6099.224-1~deb11u1' }),
    ).toMatchObject({
      affected: true,
      fixed: [],
    });
    expect(
      affectedBy(chromium, { ecosystem: 'Debian:12', name: 'chromium', version: '120.0.6099.224-1~deb12u1' }).affected,
    ).toBe(false);
  });

  it('every record gets a severity from its own data', () => {
    const sources = new Map<string, number>();
    for (const { record } of records) {
      const a = assessSeverity(record, record.affected ?? []);
      const kind = a.source.split(' ')[0] as string;
      sources.set(kind, (sources.get(kind) ?? 0) + 1);
    }
    console.log(`[osv-records] severity sources: ${JSON.stringify(Object.fromEntries(sources))}`);
    expect(
      [...sources.keys()].every((k) =>
        [
          'CVSS_V3',
          'CVSS_V4',
          'CVSS_V2',
          'Ubuntu',
          'database_specific',
          'ecosystem_specific',
          'Debian',
          'MAL',
          'unknown',
        ].includes(k),
      ),
    ).toBe(true);
  });
});
