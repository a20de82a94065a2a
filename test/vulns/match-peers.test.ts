import { describe, expect, it } from 'vitest';
import { affectedBy, type PackageQuery } from '../../src/vulns/match.js';
import type { OsvAffected, OsvEvent, OsvRecord } from '../../src/vulns/osv.js';

/**
 * Cases that osv-scanner's own matcher tests exercise (internal/utility/vulns), rebuilt with records of
 * our own: several affected entries for one package, unsorted events mixing `fixed` and `last_affected`,
 * one-component bounds, Go pseudo-versions next to `fixed: "0"`, and `versions`-only entries.
 */
const pkg = (version: string, ecosystem = 'npm'): PackageQuery => ({ ecosystem, name: 'left-pad', version });
const part = (events: OsvEvent[], type = 'SEMVER', ecosystem = 'npm'): OsvAffected => ({
  package: { ecosystem, name: 'left-pad' },
  ranges: [{ type, events }],
});
const rec = (...affected: OsvAffected[]): OsvRecord => ({ id: 'PEER-1', modified: '2024-01-01T00:00:00Z', affected });

function expectAffected(record: OsvRecord, yes: string[], no: string[], ecosystem = 'npm'): void {
  for (const v of yes) expect(affectedBy(record, pkg(v, ecosystem)), v).toMatchObject({ affected: true });
  for (const v of no) {
    const r = affectedBy(record, pkg(v, ecosystem));
    expect(r, v).toMatchObject({ affected: false });
    expect(r.indeterminate, v).toBeUndefined();
  }
}

describe('osv-scanner matcher cases', () => {
  it('three entries: two fixed lines and a last_affected line', () => {
    const r = rec(
      part([{ introduced: '0' }, { fixed: '1' }]),
      part([{ introduced: '2.2.0' }, { fixed: '3.4.0' }]),
      part([{ introduced: '3.6.0' }, { last_affected: '3.8.0' }]),
    );
    expectAffected(
      r,
      ['0.0.0', '0.9.9', '1.0.0-rc.1', '2.2.0', '3.0.0-beta', '3.6.1', '3.8.0'],
      ['1.0.0', '2.1.9', '3.4.0', '3.5.0', '3.8.1', '9.0.0'],
    );
    expect(affectedBy(r, pkg('0.5.0')).fixed).toEqual(['1']);
    expect(affectedBy(r, pkg('3.7.0')).fixed).toEqual([]);
  });
  it('one range with unsorted introduced, fixed and last_affected events', () => {
    const r = rec(part([{ last_affected: '4.1.9' }, { introduced: '2.5.0' }, { fixed: '1' }, { introduced: '0' }]));
    expectAffected(r, ['0.1.0', '2.5.0', '4.1.9', '4.0.0-rc.2'], ['1.0.0', '2.4.9', '4.2.0']);
  });
  it('Go pseudo-versions around zero: fixed "0" ends a range introduced at a pseudo-version', () => {
    const r = rec(
      part([{ fixed: '0.0.0-20230101000000-aaaaaaaaaaaa' }, { introduced: '0' }], 'SEMVER', 'Go'),
      part([{ introduced: '0.0.0-20190101000000-bbbbbbbbbbbb' }, { fixed: '0' }], 'SEMVER', 'Go'),
    );
    expectAffected(
      r,
      ['v0.0.0-20190101000000-bbbbbbbbbbbb', 'v0.0.0-20221231000000-cccccccccccc'],
      ['v0.0.0', 'v0.3.0', 'v1.0.0'],
      'Go',
    );
  });
  it('a versions-only entry matches exactly those versions', () => {
    const r = rec({ package: { ecosystem: 'npm', name: 'left-pad' }, versions: ['1.3.0'] });
    expectAffected(r, ['1.3.0'], ['1.2.9', '1.3.0-beta.1', '1.3.1']);
  });
  it('an empty installed version is "could not compare", where osv-scanner assumes affected', () => {
    const r = rec(part([{ introduced: '0' }, { fixed: '1.0.0' }]));
    expect(affectedBy(r, pkg(''))).toMatchObject({ affected: false, indeterminate: true });
  });
});
