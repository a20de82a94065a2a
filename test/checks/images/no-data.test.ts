import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createImagesCheck } from '../../../src/checks/images/index.js';
import { LODASH_RECORD, basePolicy, context, tempDir, writeRecords } from './helpers.js';

/** A Trivy-like SBOM of a Debian 12 image with one npm package. */
function sbom(dir: string, npm = true): string {
  writeFileSync(
    join(dir, 'bom.json'),
    JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      components: [
        { type: 'library', name: 'libc6', purl: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12.6' },
        ...(npm ? [{ type: 'library', name: 'lodash', purl: 'pkg:npm/lodash@4.17.20' }] : []),
      ],
    }),
  );
  return 'sbom:bom.json';
}

async function run(osv: string, dir: string, target: string, onUnreachable: 'fail' | 'warn', cacheDir: string | false) {
  const policy = basePolicy((p) => {
    p.checks.images.vulnerabilities.source = osv;
    p.checks.images.vulnerabilities['on-unreachable'] = onUnreachable;
    p.checks.images.targets = [target];
  });
  return createImagesCheck({ osvApi: { cacheDir } }).run(context(policy, { root: dir }));
}

describe('offline vulnerability data that does not cover the image', () => {
  it('an empty directory is no pass: it fails like an unreachable source, or warns with on-unreachable: warn', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'empty'));
    const target = sbom(dir);
    const failed = await run(join(dir, 'empty'), dir, target, 'fail', false);
    expect(failed.errors).toEqual([
      expect.stringMatching(
        /holds no advisories for any ecosystem of this image: Debian:12\.6 \(1 package version\(s\)\), npm \(1 package version\(s\)\)\. Nothing was checked/,
      ),
    ]);
    const warned = await run(join(dir, 'empty'), dir, target, 'warn', false);
    expect(warned.errors).toEqual([]);
    expect(warned.warnings!.join('\n')).toMatch(
      /holds no advisories for any ecosystem of this image.*\(on-unreachable: warn\)/,
    );
  });

  it('data for only some ecosystems names the ones not checked, from a cold scan and from the cached index', async () => {
    const dir = tempDir();
    const osv = writeRecords(join(dir, 'osv'), [LODASH_RECORD]);
    const target = sbom(dir);
    const cacheDir = tempDir('containersec-osv-cache-');
    for (let i = 0; i < 2; i++) {
      const out = await run(osv, dir, target, 'fail', cacheDir);
      expect(out.errors).toEqual([]);
      expect(out.findings.map((f) => f.ruleId)).toEqual(['vuln/CVE-2021-23337']);
      expect(out.warnings!.join('\n')).toContain(
        'vulnerabilities NOT checked for Debian:12.6 (1 package version(s)): OSV files in',
      );
    }
  });

  it('data for other ecosystems only is treated like no data', async () => {
    const dir = tempDir();
    const osv = writeRecords(join(dir, 'osv'), [LODASH_RECORD]);
    const out = await run(osv, dir, sbom(dir, false), 'fail', false);
    expect(out.errors![0]).toMatch(/holds no advisories for any ecosystem of this image: Debian:12/);
  });
});
