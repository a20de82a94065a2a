import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { catalogImage } from '../../src/images/catalog.js';
import { dpkgCataloger } from '../../src/images/catalogers/dpkg.js';
import type { Cataloger } from '../../src/images/catalogers/types.js';
import type { FileContent } from '../../src/images/filesystem.js';
import { MEDIA, buildTar, file, gzip, layerSource, symlink, tarLayer, whiteout } from '../support/layer-builder.js';
import { summary } from '../support/image.js';

const STATUS = `Package: base-files
Status: install ok installed
Architecture: amd64
Version: 12.4+deb12u5

Package: libc6
Status: install ok installed
Architecture: amd64
Source: glibc
Version: 2.36-9+deb12u4
`;

describe('catalogImage', () => {
  it('catalogs the final file view of a multi-layer image and serves the secret scanner in the same pass', async () => {
    const base = await tarLayer([
      file('etc/os-release', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n'),
      file('var/lib/dpkg/status', STATUS),
    ]);
    const app = await tarLayer([
      file('app/.env', 'AWS_SECRET_ACCESS_KEY=abc'),
      file('app/node_modules/express/package.json', '{"name":"express","version":"4.18.2"}'),
      file('app/node_modules/lodash/package.json', '{"name":"lodash","version":"4.17.20"}'),
    ]);
    const cleanup = await tarLayer([
      whiteout('app/.env'),
      whiteout('app/node_modules/lodash'),
      file('app/node_modules/express/package.json', '{"name":"express","version":"4.19.2"}'),
      file('../escape.txt', 'x'),
      symlink('app/link', '../../../etc/passwd'),
    ]);
    const deleted: FileContent[] = [];
    const catalog = await catalogImage([base, app, cleanup], {
      extraRequests: [
        { name: 'secrets', wantsDeleted: () => true, maxFileBytes: 1024, onFile: (f) => void deleted.push(f) },
      ],
    });
    expect(catalog.errors).toEqual([]);
    expect(catalog.os?.ecosystem).toBe('Debian:12');
    expect(summary(catalog.packages)).toEqual([
      'Debian:12 base-files@12.4+deb12u5',
      'Debian:12 libc6@2.36-9+deb12u4',
      'npm express@4.19.2',
    ]);
    expect(catalog.packages.find((p) => p.name === 'express')?.layer).toBe(cleanup.digest);
    expect(deleted.map((f) => [f.path, f.data.toString(), f.layerDigest, f.deletedBy?.layerDigest]).sort()).toEqual([
      ['app/.env', 'AWS_SECRET_ACCESS_KEY=abc', app.digest, cleanup.digest],
      ['app/node_modules/express/package.json', '{"name":"express","version":"4.18.2"}', app.digest, cleanup.digest],
      ['app/node_modules/lodash/package.json', '{"name":"lodash","version":"4.17.20"}', app.digest, cleanup.digest],
    ]);
    const notes = catalog.notes.join('\n');
    expect(notes).toMatch(/\.\.\/escape.txt skipped: the name climbs above the image root/);
    expect(notes).toMatch(/symlink app\/link -> \.\.\/\.\.\/\.\.\/etc\/passwd points outside the image root/);
  });

  it('reports a truncated layer by digest and still catalogs the layers before it', async () => {
    const base = await tarLayer([
      file('etc/alpine-release', '3.20.3\n'),
      file('lib/apk/db/installed', 'P:musl\nV:1.2.5-r0\nA:x86_64\no:musl\n'),
    ]);
    const noise = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 251));
    const full = gzip(await buildTar([file('blob', noise), file('usr/lib/node_modules/npm/package.json', '{}')]));
    const truncated = layerSource(full.subarray(0, full.length >> 1), MEDIA.gzip);
    const catalog = await catalogImage([base, truncated]);
    expect(catalog.errors).toEqual([expect.stringContaining(`layer ${truncated.digest} is truncated`)]);
    expect(summary(catalog.packages)).toEqual(['Alpine:v3.20 musl@1.2.5-r0']);
  });

  it('does not read a layer again when no cataloger wants anything from it, and closes every stream', async () => {
    const base = await tarLayer([
      file('etc/os-release', 'ID=alpine\nVERSION_ID=3.20.0\n'),
      file('srv/after.bin', randomBytes(4 * 1024 * 1024)),
    ]);
    const data = await tarLayer([file('srv/data.bin', Buffer.alloc(10_000))]);
    await catalogImage([base, data]);
    await new Promise((resolve) => setImmediate(resolve));
    // os-release is kept as pass 1 streams past it, so no layer is read twice.
    expect([base.opens, data.opens]).toEqual([1, 1]);
    expect([base.closed, data.closed]).toEqual([1, 1]);
  });
});

describe('catalogImage: per-file catalogers', () => {
  it('reads each file as it arrives, keeps only the findings, and still skips files an OS package owns', async () => {
    const layer = await tarLayer([
      file('var/lib/dpkg/status', STATUS),
      file('var/lib/dpkg/info/libc6.list', '/usr/bin/owned\n'),
      file('usr/bin/owned', 'binary one', 0o755),
      file('usr/local/bin/tool', 'binary two', 0o755),
      file('usr/local/bin/broken', 'binary three', 0o755),
    ]);
    const seen: string[] = [];
    const perFile: Cataloger = {
      name: 'per-file',
      stage: 'language',
      wants: (meta) => meta.type === 'file' && (meta.mode & 0o111) !== 0,
      maxFileBytes: 1024,
      readEach(f) {
        seen.push(f.path);
        if (f.path.endsWith('broken')) throw new Error('bad bytes');
        const pkg = { ecosystem: 'npm', name: f.path.split('/').pop()!, version: '1.0.0', purl: '', path: f.path };
        return { packages: [{ ...pkg, layer: f.layerDigest, cataloger: 'per-file' }], notes: [`/${f.path}: read`] };
      },
      catalog: () => {
        throw new Error('catalog() is not called for a per-file cataloger');
      },
    };
    const catalog = await catalogImage([layer], { catalogers: [dpkgCataloger, perFile] });
    expect(seen.sort()).toEqual(['usr/bin/owned', 'usr/local/bin/broken', 'usr/local/bin/tool']);
    expect(catalog.packages.filter((p) => p.cataloger === 'per-file').map((p) => p.name)).toEqual(['tool']);
    expect(catalog.notes).toEqual(
      expect.arrayContaining([
        'per-file: /usr/local/bin/tool: read',
        'per-file: /usr/local/bin/broken: failed: bad bytes',
      ]),
    );
    expect(catalog.notes.join('\n')).not.toContain('/usr/bin/owned');
  });
});

describe('catalogImage: abort', () => {
  it('stops when the check is aborted and throws the reason instead of reporting a layer error', async () => {
    const layer = await tarLayer(Array.from({ length: 200 }, (_, i) => file(`f${i}`, 'x')));
    const controller = new AbortController();
    controller.abort(new Error('check timed out'));
    await expect(catalogImage([layer], { signal: controller.signal })).rejects.toThrow('check timed out');
  });
});
