import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompactIndex, encodeIndex, type IndexHeader } from '../../../src/vulns/sources/compact-index.js';
import { forMatching, OsvFileSource } from '../../../src/vulns/sources/osv-files.js';
import { affectedBy } from '../../../src/vulns/match.js';
import { schemeForEcosystem } from '../../../src/vulns/versions/index.js';
import { tempDir } from '../../checks/images/helpers.js';
import { zipOf } from './zip-writer.js';

const header: IndexHeader = { format: 3, signature: 's', files: ['/a.zip'], records: 3, skipped: [], storeBytes: 100 };

describe('compact index (binary)', () => {
  const keys = new Map([
    ['npm\u0000left-pad', [{ offset: 0, length: 10 }]],
    [
      'pypi\u0000django',
      [
        { offset: 10, length: 20 },
        { offset: 30, length: 5 },
      ],
    ],
    ['debian\u0000ünïcode', [{ offset: 35, length: 65 }]],
  ]);

  it('round-trips keys (UTF-8, binary-searched) and locators', () => {
    const index = CompactIndex.open(encodeIndex(header, keys))!;
    expect(index.header).toEqual(header);
    expect(index.keyCount).toBe(3);
    expect(index.locators('pypi\u0000django')).toEqual([
      { offset: 10, length: 20 },
      { offset: 30, length: 5 },
    ]);
    expect(index.locators('debian\u0000ünïcode')).toEqual([{ offset: 35, length: 65 }]);
    expect(index.locators('npm\u0000left-pad')).toEqual([{ offset: 0, length: 10 }]);
    expect(index.locators('npm\u0000missing')).toEqual([]);
    expect(index.locators('')).toEqual([]);
  });

  it('treats damaged bytes as no index, and drops locators outside the store', () => {
    const bytes = encodeIndex(header, keys);
    expect(CompactIndex.open(bytes.subarray(0, bytes.length - 1))).toBeUndefined();
    expect(CompactIndex.open(Buffer.from('CSOSVIX3 not really'))).toBeUndefined();
    expect(CompactIndex.open(Buffer.alloc(0))).toBeUndefined();
    const wrongMagic = Buffer.from(bytes);
    wrongMagic.write('X', 0);
    expect(CompactIndex.open(wrongMagic)).toBeUndefined();
    const small = CompactIndex.open(encodeIndex({ ...header, storeBytes: 30 }, keys))!;
    expect(small.locators('pypi\u0000django')).toEqual([{ offset: 10, length: 20 }]);
  });
});

describe('record store', () => {
  const record = (id: string, name: string) => ({
    schema_version: '1.6.0',
    id,
    modified: '2024-01-01T00:00:00Z',
    published: '2023-12-01T00:00:00Z',
    details: 'd'.repeat(5000),
    references: [{ type: 'WEB', url: 'https://example.com' }],
    credits: [{ name: 'someone' }],
    affected: [
      {
        package: { ecosystem: 'npm', name },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }],
      },
    ],
  });

  it('keeps what matching and the report use, and clips details when there is no summary', () => {
    const trimmed = forMatching({ ...record('GHSA-1', 'a'), summary: 'short', aliases: ['CVE-1'] });
    expect(Object.keys(trimmed).sort()).toEqual(['affected', 'aliases', 'id', 'modified', 'summary']);
    expect(forMatching(record('GHSA-2', 'a')).details).toHaveLength(1000);
  });

  it('serves warm lookups from the store; a damaged store entry is noted, never trusted', async () => {
    const dir = tempDir();
    const zip = join(dir, 'all.zip');
    writeFileSync(
      zip,
      zipOf([
        { name: 'GHSA-1.json', data: JSON.stringify(record('GHSA-1', 'left-pad')) },
        { name: 'GHSA-2.json', data: JSON.stringify(record('GHSA-2', 'other')) },
      ]),
    );
    const cacheDir = join(dir, 'cache');
    const query = [{ ecosystem: 'npm', name: 'left-pad', version: '1.0.0' }];
    const cold = await new OsvFileSource(zip, 'all.zip', { cacheDir }).lookup(query);
    const warmSource = new OsvFileSource(zip, 'all.zip', { cacheDir });
    const warm = await warmSource.lookup(query);
    expect(warmSource.lastLoad).toBe('index');
    expect(warm.records).toEqual(cold.records);
    expect(warm.records[0]![0]).not.toHaveProperty('references');
    expect(affectedBy(warm.records[0]![0]!, query[0]!)).toMatchObject({ affected: true, fixed: ['2.0.0'] });

    const store = join(
      cacheDir,
      readdirSync(cacheDir).find((f) => f.endsWith('.records'))!,
    );
    const bytes = readFileSync(store);
    bytes.fill(0x7b, 0, 20); // same size, so the index still names it; the first record is now garbage
    writeFileSync(store, bytes);
    const damaged = new OsvFileSource(zip, 'all.zip', { cacheDir });
    const result = await damaged.lookup(query);
    expect(damaged.lastLoad).toBe('index');
    expect(result.records).toEqual([[]]);
    expect(result.notes.join('\n')).toMatch(/skipped 1 record\(s\): damaged entry in the record store/);
  });
});

describe('version scheme lookup', () => {
  it('does not resolve prototype names as ecosystems', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(schemeForEcosystem(name), name).toBeUndefined();
    }
    const record = {
      id: 'X-1',
      modified: '2024-01-01T00:00:00Z',
      affected: [
        {
          package: { ecosystem: 'constructor', name: 'p' },
          // A fix, so that the range needs a version order ("introduced: 0" alone covers every version).
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2' }] }],
        },
      ],
    };
    expect(affectedBy(record, { ecosystem: 'constructor', name: 'p', version: '1' })).toMatchObject({
      affected: false,
      indeterminate: true,
    });
  });
});
