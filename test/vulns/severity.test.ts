import { describe, expect, it } from 'vitest';
import { cvss2BaseScore, cvss3BaseScore, ratingFromScore, roundUp } from '../../src/vulns/cvss.js';
import { cvss4Score } from '../../src/vulns/cvss4.js';
import type { OsvRecord } from '../../src/vulns/osv.js';
import { assessSeverity } from '../../src/vulns/severity.js';

describe('CVSS v3.x base score (FIRST v3.1 §7.1)', () => {
  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 9.8],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:N/A:N', 6.8],
    ['CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', 7.8],
    ['CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
    ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', 9.9],
    ['CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N', 1.6],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10],
  ])('%s = %d', (vector, score) => {
    expect(cvss3BaseScore(vector)).toBe(score);
  });
  it('rejects malformed vectors', () => {
    expect(cvss3BaseScore('CVSS:3.1/AV:N')).toBeUndefined();
    expect(cvss3BaseScore('CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBeUndefined();
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBeUndefined();
    expect(cvss3BaseScore('AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBeUndefined();
    expect(cvss3BaseScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toBeUndefined();
  });
  it('rounds up as the v3.1 Roundup function', () => {
    expect(roundUp(4.02)).toBe(4.1);
    expect(roundUp(4.0)).toBe(4.0);
    expect(roundUp(4.000001)).toBe(4.0);
  });
  it('maps scores to the qualitative scale', () => {
    expect([0, 0.1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(ratingFromScore)).toEqual([
      'none',
      'low',
      'low',
      'medium',
      'medium',
      'high',
      'high',
      'critical',
      'critical',
    ]);
  });
});

describe('CVSS v2 base score', () => {
  it('computes the v2 equations', () => {
    expect(cvss2BaseScore('AV:N/AC:L/Au:N/C:P/I:P/A:P')).toBe(7.5);
    expect(cvss2BaseScore('AV:N/AC:M/Au:N/C:N/I:P/A:N')).toBe(4.3);
    expect(cvss2BaseScore('AV:N/AC:L/Au:N/C:C/I:C/A:C')).toBe(10);
    expect(cvss2BaseScore('AV:N/AC:L/Au:N/C:N/I:N/A:N')).toBe(0);
    expect(cvss2BaseScore('AV:N/AC:L')).toBeUndefined();
  });
});

const base = { id: 'GHSA-xxxx-xxxx-xxxx', modified: '2024-01-01T00:00:00Z' };

describe('assessSeverity', () => {
  it('MAL- records are critical whatever they say', () => {
    expect(assessSeverity({ ...base, id: 'MAL-2024-1234', database_specific: { severity: 'LOW' } })).toEqual({
      severity: 'critical',
      source: 'MAL (malicious package)',
    });
  });
  it('prefers the matched entry vector, then the record vector', () => {
    const record: OsvRecord = {
      ...base,
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
      affected: [{ severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H' }] }],
    };
    expect(assessSeverity(record, record.affected)).toEqual({ severity: 'high', source: 'CVSS_V3 7.8', score: 7.8 });
    expect(assessSeverity(record)).toEqual({ severity: 'critical', source: 'CVSS_V3 9.8', score: 9.8 });
  });
  it('takes the highest of several vectors of one version, whatever their order', () => {
    const low = { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N' }; // 3.7
    const critical = { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }; // 9.8
    const expected = { severity: 'critical', source: 'CVSS_V3 9.8', score: 9.8 };
    expect(assessSeverity({ ...base, severity: [low, critical] })).toEqual(expected);
    expect(assessSeverity({ ...base, severity: [critical, low] })).toEqual(expected);
    const entries = [{ severity: [low] }, { severity: [critical] }];
    expect(assessSeverity({ ...base, affected: entries }, entries)).toEqual(expected);
    const v2 = [
      { type: 'CVSS_V2', score: 'AV:N/AC:H/Au:N/C:P/I:N/A:N' }, // 2.6
      { type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:C/I:C/A:C' }, // 10.0
    ];
    expect(assessSeverity({ ...base, severity: v2 })).toEqual({ severity: 'high', source: 'CVSS_V2 10.0', score: 10 });
  });
  it('falls back to CVSS v2, Ubuntu priority and database_specific severity strings', () => {
    expect(
      assessSeverity({ ...base, severity: [{ type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:C/I:C/A:C' }] }).severity,
    ).toBe('high');
    expect(assessSeverity({ ...base, severity: [{ type: 'Ubuntu', score: 'medium' }] })).toEqual({
      severity: 'medium',
      source: 'Ubuntu priority medium',
    });
    expect(assessSeverity({ ...base, database_specific: { severity: 'MODERATE' } }).severity).toBe('medium');
    expect(assessSeverity({ ...base, database_specific: { severity: 'CRITICAL' } }).severity).toBe('critical');
    expect(
      assessSeverity({ ...base, affected: [{ database_specific: { severity: 'unimportant' } }] }, [
        { database_specific: { severity: 'unimportant' } },
      ]).severity,
    ).toBe('info');
  });
  it('is unknown (ranked medium, flagged) when nothing usable is present', () => {
    expect(
      assessSeverity({
        ...base,
        severity: [{ type: 'CVSS_V3', score: 'garbage' }],
        database_specific: { severity: 7 },
      }),
    ).toEqual({
      severity: 'medium',
      source: 'unknown',
      unknown: true,
    });
  });
});

describe('CVSS v4.0 score (MacroVector lookup and severity distance)', () => {
  it.each([
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 9.3],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H', 10],
    ['CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 8.5],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N', 5.1],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N', 0],
  ])('%s = %d', (vector, score) => {
    expect(cvss4Score(vector)).toBe(score);
  });
  it('rejects malformed vectors', () => {
    expect(cvss4Score('CVSS:4.0/AV:N/AC:L')).toBeUndefined();
    expect(cvss4Score('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBeUndefined();
    expect(cvss4Score('CVSS:4.0/AV:Q/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toBeUndefined();
  });
  it('is used when a record has only a v4 vector', () => {
    const record: OsvRecord = {
      ...base,
      severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' }],
      database_specific: { severity: 'LOW' },
    };
    expect(assessSeverity(record)).toEqual({ severity: 'critical', source: 'CVSS_V4 9.3', score: 9.3 });
  });
});

describe('Debian urgency', () => {
  it('rates a Debian record without CVSS by its urgency, and says so', () => {
    const record = {
      id: 'DEBIAN-CVE-2024-0001',
      modified: '2024-01-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'Debian:12', name: 'x' }, ecosystem_specific: { urgency: 'high' } }],
    };
    const a = assessSeverity(record, record.affected);
    expect(a).toMatchObject({ severity: 'high', source: 'Debian urgency high' });
    const low = { ...record, affected: [{ ...record.affected[0], ecosystem_specific: { urgency: 'unimportant' } }] };
    expect(assessSeverity(low as never, low.affected as never).severity).toBe('info');
  });
});
