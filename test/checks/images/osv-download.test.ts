import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createImagesCheck } from '../../../src/checks/images/index.js';
import { zipOf } from '../../vulns/sources/zip-writer.js';
import { basePolicy, context, npmPackage, tempDir, writeLayout } from './helpers.js';

const LODASH_RECORD = {
  schema_version: '1.6.0',
  id: 'GHSA-35jh-r3h4-6jhm',
  modified: '2024-01-01T00:00:00Z',
  aliases: ['CVE-2021-23337'],
  affected: [
    {
      package: { ecosystem: 'npm', name: 'lodash' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }],
    },
  ],
};

/** A loopback bucket that serves npm/all.zip while `up`, and 503 otherwise. */
async function bucket(): Promise<{ url: string; paths: string[]; setUp(up: boolean): void; close(): Promise<void> }> {
  const zip = zipOf([{ name: `${LODASH_RECORD.id}.json`, data: JSON.stringify(LODASH_RECORD) }]);
  const paths: string[] = [];
  let up = true;
  const server = createServer((req, res) => {
    paths.push(req.url ?? '');
    if (!up) res.writeHead(503).end('unavailable');
    else if (req.url === '/npm/all.zip') res.writeHead(200, { 'content-length': String(zip.length) }).end(zip);
    else res.writeHead(404).end('NoSuchKey');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    setUp: (value) => {
      up = value;
    },
    close: () => new Promise((done) => server.close(() => done())),
  };
}

describe('images check with vuln-db osv-download', () => {
  it('downloads the ecosystems the image needs, matches, and fails closed or warns when the bucket is down', async () => {
    const dir = tempDir();
    const ref = await writeLayout(
      join(dir, 'layout'),
      [[{ path: 'app/node_modules/lodash/package.json', content: npmPackage('lodash', '4.17.15') }]],
      { User: '1' },
    );
    const server = await bucket();
    try {
      const check = createImagesCheck({ osvApi: { sleep: () => Promise.resolve(), attempts: 2 } });
      const env = { CONTAINERSEC_OSV_CACHE_DIR: join(dir, 'osv') };
      const policy = basePolicy((p) => (p.checks.images.vulnerabilities.source = `osv-download:${server.url}`));
      const out = await check.run(context(policy, { images: [ref], env }));
      expect(out.errors).toEqual([]);
      expect(out.findings.map((f) => f.ruleId).sort()).toEqual(['image/no-healthcheck', 'vuln/CVE-2021-23337']);
      expect(server.paths).toEqual(['/npm/all.zip']);

      // A fresh archive directory and the bucket down: no data at all, so the check fails closed...
      server.setUp(false);
      const downEnv = { CONTAINERSEC_OSV_CACHE_DIR: join(dir, 'osv-empty') };
      const failed = await check.run(context(policy, { images: [ref], env: downEnv }));
      expect(failed.errors!.join('\n')).toMatch(
        /vulnerabilities not matched: npm OSV data could not be downloaded from .*\/npm\/all\.zip: 2 attempt\(s\), last: HTTP 503/,
      );
      // ...or only warns with on-unreachable: warn.
      const lenient = basePolicy((p) => {
        p.checks.images.vulnerabilities.source = `osv-download:${server.url}`;
        p.checks.images.vulnerabilities['on-unreachable'] = 'warn';
      });
      const warned = await check.run(context(lenient, { images: [ref], env: downEnv }));
      expect(warned.errors).toEqual([]);
      expect(warned.warnings!.join('\n')).toMatch(/vulnerabilities not checked: .*\(on-unreachable: warn\)/);

      // The first directory still holds today's archive: no request, same finding.
      const before = server.paths.length;
      const again = await check.run(context(policy, { images: [ref], env }));
      expect(server.paths.length).toBe(before);
      expect(again.findings.map((f) => f.ruleId)).toContain('vuln/CVE-2021-23337');
    } finally {
      await server.close();
    }
  });
});
