import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createImagesCheck } from '../../../src/checks/images/index.js';
import { parseVexDocument, vexFor, vexImage } from '../../../src/checks/images/vex.js';
import { basePolicy, context, npmPackage, tempDir, writeLayout, writeRecords } from './helpers.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const WEB = `ghcr.io/acme/web:1.4.2@${D1}`;

/** GHSA-xvch-5gv4-984h (minimist prototype pollution), as github/advisory-database publishes it in OSV. */
const MINIMIST = {
  schema_version: '1.4.0',
  id: 'GHSA-xvch-5gv4-984h',
  modified: '2023-09-05T21:03:27Z',
  published: '2022-03-18T00:01:09Z',
  aliases: ['CVE-2021-44906'],
  summary: 'Prototype Pollution in minimist',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
  affected: [
    {
      package: { ecosystem: 'npm', name: 'minimist' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '0.2.4' }] }],
    },
    {
      package: { ecosystem: 'npm', name: 'minimist' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '1.0.0' }, { fixed: '1.2.6' }] }],
    },
  ],
};

/** An OpenVEX v0.2.0 document as vexctl writes it. */
const openvex = (statements: object[], timestamp = '2024-05-01T10:00:00Z') =>
  JSON.stringify({
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': 'https://openvex.dev/docs/public/vex-2e67563e128250cbcb3e98930df948dd053e43271d70dc50cfa22d57e03fe96f',
    author: 'Acme Security <security@acme.example>',
    timestamp,
    version: 1,
    statements,
  });

const notAffected = (products: object[], extra: object = {}) => ({
  vulnerability: { name: 'CVE-2021-44906', aliases: ['GHSA-xvch-5gv4-984h'] },
  products,
  status: 'not_affected',
  justification: 'vulnerable_code_not_in_execute_path',
  ...extra,
});

const MINIMIST_PURL = 'pkg:npm/minimist@1.2.5';

describe('VEX statements apply exactly as scoped', () => {
  it('a subcomponent of another image does not suppress here; of this image (by digest) it does', () => {
    const { statements } = parseVexDocument(
      openvex([notAffected([{ '@id': `pkg:oci/otherimage@${D2}`, subcomponents: [{ '@id': MINIMIST_PURL }] }])]),
      'vex.json',
    );
    expect(vexFor(statements, ['CVE-2021-44906'], MINIMIST_PURL, WEB)).toBeUndefined();
    const own = parseVexDocument(
      openvex([notAffected([{ '@id': `pkg:oci/web@${D1}`, subcomponents: [{ '@id': MINIMIST_PURL }] }])]),
      'vex.json',
    ).statements;
    expect(vexFor(own, ['CVE-2021-44906'], MINIMIST_PURL, WEB)?.status).toBe('not_affected');
    // The subcomponent list scopes it: another package of the same image is not covered.
    expect(vexFor(own, ['CVE-2021-44906'], 'pkg:npm/lodash@4.17.20', WEB)).toBeUndefined();
  });

  it('matches pkg:oci/<name>@sha256:<digest> by digest, and by repository_url when given', () => {
    const statement = (id: string) => parseVexDocument(openvex([notAffected([{ '@id': id }])]), 'v.json').statements;
    const hit = (id: string, image: string) => vexFor(statement(id), ['CVE-2021-44906'], MINIMIST_PURL, image);
    expect(hit(`pkg:oci/web@${D1}?repository_url=ghcr.io/acme/web&tag=1.4.2`, WEB)?.status).toBe('not_affected');
    expect(hit(`pkg:oci/web@${D1}`, WEB)?.status).toBe('not_affected');
    expect(hit(`pkg:oci/web@${D2}`, WEB)).toBeUndefined();
    expect(hit(`pkg:oci/web@${D1}?repository_url=ghcr.io/other/web`, WEB)).toBeUndefined();
    // A local layout has no repository: the digest decides.
    expect(hit(`pkg:oci/web@${D1}`, `oci:build/layout@${D1}`)?.status).toBe('not_affected');
    expect(vexImage('nginx:1.27')).toEqual({ label: 'nginx:1.27', repository: 'docker.io/library/nginx' });
  });

  it('does not apply a statement without products, and says so', () => {
    const { statements, problems } = parseVexDocument(
      openvex([{ ...notAffected([]), products: undefined }]),
      'vex.json',
    );
    expect(statements).toEqual([]);
    expect(problems).toEqual([
      'vex.json: statement 0 (CVE-2021-44906) names no product; a statement without products is incomplete (OpenVEX) and is not applied',
    ]);
  });

  it('lets the latest timestamp win, not the last statement in the file', () => {
    const { statements } = parseVexDocument(
      openvex([
        notAffected([{ '@id': 'pkg:npm/minimist' }], { timestamp: '2024-06-01T00:00:00Z' }),
        {
          vulnerability: { name: 'CVE-2021-44906' },
          products: [{ '@id': 'pkg:npm/minimist' }],
          status: 'under_investigation',
          timestamp: '2024-03-01T00:00:00Z',
        },
      ]),
      'vex.json',
    );
    expect(vexFor(statements, ['CVE-2021-44906'], MINIMIST_PURL, WEB)?.status).toBe('not_affected');
  });

  it('reads CycloneDX VEX (vulnerabilities[].analysis) with bom-ref and BOM-Link targets', () => {
    const doc = JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      version: 1,
      metadata: { timestamp: '2024-05-01T10:00:00Z' },
      components: [
        { type: 'library', 'bom-ref': 'minimist-1.2.5', name: 'minimist', version: '1.2.5', purl: MINIMIST_PURL },
      ],
      vulnerabilities: [
        {
          id: 'CVE-2021-44906',
          source: { name: 'NVD', url: 'https://nvd.nist.gov/vuln/detail/CVE-2021-44906' },
          references: [{ id: 'GHSA-xvch-5gv4-984h', source: { name: 'GitHub' } }],
          analysis: { state: 'not_affected', justification: 'code_not_reachable', detail: 'argv is never parsed' },
          affects: [{ ref: 'urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#minimist-1.2.5' }],
        },
        { id: 'CVE-2024-0001', analysis: { state: 'not_affected' }, affects: [{ ref: MINIMIST_PURL }] },
      ],
    });
    const { statements, problems } = parseVexDocument(doc, 'bom.vex.json');
    expect(vexFor(statements, ['GHSA-xvch-5gv4-984h'], MINIMIST_PURL, WEB)).toMatchObject({
      status: 'not_affected',
      justification: 'code_not_reachable',
    });
    expect(problems).toEqual([
      'bom.vex.json: vulnerability 1 (CVE-2024-0001) is not_affected without a justification or impact_statement; ignored',
    ]);
  });
});

describe('VEX in the images check', () => {
  async function run(vex: string | undefined, records: object[] = [MINIMIST], name = 'minimist', version = '1.2.5') {
    const dir = tempDir();
    const osv = writeRecords(join(dir, 'osv'), records);
    if (vex !== undefined) {
      mkdirSync(join(dir, '.vex'));
      writeFileSync(join(dir, '.vex/web.openvex.json'), vex);
    }
    const ref = await writeLayout(
      join(dir, 'layout'),
      [[{ path: `app/node_modules/${name}/package.json`, content: npmPackage(name, version) }]],
      { User: '1', Healthcheck: { Test: ['CMD', 'true'] } },
    );
    const policy = basePolicy((p) => {
      p.checks.images.vulnerabilities.source = osv;
      p.checks.images.vulnerabilities.vex = ['.vex/*.json'];
    });
    return createImagesCheck().run(context(policy, { root: dir, images: [ref] }));
  }

  it('an image-level statement for the scanned digest suppresses; a missing VEX file is a warning', async () => {
    const bare = await run(undefined);
    expect(bare.warnings!.join('\n')).toContain(
      'vulnerabilities.vex: no file matches .vex/*.json; no VEX statement was applied',
    );
    const finding = bare.findings.find((f) => f.ruleId === 'vuln/CVE-2021-44906')!;
    const digest = /@(sha256:[0-9a-f]{64})$/.exec((finding.location as { image: string }).image)![1]!;
    const out = await run(openvex([notAffected([{ '@id': `pkg:oci/layout@${digest}` }])]));
    expect(out.findings.find((f) => f.ruleId === 'vuln/CVE-2021-44906')?.suppressed).toEqual({
      reason: 'VEX not_affected: vulnerable_code_not_in_execute_path (.vex/web.openvex.json)',
      source: 'vex',
    });
  });

  it('fixed suppresses with the statement as the reason', async () => {
    const out = await run(
      openvex([
        {
          vulnerability: { name: 'CVE-2021-44906' },
          products: [{ '@id': 'pkg:npm/minimist@1.2.5' }],
          status: 'fixed',
          status_notes: 'patched in our fork (backport of 1.2.6)',
        },
      ]),
    );
    expect(out.findings.find((f) => f.ruleId === 'vuln/CVE-2021-44906')?.suppressed?.reason).toBe(
      'VEX fixed: patched in our fork (backport of 1.2.6) (.vex/web.openvex.json)',
    );
  });

  it('never hides a malicious package', async () => {
    const mal = {
      schema_version: '1.5.0',
      id: 'MAL-2022-3587',
      modified: '2022-06-21T00:00:00Z',
      summary: 'Malicious code in colors-crypt (npm)',
      affected: [
        {
          package: { ecosystem: 'npm', name: 'colors-crypt' },
          ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }] }],
        },
      ],
    };
    const out = await run(
      openvex([
        {
          vulnerability: { name: 'MAL-2022-3587' },
          products: [{ '@id': 'pkg:npm/colors-crypt' }],
          status: 'not_affected',
          justification: 'vulnerable_code_not_in_execute_path',
        },
      ]),
      [mal],
      'colors-crypt',
      '1.0.0',
    );
    const finding = out.findings.find((f) => f.ruleId === 'vuln/MAL-2022-3587')!;
    expect(finding.suppressed).toBeUndefined();
    expect(finding.message).toContain('VEX never hides a malicious package');
  });
});
