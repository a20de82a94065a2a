/**
 * Writes the signatures demo into a directory (for examples/demo): an OCI layout with an image signed in
 * cosign's legacy format, one without a signature, the demo public key, and a policy fragment. The private
 * key exists only in memory while this runs. Usage: npx tsx test/checks/signatures/make-demo.ts examples/demo
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildImage, layoutFiles, writeFiles } from '../../support/oci-builder.js';
import { cosignTag, makeKey, signatureManifest, signedLayer } from './support.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: make-demo.ts DIR');
const key = makeKey('p256');
const signed = await buildImage({ layers: [[{ path: 'app/hello.txt', content: 'signed by the demo key\n' }]] });
const unsigned = await buildImage({ layers: [[{ path: 'app/hello.txt', content: 'nobody signed this\n' }]] });
const signature = signatureManifest([signedLayer(key, signed.manifest.digest, 'demo/signed')]);
await writeFiles(
  join(dir, 'images/signed'),
  layoutFiles(
    [
      { target: signed.manifest, refName: 'v1' },
      { target: signature.manifest, refName: cosignTag(signed.manifest.digest, 'sig') },
    ],
    [signed.config, ...signed.layers, ...signature.blobs],
  ),
);
await writeFiles(
  join(dir, 'images/unsigned'),
  layoutFiles([{ target: unsigned.manifest, refName: 'v1' }], [unsigned.config, ...unsigned.layers]),
);
mkdirSync(join(dir, '.keys'), { recursive: true });
writeFileSync(join(dir, '.keys/demo-cosign.pub'), key.publicPem);
console.log(`wrote ${dir}/images/{signed,unsigned} and ${dir}/.keys/demo-cosign.pub; policy:
checks:
  signatures:
    require:
      - images: "oci:images/**"
        key: .keys/demo-cosign.pub
run (oci: paths are relative to the working directory): cd ${dir} && containersec check . --only signatures --image oci:images/signed:v1 --image oci:images/unsigned:v1`);
