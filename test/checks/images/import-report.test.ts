import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importScannerReport } from '../../../src/checks/images/import-report.js';
import { runGate } from '../../../src/app/run-gate.js';
import { tempRepo } from '../../support/tmp.js';

const LAYER = `sha256:${'c'.repeat(64)}`;

/** The shape `trivy image --format json` writes (SchemaVersion 2). */
const TRIVY = {
  SchemaVersion: 2,
  ArtifactName: 'ghcr.io/acme/web:1.4.2',
  ArtifactType: 'container_image',
  Results: [
    {
      Target: 'ghcr.io/acme/web:1.4.2 (debian 12.5)',
      Class: 'os-pkgs',
      Type: 'debian',
      Vulnerabilities: [
        {
          VulnerabilityID: 'CVE-2024-2511',
          VendorIDs: ['DSA-5678-1'],
          PkgID: 'libssl3@3.0.11-1~deb12u2',
          PkgName: 'libssl3',
          PkgIdentifier: { PURL: 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12.5' },
          InstalledVersion: '3.0.11-1~deb12u2',
          FixedVersion: '3.0.13-1~deb12u1',
          Status: 'fixed',
          Layer: { Digest: LAYER, DiffID: `sha256:${'d'.repeat(64)}` },
          PrimaryURL: 'https://avd.aquasec.com/nvd/cve-2024-2511',
          Title: 'openssl: Unbounded memory growth with session handling in TLSv1.3',
          Severity: 'HIGH',
        },
        {
          VulnerabilityID: 'CVE-2023-45853',
          PkgName: 'zlib1g',
          InstalledVersion: '1:1.2.13.dfsg-1',
          Status: 'will_not_fix',
          Severity: 'CRITICAL',
        },
      ],
    },
    {
      Target: 'Node.js',
      Class: 'lang-pkgs',
      Type: 'node-pkg',
      Vulnerabilities: [
        {
          VulnerabilityID: 'GHSA-p6mc-m468-83gw',
          PkgName: 'lodash',
          PkgPath: 'app/node_modules/lodash/package.json',
          InstalledVersion: '4.17.15',
          FixedVersion: '4.17.19',
          Severity: 'HIGH',
          VendorIDs: ['CVE-2020-8203'],
        },
      ],
    },
  ],
};

/** The shape `grype -o json` writes. */
const GRYPE = {
  matches: [
    {
      vulnerability: {
        id: 'GHSA-29mw-wpgm-hmr9',
        dataSource: 'https://github.com/advisories/GHSA-29mw-wpgm-hmr9',
        severity: 'Medium',
        fix: { versions: ['4.17.21'], state: 'fixed' },
      },
      relatedVulnerabilities: [{ id: 'CVE-2020-28500', dataSource: 'https://nvd.nist.gov/vuln/detail/CVE-2020-28500' }],
      artifact: {
        name: 'lodash',
        version: '4.17.15',
        type: 'npm',
        purl: 'pkg:npm/lodash@4.17.15',
        locations: [{ path: '/app/node_modules/lodash/package.json', layerID: LAYER }],
      },
    },
  ],
  source: { type: 'image', target: { userInput: 'ghcr.io/acme/web:1.4.2' } },
};

function write(name: string, content: unknown): string {
  const file = path.join(tempRepo({}), name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('importing scanner reports', () => {
  it('reads a Trivy report: CVE ids first, vendor ids as aliases, fixed versions, layer and path', async () => {
    const { findings, notes } = await importScannerReport('trivy', write('trivy.json', TRIVY), false);
    expect(
      findings.map((f) => [f.ruleId, f.severity, f.vulnerability?.aliases, f.vulnerability?.fixed, f.fix]),
    ).toEqual([
      ['vuln/CVE-2024-2511', 'high', ['DSA-5678-1'], ['3.0.13-1~deb12u1'], 'upgrade libssl3 to 3.0.13-1~deb12u1'],
      ['vuln/CVE-2023-45853', 'critical', [], [], 'no fix available yet'],
      ['vuln/CVE-2020-8203', 'high', ['GHSA-p6mc-m468-83gw'], ['4.17.19'], 'upgrade lodash to 4.17.19'],
    ]);
    expect(findings[0]!.location).toEqual({ image: 'ghcr.io/acme/web:1.4.2', layer: LAYER });
    expect(findings[2]!.location).toEqual({
      image: 'ghcr.io/acme/web:1.4.2',
      path: '/app/node_modules/lodash/package.json',
    });
    expect(findings[0]!.package?.purl).toContain('pkg:deb/debian/libssl3');
    expect(notes[0]).toContain('3 vulnerability match(es)');
  });

  it('reads a Grype report and honours ignore-unfixed', async () => {
    const { findings } = await importScannerReport('grype', write('grype.json', GRYPE), true);
    expect(findings.map((f) => [f.ruleId, f.severity, f.vulnerability?.aliases, f.location])).toEqual([
      [
        'vuln/CVE-2020-28500',
        'medium',
        ['GHSA-29mw-wpgm-hmr9'],
        { image: 'ghcr.io/acme/web:1.4.2', layer: LAYER, path: '/app/node_modules/lodash/package.json' },
      ],
    ]);
    const trivy = await importScannerReport('trivy', write('t.json', TRIVY), true);
    expect(trivy.findings.map((f) => f.ruleId)).not.toContain('vuln/CVE-2023-45853');
  });

  it('refuses files that are not such reports', async () => {
    await expect(importScannerReport('trivy', write('x.json', 'not json'), false)).rejects.toThrow('is not JSON');
    await expect(importScannerReport('grype', write('y.json', TRIVY), false)).rejects.toThrow(
      'does not look like a Grype',
    );
  });

  it('gates imported findings with the policy: thresholds and exceptions by alias', async () => {
    const dir = tempRepo({
      '.containersec.yml':
        'version: 1\nchecks:\n  hardening: {runner-probe: false}\n  images:\n    vulnerabilities: {fail-on: high, ignore-unfixed: false}\nexceptions:\n  - rule: vuln/DSA-5678-1\n    reason: "TLS 1.3 sessions are not used"\n',
      'trivy.json': JSON.stringify(TRIVY),
    });
    const outcome = await runGate({
      dir,
      env: {},
      log: { info: () => undefined, warn: () => undefined, debug: () => undefined },
      images: ['trivy:trivy.json'],
    });
    const images = outcome.result.checks.find((c) => c.id === 'images')!;
    expect(images.findings.map((f) => [f.ruleId, f.blocking, f.exception?.reason ?? null])).toEqual([
      ['vuln/CVE-2023-45853', true, null],
      ['vuln/CVE-2020-8203', true, null],
      ['vuln/CVE-2024-2511', false, 'TLS 1.3 sessions are not used'],
    ]);
    expect(outcome.result.verdict).toBe('fail');
  });
});
