import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createImagesCheck } from '../../../src/checks/images/index.js';
import type { RawFinding } from '../../../src/core/finding.js';
import {
  DEBIAN_10_OS_RELEASE,
  basePolicy,
  context,
  dpkgStanza,
  npmPackage,
  pythonMetadata,
  startOsvServer,
  tempDir,
  writeLayout,
} from './helpers.js';

/**
 * The images check against the real OSV records in ../shared/fixtures/osv (see its README), served from
 * disk and from a loopback server speaking the OSV API. The image holds real vulnerable releases of npm,
 * PyPI and Debian packages; the expected advisories are the ones those records name for these versions.
 */
const FIXTURES = resolve(import.meta.dirname, '../../../../shared/fixtures/osv');
const present = existsSync(FIXTURES);
if (!present) console.warn('conformance suite skipped: ../shared/fixtures not found');

interface FixtureRecord {
  id: string;
  modified: string;
  affected?: { package?: { ecosystem: string; name: string } }[];
}

function fixtureRecords(): FixtureRecord[] {
  const out: FixtureRecord[] = [];
  for (const folder of readdirSync(FIXTURES, { withFileTypes: true })) {
    if (!folder.isDirectory() || folder.name === 'schema') continue;
    for (const file of readdirSync(join(FIXTURES, folder.name))) {
      if (file.endsWith('.json'))
        out.push(JSON.parse(readFileSync(join(FIXTURES, folder.name, file), 'utf8')) as FixtureRecord);
    }
  }
  return out;
}

async function realImage(dir: string): Promise<string> {
  return writeLayout(dir, [
    [
      { path: 'etc/os-release', content: DEBIAN_10_OS_RELEASE },
      {
        path: 'var/lib/dpkg/status',
        content: [
          dpkgStanza({ name: 'libodbc1', version: '2.3.6-0.1', source: 'unixodbc' }),
          dpkgStanza({ name: 'libc6', version: '2.28-10+deb10u2', source: 'glibc' }),
        ].join('\n'),
      },
    ],
    [
      { path: 'srv/app/node_modules/lodash/package.json', content: npmPackage('lodash', '4.17.15') },
      { path: 'srv/app/node_modules/minimist/package.json', content: npmPackage('minimist', '1.2.5') },
      { path: 'srv/app/node_modules/semver/package.json', content: npmPackage('semver', '7.3.8') },
      { path: 'srv/app/node_modules/ansi-regex/package.json', content: npmPackage('ansi-regex', '5.0.0') },
      { path: 'srv/app/node_modules/glob-parent/package.json', content: npmPackage('glob-parent', '6.0.2') },
      {
        path: 'usr/local/lib/python3.9/site-packages/Jinja2-2.10.dist-info/METADATA',
        content: pythonMetadata('Jinja2', '2.10'),
      },
      {
        path: 'usr/local/lib/python3.9/site-packages/urllib3-1.24.1.dist-info/METADATA',
        content: pythonMetadata('urllib3', '1.24.1'),
      },
      {
        path: 'usr/local/lib/python3.9/site-packages/requests-2.31.0.dist-info/METADATA',
        content: pythonMetadata('requests', '2.31.0'),
      },
    ],
  ]);
}

const summary = (findings: RawFinding[]) =>
  findings
    .filter((f) => f.ruleId.startsWith('vuln/'))
    .map((f) => `${f.ruleId} ${f.package?.name}@${f.package?.version} -> ${f.fix}`)
    .sort();

const EXPECTED = [
  'vuln/CVE-2018-25091 urllib3@1.24.1 -> upgrade urllib3 to 1.24.2',
  'vuln/CVE-2020-28493 Jinja2@2.10 -> upgrade Jinja2 to 2.11.3',
  'vuln/CVE-2020-8203 lodash@4.17.15 -> upgrade lodash to 4.17.20',
  'vuln/CVE-2021-23337 lodash@4.17.15 -> upgrade lodash to 4.17.21',
  'vuln/CVE-2021-3807 ansi-regex@5.0.0 -> upgrade ansi-regex to 5.0.1',
  'vuln/CVE-2021-44906 minimist@1.2.5 -> upgrade minimist to 1.2.6',
  'vuln/CVE-2022-25883 semver@7.3.8 -> upgrade semver to 7.5.2',
  'vuln/CVE-2023-45803 urllib3@1.24.1 -> upgrade urllib3 to 1.26.18',
  'vuln/CVE-2024-1013 libodbc1@2.3.6-0.1 -> no fix available yet',
];

describe.skipIf(!present)('images check conformance with the real OSV records', () => {
  it('from disk: exactly the advisories the records name for these versions', async () => {
    const dir = tempDir();
    const ref = await realImage(join(dir, 'layout'));
    const policy = basePolicy((p) => {
      p.checks.images.vulnerabilities.source = FIXTURES;
      p.checks.images.vulnerabilities['ignore-unfixed'] = false;
    });
    const env = { CONTAINERSEC_CACHE_DIR: join(dir, 'cache') };
    const check = createImagesCheck({ today: () => '2026-11-28' });
    const out = await check.run(context(policy, { images: [ref], env }));
    expect(out.errors).toEqual([]);
    expect(summary(out.findings)).toEqual(EXPECTED);
    const warm = await check.run(context(policy, { images: [ref], env }));
    expect(summary(warm.findings)).toEqual(EXPECTED);
    expect(warm.notes!.join('\n')).toContain('served from the cached index');
    const urllib3 = out.findings.find((f) => f.ruleId === 'vuln/CVE-2018-25091')!;
    expect(urllib3.vulnerability?.aliases).toEqual(['PYSEC-2023-207']);
    expect(out.notes!.join('\n')).toMatch(/read 1\d\d record file\(s\)/);
  });

  it('from a loopback OSV API: the same findings', async () => {
    const dir = tempDir();
    const ref = await realImage(join(dir, 'layout'));
    const server = await startOsvServer(fixtureRecords(), { pageSize: 1 });
    try {
      const policy = basePolicy((p) => {
        p.checks.images.vulnerabilities.source = `osv-api:${server.url}`;
        p.checks.images.vulnerabilities['ignore-unfixed'] = false;
      });
      const check = createImagesCheck({ today: () => '2026-11-28', osvApi: { cacheDir: false } });
      const out = await check.run(context(policy, { images: [ref] }));
      expect(out.errors).toEqual([]);
      expect(summary(out.findings)).toEqual(EXPECTED);
      expect(server.requests.some((r) => JSON.stringify(r.body ?? '').includes('page_token'))).toBe(true);
    } finally {
      await server.close();
    }
  });
});
