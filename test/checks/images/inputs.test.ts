import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createImagesCheck } from '../../../src/checks/images/index.js';
import { packageFromPurl, readSbom } from '../../../src/checks/images/sbom-input.js';
import { parseVexDocument, vexFor } from '../../../src/checks/images/vex.js';
import { groupByAlias, primaryId, queryFor } from '../../../src/checks/images/vulnerabilities.js';
import type { OsvRecord } from '../../../src/vulns/osv.js';
import {
  LODASH_RECORD,
  basePolicy,
  context,
  npmPackage,
  startOsvServer,
  tempDir,
  writeLayout,
  writeRecords,
} from './helpers.js';

describe('OpenVEX', () => {
  const doc = (statements: unknown[]) => JSON.stringify({ '@context': 'https://openvex.dev/ns/v0.2.0', statements });
  it('reads statements, requires a justification for not_affected, and lets later statements win', () => {
    const { statements, problems } = parseVexDocument(
      doc([
        {
          vulnerability: { name: 'CVE-1', aliases: ['GHSA-1'] },
          products: [{ '@id': 'pkg:npm/lodash' }],
          status: 'not_affected',
          justification: 'inline_mitigations_already_exist',
        },
        { vulnerability: { name: 'CVE-2' }, products: [{ '@id': 'pkg:npm/lodash@4.17.15' }], status: 'not_affected' },
        {
          vulnerability: 'CVE-3',
          products: ['ghcr.io/acme/web'],
          status: 'affected',
          action_statement: 'upgrade next sprint',
        },
        { vulnerability: { name: 'CVE-1' }, products: [{ '@id': 'pkg:npm/lodash@4.17.14' }], status: 'affected' },
        { status: 'bogus' },
      ]),
      'vex.json',
    );
    expect(statements).toHaveLength(3);
    expect(problems.join('\n')).toContain('not_affected without a justification');
    expect(problems.join('\n')).toContain('no valid status');
    expect(vexFor(statements, ['GHSA-1'], 'pkg:npm/lodash@4.17.15', 'img')?.status).toBe('not_affected');
    expect(vexFor(statements, ['CVE-1'], 'pkg:npm/lodash@4.17.14', 'img')?.status).toBe('affected');
    expect(vexFor(statements, ['CVE-1'], 'pkg:npm/underscore@1.0.0', 'img')).toBeUndefined();
    expect(vexFor(statements, ['CVE-3'], 'pkg:npm/x@1', 'ghcr.io/acme/web@sha256:1')?.detail).toBe(
      'upgrade next sprint',
    );
  });
  it('reports broken documents as problems, never throws', () => {
    expect(parseVexDocument('{', 'a.json').problems[0]).toMatch(/not valid JSON/);
    expect(parseVexDocument('[]', 'a.json').problems[0]).toMatch(/not an OpenVEX document/);
  });
});

describe('alias merging and query choice', () => {
  const r = (id: string, aliases: string[] = []): OsvRecord => ({ id, modified: 'x', aliases });
  it('merges records that share an id or alias, transitively', () => {
    const groups = groupByAlias(
      [
        r('DSA-1', ['CVE-1']),
        r('GHSA-x', ['CVE-1']),
        r('DEBIAN-CVE-1', ['CVE-1']),
        r('GHSA-y', ['CVE-2024-0002']),
        r('OSV-z', ['GHSA-y']),
      ].map((record) => ({ record })),
    );
    expect(groups.map((g) => g.map((h) => h.record.id))).toEqual([
      ['DSA-1', 'GHSA-x', 'DEBIAN-CVE-1'],
      ['GHSA-y', 'OSV-z'],
    ]);
    expect(primaryId([r('GHSA-y', ['CVE-2024-0002']), r('OSV-z', ['GHSA-y'])])).toBe('CVE-2024-0002');
    expect(primaryId([r('GHSA-b'), r('GHSA-a')])).toBe('GHSA-a');
    expect(primaryId([r('GHSA-m', ['CVE-2024-0009']), r('MAL-2024-1', ['GHSA-m'])])).toBe('MAL-2024-1');
  });
  it('queries Debian, Ubuntu and Alpine packages by source name and version', () => {
    expect(queryFor({ ecosystem: 'Debian:12', name: 'libssl3', version: '3.0.11-1', sourceName: 'openssl' })).toEqual({
      ecosystem: 'Debian:12',
      name: 'openssl',
      version: '3.0.11-1',
    });
    expect(
      queryFor({
        ecosystem: 'Debian:12',
        name: 'zlib1g',
        version: '1:1.2.13.dfsg-1+b1',
        sourceName: 'zlib',
        sourceVersion: '1:1.2.13.dfsg-1',
      }).version,
    ).toBe('1:1.2.13.dfsg-1');
    expect(
      queryFor({ ecosystem: 'Alpine:v3.20', name: 'libcrypto3', version: '3.3.1-r0', sourceName: 'openssl' }).name,
    ).toBe('openssl');
    expect(
      queryFor({ ecosystem: 'AlmaLinux:9', name: 'openssl-libs', version: '1:3.0.7-27.el9', sourceName: 'openssl' })
        .name,
    ).toBe('openssl-libs');
    expect(queryFor({ ecosystem: 'npm', name: 'lodash', version: '1.0.0', sourceName: 'x' }).name).toBe('lodash');
  });
});

describe('SBOM input (sbom:PATH)', () => {
  it('maps purls of each type to OSV packages', () => {
    expect(packageFromPurl('pkg:npm/%40babel/core@7.0.0')).toMatchObject({
      ecosystem: 'npm',
      name: '@babel/core',
      version: '7.0.0',
    });
    expect(packageFromPurl('pkg:deb/debian/libssl3@3.0.11-1?distro=debian-12&upstream=openssl')).toMatchObject({
      ecosystem: 'Debian:12',
      sourceName: 'openssl',
    });
    expect(packageFromPurl('pkg:apk/alpine/libcrypto3@3.3.1-r0?distro=alpine-3.20.1&origin=openssl')).toMatchObject({
      ecosystem: 'Alpine:v3.20',
      sourceName: 'openssl',
    });
    expect(packageFromPurl('pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1')).toMatchObject({
      ecosystem: 'Maven',
      name: 'org.apache.logging.log4j:log4j-core',
    });
    expect(packageFromPurl('pkg:golang/golang.org/x/net@v0.1.0')).toMatchObject({
      ecosystem: 'Go',
      name: 'golang.org/x/net',
    });
    expect(packageFromPurl('pkg:rpm/almalinux/openssl@3.0.7-27.el9?epoch=1&distro=almalinux-9.4')).toMatchObject({
      ecosystem: 'AlmaLinux:9',
      version: '1:3.0.7-27.el9',
    });
    expect(packageFromPurl('pkg:generic/thing@1')).toMatchObject({ ecosystem: '' });
    expect(packageFromPurl('not a purl')).toHaveProperty('error');
  });
  it('reads CycloneDX (nested components) and SPDX 2.3 documents', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'bom.cdx.json'),
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.5',
        components: [
          {
            type: 'library',
            name: 'a',
            purl: 'pkg:npm/lodash@4.17.15',
            components: [{ type: 'library', name: 'b', purl: 'pkg:pypi/jinja2@2.10' }],
          },
          { type: 'library', name: 'c', purl: '::bad' },
        ],
      }),
    );
    const cdx = await readSbom(join(dir, 'bom.cdx.json'));
    expect(cdx.packages.map((p) => `${p.ecosystem}/${p.name}@${p.version}`)).toEqual([
      'npm/lodash@4.17.15',
      'PyPI/jinja2@2.10',
    ]);
    expect(cdx.notes.join('\n')).toContain('1 component(s) with an invalid purl');
    writeFileSync(
      join(dir, 'bom.spdx.json'),
      JSON.stringify({
        spdxVersion: 'SPDX-2.3',
        packages: [
          {
            SPDXID: 'SPDXRef-1',
            name: 'lodash',
            externalRefs: [
              {
                referenceCategory: 'PACKAGE-MANAGER',
                referenceType: 'purl',
                referenceLocator: 'pkg:npm/lodash@4.17.15',
              },
            ],
          },
        ],
      }),
    );
    expect((await readSbom(join(dir, 'bom.spdx.json'))).packages.map((p) => p.name)).toEqual(['lodash']);
    writeFileSync(join(dir, 'other.json'), '{"hello": 1}');
    await expect(readSbom(join(dir, 'other.json'))).rejects.toThrow(/neither CycloneDX/);
  });
});

describe('the images check across targets', () => {
  it('scans sbom: and dir: targets; one broken target is an error while the others still report', async () => {
    const dir = tempDir();
    const osv = writeRecords(join(dir, 'osv'), [LODASH_RECORD]);
    writeFileSync(
      join(dir, 'bom.json'),
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        components: [{ type: 'library', name: 'lodash', purl: 'pkg:npm/lodash@4.17.15' }],
      }),
    );
    mkdirSync(join(dir, 'rootfs/app/node_modules/lodash'), { recursive: true });
    writeFileSync(join(dir, 'rootfs/app/node_modules/lodash/package.json'), npmPackage('lodash', '4.17.20'));
    const policy = basePolicy((p) => {
      p.checks.images.vulnerabilities.source = osv;
      p.checks.images.targets = [
        'sbom:bom.json',
        'dir:rootfs',
        'oci:missing-layout',
        'ghcr.io/acme/${MISSING_TAG_VAR}',
      ];
    });
    const out = await createImagesCheck({ today: () => '2026-11-28' }).run(context(policy, { root: dir }));
    expect(
      out.findings
        .map((f) => `${f.ruleId} ${(f.location as { image: string }).image} ${f.package?.version ?? ''}`)
        .sort(),
    ).toEqual(['vuln/CVE-2021-23337 dir:rootfs 4.17.20', 'vuln/CVE-2021-23337 sbom:bom.json 4.17.15']);
    expect(out.errors).toHaveLength(2);
    expect(out.errors![0]).toContain('${MISSING_TAG_VAR}');
    expect(out.errors![1]).toMatch(/^oci:missing-layout: /);
  });

  it('refuses policy targets that leave the repository once variables are expanded or symlinks followed', async () => {
    const outside = tempDir();
    mkdirSync(join(outside, 'app/node_modules/lodash'), { recursive: true });
    writeFileSync(join(outside, 'app/node_modules/lodash/package.json'), npmPackage('lodash', '4.17.15'));
    const dir = tempDir();
    symlinkSync(outside, join(dir, 'rootfs'));
    const osv = writeRecords(join(dir, 'osv'), [LODASH_RECORD]);
    const policy = basePolicy((p) => {
      p.checks.images.vulnerabilities.source = osv;
      p.checks.images.targets = ['dir:${RUNNER_HOME}', 'dir:rootfs'];
    });
    const check = createImagesCheck({ today: () => '2026-11-28' });
    const out = await check.run(context(policy, { root: dir, env: { RUNNER_HOME: outside } }));
    expect(out.findings).toEqual([]);
    expect(out.errors).toEqual([
      expect.stringContaining(
        `image target "dir:\${RUNNER_HOME}" (expanded to "dir:${outside}") is outside the repository`,
      ),
      expect.stringContaining('image target "dir:rootfs" is outside the repository'),
    ]);
    // The same directory given by the pipeline (--image, the action's images input) is scanned.
    const byPipeline = await check.run(
      context(
        basePolicy((p) => (p.checks.images.vulnerabilities.source = osv)),
        { root: dir, images: [`dir:${outside}`] },
      ),
    );
    expect(byPipeline.findings.map((f) => f.ruleId)).toEqual(['vuln/CVE-2021-23337']);
  });

  it('an unreachable OSV API fails closed, or is a warning (not checked) with on-unreachable: warn', async () => {
    const dir = tempDir();
    const ref = await writeLayout(
      join(dir, 'layout'),
      [[{ path: 'app/node_modules/lodash/package.json', content: npmPackage('lodash', '4.17.15') }]],
      { User: '1' },
    );
    const server = await startOsvServer([LODASH_RECORD], { fail: () => 500 });
    try {
      const check = createImagesCheck({ osvApi: { cacheDir: false, sleep: async () => {}, attempts: 2 } });
      const strict = basePolicy((p) => (p.checks.images.vulnerabilities.source = `osv-api:${server.url}`));
      const failed = await check.run(context(strict, { images: [ref] }));
      expect(failed.errors!.join('\n')).toMatch(/vulnerabilities not matched: OSV API at .* could not be reached/);
      expect(failed.findings.map((f) => f.ruleId)).toEqual(['image/no-healthcheck']);
      const lenient = basePolicy((p) => {
        p.checks.images.vulnerabilities.source = `osv-api:${server.url}`;
        p.checks.images.vulnerabilities['on-unreachable'] = 'warn';
      });
      const warned = await check.run(context(lenient, { images: [ref] }));
      expect(warned.errors).toEqual([]);
      expect(warned.warnings).toHaveLength(1);
      expect(warned.warnings![0]).toMatch(
        /: vulnerabilities not checked: OSV API at .* could not be reached .*\(on-unreachable: warn\)$/,
      );
    } finally {
      await server.close();
    }
  });

  it('a VEX not_affected statement from the repository suppresses the finding with its justification', async () => {
    const dir = tempDir();
    const osv = writeRecords(join(dir, 'osv'), [LODASH_RECORD]);
    mkdirSync(join(dir, '.vex'));
    writeFileSync(
      join(dir, '.vex/app.json'),
      JSON.stringify({
        statements: [
          {
            vulnerability: { name: 'CVE-2021-23337' },
            products: [{ '@id': 'pkg:npm/lodash' }],
            status: 'not_affected',
            justification: 'vulnerable_code_not_present',
          },
        ],
      }),
    );
    writeFileSync(
      join(dir, 'bom.json'),
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.6',
        components: [{ type: 'library', name: 'lodash', purl: 'pkg:npm/lodash@4.17.15' }],
      }),
    );
    const policy = basePolicy((p) => {
      p.checks.images.vulnerabilities.source = osv;
      p.checks.images.vulnerabilities.vex = ['.vex/*.json'];
      p.checks.images.targets = ['sbom:bom.json'];
    });
    const out = await createImagesCheck().run(context(policy, { root: dir }));
    expect(out.findings.map((f) => f.suppressed?.reason)).toEqual([
      'VEX not_affected: vulnerable_code_not_present (.vex/app.json)',
    ]);
  });

  it('with no targets the check is "not configured", with how to turn it on', async () => {
    const out = await createImagesCheck().run(context(basePolicy()));
    expect(out).toEqual({
      findings: [],
      skipped: {
        label: 'not configured',
        reason: 'no image targets.',
        hint: 'set checks.images.targets in the policy, or pass --image (the action input `images`).',
      },
    });
  });
});
