import { afterEach, describe, expect, it } from 'vitest';
import { OsvApiSource } from '../../../src/vulns/sources/osv-api.js';
import { startOsvServer, tempDir, type FakeOsv } from '../../checks/images/helpers.js';

const record = (id: string, name: string) => ({
  schema_version: '1.6.0',
  id,
  modified: '2024-01-01T00:00:00Z',
  affected: [{ package: { ecosystem: 'npm', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] }],
});

const RECORDS = [
  record('GHSA-a', 'left-pad'),
  record('GHSA-b', 'left-pad'),
  record('GHSA-c', 'left-pad'),
  record('GHSA-d', 'is-odd'),
];
const QUERIES = [
  { ecosystem: 'npm', name: 'left-pad', version: '1.0.0' },
  { ecosystem: 'npm', name: 'is-odd', version: '1.0.0' },
  { ecosystem: 'npm', name: 'clean', version: '1.0.0' },
];
const noSleep = async () => {};

let server: FakeOsv | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('OSV API source against a loopback server', () => {
  it('pages querybatch results with next_page_token and fetches each record once', async () => {
    server = await startOsvServer(RECORDS, { pageSize: 2 });
    const source = new OsvApiSource({ baseUrl: server.url, cacheDir: false, sleep: noSleep });
    const result = await source.lookup(QUERIES);
    expect(result.records.map((list) => list.map((r) => r.id).sort())).toEqual([
      ['GHSA-a', 'GHSA-b', 'GHSA-c'],
      ['GHSA-d'],
      [],
    ]);
    const batches = server.requests.filter((r) => r.path === '/v1/querybatch');
    expect(batches).toHaveLength(2);
    expect(batches[1]!.body).toEqual({
      queries: [{ package: { ecosystem: 'npm', name: 'left-pad' }, version: '1.0.0', page_token: '2' }],
    });
    expect(
      server.requests
        .filter((r) => r.method === 'GET')
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/v1/vulns/GHSA-a', '/v1/vulns/GHSA-b', '/v1/vulns/GHSA-c', '/v1/vulns/GHSA-d']);
  });

  it('asks for PyPI packages under their PEP 503 name, as OSV records spell them', async () => {
    server = await startOsvServer([]);
    const source = new OsvApiSource({ baseUrl: server.url, cacheDir: false, sleep: noSleep });
    await source.lookup([
      { ecosystem: 'PyPI', name: 'pyOpenSSL', version: '23.2.0' },
      { ecosystem: 'PyPI', name: 'backports.ssl_match_hostname', version: '3.7.0.1' },
      { ecosystem: 'npm', name: 'JSONStream', version: '1.3.5' },
    ]);
    const names = server.requests
      .filter((r) => r.path === '/v1/querybatch')
      .flatMap((r) => (r.body as { queries: { package: { name: string } }[] }).queries.map((q) => q.package.name));
    expect(names).toEqual(['pyopenssl', 'backports-ssl-match-hostname', 'JSONStream']);
  });

  it('caches records on disk by id and modified', async () => {
    server = await startOsvServer(RECORDS);
    const cacheDir = tempDir();
    await new OsvApiSource({ baseUrl: server.url, cacheDir, sleep: noSleep }).lookup(QUERIES);
    const before = server.requests.filter((r) => r.method === 'GET').length;
    const warm = await new OsvApiSource({ baseUrl: server.url, cacheDir, sleep: noSleep }).lookup(QUERIES);
    expect(server.requests.filter((r) => r.method === 'GET').length).toBe(before);
    expect(warm.notes.join('\n')).toContain('4 advisory record(s) (4 from cache)');
  });

  it('retries a 503 and then succeeds', async () => {
    let failures = 1;
    server = await startOsvServer(RECORDS, {
      fail: ({ path }) => (path === '/v1/querybatch' && failures-- > 0 ? 503 : undefined),
    });
    const result = await new OsvApiSource({ baseUrl: server.url, cacheDir: false, sleep: noSleep }).lookup(QUERIES);
    expect(result.records[1]!.map((r) => r.id)).toEqual(['GHSA-d']);
  });

  it('fails closed when the API keeps answering 500', async () => {
    server = await startOsvServer(RECORDS, { fail: () => 500 });
    const source = new OsvApiSource({ baseUrl: server.url, cacheDir: false, sleep: noSleep, attempts: 3 });
    await expect(source.lookup(QUERIES)).rejects.toMatchObject({
      sourceCode: 'UNREACHABLE',
      message: expect.stringMatching(/could not be reached .*3 attempts, last: HTTP 500/) as unknown,
    });
    expect(server.requests).toHaveLength(3);
  });

  it('rejects garbage answers', async () => {
    server = await startOsvServer(RECORDS, { fail: () => 'garbage' });
    const source = new OsvApiSource({ baseUrl: server.url, cacheDir: false, sleep: noSleep });
    await expect(source.lookup(QUERIES)).rejects.toMatchObject({ sourceCode: 'BAD_RESPONSE' });
  });

  it('a network error (nothing listening) is UNREACHABLE', async () => {
    const source = new OsvApiSource({ baseUrl: 'http://127.0.0.1:9', cacheDir: false, sleep: noSleep, attempts: 2 });
    await expect(source.lookup(QUERIES)).rejects.toMatchObject({ sourceCode: 'UNREACHABLE' });
  });

  it('skips and counts a record the API cannot return', async () => {
    server = await startOsvServer(RECORDS, { fail: ({ path }) => (path === '/v1/vulns/GHSA-b' ? 404 : undefined) });
    const result = await new OsvApiSource({ baseUrl: server.url, cacheDir: false, sleep: noSleep }).lookup(QUERIES);
    expect(result.records[0]!.map((r) => r.id).sort()).toEqual(['GHSA-a', 'GHSA-c']);
    expect(result.notes.join('\n')).toContain('skipped 1 record(s)');
  });
});
