import { join } from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { describe, expect, it } from 'vitest';
import { cli } from '../../src/entry/cli.js';
import { catalogSubject, renderSbom, type SbomSubject } from '../../src/sbom/index.js';
import {
  DEBIAN_10_OS_RELEASE,
  dpkgStanza,
  npmPackage,
  pythonMetadata,
  tempDir,
  writeLayout,
} from '../checks/images/helpers.js';

async function subject(): Promise<{ subject: SbomSubject; ref: string; dir: string }> {
  const dir = tempDir();
  const ref = await writeLayout(join(dir, 'layout'), [
    [
      { path: 'etc/os-release', content: DEBIAN_10_OS_RELEASE },
      {
        path: 'var/lib/dpkg/status',
        content: dpkgStanza({ name: 'libssl1.1', version: '1.1.1n-0+deb10u3', source: 'openssl' }),
      },
    ],
    [
      { path: 'app/node_modules/@scope/pkg/package.json', content: npmPackage('@scope/pkg', '1.0.0') },
      { path: 'app/node_modules/lodash/package.json', content: npmPackage('lodash', '4.17.15') },
      { path: 'app/sub/node_modules/lodash/package.json', content: npmPackage('lodash', '4.17.15') },
      {
        path: 'usr/lib/python3/dist-packages/Jinja2-2.10.dist-info/METADATA',
        content: pythonMetadata('Jinja2', '2.10'),
      },
    ],
  ]);
  return { subject: await catalogSubject(ref, { cwd: dir, env: {} }), ref, dir };
}

const NOW = new Date('2026-11-28T12:00:00.123Z');

describe('containersec sbom', () => {
  it('writes CycloneDX 1.6 that is valid against the official schema shipped with the CycloneDX library', async () => {
    const { subject: s } = await subject();
    const text = renderSbom(s, 'cyclonedx', NOW);
    const errors: unknown = await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(text);
    expect(errors).toBeNull();
    const bom = JSON.parse(text) as {
      specVersion: string;
      components: { type: string; name: string; purl?: string; 'bom-ref': string }[];
    };
    expect(bom.specVersion).toBe('1.6');
    expect(bom.components.map((c) => `${c.type} ${c.purl ?? c.name}`).sort()).toEqual([
      'library pkg:deb/debian/libssl1.1@1.1.1n-0+deb10u3?arch=amd64&distro=debian-10&upstream=openssl',
      'library pkg:npm/%40scope/pkg@1.0.0',
      'library pkg:npm/lodash@4.17.15',
      'library pkg:npm/lodash@4.17.15',
      'library pkg:pypi/jinja2@2.10',
      'operating-system debian',
    ]);
    expect(new Set(bom.components.map((c) => c['bom-ref'])).size).toBe(bom.components.length);
  });

  it('schema check can fail: a broken document is rejected', async () => {
    const errors: unknown = await new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(
      JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ type: 'no-such-type', name: 'x' }] }),
    );
    expect(errors).not.toBeNull();
  });

  it('writes SPDX 2.3 JSON with the fields and relationships the 2.3 specification requires', async () => {
    const { subject: s } = await subject();
    const doc = JSON.parse(renderSbom(s, 'spdx', NOW)) as Record<string, unknown> & {
      packages: Record<string, unknown>[];
      relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
      creationInfo: { created: string; creators: string[] };
    };
    expect(doc).toMatchObject({ spdxVersion: 'SPDX-2.3', dataLicense: 'CC0-1.0', SPDXID: 'SPDXRef-DOCUMENT' });
    expect(doc.creationInfo.created).toBe('2026-11-28T12:00:00Z');
    expect(doc.creationInfo.creators[0]).toMatch(/^Tool: containersec-/);
    expect(String(doc.documentNamespace)).toMatch(/^https:\/\/\S+$/);
    const allowed = new Set([
      'SPDXID',
      'name',
      'versionInfo',
      'downloadLocation',
      'filesAnalyzed',
      'primaryPackagePurpose',
      'sourceInfo',
      'licenseDeclared',
      'licenseComments',
      'comment',
      'externalRefs',
    ]);
    const ids = new Set<string>();
    for (const pkg of doc.packages) {
      expect(String(pkg.SPDXID)).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/);
      expect(ids.has(String(pkg.SPDXID))).toBe(false);
      ids.add(String(pkg.SPDXID));
      expect(pkg.downloadLocation).toBe('NOASSERTION');
      for (const key of Object.keys(pkg)) expect(allowed.has(key), key).toBe(true);
    }
    expect(doc.packages.filter((p) => p.primaryPackagePurpose === 'LIBRARY')).toHaveLength(5);
    for (const r of doc.relationships) {
      expect(ids.has(r.relatedSpdxElement) || r.relatedSpdxElement === 'SPDXRef-DOCUMENT').toBe(true);
      expect(['DESCRIBES', 'CONTAINS']).toContain(r.relationshipType);
    }
  });

  it('runs from the CLI with each format, and refuses an unknown format', async () => {
    const { ref, dir } = await subject();
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
      env: {},
      cwd: dir,
    };
    expect(await cli(['sbom', ref, '--format', 'json'], io)).toBe(0);
    const json = JSON.parse(out.join('')) as { packages: { name: string }[]; image: string };
    expect(json.image).toMatch(/@sha256:/);
    expect(json.packages.map((p) => p.name).sort()).toEqual(['@scope/pkg', 'Jinja2', 'libssl1.1', 'lodash', 'lodash']);
    expect(await cli(['sbom', ref, '--format', 'spdxx'], io)).toBe(2);
    expect(err.join('')).toContain('Did you mean "spdx"');
  });
});
