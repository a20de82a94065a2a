import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { directoryLayer } from '../../../src/checks/images/dir-source.js';
import { catalogImage } from '../../../src/images/index.js';
import { secretScanner } from '../../../src/checks/images/secrets.js';
import { npmPackage, tempDir } from './helpers.js';

describe('dir: targets (an unpacked root filesystem as one synthetic layer)', () => {
  it('catalogs the tree, never follows symlinks out of it, and reads secrets only inside it', async () => {
    const outside = tempDir();
    writeFileSync(join(outside, 'id_rsa'), '-----BEGIN RSA PRIVATE KEY-----\nOUTSIDE\n-----END RSA PRIVATE KEY-----\n');
    const root = tempDir();
    mkdirSync(join(root, 'app/node_modules/lodash'), { recursive: true });
    writeFileSync(join(root, 'app/node_modules/lodash/package.json'), npmPackage('lodash', '4.17.15'));
    mkdirSync(join(root, 'root/.ssh'), { recursive: true });
    symlinkSync(join(outside, 'id_rsa'), join(root, 'root/.ssh/id_rsa'));
    writeFileSync(join(root, 'app/.env'), 'API_TOKEN=abcd1234efgh\n');
    const notes: string[] = [];
    const scanner = secretScanner();
    const catalog = await catalogImage([directoryLayer(root, notes)], { extraRequests: [scanner.request] });
    expect(catalog.errors).toEqual([]);
    expect(catalog.packages.map((p) => `${p.name}@${p.version} /${p.path}`)).toEqual([
      'lodash@4.17.15 /app/node_modules/lodash/package.json',
    ]);
    expect(scanner.results.map((r) => `${r.path} ${r.hits.map((h) => h.kind).join(',')}`)).toEqual([
      'app/.env env-secret',
    ]);
    expect(JSON.stringify(scanner.results)).not.toContain('OUTSIDE');
  });

  it('a missing directory is a layer error, not a crash', async () => {
    const catalog = await catalogImage([directoryLayer('/nonexistent/rootfs', [])]);
    expect(catalog.errors.join('\n')).toMatch(/could not be opened/);
  });
});
