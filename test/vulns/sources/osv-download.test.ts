import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryArchiveCache } from '../../../src/vulns/sources/archive-cache.js';
import { openVulnSource, VulnSourceError } from '../../../src/vulns/sources/index.js';
import {
  bucketEcosystem,
  cacheKeyPrefix,
  defaultDownloadDir,
  OsvDownloadSource,
  type OsvDownloadOptions,
} from '../../../src/vulns/sources/osv-download.js';
import { OsvFileSource } from '../../../src/vulns/sources/osv-files.js';
import { tempDir } from '../../checks/images/helpers.js';
import { zipOf } from './zip-writer.js';

const record = (id: string, ecosystem: string, name: string, fixed = '2.0.0') => ({
  schema_version: '1.6.0',
  id,
  modified: '2024-01-01T00:00:00Z',
  affected: [
    { package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] },
  ],
});

const zipFor = (records: { id: string }[]) =>
  zipOf(records.map((r) => ({ name: `${r.id}.json`, data: JSON.stringify(r) })));

const NPM_ZIP = zipFor([record('GHSA-npm-1', 'npm', 'left-pad'), record('GHSA-npm-2', 'npm', 'other')]);
const DEBIAN_ZIP = zipFor([
  record('DSA-1-1', 'Debian:12', 'openssl', '3.0.11-1~deb12u1'),
  record('DSA-2-1', 'Debian:11', 'openssl', '1.1.1w-0+deb11u1'),
]);
const PYPI_ZIP = zipFor([record('PYSEC-1', 'PyPI', 'django-rest')]);

const QUERIES = [
  { ecosystem: 'npm', name: 'left-pad', version: '1.0.0' },
  { ecosystem: 'Debian:12', name: 'openssl', version: '3.0.9-1' },
  { ecosystem: 'npm', name: 'clean', version: '1.0.0' },
];

type Answer = { status: number; body?: Buffer | string; headers?: Record<string, string>; chunked?: boolean };
type Route = (req: IncomingMessage, count: number) => Answer;

interface Server {
  url: string;
  requests: { path: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

let server: Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A loopback bucket: `/<Ecosystem>/all.zip` answered by the route for that path, 404 otherwise. */
async function startBucket(routes: Record<string, Route>): Promise<Server> {
  const requests: Server['requests'] = [];
  const counts = new Map<string, number>();
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '';
    requests.push({ path, headers: req.headers });
    const count = (counts.get(path) ?? 0) + 1;
    counts.set(path, count);
    const route = routes[path];
    const answer: Answer = route ? route(req, count) : { status: 404, body: 'NoSuchKey' };
    const body = answer.body === undefined ? Buffer.alloc(0) : Buffer.from(answer.body);
    res.writeHead(answer.status, {
      ...(answer.chunked ? {} : { 'content-length': String(body.length) }),
      ...answer.headers,
    });
    if (answer.chunked) {
      // Two writes without a length: the client sees a chunked stream and must count bytes itself.
      res.write(body.subarray(0, body.length >> 1));
      res.end(body.subarray(body.length >> 1));
    } else res.end(body);
  });
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((done) => http.close(() => done())),
  };
}

const serve =
  (zip: Buffer, etag = '"v1"'): Route =>
  (req) =>
    req.headers['if-none-match'] === etag
      ? { status: 304 }
      : { status: 200, body: zip, headers: { etag, 'content-type': 'application/zip' } };

const sleeps: number[] = [];
const at = (iso: string) => () => new Date(iso);

function source(url: string, options: Partial<OsvDownloadOptions> = {}): OsvDownloadSource {
  return new OsvDownloadSource({
    baseUrl: url,
    cacheDir: join(tempDir('containersec-osvdl-'), 'osv'),
    archiveCache: false,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    now: at('2026-11-28T08:00:00Z'),
    ...options,
  });
}

const ids = (records: { id: string }[][]) => records.map((list) => list.map((r) => r.id).sort());

describe('osv-download: OSV all.zip archives downloaded on demand', () => {
  it('downloads only the ecosystems of the queried packages and matches through the offline index', async () => {
    server = await startBucket({ '/npm/all.zip': serve(NPM_ZIP), '/Debian/all.zip': serve(DEBIAN_ZIP) });
    const result = await source(server.url).lookup(QUERIES);
    expect(server.requests.map((r) => r.path).sort()).toEqual(['/Debian/all.zip', '/npm/all.zip']);
    // Debian:12 lives in the Debian archive; the Debian:11 record names the same source package.
    expect(ids(result.records)).toEqual([['GHSA-npm-1'], ['DSA-1-1', 'DSA-2-1'], []]);
    expect(result.notes.join('\n')).toContain(`${server.url}/npm/all.zip (${NPM_ZIP.length} bytes) as of 2026-11-28`);
  });

  it('spells bucket folders as OSV does and escapes them in the URL', async () => {
    expect(bucketEcosystem('Rocky Linux:9')).toBe('Rocky Linux');
    expect(bucketEcosystem('ubuntu:22.04:LTS')).toBe('Ubuntu');
    expect(bucketEcosystem('Alpine:v3.20')).toBe('Alpine');
    expect(bucketEcosystem('crates.io')).toBe('crates.io');
    expect(bucketEcosystem('pypi')).toBe('PyPI');
    expect(bucketEcosystem('Slackware')).toBeUndefined();
    expect(cacheKeyPrefix('Rocky Linux')).toBe('containersec-osv-Rocky_Linux-');
    server = await startBucket({
      '/Rocky%20Linux/all.zip': serve(zipFor([record('RLSA-1', 'Rocky Linux:9', 'bash', '5.1-1.el9')])),
    });
    const result = await source(server.url).lookup([
      { ecosystem: 'Rocky Linux:9', name: 'bash', version: '5.0-1.el9' },
    ]);
    expect(ids(result.records)).toEqual([['RLSA-1']]);
  });

  it('notes an ecosystem the bucket does not have (404) and leaves its packages not matched', async () => {
    server = await startBucket({ '/npm/all.zip': serve(NPM_ZIP) });
    const result = await source(server.url).lookup(QUERIES);
    expect(ids(result.records)).toEqual([['GHSA-npm-1'], [], []]);
    const notes = result.notes.join('\n');
    expect(notes).toContain(`${server.url}/Debian/all.zip does not exist (HTTP 404)`);
    expect(notes).toContain('1 Debian package version(s) were NOT matched');
  });

  it('notes ecosystems OSV publishes no archive for, without a request', async () => {
    server = await startBucket({});
    const result = await source(server.url).lookup([{ ecosystem: 'Slackware:15', name: 'bash', version: '5.1' }]);
    expect(server.requests).toHaveLength(0);
    expect(result.notes.join('\n')).toMatch(
      /no archive for ecosystem "Slackware"; 1 package version\(s\) were NOT matched/,
    );
  });

  it('retries a 500 with backoff, then uses the archive', async () => {
    sleeps.length = 0;
    server = await startBucket({
      '/npm/all.zip': (req, count) => (count < 3 ? { status: 503, body: 'busy' } : serve(NPM_ZIP)(req, count)),
    });
    const result = await source(server.url).lookup([QUERIES[0]!]);
    expect(server.requests).toHaveLength(3);
    expect(sleeps).toEqual([1000, 2000]);
    expect(ids(result.records)).toEqual([['GHSA-npm-1']]);
  });

  it('fails closed with an actionable message when the bucket keeps failing', async () => {
    server = await startBucket({ '/npm/all.zip': () => ({ status: 500, body: 'down' }) });
    const error = await source(server.url, { attempts: 2 })
      .lookup([QUERIES[0]!])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VulnSourceError);
    expect((error as VulnSourceError).sourceCode).toBe('UNREACHABLE');
    expect((error as Error).message).toMatch(
      /npm OSV data could not be downloaded from .*\/npm\/all\.zip: 2 attempt\(s\), last: HTTP 500/,
    );
    expect((error as Error).message).toContain('or use vuln-db osv-api');
  });

  it('refuses a truncated archive and a garbage body with a clear error, keeping nothing', async () => {
    server = await startBucket({
      '/npm/all.zip': () => ({ status: 200, body: NPM_ZIP.subarray(0, NPM_ZIP.length - 30) }),
      '/PyPI/all.zip': () => ({ status: 200, body: '<html>Service Unavailable</html>' }),
    });
    const dl = source(server.url);
    const truncated = await dl.lookup([QUERIES[0]!]).catch((e: unknown) => e);
    expect((truncated as Error).message).toMatch(
      /bytes that are not a readable zip \(no end-of-central-directory record/,
    );
    const garbage = await dl
      .lookup([{ ecosystem: 'PyPI', name: 'django-rest', version: '1.0' }])
      .catch((e: unknown) => e);
    expect((garbage as Error).message).toMatch(/PyPI OSV data could not be downloaded.*not a readable zip/);
    // Not retried: the same bytes would come back.
    expect(server.requests).toHaveLength(2);
  });

  it('stops at the byte cap, from Content-Length or while streaming a chunked body', async () => {
    server = await startBucket({
      '/npm/all.zip': () => ({ status: 200, body: NPM_ZIP }),
      '/PyPI/all.zip': () => ({ status: 200, body: PYPI_ZIP, chunked: true }),
    });
    const dl = source(server.url, { maxBytes: 200 });
    const declared = await dl.lookup([QUERIES[0]!]).catch((e: unknown) => e);
    expect((declared as Error).message).toContain(`the archive is ${NPM_ZIP.length} bytes, more than the 200-byte cap`);
    const streamed = await dl
      .lookup([{ ecosystem: 'PyPI', name: 'django-rest', version: '1.0' }])
      .catch((e: unknown) => e);
    expect((streamed as Error).message).toContain('larger than the 200-byte cap; nothing was kept');
  });

  it('reuses the archive of the same UTC day without a request', async () => {
    server = await startBucket({ '/npm/all.zip': serve(NPM_ZIP) });
    const cacheDir = join(tempDir('containersec-osvdl-'), 'osv');
    await source(server.url, { cacheDir }).lookup([QUERIES[0]!]);
    const second = source(server.url, { cacheDir, now: at('2026-11-28T23:59:00Z') });
    const result = await second.lookup([QUERIES[0]!]);
    expect(server.requests).toHaveLength(1);
    expect(second.requests).toEqual([]);
    expect(ids(result.records)).toEqual([['GHSA-npm-1']]);
    expect(result.notes.join('\n')).toContain('served from the cached index');
  });

  it('asks again the next day, conditionally: 304 keeps the archive', async () => {
    server = await startBucket({ '/npm/all.zip': serve(NPM_ZIP) });
    const cacheDir = join(tempDir('containersec-osvdl-'), 'osv');
    await source(server.url, { cacheDir }).lookup([QUERIES[0]!]);
    const result = await source(server.url, { cacheDir, now: at('2026-11-29T06:00:00Z') }).lookup([QUERIES[0]!]);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.headers['if-none-match']).toBe('"v1"');
    expect(ids(result.records)).toEqual([['GHSA-npm-1']]);
    expect(result.notes.join('\n')).toContain('as of 2026-11-29T06:00:00.000Z');
  });

  it('restores and saves through the archive cache, keyed by ecosystem and UTC date', async () => {
    server = await startBucket({ '/npm/all.zip': serve(NPM_ZIP) });
    const store = new DirectoryArchiveCache(tempDir('containersec-osvstore-'));
    const cacheDir = join(tempDir('containersec-osvdl-'), 'osv');
    // First runner: cache miss, download, save under today's key.
    await source(server.url, { archiveCache: store, cacheDir }).lookup([QUERIES[0]!]);
    expect(store.log).toEqual([
      { op: 'restore', key: 'containersec-osv-npm-2026-11-28' },
      { op: 'save', key: 'containersec-osv-npm-2026-11-28' },
    ]);
    // Second runner the same day: same path ($RUNNER_TEMP), empty disk. Exact hit, no request, no save.
    rmSync(cacheDir, { recursive: true, force: true });
    const second = source(server.url, { archiveCache: store, cacheDir });
    const result = await second.lookup([QUERIES[0]!]);
    expect(second.requests).toEqual([]);
    expect(store.log.slice(2)).toEqual([
      { op: 'restore', key: 'containersec-osv-npm-2026-11-28', hit: 'containersec-osv-npm-2026-11-28' },
    ]);
    expect(ids(result.records)).toEqual([['GHSA-npm-1']]);
    // The saved entry carries the compact index: the second runner did not re-read the archive.
    expect(result.notes.join('\n')).toContain('served from the cached index');
  });

  it("falls back to yesterday's cached archive when today's download fails, and says how old it is", async () => {
    const store = new DirectoryArchiveCache(tempDir('containersec-osvstore-'));
    let up = true;
    server = await startBucket({
      '/npm/all.zip': (req, count) => (up ? serve(NPM_ZIP)(req, count) : { status: 502, body: 'bad gateway' }),
    });
    await source(server.url, { archiveCache: store, now: at('2026-11-27T08:00:00Z') }).lookup([QUERIES[0]!]);
    up = false;
    // A new runner (empty disk) the next day: yesterday's entry is restored by prefix, the download fails.
    const result = await source(server.url, { archiveCache: store, attempts: 2 }).lookup([QUERIES[0]!]);
    expect(store.log.at(-1)).toEqual({
      op: 'restore',
      key: 'containersec-osv-npm-2026-11-28',
      hit: 'containersec-osv-npm-2026-11-27',
    });
    expect(ids(result.records)).toEqual([['GHSA-npm-1']]);
    const notes = result.notes.join('\n');
    expect(notes).toContain("today's npm download failed (2 attempt(s), last: HTTP 502); using the copy below instead");
    expect(notes).toContain('as of 2026-11-27T08:00:00.000Z, 1 day(s) old');
    // Nothing new to save: the stale copy is not stored under today's key.
    expect(store.log.filter((e) => e.op === 'save')).toHaveLength(1);

    // Past the freshness bound the gate fails closed, naming the age and the bound.
    const late = await source(server.url, { archiveCache: store, attempts: 1, now: at('2026-12-05T08:00:00Z') })
      .lookup([QUERIES[0]!])
      .catch((e: unknown) => e);
    expect(late).toBeInstanceOf(VulnSourceError);
    expect((late as Error).message).toContain(
      'The last copy (2026-11-27T08:00:00.000Z) is 8 day(s) old, more than the 7-day bound (CONTAINERSEC_OSV_MAX_AGE_DAYS)',
    );
    // A wider bound accepts it.
    const wide = await source(server.url, {
      archiveCache: store,
      attempts: 1,
      now: at('2026-12-05T08:00:00Z'),
      env: { CONTAINERSEC_OSV_MAX_AGE_DAYS: '10' },
    }).lookup([QUERIES[0]!]);
    expect(ids(wide.records)).toEqual([['GHSA-npm-1']]);
  });

  it('is named osv-download or osv-download:URL and keeps archives in a per-user cache directory', () => {
    const dl = openVulnSource('osv-download', '/repo');
    expect(dl).toBeInstanceOf(OsvDownloadSource);
    expect((dl as OsvDownloadSource).baseUrl).toBe('https://osv-vulnerabilities.storage.googleapis.com');
    expect((openVulnSource('osv-download:http://127.0.0.1:9/osv/', '/repo') as OsvDownloadSource).baseUrl).toBe(
      'http://127.0.0.1:9/osv',
    );
    expect(() => openVulnSource('osv-download:file:///etc', '/repo')).toThrow(/only http\(s\) URLs/);
    expect(defaultDownloadDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/containersec/osv');
    expect(defaultDownloadDir({ GITHUB_ACTIONS: 'true', RUNNER_TEMP: '/r/_temp' })).toBe('/r/_temp/containersec-osv');
    expect(
      defaultDownloadDir({ CONTAINERSEC_OSV_CACHE_DIR: '/builds/x/.osv', GITHUB_ACTIONS: 'true', RUNNER_TEMP: '/r' }),
    ).toBe('/builds/x/.osv');
    expect(defaultDownloadDir({ XDG_CACHE_HOME: 'relative' })).toMatch(/\.cache\/containersec\/osv$/);
  });
});

/**
 * Conformance: archives built from the real records in ../shared/fixtures/osv, one per ecosystem as the
 * bucket lays them out, served over loopback. The download path must answer exactly what the offline
 * reader answers for the same records read from disk.
 */
const FIXTURES = resolve(import.meta.dirname, '../../../../shared/fixtures/osv');
const present = existsSync(FIXTURES);
if (!present) console.warn('conformance suite skipped: ../shared/fixtures not found');

describe.runIf(present)('osv-download conformance (../shared/fixtures/osv)', () => {
  it('serves every fixture record through its ecosystem archive', async () => {
    const byEcosystem = new Map<string, { name: string; data: string }[]>();
    const queries: { ecosystem: string; name: string; version: string }[] = [];
    const seen = new Set<string>();
    for (const folder of readdirSync(FIXTURES, { withFileTypes: true })) {
      if (!folder.isDirectory() || folder.name === 'schema') continue;
      for (const file of readdirSync(join(FIXTURES, folder.name))) {
        if (!file.endsWith('.json')) continue;
        const text = readFileSync(join(FIXTURES, folder.name, file), 'utf8');
        const json = JSON.parse(text) as { affected?: { package?: { ecosystem: string; name: string } }[] };
        for (const affected of json.affected ?? []) {
          if (!affected.package) continue;
          const bucket = bucketEcosystem(affected.package.ecosystem);
          if (!bucket) continue;
          const list = byEcosystem.get(bucket) ?? [];
          if (!list.some((e) => e.name === file)) list.push({ name: file, data: text });
          byEcosystem.set(bucket, list);
          const key = `${affected.package.ecosystem}\u0000${affected.package.name}`;
          if (!seen.has(key)) {
            seen.add(key);
            queries.push({ ecosystem: affected.package.ecosystem, name: affected.package.name, version: '0.0.1' });
          }
        }
      }
    }
    const routes: Record<string, Route> = {};
    for (const [ecosystem, entries] of byEcosystem)
      routes[`/${encodeURIComponent(ecosystem)}/all.zip`] = serve(zipOf(entries));
    server = await startBucket(routes);
    const downloaded = await source(server.url).lookup(queries);
    const offline = await new OsvFileSource(FIXTURES, 'fixtures', { cacheDir: false }).lookup(queries);
    expect(ids(downloaded.records)).toEqual(ids(offline.records));
    const total = downloaded.records.reduce((sum, list) => sum + list.length, 0);
    expect(total).toBeGreaterThanOrEqual(100);
    expect(server.requests.map((r) => decodeURIComponent(r.path)).sort()).toEqual(
      [...byEcosystem.keys()].map((e) => `/${e}/all.zip`).sort(),
    );
    console.log(
      `osv-download conformance: ${byEcosystem.size} ecosystem archives, ${queries.length} packages, ${total} record matches`,
    );
  });
});
