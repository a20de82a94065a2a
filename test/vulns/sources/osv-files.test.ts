import { chmodSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OsvFileSource } from '../../../src/vulns/sources/osv-files.js';
import { openVulnSource, OsvApiSource, VulnSourceError } from '../../../src/vulns/sources/index.js';
import { isUnsafeZipName, readZip } from '../../../src/vulns/sources/zip.js';
import { tempDir } from '../../checks/images/helpers.js';
import { zipOf } from './zip-writer.js';

const record = (id: string, name: string, ecosystem = 'npm') => ({
  schema_version: '1.6.0',
  id,
  modified: '2024-01-01T00:00:00Z',
  affected: [
    {
      package: { ecosystem, name },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }],
    },
  ],
});

const queries = [
  { ecosystem: 'npm', name: 'left-pad', version: '1.0.0' },
  { ecosystem: 'PyPI', name: 'Django_Rest', version: '1.0' },
];

describe('offline OSV data', () => {
  it('reads a directory of JSON files, keeps records of queried packages, counts invalid ones', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'npm'));
    writeFileSync(join(dir, 'npm', 'GHSA-1.json'), JSON.stringify(record('GHSA-1', 'left-pad')));
    writeFileSync(join(dir, 'npm', 'GHSA-2.json'), JSON.stringify(record('GHSA-2', 'other')));
    writeFileSync(join(dir, 'PYSEC-1.json'), JSON.stringify(record('PYSEC-1', 'django-rest', 'PyPI')));
    writeFileSync(join(dir, 'broken.json'), '{ not json');
    writeFileSync(join(dir, 'no-id.json'), JSON.stringify({ modified: '2024-01-01T00:00:00Z' }));
    const result = await new OsvFileSource(dir).lookup(queries);
    expect(result.records.map((list) => list.map((r) => r.id))).toEqual([['GHSA-1'], ['PYSEC-1']]);
    expect(result.notes.join('\n')).toMatch(/skipped 1 record\(s\): not valid JSON/);
    expect(result.notes.join('\n')).toMatch(/skipped 1 record\(s\): OSV record has no "id"/);
  });

  it('streams all.zip files and refuses path-traversal and oversized entries', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'all.zip'),
      zipOf([
        { name: 'GHSA-1.json', data: JSON.stringify(record('GHSA-1', 'left-pad')) },
        { name: '../../etc/evil.json', data: JSON.stringify(record('GHSA-EVIL', 'left-pad')) },
        { name: '/abs.json', data: JSON.stringify(record('GHSA-ABS', 'left-pad')), store: true },
        { name: 'PYSEC-1.json', data: JSON.stringify(record('PYSEC-1', 'django-rest', 'PyPI')), store: true },
      ]),
    );
    const result = await new OsvFileSource(dir).lookup(queries);
    expect(result.records.map((list) => list.map((r) => r.id))).toEqual([['GHSA-1'], ['PYSEC-1']]);
    expect(result.notes.join('\n')).toContain('skipped 2 record(s): zip entry unsafe entry name');
  });

  it('stops a zip bomb entry at the record cap instead of inflating it', async () => {
    const dir = tempDir();
    const path = join(dir, 'bomb.zip');
    writeFileSync(path, zipOf([{ name: 'x.json', data: Buffer.alloc(4 * 1024 * 1024, 0x20), declaredSize: 10 }]));
    const items = [];
    for await (const item of readZip(path, { maxEntryBytes: 1024 * 1024, maxEntries: 10 })) items.push(item);
    expect(items).toHaveLength(1);
    expect(items[0]!.ok).toBe(false);
    expect(items[0]!.ok ? '' : items[0]!.reason).toMatch(/unreadable/);
  });

  it('reads zip64 end records (archives with more than 65,535 entries use them)', async () => {
    const dir = tempDir();
    const path = join(dir, 'all.zip');
    writeFileSync(
      path,
      zipOf(
        [
          { name: 'GHSA-1.json', data: JSON.stringify(record('GHSA-1', 'left-pad')) },
          { name: 'GHSA-2.json', data: JSON.stringify(record('GHSA-2', 'left-pad')), store: true },
        ],
        { zip64: true },
      ),
    );
    const result = await new OsvFileSource(path, 'all.zip', { cacheDir: false }).lookup(queries);
    expect(result.records[0]!.map((r) => r.id)).toEqual(['GHSA-1', 'GHSA-2']);
  });

  it('rejects a truncated zip with a clear error', async () => {
    const dir = tempDir();
    const whole = zipOf([{ name: 'GHSA-1.json', data: JSON.stringify(record('GHSA-1', 'left-pad')) }]);
    writeFileSync(join(dir, 'all.zip'), whole.subarray(0, whole.length - 30));
    await expect(new OsvFileSource(dir, 'x', { cacheDir: false }).lookup(queries)).rejects.toThrow(
      /not a readable zip file/,
    );
  });

  it('rejects a file that is not a zip with a clear error', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'all.zip'), 'this is not a zip archive at all');
    await expect(new OsvFileSource(dir).lookup(queries)).rejects.toThrow(
      /not a readable zip file: no end-of-central-directory/,
    );
  });

  it('names unsafe zip names', () => {
    expect(['../a', 'a/../../b', '/etc/passwd', 'C:/x', 'a\\b'].map(isUnsafeZipName)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['a.json', 'dir/a.json', 'a..b.json'].map(isUnsafeZipName)).toEqual([false, false, false]);
  });

  it('resolves sources: osv-api, osv-api:URL, relative paths against the repository root', () => {
    expect(openVulnSource('osv-api', '/repo')).toBeInstanceOf(OsvApiSource);
    expect((openVulnSource('osv-api:http://127.0.0.1:8080/', '/repo') as OsvApiSource).baseUrl).toBe(
      'http://127.0.0.1:8080',
    );
    expect((openVulnSource('./osv', '/repo') as OsvFileSource).path).toBe('/repo/osv');
    expect(() => openVulnSource('osv-api:ftp://x', '/repo')).toThrow(VulnSourceError);
    expect(() => openVulnSource('osv-api:not a url', '/repo')).toThrow(/is not a URL/);
  });

  it('builds a compact index on the first lookup and serves warm lookups from it until a file changes', async () => {
    const dir = tempDir();
    const cacheDir = join(dir, 'cache');
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data', 'GHSA-1.json'), JSON.stringify(record('GHSA-1', 'left-pad')));
    writeFileSync(
      join(dir, 'data', 'all.zip'),
      zipOf([
        { name: 'PYSEC-1.json', data: JSON.stringify(record('PYSEC-1', 'django-rest', 'PyPI')) },
        { name: 'GHSA-2.json', data: JSON.stringify(record('GHSA-2', 'left-pad')), store: true },
        { name: 'bad.json', data: '{' },
      ]),
    );
    const ids = (r: { records: { id: string }[][] }) => r.records.map((list) => list.map((x) => x.id).sort());
    const cold = new OsvFileSource(join(dir, 'data'), 'data', { cacheDir });
    const first = await cold.lookup(queries);
    expect(cold.lastLoad).toBe('scan');
    const warm = new OsvFileSource(join(dir, 'data'), 'data', { cacheDir });
    const second = await warm.lookup(queries);
    expect(warm.lastLoad).toBe('index');
    expect(ids(second)).toEqual(ids(first));
    expect(ids(second)).toEqual([['GHSA-1', 'GHSA-2'], ['PYSEC-1']]);
    expect(second.notes.join('\n')).toContain('skipped 1 record(s): not valid JSON');
    writeFileSync(join(dir, 'data', 'GHSA-1.json'), JSON.stringify(record('GHSA-1', 'other')));
    utimesSync(join(dir, 'data', 'GHSA-1.json'), new Date(), new Date(Date.now() + 5000));
    const changed = new OsvFileSource(join(dir, 'data'), 'data', { cacheDir });
    expect(ids(await changed.lookup(queries))).toEqual([['GHSA-2'], ['PYSEC-1']]);
    expect(changed.lastLoad).toBe('scan');
  });

  it('does not use a cache directory others can write', async () => {
    const dir = tempDir();
    const cacheDir = join(dir, 'shared-cache');
    mkdirSync(cacheDir);
    chmodSync(cacheDir, 0o777);
    writeFileSync(join(dir, 'GHSA-1.json'), JSON.stringify(record('GHSA-1', 'left-pad')));
    const source = new OsvFileSource(join(dir, 'GHSA-1.json'), 'x', { cacheDir });
    const result = await source.lookup(queries);
    await source.lookup(queries);
    expect(source.lastLoad).toBe('scan');
    expect(result.notes.join('\n')).toContain('not a private directory');
  });

  it('a missing directory is a configuration error', async () => {
    await expect(new OsvFileSource('/nonexistent/osv').lookup(queries)).rejects.toThrow(/does not exist/);
  });
});
