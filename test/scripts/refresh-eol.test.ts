import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  compareCycles,
  formatReport,
  mapProduct,
  productSlug,
  refreshTable,
  serializeTable,
  type Table,
  type TableProduct,
} from '../../scripts/refresh-eol.mjs';

/** A ProductCycle as the API v1 OpenAPI description (api_v1/openapi.yml) defines it. */
function apiCycle(name: string, fields: Record<string, unknown>) {
  return {
    name,
    codename: null,
    label: name,
    date: '2020-01-01',
    isLts: false,
    ltsFrom: null,
    isActiveSupportOver: true,
    activeSupportUntil: null,
    isEol: false,
    eolFrom: null,
    isDiscontinued: null,
    discontinuedFrom: null,
    isExtendedSupportOver: null,
    extendedSupportUntil: null,
    isMaintained: true,
    latest: { name: `${name}.0`, date: '2020-01-01', link: null },
    ...fields,
  };
}

/** A ProductResponse (GET /api/v1/products/{product}/). */
function apiProduct(name: string, cycles: object[]) {
  return {
    schema_version: '1.0.0',
    generated_at: '2026-11-28T00:00:00+00:00',
    last_modified: '2026-11-20T10:00:00+00:00',
    auto: true,
    result: { name, label: name, aliases: [], category: 'os', tags: [], identifiers: [], cycles },
  };
}

const product = (slug: string, field: TableProduct['field'], cycles: TableProduct['cycles']): TableProduct => ({
  name: slug,
  source: `https://endoflife.date/${slug}`,
  field,
  verified: 'by hand',
  cycles,
});

describe('refresh-eol mapping', () => {
  it('keeps eolFrom dates, isEol booleans, and reports added, changed and kept cycles', () => {
    const response = apiProduct('ubuntu', [
      apiCycle('26.04', {
        isEol: false,
        eolFrom: '2031-04-30',
        isExtendedSupportOver: false,
        extendedSupportUntil: '2036-04-30',
      }),
      apiCycle('22.04', { isEol: false, eolFrom: '2027-04-01' }),
      apiCycle('6.06', { isEol: true, eolFrom: null }),
      apiCycle('5.10', { isEol: null, eolFrom: null }),
    ]);
    const before = product('ubuntu', 'eol', { '22.04': '2027-06-01', '12.04': '2017-04-28' });
    const { product: after, changes } = mapProduct('ubuntu', before, response, '2026-11-28');
    expect(after.cycles).toEqual({ '6.06': true, '12.04': '2017-04-28', '22.04': '2027-04-01', '26.04': '2031-04-30' });
    expect(Object.keys(after.cycles)).toEqual(['6.06', '12.04', '22.04', '26.04']);
    expect(changes).toEqual({
      added: ['26.04: 2031-04-30', '6.06: true'],
      changed: ['22.04: 2027-06-01 -> 2027-04-01'],
      kept: ['12.04'],
      skipped: ['5.10'],
    });
    expect(after.verified).toBe(
      'endoflife.date API v1 /products/ubuntu/ fetched 2026-11-28, last modified 2026-11-20T10:00:00+00:00; kept from the previous table (not in the API): 12.04',
    );
  });

  it('uses extendedSupportUntil for products whose field is extendedSupport (Debian LTS)', () => {
    const response = apiProduct('debian', [
      apiCycle('13', { eolFrom: '2028-08-09', isExtendedSupportOver: false, extendedSupportUntil: '2030-06-30' }),
      apiCycle('8', { isEol: true, eolFrom: '2018-06-17', isExtendedSupportOver: true, extendedSupportUntil: null }),
    ]);
    const { product: after } = mapProduct('debian', product('debian', 'extendedSupport', {}), response, '2026-11-28');
    expect(after.cycles).toEqual({ '8': true, '13': '2030-06-30' });
  });

  it('keeps cycles older than extended support with their regular end of life (Debian 5 and before)', () => {
    const response = apiProduct('debian', [
      apiCycle('5', { isEol: true, eolFrom: '2012-02-06', isExtendedSupportOver: null, extendedSupportUntil: null }),
    ]);
    const { product: after } = mapProduct('debian', product('debian', 'extendedSupport', {}), response, '2026-11-28');
    expect(after.cycles).toEqual({ '5': '2012-02-06' });
  });

  it('keys .NET 5+ cycles as major.minor, as images carry them', () => {
    const response = apiProduct('dotnet', [
      apiCycle('10', { eolFrom: '2028-11-14' }),
      apiCycle('3.1', { isEol: true, eolFrom: '2022-12-13' }),
    ]);
    const { product: after } = mapProduct('dotnet', product('dotnet', 'eol', {}), response, '2026-11-28');
    expect(after.cycles).toEqual({ '3.1': '2022-12-13', '10.0': '2028-11-14' });
  });

  it('refuses what is not a product response and names the product', () => {
    expect(() => mapProduct('go', product('go', 'eol', {}), { result: { name: 'go' } }, '2026-11-28')).toThrow(
      'go: the response has no result.cycles',
    );
    expect(() => productSlug({ source: 'https://example.com/go' })).toThrow(/not an endoflife.date product page/);
    expect(productSlug({ source: 'https://endoflife.date/alpine-linux' })).toBe('alpine-linux');
  });

  it('orders cycles by version', () => {
    expect(['3.10', '3.9', '2018.03', '2', '3.9.1', 'edge'].sort(compareCycles)).toEqual([
      '2',
      '3.9',
      '3.9.1',
      '3.10',
      '2018.03',
      'edge',
    ]);
  });
});

describe('refresh-eol table rewrite', () => {
  const table: Table = {
    $comment: 'c',
    updated: '2026-01-01',
    os: { debian: product('debian', 'extendedSupport', { '12': '2028-06-10' }) },
    runtimes: { nodejs: product('nodejs', 'eol', { '20': '2026-04-30' }) },
  };

  it('refreshes what it got, keeps what failed, and says so', () => {
    const { table: next, report } = refreshTable(
      table,
      {
        debian: apiProduct('debian', [apiCycle('12', { extendedSupportUntil: '2028-06-30' })]),
        nodejs: new Error('fetch failed'),
      },
      '2026-11-28',
    );
    expect(next.updated).toBe('2026-11-28');
    expect(next.os.debian?.cycles).toEqual({ '12': '2028-06-30' });
    expect(next.runtimes.nodejs).toEqual(table.runtimes.nodejs);
    expect(formatReport(report)).toBe(
      ['debian: changed 12: 2028-06-10 -> 2028-06-30', 'nodejs: NOT REFRESHED (fetch failed); previous data kept'].join(
        '\n',
      ),
    );
  });

  it('writes the same bytes for the same data, whatever the key order it was given', () => {
    const shuffled: Table = {
      runtimes: table.runtimes,
      os: { debian: { ...product('debian', 'extendedSupport', { '13': true, '12': '2028-06-10' }) } },
      updated: table.updated,
      $comment: table.$comment,
    };
    const once = serializeTable(shuffled);
    expect(serializeTable(JSON.parse(once) as Table)).toBe(once);
    expect(once.indexOf('"12"')).toBeLessThan(once.indexOf('"13"'));
    expect(once.startsWith('{\n  "$comment": "c",\n  "updated": "2026-01-01",\n  "os": {')).toBe(true);
  });

  it('the committed data file is already in the form the script writes', () => {
    const file = join(import.meta.dirname, '../../src/checks/images/eol-data.json');
    const text = readFileSync(file, 'utf8');
    expect(serializeTable(JSON.parse(text) as Table)).toBe(text);
  });

  it('runs as a CLI on saved API responses (--from) without touching the network', () => {
    const dir = mkdtempSync(join(tmpdir(), 'containersec-eol-'));
    mkdirSync(join(dir, 'api'));
    writeFileSync(
      join(dir, 'api/debian.json'),
      JSON.stringify(apiProduct('debian', [apiCycle('12', { extendedSupportUntil: '2028-06-10' })])),
    );
    const script = join(import.meta.dirname, '../../scripts/refresh-eol.mjs');
    let output = '';
    let status = 0;
    try {
      output = execFileSync(process.execPath, [script, '--dry-run', '--from', join(dir, 'api')], { encoding: 'utf8' });
    } catch (error) {
      const failed = error as { status: number; stdout: string };
      status = failed.status;
      output = failed.stdout;
    }
    // Only debian has a saved response: the others are reported as not refreshed, and the run fails.
    expect(status).toBe(1);
    expect(output).toMatch(/^debian: (unchanged|added|changed|kept)/m);
    expect(output).toMatch(/^nodejs: NOT REFRESHED \(.*nodejs\.json.*\); previous data kept$/m);
    expect(output).not.toMatch(/wrote /);
  });
});
