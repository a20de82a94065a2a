import { join } from 'node:path';
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
  writeRecords,
} from './helpers.js';

// OSV records written for these tests in the OSV 1.6 schema, modelled on the real GHSA / PYSEC / Debian records.
const RECORDS = [
  {
    schema_version: '1.6.0',
    id: 'GHSA-p6mc-m468-83gw',
    modified: '2024-01-01T00:00:00Z',
    aliases: ['CVE-2020-8203'],
    summary: 'Prototype Pollution in lodash',
    affected: [
      {
        package: { ecosystem: 'npm', name: 'lodash' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '3.7.0' }, { fixed: '4.17.19' }] }],
      },
    ],
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H' }],
  },
  {
    schema_version: '1.6.0',
    id: 'GHSA-35jh-r3h4-6jhm',
    modified: '2024-01-01T00:00:00Z',
    aliases: ['CVE-2021-23337'],
    summary: 'Command Injection in lodash',
    affected: [
      {
        package: { ecosystem: 'npm', name: 'lodash' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }],
      },
    ],
    database_specific: { severity: 'HIGH' },
  },
  {
    schema_version: '1.6.0',
    id: 'GHSA-xxxx-not-affected',
    modified: '2024-01-01T00:00:00Z',
    affected: [
      {
        package: { ecosystem: 'npm', name: 'lodash' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.0.0' }] }],
      },
    ],
  },
  {
    schema_version: '1.6.0',
    id: 'PYSEC-2021-66',
    modified: '2024-01-01T00:00:00Z',
    aliases: ['CVE-2020-28493', 'GHSA-g3rq-g295-4j3m'],
    summary: 'ReDoS in jinja2',
    affected: [
      {
        package: { ecosystem: 'PyPI', name: 'jinja2' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.11.3' }] }],
      },
    ],
  },
  {
    schema_version: '1.6.0',
    id: 'GHSA-g3rq-g295-4j3m',
    modified: '2024-01-01T00:00:00Z',
    aliases: ['CVE-2020-28493', 'PYSEC-2021-66'],
    affected: [
      {
        package: { ecosystem: 'PyPI', name: 'Jinja2' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.11.3' }] }],
      },
    ],
    database_specific: { severity: 'MODERATE' },
  },
  {
    schema_version: '1.6.0',
    id: 'DSA-5000-1',
    modified: '2024-01-01T00:00:00Z',
    aliases: ['CVE-2024-0001'],
    summary: 'openssl security update',
    affected: [
      {
        package: { ecosystem: 'Debian:10', name: 'openssl' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.1.1n-0+deb10u6' }] }],
      },
    ],
  },
  {
    schema_version: '1.6.0',
    id: 'DEBIAN-CVE-2024-0001',
    modified: '2024-01-01T00:00:00Z',
    upstream: ['CVE-2024-0001'],
    aliases: ['CVE-2024-0001'],
    affected: [
      {
        package: { ecosystem: 'Debian:10', name: 'openssl' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.1.1n-0+deb10u6' }] }],
      },
    ],
  },
  {
    schema_version: '1.6.0',
    id: 'DEBIAN-CVE-2024-0002',
    modified: '2024-01-01T00:00:00Z',
    affected: [
      {
        package: { ecosystem: 'Debian:10', name: 'zlib' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }],
      },
    ],
  },
  {
    schema_version: '1.6.0',
    id: 'MAL-2024-1234',
    modified: '2024-01-01T00:00:00Z',
    summary: 'Malicious code in evil-pkg (npm)',
    affected: [{ package: { ecosystem: 'npm', name: 'evil-pkg' }, versions: ['1.0.0'] }],
  },
];

const SECRET_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n`;

async function demoImage(dir: string): Promise<string> {
  return writeLayout(
    dir,
    [
      [
        { path: 'etc/os-release', content: DEBIAN_10_OS_RELEASE },
        { path: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/bash\n' },
        {
          path: 'var/lib/dpkg/status',
          content: [
            dpkgStanza({ name: 'libssl1.1', version: '1.1.1n-0+deb10u3', source: 'openssl' }),
            dpkgStanza({ name: 'zlib1g', version: '1:1.2.11.dfsg-1+deb10u2', source: 'zlib' }),
          ].join('\n'),
        },
      ],
      [
        { path: 'app/node_modules/lodash/package.json', content: npmPackage('lodash', '4.17.15') },
        { path: 'app/node_modules/evil-pkg/package.json', content: npmPackage('evil-pkg', '1.0.0') },
        { path: 'app/node_modules/odd/package.json', content: npmPackage('odd', 'not-a-version') },
        {
          path: 'usr/local/lib/python3.11/site-packages/Jinja2-2.10.dist-info/METADATA',
          content: pythonMetadata('Jinja2', '2.10'),
        },
        { path: 'root/.ssh/id_ed25519', content: SECRET_KEY, mode: 0o600 },
      ],
      [{ path: 'root/.ssh/.wh.id_ed25519', content: '' }],
    ],
    { User: '', ExposedPorts: { '22/tcp': {} } },
  );
}

const ODD_RECORD = {
  schema_version: '1.6.0',
  id: 'GHSA-odd0-odd0-odd0',
  modified: '2024-01-01T00:00:00Z',
  affected: [
    {
      package: { ecosystem: 'npm', name: 'odd' },
      ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }],
    },
  ],
};

const vulnIds = (findings: RawFinding[]) =>
  findings
    .filter((f) => f.ruleId.startsWith('vuln/'))
    .map((f) => `${f.ruleId} ${f.package?.name}@${f.package?.version} fix=${f.fix}`)
    .sort();

const EXPECTED = [
  'vuln/CVE-2020-28493 Jinja2@2.10 fix=upgrade Jinja2 to 2.11.3',
  'vuln/CVE-2020-8203 lodash@4.17.15 fix=upgrade lodash to 4.17.19',
  'vuln/CVE-2021-23337 lodash@4.17.15 fix=upgrade lodash to 4.17.21',
  'vuln/CVE-2024-0001 libssl1.1@1.1.1n-0+deb10u3 fix=upgrade libssl1.1 to 1.1.1n-0+deb10u6',
  'vuln/DEBIAN-CVE-2024-0002 zlib1g@1:1.2.11.dfsg-1+deb10u2 fix=no fix available yet',
  'vuln/MAL-2024-1234 evil-pkg@1.0.0 fix=remove evil-pkg from the image and rotate any secret the build or the container could read',
];

describe('images check end to end (OCI layout, offline OSV directory)', () => {
  it('reports exactly the advisories that apply, merged by alias, with image findings', async () => {
    const dir = tempDir();
    const ref = await demoImage(join(dir, 'layout'));
    const osv = writeRecords(join(dir, 'osv'), [...RECORDS, ODD_RECORD]);
    const policy = basePolicy((p) => {
      p.checks.images.vulnerabilities.source = osv;
      p.checks.images.vulnerabilities['ignore-unfixed'] = false;
    });
    const check = createImagesCheck({ today: () => '2026-11-28' });
    const out = await check.run(context(policy, { images: [ref] }));
    expect(out.errors).toEqual([]);
    expect(vulnIds(out.findings)).toEqual(EXPECTED);

    const openssl = out.findings.find((f) => f.ruleId === 'vuln/CVE-2024-0001')!;
    expect(openssl.vulnerability).toEqual({
      id: 'CVE-2024-0001',
      aliases: ['DEBIAN-CVE-2024-0001', 'DSA-5000-1'],
      fixed: ['1.1.1n-0+deb10u6'],
      rating: 'unknown',
    });
    expect(openssl.message).toContain('source package openssl');
    expect(openssl.location).toMatchObject({ path: '/var/lib/dpkg/status' });
    expect((openssl.location as { image: string }).image).toMatch(/^oci:.*@sha256:[0-9a-f]{64}$/);

    const jinja = out.findings.find((f) => f.ruleId === 'vuln/CVE-2020-28493')!;
    expect(jinja.vulnerability?.aliases).toEqual(['GHSA-g3rq-g295-4j3m', 'PYSEC-2021-66']);
    expect(jinja.severity).toBe('medium');
    expect(jinja.message).toContain('database_specific MODERATE');

    const lodash = out.findings.find((f) => f.ruleId === 'vuln/CVE-2020-8203')!;
    expect(lodash.severity).toBe('high');
    expect(lodash.message).toContain('CVSS_V3 7.4');
    expect(out.findings.find((f) => f.ruleId === 'vuln/MAL-2024-1234')?.severity).toBe('critical');

    const odd = out.findings.filter((f) => f.ruleId === 'image/version-not-comparable');
    expect(odd.map((f) => f.package?.name)).toEqual(['odd']);
    expect(odd[0]!.message).toContain('GHSA-odd0-odd0-odd0');

    const rules = out.findings
      .filter((f) => f.ruleId.startsWith('image/'))
      .map((f) => f.ruleId)
      .sort();
    expect(rules).toEqual([
      'image/eol-os',
      'image/exposes-ssh',
      'image/no-healthcheck',
      'image/runs-as-root',
      'image/secret-in-layer',
      'image/version-not-comparable',
    ]);
    const secret = out.findings.find((f) => f.ruleId === 'image/secret-in-layer')!;
    expect(secret.message).toContain('deleted in a later layer');
    expect(secret.message).toContain('still in the image');
    expect(secret.message).not.toContain('b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ');
    expect(secret.location).toMatchObject({ path: '/root/.ssh/id_ed25519' });
    expect(out.findings.find((f) => f.ruleId === 'image/eol-os')?.message).toContain('2024-06-30');
  });

  it('drops unfixed vulnerabilities with ignore-unfixed and notes the count', async () => {
    const dir = tempDir();
    const ref = await demoImage(join(dir, 'layout'));
    const osv = writeRecords(join(dir, 'osv'), RECORDS);
    const policy = basePolicy((p) => {
      p.checks.images.vulnerabilities.source = osv;
      p.checks.images.vulnerabilities['ignore-unfixed'] = true;
    });
    const out = await createImagesCheck({ today: () => '2026-11-28' }).run(context(policy, { images: [ref] }));
    expect(vulnIds(out.findings)).toEqual(EXPECTED.filter((e) => !e.includes('no fix')));
    expect(out.notes?.some((n) => n.includes('1 vulnerability finding(s) with no fixed version yet'))).toBe(true);
  });

  it('gives the same findings from a loopback OSV API with paging', async () => {
    const dir = tempDir();
    const ref = await demoImage(join(dir, 'layout'));
    const server = await startOsvServer([...RECORDS, ODD_RECORD], { pageSize: 1 });
    try {
      const policy = basePolicy((p) => {
        p.checks.images.vulnerabilities.source = `osv-api:${server.url}`;
        p.checks.images.vulnerabilities['ignore-unfixed'] = false;
      });
      const check = createImagesCheck({ today: () => '2026-11-28', osvApi: { cacheDir: false } });
      const out = await check.run(context(policy, { images: [ref] }));
      expect(out.errors).toEqual([]);
      expect(vulnIds(out.findings)).toEqual(EXPECTED);
      const pages = server.requests.filter((r) => r.path === '/v1/querybatch');
      expect(pages.length).toBeGreaterThan(1);
      expect(JSON.stringify(pages[1]!.body)).toContain('page_token');
    } finally {
      await server.close();
    }
  });

  it('secrets and eol off: not reported', async () => {
    const dir = tempDir();
    const ref = await demoImage(join(dir, 'layout'));
    const policy = basePolicy((p) => {
      p.checks.images.vulnerabilities.source = writeRecords(join(dir, 'osv'), []);
      p.checks.images.secrets = 'off';
      p.checks.images.eol = 'off';
    });
    const out = await createImagesCheck({ today: () => '2026-11-28' }).run(context(policy, { images: [ref] }));
    expect(out.findings.filter((f) => f.ruleId.startsWith('image/secret') || f.ruleId.startsWith('image/eol'))).toEqual(
      [],
    );
    expect(out.findings.some((f) => f.ruleId === 'image/runs-as-root')).toBe(true);
  });
});
