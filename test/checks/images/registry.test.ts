import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createImagesCheck } from '../../../src/checks/images/index.js';
import { FakeRegistry } from '../../support/fake-registry.js';
import { buildImage, imageBlobs } from '../../support/oci-builder.js';
import { basePolicy, context, npmPackage, tempDir, writeRecords } from './helpers.js';

const RECORD = {
  schema_version: '1.6.0',
  id: 'GHSA-35jh-r3h4-6jhm',
  modified: '2024-01-01T00:00:00Z',
  aliases: ['CVE-2021-23337'],
  affected: [
    {
      package: { ecosystem: 'npm', name: 'lodash' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }],
    },
  ],
};

let registry: FakeRegistry | undefined;
afterEach(async () => {
  await registry?.server.close();
  registry = undefined;
});

describe('images check with registry references', () => {
  it('pulls over the distribution API, reports with ref@digest, and fails closed on a tampered blob', async () => {
    registry = await new FakeRegistry().start();
    const good = await buildImage({
      layers: [[{ path: 'app/node_modules/lodash/package.json', content: npmPackage('lodash', '4.17.15') }]],
      config: { User: '1000' },
    });
    for (const blob of imageBlobs(good)) registry.putBlob(blob);
    registry.putManifest(good.manifest, '1.0');
    const bad = await buildImage({ layers: [[{ path: 'app/x.txt', content: 'x' }]] });
    for (const blob of imageBlobs(bad)) registry.putBlob(blob);
    registry.putBlob({ ...bad.layers[0]!, bytes: Buffer.concat([bad.layers[0]!.bytes, Buffer.from('tampered')]) });
    registry.putManifest(bad.manifest, 'bad');

    const dir = tempDir();
    const policy = basePolicy((p) => {
      p.checks.images.vulnerabilities.source = writeRecords(join(dir, 'osv'), [RECORD]);
      p.checks.images.targets = [`${registry!.host}/acme/web:\${TAG}`, `${registry!.host}/acme/web:bad`];
    });
    const out = await createImagesCheck().run(context(policy, { env: { TAG: '1.0' } }));
    const vuln = out.findings.find((f) => f.ruleId === 'vuln/CVE-2021-23337');
    expect((vuln?.location as { image: string }).image).toBe(`${registry.host}/acme/web:1.0@${good.manifest.digest}`);
    expect(out.errors).toHaveLength(1);
    expect(out.errors![0]).toContain(`${registry.host}/acme/web:bad`);
    expect(out.errors![0]).toMatch(/digest|size/i);
  });
});
