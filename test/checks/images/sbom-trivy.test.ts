import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createImagesCheck } from '../../../src/checks/images/index.js';
import { readSbom } from '../../../src/checks/images/sbom-input.js';
import { basePolicy, context, tempDir, writeRecords } from './helpers.js';

const DEBIAN_CVE = {
  schema_version: '1.7.0',
  id: 'DEBIAN-CVE-2024-6387',
  upstream: ['CVE-2024-6387'],
  modified: '2024-09-10T08:12:31Z',
  affected: [
    {
      package: { ecosystem: 'Debian:12', name: 'openssh' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:9.2p1-2+deb12u3' }] }],
      ecosystem_specific: { urgency: 'high' },
    },
  ],
};

/** A component as Trivy 0.5x writes it in CycloneDX: epoch in a qualifier, source package in properties. */
function trivyComponent(release: string, properties = true) {
  return {
    'bom-ref': `pkg:deb/debian/openssh-server@9.2p1-${release}?arch=amd64&distro=debian-12.6&epoch=1`,
    type: 'library',
    name: 'openssh-server',
    version: `1:9.2p1-${release}`,
    purl: `pkg:deb/debian/openssh-server@9.2p1-${release}?arch=amd64&distro=debian-12.6&epoch=1`,
    ...(properties
      ? {
          properties: [
            { name: 'aquasecurity:trivy:PkgID', value: `openssh-server@1:9.2p1-${release}` },
            { name: 'aquasecurity:trivy:PkgType', value: 'debian' },
            { name: 'aquasecurity:trivy:SrcEpoch', value: '1' },
            { name: 'aquasecurity:trivy:SrcName', value: 'openssh' },
            { name: 'aquasecurity:trivy:SrcRelease', value: release },
            { name: 'aquasecurity:trivy:SrcVersion', value: '9.2p1' },
          ],
        }
      : {}),
  };
}

async function scan(doc: object) {
  const dir = tempDir();
  const osv = writeRecords(join(dir, 'osv'), [DEBIAN_CVE]);
  writeFileSync(join(dir, 'bom.json'), JSON.stringify(doc));
  const policy = basePolicy((p) => {
    p.checks.images.vulnerabilities.source = osv;
    p.checks.images.targets = ['sbom:bom.json'];
  });
  return createImagesCheck({ osvApi: { cacheDir: false } }).run(context(policy, { root: dir }));
}

const cdx = (components: object[]) => ({
  bomFormat: 'CycloneDX',
  specVersion: '1.6',
  serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
  version: 1,
  metadata: {
    tools: { components: [{ type: 'application', group: 'aquasecurity', name: 'trivy', version: '0.56.2' }] },
  },
  components,
});

describe('SBOMs written by Trivy (sbom: input)', () => {
  it('honours the epoch= qualifier: the fixed openssh is not reported, the vulnerable one is', async () => {
    const fixed = await scan(cdx([trivyComponent('2+deb12u3')]));
    expect(fixed.findings).toEqual([]);
    const vulnerable = await scan(cdx([trivyComponent('2+deb12u2')]));
    expect(vulnerable.findings.map((f) => `${f.ruleId} ${f.package?.version}`)).toEqual([
      'vuln/CVE-2024-6387 1:9.2p1-2+deb12u2',
    ]);
    expect(vulnerable.findings[0]?.message).toContain('(source package openssh 1:9.2p1-2+deb12u2)');
  });

  it('maps binary to source package from SPDX sourceInfo, and says when it can only match by binary name', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'spdx.json'),
      JSON.stringify({
        spdxVersion: 'SPDX-2.3',
        dataLicense: 'CC0-1.0',
        SPDXID: 'SPDXRef-DOCUMENT',
        name: 'debian:12',
        documentNamespace: 'http://aquasecurity.github.io/trivy/container_image/debian:12-1',
        creationInfo: { creators: ['Tool: trivy-0.56.2'], created: '2024-10-01T00:00:00Z' },
        packages: [
          {
            name: 'openssh-server',
            SPDXID: 'SPDXRef-Package-1',
            versionInfo: '1:9.2p1-2+deb12u2',
            sourceInfo: 'built package from: openssh 1:9.2p1-2+deb12u2',
            downloadLocation: 'NONE',
            externalRefs: [
              {
                referenceCategory: 'PACKAGE-MANAGER',
                referenceType: 'purl',
                referenceLocator:
                  'pkg:deb/debian/openssh-server@9.2p1-2%2Bdeb12u2?arch=amd64&distro=debian-12.6&epoch=1',
              },
            ],
          },
        ],
      }),
    );
    const spdx = await readSbom(join(dir, 'spdx.json'));
    expect(spdx.packages[0]).toMatchObject({
      sourceName: 'openssh',
      sourceVersion: '1:9.2p1-2+deb12u2',
      version: '1:9.2p1-2+deb12u2',
    });

    const bare = await scan(cdx([trivyComponent('2+deb12u2', false)]));
    expect(bare.notes!.join('\n')).toContain(
      '1 deb/apk package(s) name no source package (no upstream qualifier, Trivy SrcName property or SPDX sourceInfo): they were matched by binary name',
    );
  });
});
