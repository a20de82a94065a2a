import { describe, expect, it } from 'vitest';
import {
  affectedBy,
  ecosystemMatches,
  isWithdrawn,
  packageMatches,
  purlIdentity,
  type PackageQuery,
} from '../../src/vulns/match.js';
import { readOsvRecord, type OsvAffected, type OsvEvent, type OsvRecord } from '../../src/vulns/osv.js';

function record(affected: OsvAffected[], extra: Partial<OsvRecord> = {}): OsvRecord {
  return { id: 'TEST-2024-0001', modified: '2024-01-01T00:00:00Z', affected, ...extra };
}

function entry(
  ecosystem: string,
  name: string,
  events: OsvEvent[],
  type = 'ECOSYSTEM',
  versions?: string[],
): OsvAffected {
  const out: OsvAffected = { package: { ecosystem, name }, ranges: [{ type, events }] };
  if (versions) out.versions = versions;
  return out;
}

const npm = (version: string): PackageQuery => ({ ecosystem: 'npm', name: 'lodash', version });

describe('affectedBy: range events', () => {
  const r = record([entry('npm', 'lodash', [{ introduced: '0' }, { fixed: '4.17.21' }], 'SEMVER')]);

  it('introduced "0" covers everything below the fix', () => {
    expect(affectedBy(r, npm('0.0.1'))).toMatchObject({ affected: true, fixed: ['4.17.21'] });
    expect(affectedBy(r, npm('4.17.20'))).toMatchObject({ affected: true, fixed: ['4.17.21'] });
  });
  it('the fixed version and above are not affected', () => {
    expect(affectedBy(r, npm('4.17.21'))).toMatchObject({ affected: false, fixed: [] });
    expect(affectedBy(r, npm('5.0.0')).affected).toBe(false);
  });
  it('pre-releases of the fix are still affected', () => {
    expect(affectedBy(r, npm('4.17.21-rc.1')).affected).toBe(true);
  });

  it('last_affected includes its own version and nothing above', () => {
    const la = record([entry('npm', 'lodash', [{ introduced: '1.0.0' }, { last_affected: '2.1.214' }])]);
    expect(affectedBy(la, npm('0.9.0')).affected).toBe(false);
    expect(affectedBy(la, npm('1.0.0')).affected).toBe(true);
    expect(affectedBy(la, npm('2.1.214'))).toMatchObject({ affected: true, fixed: [] });
    expect(affectedBy(la, npm('2.1.215')).affected).toBe(false);
  });

  it('limit bounds the range from above', () => {
    const lim = record([entry('npm', 'lodash', [{ introduced: '1.0.0' }, { limit: '1.5.0' }])]);
    expect(affectedBy(lim, npm('1.4.9')).affected).toBe(true);
    expect(affectedBy(lim, npm('1.5.0')).affected).toBe(false);
    const star = record([entry('npm', 'lodash', [{ introduced: '1.0.0' }, { limit: '*' }])]);
    expect(affectedBy(star, npm('99.0.0')).affected).toBe(true);
  });

  it('sorts unsorted events by version before evaluating', () => {
    const unsorted = record([
      entry('npm', 'lodash', [
        { fixed: '3.2.5' },
        { introduced: '3.0.0' },
        { fixed: '1.0.2' },
        { introduced: '1.0.0' },
      ]),
    ]);
    expect(affectedBy(unsorted, npm('1.0.1'))).toMatchObject({ affected: true, fixed: ['1.0.2'] });
    expect(affectedBy(unsorted, npm('2.0.0')).affected).toBe(false);
    expect(affectedBy(unsorted, npm('3.1.0'))).toMatchObject({ affected: true, fixed: ['3.2.5'] });
    expect(affectedBy(unsorted, npm('3.2.5')).affected).toBe(false);
    expect(affectedBy(unsorted, npm('0.9.0')).affected).toBe(false);
  });

  it('just below introduced is not affected', () => {
    const r2 = record([entry('PyPI', 'django', [{ introduced: '4.2' }, { fixed: '4.2.8' }])]);
    const q = (version: string): PackageQuery => ({ ecosystem: 'PyPI', name: 'Django', version });
    expect(affectedBy(r2, q('4.2rc1')).affected).toBe(false);
    expect(affectedBy(r2, q('4.2.0')).affected).toBe(true);
    expect(affectedBy(r2, q('4.2.8.post1')).affected).toBe(false);
  });

  it('evaluates several ranges and several affected entries, reporting the fix of the matching line', () => {
    const multi = record([
      entry('npm', 'lodash', [{ introduced: '0' }, { fixed: '3.10.2' }], 'SEMVER'),
      entry('npm', 'lodash', [{ introduced: '4.0.0' }, { fixed: '4.17.12' }], 'SEMVER'),
      entry('npm', 'other', [{ introduced: '0' }], 'SEMVER'),
    ]);
    expect(affectedBy(multi, npm('3.9.0'))).toMatchObject({ affected: true, fixed: ['3.10.2'] });
    expect(affectedBy(multi, npm('4.1.0'))).toMatchObject({ affected: true, fixed: ['4.17.12'] });
    expect(affectedBy(multi, npm('3.10.5')).affected).toBe(false);
  });

  it('advises the lowest fix that leaves every range of the record, not one still inside another', () => {
    // Two entries for one package whose ranges overlap (GHSA does this when advisories are merged).
    const overlap = record([
      entry('npm', 'lodash', [{ introduced: '0' }, { fixed: '2.0.0' }], 'SEMVER'),
      entry('npm', 'lodash', [{ introduced: '1.5.0' }, { fixed: '2.1.0' }], 'SEMVER'),
    ]);
    expect(affectedBy(overlap, npm('1.6.0'))).toMatchObject({ affected: true, fixed: ['2.1.0'] });
    // 1.2.0 is only in the first range, but its fix 2.0.0 is inside the second one.
    expect(affectedBy(overlap, npm('1.2.0'))).toMatchObject({ affected: true, fixed: ['2.1.0'] });
    expect(affectedBy(overlap, npm('2.0.5'))).toMatchObject({ affected: true, fixed: ['2.1.0'] });
    expect(affectedBy(overlap, npm('2.1.0')).affected).toBe(false);
    // Separate major lines keep their own, lower fix.
    const lines = record([
      entry('npm', 'lodash', [{ introduced: '0' }, { fixed: '1.5.0' }], 'SEMVER'),
      entry('npm', 'lodash', [{ introduced: '2.0.0' }, { fixed: '2.3.0' }], 'SEMVER'),
    ]);
    expect(affectedBy(lines, npm('1.2.0'))).toMatchObject({ affected: true, fixed: ['1.5.0'] });
  });
  it('says there is no fix when every fixed version is still affected by another range', () => {
    const open = record([
      entry('npm', 'lodash', [{ introduced: '0' }, { fixed: '2.0.0' }], 'SEMVER'),
      entry('npm', 'lodash', [{ introduced: '1.5.0' }], 'SEMVER'),
    ]);
    expect(affectedBy(open, npm('1.6.0'))).toMatchObject({ affected: true, fixed: [] });
    expect(affectedBy(open, npm('1.2.0'))).toMatchObject({ affected: true, fixed: [] });
  });
  it('does not advise a fixed version that the versions list names as affected', () => {
    const listed = entry(
      'PyPI',
      'flask',
      [{ introduced: '0' }, { fixed: '2.3.2' }, { introduced: '2.3.3' }, { fixed: '2.3.4' }],
      'ECOSYSTEM',
      ['2.3.2'],
    );
    expect(affectedBy(record([listed]), { ecosystem: 'PyPI', name: 'flask', version: '2.3.1' })).toMatchObject({
      affected: true,
      fixed: ['2.3.4'],
    });
  });

  it('reads SemVer bounds with fewer than three components (1.2 = 1.2.0), as OSV tooling does', () => {
    const short = record([entry('crates.io', 'time', [{ introduced: '0.2' }, { fixed: '1.2' }], 'SEMVER')]);
    const crate = (version: string): PackageQuery => ({ ecosystem: 'crates.io', name: 'time', version });
    expect(affectedBy(short, crate('1.1.9'))).toMatchObject({ affected: true, fixed: ['1.2'] });
    expect(affectedBy(short, crate('1.2.0'))).toEqual({
      affected: false,
      fixed: [],
      reason: '1.2.0 is outside every affected range and version list',
    });
    expect(affectedBy(short, crate('0.1.5'))).toMatchObject({ affected: false });
    expect(affectedBy(short, crate('0.1.5')).indeterminate).toBeUndefined();
    const goShort = record([entry('Go', 'example.com/m', [{ introduced: 'v1.1' }, { fixed: 'v1.3' }], 'SEMVER')]);
    expect(
      affectedBy(goShort, { ecosystem: 'Go', name: 'example.com/m', version: 'v1.3.1' }).indeterminate,
    ).toBeUndefined();
    // Four components have no SemVer reading: still "could not compare", never "not affected".
    const four = record([entry('crates.io', 'time', [{ introduced: '0' }, { fixed: '1.2.3.4' }], 'SEMVER')]);
    expect(affectedBy(four, crate('2.0.0'))).toMatchObject({
      affected: false,
      indeterminate: true,
      reason: 'could not compare: range event(s) "1.2.3.4" are not valid semver versions',
    });
    // The installed version itself must still be valid SemVer.
    expect(affectedBy(short, crate('1.1')).indeterminate).toBe(true);
  });

  it('ignores GIT ranges for packages', () => {
    const git: OsvAffected = {
      package: { ecosystem: 'PyPI', name: 'pillow' },
      ranges: [{ type: 'GIT', repo: 'https://github.com/python-pillow/Pillow', events: [{ introduced: '0' }] }],
    };
    const res = affectedBy(record([git]), { ecosystem: 'PyPI', name: 'pillow', version: '1.0' });
    expect(res.affected).toBe(false);
    expect(res.indeterminate).toBeUndefined();
  });
});

describe('affectedBy: versions lists, withdrawn, unknown input', () => {
  it('matches the explicit versions list', () => {
    const listed: OsvAffected = { package: { ecosystem: 'PyPI', name: 'pyyaml' }, versions: ['5.3', '5.3.1'] };
    expect(affectedBy(record([listed]), { ecosystem: 'PyPI', name: 'PyYAML', version: '5.3.1' }).affected).toBe(true);
    expect(affectedBy(record([listed]), { ecosystem: 'PyPI', name: 'PyYAML', version: '5.3.0' }).affected).toBe(true);
    expect(affectedBy(record([listed]), { ecosystem: 'PyPI', name: 'PyYAML', version: '5.4' }).affected).toBe(false);
  });
  it('a versions-list match still offers the nearest fix from the ranges', () => {
    const both = entry('PyPI', 'flask', [{ introduced: '2.3.0' }, { fixed: '2.3.2' }], 'ECOSYSTEM', [
      '2.2.5',
      '2.3.0',
      '2.3.1',
    ]);
    expect(affectedBy(record([both]), { ecosystem: 'PyPI', name: 'flask', version: '2.2.5' })).toMatchObject({
      affected: true,
      fixed: ['2.3.2'],
    });
  });
  it('never matches a withdrawn record', () => {
    const w = record([entry('npm', 'lodash', [{ introduced: '0' }])], { withdrawn: '2024-02-01T00:00:00Z' });
    expect(affectedBy(w, npm('1.0.0'))).toEqual({
      affected: false,
      fixed: [],
      reason: 'TEST-2024-0001 was withdrawn on 2024-02-01T00:00:00Z',
    });
  });
  it('a withdrawn time still in the future does not withdraw the record yet', () => {
    const now = Date.parse('2024-06-01T00:00:00Z');
    const later = record([entry('npm', 'lodash', [{ introduced: '0' }])], { withdrawn: '2024-07-01T00:00:00Z' });
    expect(affectedBy(later, npm('1.0.0'), now).affected).toBe(true);
    expect(isWithdrawn(later, now)).toBe(false);
    expect(affectedBy(later, npm('1.0.0'), Date.parse('2024-07-01T00:00:00Z')).affected).toBe(false);
    const past = record([entry('npm', 'lodash', [{ introduced: '0' }])], { withdrawn: '2024-05-31T23:59:59Z' });
    expect(affectedBy(past, npm('1.0.0'), now).affected).toBe(false);
    // Not a timestamp: the publisher still withdrew it.
    const odd = record([entry('npm', 'lodash', [{ introduced: '0' }])], { withdrawn: 'yes' });
    expect(affectedBy(odd, npm('1.0.0'), now)).toMatchObject({
      affected: false,
      reason: 'TEST-2024-0001 was withdrawn on yes',
    });
  });
  it('reports "could not compare" instead of a silent "not affected"', () => {
    const r = record([entry('npm', 'lodash', [{ introduced: '0' }, { fixed: '4.17.21' }], 'SEMVER')]);
    const res = affectedBy(r, npm('garbage'));
    expect(res).toEqual({
      affected: false,
      fixed: [],
      indeterminate: true,
      reason: 'could not compare: "garbage" is not a valid semver version',
    });
    const unknown = record([entry('OSS-Fuzz', 'icu', [{ introduced: '0' }, { fixed: '2' }])]);
    expect(affectedBy(unknown, { ecosystem: 'OSS-Fuzz', name: 'icu', version: '1' })).toMatchObject({
      affected: false,
      indeterminate: true,
      reason: 'could not compare: no version ordering is known for ecosystem "OSS-Fuzz"',
    });
  });
  it('introduced "0" alone covers every version, even without a version order or a valid version', () => {
    const all = (ecosystem: string, version: string, events: OsvEvent[] = [{ introduced: '0' }]) =>
      affectedBy(record([entry(ecosystem, 'pkg', events)]), { ecosystem, name: 'pkg', version });
    expect(all('OSS-Fuzz', '1')).toEqual({
      affected: true,
      fixed: [],
      reason: 'every version is within the ECOSYSTEM range [introduced 0]',
      matched: [entry('OSS-Fuzz', 'pkg', [{ introduced: '0' }])],
    });
    expect(all('npm', 'not-a-version').affected).toBe(true);
    expect(all('npm', 'not-a-version', [{ introduced: '0' }, { limit: '*' }]).affected).toBe(true);
    // Anything that needs an order still does.
    expect(all('npm', 'not-a-version', [{ introduced: '0' }, { last_affected: '1.0.0' }])).toMatchObject({
      affected: false,
      indeterminate: true,
    });
    expect(all('npm', 'not-a-version', [{ introduced: '1.0.0' }]).indeterminate).toBe(true);
  });
  it('an invalid version can still match the versions list exactly', () => {
    const listed: OsvAffected = {
      package: { ecosystem: 'npm', name: 'lodash' },
      versions: ['garbage'],
      ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }],
    };
    expect(affectedBy(record([listed]), npm('garbage')).affected).toBe(true);
  });
  it('ignores database_specific and ecosystem_specific safely', () => {
    const e = entry('npm', 'lodash', [{ introduced: '0' }, { fixed: '2.0.0' }]);
    e.database_specific = { severity: 42, nested: { deep: [null] } };
    e.ecosystem_specific = { imports: [{ path: 'x' }] };
    expect(affectedBy(record([e]), npm('1.0.0')).affected).toBe(true);
  });
});

describe('package identity', () => {
  it('matches OSV ecosystem release suffixes', () => {
    expect(ecosystemMatches('Debian:12', 'Debian:12')).toBe(true);
    expect(ecosystemMatches('Debian:12', 'Debian:12.5')).toBe(true);
    expect(ecosystemMatches('Debian:11', 'Debian:12')).toBe(false);
    expect(ecosystemMatches('Debian', 'Debian:12')).toBe(true);
    expect(ecosystemMatches('Debian:12', 'Debian')).toBe(true);
    expect(ecosystemMatches('Alpine:v3.20', 'Alpine:3.20.3')).toBe(true);
    expect(ecosystemMatches('Alpine:v3.19', 'Alpine:v3.20')).toBe(false);
    expect(ecosystemMatches('Ubuntu:22.04:LTS', 'Ubuntu:22.04')).toBe(true);
    expect(ecosystemMatches('Ubuntu:Pro:22.04:LTS', 'Ubuntu:22.04:LTS')).toBe(false);
    expect(ecosystemMatches('AlmaLinux:9', 'AlmaLinux:9.4')).toBe(true);
    expect(ecosystemMatches('Maven', 'Maven:https://repo.maven.apache.org/maven2/')).toBe(true);
    expect(ecosystemMatches('Maven:https://maven.google.com', 'Maven')).toBe(false);
    expect(ecosystemMatches('npm', 'PyPI')).toBe(false);
  });
  it('normalises names where the ecosystem does', () => {
    expect(
      packageMatches(
        { ecosystem: 'PyPI', name: 'zope.interface' },
        { ecosystem: 'PyPI', name: 'Zope_Interface', version: '1' },
      ),
    ).toBe(true);
    expect(
      packageMatches({ ecosystem: 'npm', name: 'Lodash' }, { ecosystem: 'npm', name: 'lodash', version: '1' }),
    ).toBe(false);
    expect(
      packageMatches(
        { ecosystem: 'Maven', name: 'g:a', purl: 'pkg:maven/org.example/lib' },
        { ecosystem: 'Maven', name: 'other', version: '1', purl: 'pkg:maven/org.example/lib@1.0?type=jar' },
      ),
    ).toBe(true);
    expect(purlIdentity('pkg:NPM/%40scope/name@1.0.0#sub')).toBe('npm/%40scope/name');
  });
  it('an affected package with a purl but no name is schema-invalid: dropped, never matched, never thrown on', () => {
    const read = readOsvRecord({
      id: 'PURL-1',
      modified: '2024-01-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'npm', purl: 'pkg:npm/left-pad' }, versions: ['1.0.0'] }],
    });
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.record.affected).toEqual([{ versions: ['1.0.0'] }]);
    const query = { ecosystem: 'npm', name: 'left-pad', version: '1.0.0', purl: 'pkg:npm/left-pad@1.0.0' };
    expect(affectedBy(read.record, query)).toEqual({
      affected: false,
      fixed: [],
      reason: 'PURL-1 has no affected entry for this package',
    });
  });
  it('applies Debian:12 records to Debian 12 packages only', () => {
    const r = record([
      entry('Debian:11', 'openssl', [{ introduced: '0' }, { fixed: '1.1.1w-0+deb11u1' }]),
      entry('Debian:12', 'openssl', [{ introduced: '0' }, { fixed: '3.0.11-1~deb12u1' }]),
    ]);
    expect(affectedBy(r, { ecosystem: 'Debian:12', name: 'openssl', version: '3.0.9-1' })).toMatchObject({
      affected: true,
      fixed: ['3.0.11-1~deb12u1'],
    });
    expect(affectedBy(r, { ecosystem: 'Debian:12', name: 'openssl', version: '3.0.11-1~deb12u1' }).affected).toBe(
      false,
    );
    expect(affectedBy(r, { ecosystem: 'Debian:11', name: 'openssl', version: '1.1.1w-0+deb11u1' }).affected).toBe(
      false,
    );
  });
});

describe('readOsvRecord', () => {
  it('requires id and modified and drops malformed parts', () => {
    expect(readOsvRecord(null)).toEqual({ ok: false, error: 'OSV record is not a JSON object' });
    expect(readOsvRecord({ id: 'X' })).toEqual({ ok: false, error: 'OSV record X has no "modified" timestamp' });
    const res = readOsvRecord({
      id: 'X-1',
      modified: '2024-01-01T00:00:00Z',
      affected: [
        'junk',
        {
          package: { ecosystem: 'npm', name: 'a' },
          ranges: [{ type: 'SEMVER', events: [{ introduced: '0', fixed: '1' }, { fixed: '2' }, 7] }],
        },
      ],
    });
    expect(res.ok && res.record.affected).toEqual([
      { package: { ecosystem: 'npm', name: 'a' }, ranges: [{ type: 'SEMVER', events: [{ fixed: '2' }] }] },
    ]);
  });
});

describe('ecosystem-specific version handling in ranges', () => {
  it('matches Go modules with a v prefix and the stdlib with go1.x versions against SEMVER ranges', () => {
    const r = record([
      entry(
        'Go',
        'stdlib',
        [{ introduced: '0' }, { fixed: '1.20.12' }, { introduced: '1.21.0-0' }, { fixed: '1.21.5' }],
        'SEMVER',
      ),
      entry('Go', 'golang.org/x/net', [{ introduced: '0' }, { fixed: '0.17.0' }], 'SEMVER'),
    ]);
    expect(affectedBy(r, { ecosystem: 'Go', name: 'stdlib', version: 'go1.21.3' })).toMatchObject({
      affected: true,
      fixed: ['1.21.5'],
    });
    expect(affectedBy(r, { ecosystem: 'Go', name: 'stdlib', version: 'go1.21rc2' })).toMatchObject({
      affected: true,
      fixed: ['1.21.5'],
    });
    expect(affectedBy(r, { ecosystem: 'Go', name: 'stdlib', version: 'go1.20.12' }).affected).toBe(false);
    expect(
      affectedBy(r, { ecosystem: 'Go', name: 'golang.org/x/net', version: 'v0.0.0-20220722155237-a158d28d115b' }),
    ).toMatchObject({
      affected: true,
      fixed: ['0.17.0'],
    });
    expect(affectedBy(r, { ecosystem: 'Go', name: 'golang.org/x/net', version: 'v0.17.0' }).affected).toBe(false);
  });
  it('uses apk order for Alpine:v3.x records', () => {
    const r = record([entry('Alpine:v3.20', 'openssl', [{ introduced: '0' }, { fixed: '3.3.2-r0' }])]);
    const q = (version: string): PackageQuery => ({ ecosystem: 'Alpine:v3.20', name: 'openssl', version });
    expect(affectedBy(r, q('3.3.1-r3'))).toMatchObject({ affected: true, fixed: ['3.3.2-r0'] });
    expect(affectedBy(r, q('3.3.2_rc1-r0')).affected).toBe(true);
    expect(affectedBy(r, q('3.3.2-r0')).affected).toBe(false);
    expect(affectedBy(r, q('3.3.2-r1')).affected).toBe(false);
  });
  it('uses rpm order with epochs for AlmaLinux records', () => {
    const r = record([entry('AlmaLinux:9', 'openssl', [{ introduced: '0' }, { fixed: '1:3.0.7-25.el9_3' }])]);
    const q = (version: string): PackageQuery => ({ ecosystem: 'AlmaLinux:9', name: 'openssl', version });
    expect(affectedBy(r, q('1:3.0.7-24.el9')).affected).toBe(true);
    expect(affectedBy(r, q('3.0.7-27.el9')).affected).toBe(true);
    expect(affectedBy(r, q('1:3.0.7-25.el9_3')).affected).toBe(false);
  });
});
