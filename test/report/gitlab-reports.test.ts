import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { renderCodeQuality } from '../../src/report/codequality.js';
import { identifier, renderGitlabContainerScanning } from '../../src/report/gitlab-container-scanning.js';
import { HOSTILE, sampleOutcome } from '../support/fixtures.js';

function validator(file: string) {
  const schema = JSON.parse(readFileSync(file, 'utf8')) as object;
  return new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
}

// Official container_scanning schema 15.0.7 (draft-07), vendored with its provenance in test/schemas/README.md.
const containerScanning = validator('test/schemas/container-scanning-report-format-15.0.7.json');
// Our schema of GitLab's documented Code Quality format (GitLab publishes none; see test/schemas/README.md).
const codeQuality = validator('test/schemas/gitlab-code-quality-report.json');
const window = { start: new Date('2026-11-28T10:00:00.123Z'), end: new Date('2026-11-28T10:01:02.999Z') };

interface CsReport {
  version: string;
  scan: { status: string; start_time: string; end_time: string; messages?: { level: string; value: string }[] };
  vulnerabilities: {
    id: string;
    name: string;
    severity: string;
    solution?: string;
    identifiers: { type: string; name: string; value: string; url: string }[];
    location: { image: string; operating_system: string; dependency: { package: { name: string }; version: string } };
    details: Record<string, { value: string }>;
  }[];
}

describe('GitLab container_scanning report (gl-container-scanning-report.json)', () => {
  it('is valid against the official 15.0.7 schema, with image, OS, package and identifiers', () => {
    const report = JSON.parse(renderGitlabContainerScanning(sampleOutcome(), window)) as CsReport;
    expect(containerScanning(report), JSON.stringify(containerScanning.errors?.slice(0, 3))).toBe(true);
    expect(report.version).toBe('15.0.7');
    expect(report.scan).toMatchObject({
      status: 'success',
      start_time: '2026-11-28T10:00:00',
      end_time: '2026-11-28T10:01:02',
    });
    expect(report.vulnerabilities).toHaveLength(1);
    const [vuln] = report.vulnerabilities;
    expect(vuln).toMatchObject({
      name: 'CVE-2024-0001 in openssl',
      severity: 'Critical',
      solution: 'Upgrade openssl to 3.0.2.',
      location: {
        image: 'ghcr.io/acme/web:1.0',
        operating_system: 'Debian 12',
        dependency: { package: { name: 'openssl' }, version: '3.0.1' },
      },
    });
    expect(vuln!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(vuln!.identifiers).toEqual([
      {
        type: 'cve',
        name: 'CVE-2024-0001',
        value: 'CVE-2024-0001',
        url: 'https://nvd.nist.gov/vuln/detail/CVE-2024-0001',
      },
      { type: 'dsa', name: 'DSA-1', value: 'DSA-1', url: 'https://osv.dev/vulnerability/DSA-1' },
    ]);
    expect(vuln!.details.containersec!.value).toContain('blocking');
  });

  it('stays valid with hostile package data: long titles cut to 255, control characters removed, unknown OS', () => {
    const outcome = sampleOutcome();
    const images = outcome.result.checks.find((c) => c.id === 'images')!;
    images.findings.push({
      ...images.findings[0]!,
      fingerprint: 'f'.repeat(32),
      title: `${HOSTILE}${'x'.repeat(400)}`,
      message: HOSTILE,
      package: { ecosystem: 'npm', name: '\u0007evil', version: '' },
      vulnerability: { id: 'GHSA-abcd-2345-wxyz', aliases: ['GHSA-abcd-2345-wxyz', ''], fixed: [] },
      fix: undefined,
    });
    const report = JSON.parse(renderGitlabContainerScanning(outcome, window)) as CsReport;
    expect(containerScanning(report), JSON.stringify(containerScanning.errors?.slice(0, 3))).toBe(true);
    const hostile = report.vulnerabilities[1]!;
    expect(hostile.name).toHaveLength(255);
    expect(hostile.location.operating_system).toBe('Unknown');
    expect(hostile.location.dependency.package.name).toBe('evil');
    expect(hostile.identifiers).toEqual([identifier('GHSA-abcd-2345-wxyz')]);
    expect(hostile.identifiers[0]!.type).toBe('ghsa');
    expect(hostile).not.toHaveProperty('solution');
  });

  it('reports an images check that could not finish as a failed scan with fatal messages, not as "clean"', () => {
    const outcome = sampleOutcome();
    const images = outcome.result.checks.find((c) => c.id === 'images')!;
    images.status = 'error';
    images.errors = ['oci:./missing: no such file'];
    images.findings = [];
    const report = JSON.parse(renderGitlabContainerScanning(outcome, window)) as CsReport;
    expect(containerScanning(report)).toBe(true);
    expect(report.scan.status).toBe('failure');
    expect(report.scan.messages).toEqual([{ level: 'fatal', value: 'oci:./missing: no such file' }]);
  });

  it('the schema can fail: a vulnerability without an image is rejected', () => {
    const report = JSON.parse(renderGitlabContainerScanning(sampleOutcome(), window)) as CsReport;
    delete (report.vulnerabilities[0]!.location as Partial<CsReport['vulnerabilities'][0]['location']>).image;
    expect(containerScanning(report)).toBe(false);
  });
});

interface CqIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: string;
  location: { path: string; lines: { begin: number } };
}

describe('GitLab Code Quality report (gl-code-quality-report.json)', () => {
  it('lists open findings with file locations, our fingerprints, GitLab severities and the line', () => {
    const outcome = sampleOutcome([
      {
        ruleId: 'testk8s/latest',
        severity: 'low',
        title: 'No line',
        message: HOSTILE,
        location: { path: 'k8s/a.yaml' },
      },
    ]);
    const issues = JSON.parse(renderCodeQuality(outcome)) as CqIssue[];
    expect(codeQuality(issues), JSON.stringify(codeQuality.errors?.slice(0, 3))).toBe(true);
    const manifests = outcome.result.checks.find((c) => c.id === 'manifests')!.findings;
    const excepted = manifests.find((f) => f.exception && !f.exception.expired)!;
    expect(issues.map((i) => i.fingerprint)).not.toContain(excepted.fingerprint);
    expect(issues).toHaveLength(manifests.length - 1);
    const privileged = issues.find(
      (i) => i.location.path === 'deploy/web.yaml' && i.check_name === 'testk8s/privileged',
    )!;
    expect(privileged).toEqual({
      description: 'Privileged container: privileged: true (Deployment/web, container app)',
      check_name: 'testk8s/privileged',
      fingerprint: manifests.find((f) => f.message === 'privileged: true')!.fingerprint,
      severity: 'critical',
      location: { path: 'deploy/web.yaml', lines: { begin: 12 } },
    });
    const noLine = issues.find((i) => i.location.path === 'k8s/a.yaml')!;
    expect(noLine.location.lines.begin).toBe(1);
    expect(noLine.severity).toBe('minor');
    expect(noLine.description).not.toContain('\u001b');
    expect(noLine.description).not.toContain('\n');
    expect(issues.some((i) => i.check_name.startsWith('vuln/'))).toBe(false);
  });

  it('is an empty array when there is nothing to show, and the schema can fail', () => {
    const outcome = sampleOutcome();
    for (const check of outcome.result.checks) check.findings = [];
    expect(JSON.parse(renderCodeQuality(outcome))).toEqual([]);
    const bad = JSON.parse(renderCodeQuality(sampleOutcome())) as CqIssue[];
    bad[0]!.severity = 'high';
    expect(codeQuality(bad)).toBe(false);
  });
});
