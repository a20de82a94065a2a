import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { CheckContext } from '../../../src/core/check.js';
import { FsTree } from '../../../src/repo/fs-tree.js';
import { defaultPolicy } from '../../../src/policy/presets.js';
import type { Policy } from '../../../src/policy/types.js';
import { buildImage, imageBlobs, layoutFiles, writeFiles, type FileSpec } from '../../support/oci-builder.js';

export function tempDir(prefix = 'containersec-images-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function basePolicy(overrides: (policy: Policy) => void = () => {}): Policy {
  const policy = defaultPolicy();
  overrides(policy);
  return policy;
}

export function context(
  policy: Policy,
  options: { root?: string; images?: string[]; env?: Record<string, string> } = {},
): CheckContext {
  const root = options.root ?? tempDir();
  return {
    tree: new FsTree(root),
    root,
    isBase: false,
    policy,
    images: options.images ?? [],
    env: options.env ?? {},
    signal: new AbortController().signal,
    log: { info: () => {}, warn: () => {}, debug: () => {} },
  };
}

/** Writes an OCI layout of the given layers and config into `dir`; returns `oci:<dir>`. */
export async function writeLayout(
  dir: string,
  layers: FileSpec[][],
  config: Record<string, unknown> = {},
): Promise<string> {
  const image = await buildImage({ layers, config });
  await writeFiles(dir, layoutFiles([{ target: image.manifest, refName: 'latest' }], imageBlobs(image)));
  return `oci:${dir}`;
}

/** GHSA-35jh-r3h4-6jhm (lodash command injection) as the GitHub Advisory Database publishes it in OSV. */
export const LODASH_RECORD = {
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

export function writeRecords(dir: string, records: readonly object[]): string {
  mkdirSync(dir, { recursive: true });
  for (const record of records)
    writeFileSync(join(dir, `${(record as { id: string }).id}.json`), JSON.stringify(record, null, 2));
  return dir;
}

/** A minimal dpkg status stanza (the fields dpkg itself writes for an installed package). */
export function dpkgStanza(p: { name: string; version: string; source?: string; arch?: string }): string {
  return [
    `Package: ${p.name}`,
    'Status: install ok installed',
    'Priority: optional',
    'Section: libs',
    'Installed-Size: 100',
    'Maintainer: Debian <debian@example.org>',
    `Architecture: ${p.arch ?? 'amd64'}`,
    ...(p.source ? [`Source: ${p.source}`] : []),
    `Version: ${p.version}`,
    `Description: ${p.name}`,
    '',
  ].join('\n');
}

export const DEBIAN_10_OS_RELEASE = `PRETTY_NAME="Debian GNU/Linux 10 (buster)"
NAME="Debian GNU/Linux"
VERSION_ID="10"
VERSION="10 (buster)"
VERSION_CODENAME=buster
ID=debian
`;

export const npmPackage = (name: string, version: string) =>
  JSON.stringify({ name, version, description: `${name} test fixture`, license: 'MIT' });

export const pythonMetadata = (name: string, version: string) =>
  `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\nSummary: fixture\n`;

/**
 * A loopback server speaking the OSV API (POST /v1/querybatch with next_page_token paging, GET /v1/vulns/{id}),
 * matching by ecosystem + name only (the client re-checks versions), `pageSize` ids per page.
 */
export interface FakeOsv {
  url: string;
  requests: { method: string; path: string; body?: unknown }[];
  close(): Promise<void>;
}

export async function startOsvServer(
  records: readonly { id: string; modified: string; affected?: { package?: { ecosystem: string; name: string } }[] }[],
  options: { pageSize?: number; fail?: (req: { method: string; path: string }) => number | 'garbage' | undefined } = {},
): Promise<FakeOsv> {
  const requests: FakeOsv['requests'] = [];
  const pageSize = options.pageSize ?? 1000;
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    const path = req.url ?? '';
    requests.push({ method: req.method ?? '', path, ...(body !== undefined ? { body } : {}) });
    const failure = options.fail?.({ method: req.method ?? '', path });
    if (failure === 'garbage') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"results": [ not json');
      return;
    }
    if (typeof failure === 'number') {
      res.writeHead(failure).end('failure');
      return;
    }
    if (req.method === 'POST' && path === '/v1/querybatch') {
      const queries = (body as { queries: { package: { ecosystem: string; name: string }; page_token?: string }[] })
        .queries;
      const results = queries.map((q) => {
        const ids = records
          .filter((r) =>
            (r.affected ?? []).some(
              (a) =>
                a.package?.name.toLowerCase() === q.package.name.toLowerCase() &&
                a.package.ecosystem.split(':')[0] === q.package.ecosystem.split(':')[0],
            ),
          )
          .map((r) => ({ id: r.id, modified: r.modified }));
        const start = q.page_token ? Number(q.page_token) : 0;
        const page = ids.slice(start, start + pageSize);
        return { vulns: page, ...(start + pageSize < ids.length ? { next_page_token: String(start + pageSize) } : {}) };
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
      return;
    }
    const m = /^\/v1\/vulns\/(.+)$/.exec(path);
    if (req.method === 'GET' && m) {
      const record = records.find((r) => r.id === decodeURIComponent(m[1]!));
      if (!record) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":5,"message":"Bug not found."}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(record));
      return;
    }
    res.writeHead(404).end();
  };
  const server: Server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
