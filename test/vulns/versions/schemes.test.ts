import { describe, expect, it } from 'vitest';
import { compareApk, isValidApk, parseApk } from '../../../src/vulns/versions/apk.js';
import { compareApk2, isValidApk2 } from '../../../src/vulns/versions/apk2.js';
import { compareDpkg, isValidDpkg, parseDpkg } from '../../../src/vulns/versions/dpkg.js';
import {
  compareVersions,
  isValidVersion,
  schemeForEcosystem,
  tryCompareVersions,
} from '../../../src/vulns/versions/index.js';
import { compareMaven } from '../../../src/vulns/versions/maven.js';
import { compareNuGet, isValidNuGet } from '../../../src/vulns/versions/nuget.js';
import { canonicalize, comparePackagist } from '../../../src/vulns/versions/packagist.js';
import { comparePep440, isValidPep440, parsePep440 } from '../../../src/vulns/versions/pep440.js';
import { comparePub } from '../../../src/vulns/versions/pub.js';
import { compareRpm, isValidRpm, parseRpm } from '../../../src/vulns/versions/rpm.js';
import { compareRubyGems, isValidRubyGems } from '../../../src/vulns/versions/rubygems.js';
import {
  compareGo,
  compareSemver,
  goToolchainToSemver,
  isSemverBound,
  isValidGo,
  isValidSemver,
} from '../../../src/vulns/versions/semver.js';

type Compare = (a: string, b: string) => number;

/** Asserts `a op b` in both directions, so every case also checks antisymmetry. */
function order(compare: Compare, cases: [string, '<' | '=' | '>', string][]): void {
  for (const [a, op, b] of cases) {
    const want = op === '<' ? -1 : op === '>' ? 1 : 0;
    expect(compare(a, b), `${a} ${op} ${b}`).toBe(want);
    expect(compare(b, a), `${b} reversed ${a}`).toBe(want === 0 ? 0 : -want);
  }
}

describe('dpkg (deb-version(7), verrevcmp)', () => {
  it('orders epochs before everything', () => {
    order(compareDpkg, [
      ['1:1.0', '>', '9.9'],
      ['0:1.0', '=', '1.0'],
      ['2:0.1', '>', '1:9.9'],
    ]);
  });
  it('sorts ~ before everything, even the end of the string', () => {
    order(compareDpkg, [
      ['1.0~rc1', '<', '1.0'],
      ['1.0~~', '<', '1.0~'],
      ['1.0~~a', '<', '1.0~'],
      ['1.0~', '<', '1.0'],
      ['1.0', '<', '1.0a'],
    ]);
  });
  it('sorts letters before non-letters and compares digits numerically', () => {
    order(compareDpkg, [
      ['1.0a', '<', '1.0+'],
      ['1.0+', '<', '1.0.'],
      ['1.10', '>', '1.9'],
      ['1.010', '=', '1.10'],
    ]);
  });
  it('splits the revision at the last hyphen; a missing revision equals 0', () => {
    order(compareDpkg, [
      ['1.2-3-4', '>', '1.2-3-3'],
      ['1.2-3', '>', '1.2-2ubuntu1'],
      ['2.36-9+deb12u4', '<', '2.36-9+deb12u7'],
      ['1.0', '=', '1.0-0'],
    ]);
  });
  it('validates like dpkg parseversion errors', () => {
    expect(isValidDpkg('1:2.3-4')).toBe(true);
    expect(isValidDpkg('2.36-9+deb12u4')).toBe(true);
    expect(isValidDpkg('')).toBe(false);
    expect(isValidDpkg('a:1.0')).toBe(false);
    expect(isValidDpkg('1:')).toBe(false);
    expect(isValidDpkg('1.0-')).toBe(false);
    expect(isValidDpkg('1.0 beta')).toBe(false);
    expect(isValidDpkg('1.2.3-not-a-debian:version!@#$')).toBe(false);
  });
});

describe('apk (apk-tools 3 version.c)', () => {
  it('orders pre-release suffixes before and post-release suffixes after the bare version', () => {
    order(compareApk, [
      ['1.2_alpha', '<', '1.2_beta'],
      ['1.2_beta', '<', '1.2_pre'],
      ['1.2_pre', '<', '1.2_rc'],
      ['1.2_rc', '<', '1.2'],
      ['1.2', '<', '1.2_cvs'],
      ['1.2_cvs', '<', '1.2_svn'],
      ['1.2_svn', '<', '1.2_git'],
      ['1.2_git', '<', '1.2_hg'],
      ['1.2_hg', '<', '1.2_p'],
      ['9.6_p1-r0', '<', '9.6_p1-r1'],
      ['1.2_rc1', '<', '1.2_rc2'],
    ]);
  });
  it('compares -rN revisions numerically and ~hash by string', () => {
    order(compareApk, [
      ['1.0-r9', '<', '1.0-r10'],
      ['1-r1', '=', '1-r01'],
      ['1.0~1234-r1', '>', '1.0~1234-r0'],
      ['1.0~1234', '<', '1.0~2345'],
      ['1.0', '<', '1.0-r0'],
    ]);
  });
  it('uses a string comparison for components with a leading zero', () => {
    order(compareApk, [
      ['1.05', '<', '1.1'],
      ['1.01', '>', '1.001'],
    ]);
  });
  it('detects invalid versions', () => {
    for (const v of ['1.0', '1.0a', '1.0_alpha1_p2', '1.0~abc-r3', '0.1_pre2~1234abcd'])
      expect(isValidApk(v), v).toBe(true);
    for (const v of ['', '1.0bc', '0.1a1', '0.1_foobar', '1.0-r', '0.1-r2_pre1', '0.1_pre2~1234xbcd', 'a', '.1'])
      expect(isValidApk(v), v).toBe(false);
  });
  it('apk-tools 2.10 still accepts and orders a letter followed by digits', () => {
    expect(isValidApk('5.7.1p1-r0')).toBe(false);
    expect(isValidApk2('5.7.1p1-r0')).toBe(true);
    expect(compareApk2('5.7.1p1-r0', '5.7.1p1-r1')).toBe(-1);
    expect(compareVersions('Alpine:v3.20', '5.7.1p1-r0', '5.7.1p1-r1')).toBe(-1);
    expect(compareVersions('Wolfi', '1.2.3-r4', '1.2.3-r10')).toBe(-1);
  });
});

describe('rpm (rpmvercmp)', () => {
  it('handles epochs, releases, ~ and ^', () => {
    order(compareRpm, [
      ['1:1.0-1', '>', '2.0-1'],
      ['0:1.0-1', '=', '1.0-1'],
      ['1.0~rc1', '<', '1.0'],
      ['1.0~rc1', '<', '1.0~rc2'],
      ['1.0^git1', '>', '1.0'],
      ['1.0^git1', '<', '1.0.1'],
      ['1.0^', '>', '1.0'],
      ['1.0~rc1^git1', '>', '1.0~rc1'],
      ['2.17-326.el7_9', '<', '2.17-326.el7_9.3'],
      ['1', '<', '1-0'],
    ]);
  });
  it('ranks digit runs above letter runs and ignores separators', () => {
    order(compareRpm, [
      ['1.0a', '<', '1.0.1'],
      ['1.a', '<', '1.1'],
      ['1_0', '=', '1.0'],
      ['1.01', '=', '1.1'],
    ]);
  });
  it('rejects empty versions', () => {
    expect(isValidRpm('1:2.3-4.el9')).toBe(true);
    expect(isValidRpm('')).toBe(false);
    expect(isValidRpm('1:-4')).toBe(false);
  });
});

describe('SemVer 2.0 and Go', () => {
  it('accepts range bounds of one to three components and orders them with missing parts as 0', () => {
    for (const v of ['1', '1.2', 'v1.2', '1.2.3', '1.2-rc.1', '1.2+build', '01.2.3'])
      expect(isSemverBound(v)).toBe(true);
    for (const v of ['', 'v', '1.2.3.4', '1..2', '1.2.', 'a.b', '1.2-', '1.2+', '1.2-01'])
      expect(isSemverBound(v)).toBe(false);
    order(compareSemver, [
      ['1.2', '=', '1.2.0'],
      ['1', '=', '1.0.0'],
      ['1.2-rc.1', '<', '1.2.0'],
      ['1.2', '<', '1.2.1'],
      ['01.2.3', '=', '1.2.3'],
    ]);
  });
  it('follows semver.org §11 precedence and ignores build metadata', () => {
    order(compareSemver, [
      ['1.0.0-alpha', '<', '1.0.0-alpha.1'],
      ['1.0.0-alpha.1', '<', '1.0.0-alpha.beta'],
      ['1.0.0-beta.2', '<', '1.0.0-beta.11'],
      ['1.0.0-rc.1', '<', '1.0.0'],
      ['1.0.0+build.1', '=', '1.0.0+build.2'],
      ['v1.2.3', '=', '1.2.3'],
    ]);
  });
  it('orders Go pseudo-versions and +incompatible', () => {
    order(compareGo, [
      ['v0.0.0-20191109021931-daa7c04131f5', '<', 'v0.0.1'],
      ['v0.0.0-20191109021931-daa7c04131f5', '>', 'v0.0.0-20190101000000-aaaaaaaaaaaa'],
      ['v1.2.4-0.20191109021931-daa7c04131f5', '<', 'v1.2.4'],
      ['v1.2.4-0.20191109021931-daa7c04131f5', '>', 'v1.2.3'],
      ['v2.0.0+incompatible', '=', 'v2.0.0'],
    ]);
    expect(isValidGo('v0.0.0-20191109021931-daa7c04131f5')).toBe(true);
    expect(isValidGo('v2.3.4+incompatible')).toBe(true);
  });
  it('converts Go toolchain versions for the stdlib package', () => {
    expect(goToolchainToSemver('go1.21.3')).toBe('1.21.3');
    expect(goToolchainToSemver('go1.21')).toBe('1.21.0');
    expect(goToolchainToSemver('1.21rc1')).toBe('1.21.0-rc.1');
    expect(goToolchainToSemver('go1.19beta2')).toBe('1.19.0-beta.2');
    order(compareGo, [
      ['go1.21rc1', '<', '1.21.0'],
      ['go1.21.3', '=', '1.21.3'],
      ['go1.20.14', '<', '1.21.0-0'],
    ]);
  });
  it('validates strict SemVer', () => {
    expect(isValidSemver('1.2.3-rc.1+build')).toBe(true);
    expect(isValidSemver('1.2')).toBe(false);
    expect(isValidSemver('01.2.3')).toBe(false);
    expect(isValidSemver('1.2.3-01')).toBe(false);
  });
});

describe('PEP 440', () => {
  it('orders epochs, pre, post, dev and local segments', () => {
    order(comparePep440, [
      ['1!0.1', '>', '2.0'],
      ['1.0.dev1', '<', '1.0a1'],
      ['1.0a1', '<', '1.0b1'],
      ['1.0b1', '<', '1.0rc1'],
      ['1.0rc1', '<', '1.0'],
      ['1.0', '<', '1.0.post1'],
      ['1.0.post1.dev1', '<', '1.0.post1'],
      ['1.0', '<', '1.0+local'],
      ['1.0+abc', '<', '1.0+1'],
      ['1.0+1.2', '>', '1.0+1'],
      ['1.0', '=', '1.0.0'],
      ['1.0.0', '=', 'v1.0'],
      ['1.0alpha1', '=', '1.0a1'],
      ['1.0c1', '=', '1.0rc1'],
      ['1.0-1', '=', '1.0.post1'],
      ['1.0.PoSt1', '=', '1.0post1'],
    ]);
  });
  it('orders non-PEP 440 (legacy) versions before all valid ones and reports them invalid', () => {
    expect(isValidPep440('2019.12.304')).toBe(true);
    expect(isValidPep440('0.1-bulbasaur')).toBe(false);
    order(comparePep440, [
      ['0.1-bulbasaur', '<', '0.0.1'],
      ['0.1-bulbasaur', '<', '0.1-charmander'],
    ]);
  });
});

describe('Maven ComparableVersion', () => {
  it('orders qualifiers alpha < beta < milestone < rc = cr < snapshot < "" = ga = final < sp', () => {
    order(compareMaven, [
      ['1-alpha', '<', '1-beta'],
      ['1-beta', '<', '1-milestone'],
      ['1-milestone', '<', '1-rc'],
      ['1-rc', '=', '1-cr'],
      ['1-rc', '<', '1-snapshot'],
      ['1-snapshot', '<', '1'],
      ['1', '=', '1-ga'],
      ['1', '=', '1.final'],
      ['1', '<', '1-sp'],
      ['1-sp', '<', '1-foo'],
      ['1a1', '=', '1-alpha-1'],
      ['1.0.0', '=', '1'],
      ['2.0.1', '<', '2.0.1-123'],
      ['1.0-SNAPSHOT', '<', '1.0'],
      ['4.1.0.RELEASE', '=', '4.1.0'],
    ]);
  });
});

describe('RubyGems, NuGet, Packagist, Pub', () => {
  it('RubyGems: prerelease letters before numbers, - means .pre.', () => {
    order(compareRubyGems, [
      ['1.0.a', '<', '1.0'],
      ['1.0.0', '=', '1'],
      ['1.0.b1', '>', '1.0.a2'],
      ['1.0-1', '<', '1.0'],
      ['2.0.0.rc1', '<', '2.0.0'],
    ]);
    expect(isValidRubyGems('1.2.3.pre')).toBe(true);
    expect(isValidRubyGems('1..2')).toBe(false);
  });
  it('NuGet: four parts and case-insensitive labels', () => {
    order(compareNuGet, [
      ['1.0.0.1', '>', '1.0.0'],
      ['1.0.0-BETA', '=', '1.0.0-beta'],
      ['1.0.01', '=', '1.0.1.0'],
      ['1.0.0-beta+meta', '=', '1.0.0-beta'],
    ]);
    expect(isValidNuGet('1.2.3.4-rc.1')).toBe(true);
    expect(isValidNuGet('1.2.3.4.5')).toBe(false);
  });
  it('Packagist: version_compare special forms and the v prefix', () => {
    order(comparePackagist, [
      ['1.0-dev', '<', '1.0a1'],
      ['1.0a1', '<', '1.0b1'],
      ['1.0b1', '<', '1.0RC1'],
      ['1.0RC1', '<', '1.0'],
      ['1.0', '<', '1.0pl1'],
      ['v1.2.3', '=', '1.2.3'],
      ['dev-main', '<', '1.0.0'],
    ]);
  });
  it('Pub: build metadata orders after the plain version', () => {
    order(comparePub, [
      ['1.0.0+1', '>', '1.0.0'],
      ['1.0.0+2', '>', '1.0.0+1'],
      ['1.0.0-dev', '<', '1.0.0'],
    ]);
  });
});

describe('ecosystem dispatch and unknown input', () => {
  it('maps OSV ecosystem spellings, including release suffixes', () => {
    expect(schemeForEcosystem('Debian:12')?.id).toBe('dpkg');
    expect(schemeForEcosystem('Ubuntu:22.04:LTS')?.id).toBe('dpkg');
    expect(schemeForEcosystem('Alpine:v3.20')?.id).toBe('apk');
    expect(schemeForEcosystem('Chainguard')?.id).toBe('apk');
    expect(schemeForEcosystem('AlmaLinux:9')?.id).toBe('rpm');
    expect(schemeForEcosystem('Rocky Linux:9')?.id).toBe('rpm');
    expect(schemeForEcosystem('Red Hat:enterprise_linux:9::appstream')?.id).toBe('rpm');
    expect(schemeForEcosystem('openSUSE:Tumbleweed')?.id).toBe('rpm');
    expect(schemeForEcosystem('SUSE:Linux Enterprise Server 15 SP5')?.id).toBe('rpm');
    expect(schemeForEcosystem('Maven:https://maven.google.com')?.id).toBe('maven');
    expect(schemeForEcosystem('Root:Alpine:3.18')?.id).toBe('apk');
    expect(schemeForEcosystem('crates.io')?.id).toBe('semver');
    expect(schemeForEcosystem('Go')?.id).toBe('go');
    expect(schemeForEcosystem('OSS-Fuzz')).toBeUndefined();
  });
  it('never throws, and says when it cannot compare', () => {
    expect(compareVersions('OSS-Fuzz', 'abc', 'abd')).toBe(-1);
    expect(compareVersions('OSS-Fuzz', 'v2', 'v10')).toBe(-1);
    expect(tryCompareVersions('OSS-Fuzz', '1', '2')).toEqual({
      ok: false,
      reason: 'no version ordering is known for ecosystem "OSS-Fuzz"',
    });
    expect(tryCompareVersions('npm', 'not-a-version', '1.0.0')).toEqual({
      ok: false,
      reason: '"not-a-version" is not a valid semver version',
    });
    expect(tryCompareVersions('npm', '1.0.0', '1.0.1')).toEqual({ ok: true, result: -1 });
    expect(isValidVersion('Nope', '1.0')).toBe(false);
    const hostile = `${'9'.repeat(10_000)}.${'~'.repeat(5_000)}`;
    for (const eco of [
      'Debian',
      'Alpine',
      'Red Hat',
      'npm',
      'PyPI',
      'Maven',
      'RubyGems',
      'NuGet',
      'Packagist',
      'Pub',
      'CRAN',
    ]) {
      expect(() => compareVersions(eco, hostile, '1.0')).not.toThrow();
      expect(isValidVersion(eco, hostile)).toBe(false);
    }
  });
});

describe('parsers', () => {
  it('exposes the apk token stream', () => {
    expect(parseApk('1.2a_rc3~ab-r4')).toEqual([
      { kind: 'digit', value: '1' },
      { kind: 'digit', value: '2' },
      { kind: 'letter', value: 'a' },
      { kind: 'suffix', value: 'rc' },
      { kind: 'suffix-number', value: '3' },
      { kind: 'commit-hash', value: 'ab' },
      { kind: 'revision', value: '4' },
      { kind: 'end', value: '' },
    ]);
    expect(parseApk('1.0bc').at(-1)).toEqual({ kind: 'invalid', value: '' });
  });
  it('splits dpkg, rpm and PEP 440 versions into their parts', () => {
    expect(parseDpkg('1:2.3-4-5')).toEqual({ epoch: '1', upstream: '2.3-4', revision: '5' });
    expect(parseRpm('2:1.0-3.el9')).toEqual({ epoch: '2', version: '1.0', release: '3.el9' });
    expect(parsePep440('1!2.0rc1.post2.dev3+ubuntu.1')).toEqual({
      epoch: '1',
      release: ['2', '0'],
      pre: { letter: 'rc', number: '1' },
      post: '2',
      dev: '3',
      local: ['ubuntu', '1'],
    });
    expect(canonicalize('1.0rc1-dev')).toBe('1.0.rc.1.dev');
  });
});
