import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createImagesCheck } from '../../../src/checks/images/index.js';
import { groupByAlias } from '../../../src/checks/images/vulnerabilities.js';
import type { RawFinding } from '../../../src/core/finding.js';
import { findingIdentity } from '../../../src/core/fingerprint.js';
import { exceptionCovers } from '../../../src/policy/exceptions.js';
import type { OsvRecord } from '../../../src/vulns/osv.js';
import { basePolicy, context, startOsvServer, tempDir, writeRecords } from './helpers.js';

/** osv.dev's Debian converter: id DEBIAN-<CVE>, the CVE in `upstream`, urgency per release entry. */
function debianCve(urgency: string, severity?: { type: string; score: string }[]) {
  return {
    schema_version: '1.7.0',
    id: 'DEBIAN-CVE-2024-6387',
    upstream: ['CVE-2024-6387'],
    published: '2024-07-01T13:15:10Z',
    modified: '2024-09-10T08:12:31Z',
    details:
      "A security regression (CVE-2006-5051) was discovered in OpenSSH's server (sshd). There is a race condition which can lead sshd to handle some signals in an unsafe manner.",
    references: [{ type: 'ADVISORY', url: 'https://security-tracker.debian.org/tracker/CVE-2024-6387' }],
    ...(severity ? { severity } : {}),
    affected: [
      {
        package: { ecosystem: 'Debian:12', name: 'openssh' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:9.2p1-2+deb12u3' }] }],
        ecosystem_specific: { urgency },
      },
    ],
  };
}

/** osv.dev's record of the CVE itself (converted from the CVE list / NVD): a vector, GIT ranges, no package. */
const CVE_RECORD = {
  schema_version: '1.7.0',
  id: 'CVE-2024-6387',
  modified: '2024-11-21T09:49:29Z',
  published: '2024-07-01T13:15:10Z',
  details: 'A security regression (CVE-2006-5051) was discovered in OpenSSH',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
  affected: [
    {
      ranges: [
        {
          type: 'GIT',
          repo: 'https://github.com/openssh/openssh-portable',
          events: [{ introduced: '0' }, { fixed: '66aaa678dbe59aa21d0d9d89a3596ecedde0254b' }],
        },
      ],
    },
  ],
};

/** A Syft-style CycloneDX SBOM of a Debian 12 image with a vulnerable openssh-server. */
function sbom(dir: string): string {
  writeFileSync(
    join(dir, 'bom.json'),
    JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      components: [
        {
          type: 'library',
          name: 'openssh-server',
          version: '1:9.2p1-2+deb12u2',
          purl: 'pkg:deb/debian/openssh-server@1%3A9.2p1-2%2Bdeb12u2?arch=amd64&upstream=openssh&distro=debian-12',
        },
      ],
    }),
  );
  return 'sbom:bom.json';
}

async function scan(records: object[], options: { cacheDir?: string; vex?: object } = {}) {
  const dir = tempDir();
  const osv = writeRecords(join(dir, 'osv'), records);
  const target = sbom(dir);
  if (options.vex) writeFileSync(join(dir, 'vex.json'), JSON.stringify(options.vex));
  const policy = basePolicy((p) => {
    p.checks.images.vulnerabilities.source = osv;
    p.checks.images.targets = [target];
    if (options.vex) p.checks.images.vulnerabilities.vex = ['vex.json'];
  });
  const check = createImagesCheck({ osvApi: { cacheDir: options.cacheDir ?? false } });
  return check.run(context(policy, { root: dir }));
}

const vulns = (findings: RawFinding[]) => findings.filter((f) => f.ruleId.startsWith('vuln/'));

describe('distribution records keyed by their upstream CVE (DEBIAN-CVE-*, UBUNTU-CVE-*)', () => {
  it('reports a DEBIAN-CVE record as its CVE, also known as the Debian id', async () => {
    const out = await scan([debianCve('high')]);
    const [finding] = vulns(out.findings);
    expect(finding?.ruleId).toBe('vuln/CVE-2024-6387');
    expect(finding?.vulnerability).toMatchObject({ id: 'CVE-2024-6387', aliases: ['DEBIAN-CVE-2024-6387'] });
    expect(finding?.message).toContain('Also known as DEBIAN-CVE-2024-6387.');
  });

  it("an exception and a VEX statement naming the CVE apply; the fingerprint is the CVE's", async () => {
    const out = await scan([debianCve('high')]);
    const finding = vulns(out.findings)[0]!;
    expect(exceptionCovers({ rule: 'vuln/CVE-2024-6387', reason: 'r' }, finding)).toBe(true);
    expect(exceptionCovers({ rule: 'vuln/DEBIAN-CVE-2024-6387', reason: 'r' }, finding)).toBe(true);
    // The same vulnerability seen through a record that lists the CVE in `aliases` has the same identity.
    const viaAlias = { ...debianCve('high'), id: 'DSA-5724-1', upstream: undefined, aliases: ['CVE-2024-6387'] };
    const other = vulns((await scan([viaAlias])).findings)[0]!;
    expect(findingIdentity({ ...other, location: finding.location })).toBe(findingIdentity(finding));

    const vexed = await scan([debianCve('high')], {
      vex: {
        '@context': 'https://openvex.dev/ns/v0.2.0',
        '@id': 'https://example.com/vex/1',
        author: 'sec@example.com',
        timestamp: '2024-07-02T00:00:00Z',
        version: 1,
        statements: [
          {
            vulnerability: { name: 'CVE-2024-6387' },
            products: [{ '@id': 'pkg:deb/debian/openssh-server' }],
            status: 'not_affected',
            justification: 'vulnerable_code_not_in_execute_path',
          },
        ],
      },
    });
    expect(vulns(vexed.findings)[0]?.suppressed?.reason).toContain('vulnerable_code_not_in_execute_path');
  });

  it('groups a distribution record with the records aliasing its upstream CVE; several upstreams are no identity', () => {
    const r = (id: string, extra: Partial<OsvRecord>): { record: OsvRecord } => ({
      record: { id, modified: 'x', ...extra },
    });
    const groups = groupByAlias([
      r('UBUNTU-CVE-2025-38094', { upstream: ['CVE-2025-38094'] }),
      r('GHSA-aaaa', { aliases: ['CVE-2025-38094'] }),
      r('USN-7000-1', { upstream: ['CVE-2025-38094', 'CVE-2025-1'] }),
    ]);
    expect(groups.map((g) => g.map((h) => h.record.id))).toEqual([
      ['UBUNTU-CVE-2025-38094', 'GHSA-aaaa'],
      ['USN-7000-1'],
    ]);
  });
});

describe('severity of distribution records', () => {
  it("uses Debian's urgency when the record has one", async () => {
    const [finding] = vulns((await scan([debianCve('high')])).findings);
    expect(finding).toMatchObject({ severity: 'high', vulnerability: { rating: 'Debian urgency high' } });
  });

  it('lets an "unimportant" urgency win over a high CVSS, and says which CVSS it overrode', async () => {
    const record = debianCve('unimportant', [
      { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' },
    ]);
    const [finding] = vulns((await scan([record])).findings);
    expect(finding?.severity).toBe('info');
    expect(finding?.message).toContain("the distribution's rating takes precedence over CVSS_V3 9.8");
  });

  it('takes the CVSS of the upstream CVE from another record in the same data, cold and from the index', async () => {
    const cacheDir = tempDir('containersec-osv-cache-');
    for (let run = 0; run < 2; run++) {
      const [finding] = vulns((await scan([debianCve('not yet assigned'), CVE_RECORD], { cacheDir })).findings);
      expect(finding).toMatchObject({
        severity: 'high',
        vulnerability: { rating: 'CVSS_V3 8.1 of CVE-2024-6387 from CVE-2024-6387', score: 8.1 },
      });
    }
  });

  it('takes it from the OSV API by id (GET /v1/vulns/CVE-…) when the query returned only the Debian record', async () => {
    const server = await startOsvServer([
      debianCve('not yet assigned'),
      CVE_RECORD as { id: string; modified: string },
    ]);
    try {
      const dir = tempDir();
      const policy = basePolicy((p) => {
        p.checks.images.vulnerabilities.source = `osv-api:${server.url}`;
        p.checks.images.targets = [sbom(dir)];
      });
      const out = await createImagesCheck({ osvApi: { cacheDir: false } }).run(context(policy, { root: dir }));
      expect(vulns(out.findings)[0]).toMatchObject({ severity: 'high', vulnerability: { score: 8.1 } });
      expect(server.requests.map((r) => `${r.method} ${r.path}`)).toContain('GET /v1/vulns/CVE-2024-6387');
    } finally {
      await server.close();
    }
  });

  it('says "unknown" when nothing rates it, never a silent medium', async () => {
    const [finding] = vulns((await scan([debianCve('not yet assigned')])).findings);
    expect(finding?.title).toContain('(severity unknown)');
    expect(finding?.message).toContain('Severity unknown: DEBIAN-CVE-2024-6387 has no distribution rating and no CVSS');
    expect(finding?.vulnerability?.rating).toBe('unknown');
  });
});
