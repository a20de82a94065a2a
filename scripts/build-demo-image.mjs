// Builds the demo image for examples/demo as an OCI image layout in examples/demo/.image (tag "demo").
// Deterministic (fixed mtimes, uncompressed layers, sorted entries), so rebuilding gives the same digests
// and the committed layout stays in sync. Run by scripts/demo.mjs before the gate; needs no Docker.
//
// What is in it, on purpose:
//   layer 1  Debian 12 base files: os-release, passwd, a dpkg status database
//   layer 2  the app: node_modules/lodash 4.17.15 (vulnerable), and an .npmrc with an npm token
//   layer 3  `RUN rm /app/.npmrc`: a whiteout; the token stays readable in layer 2
//   config   no USER (root), NODE_VERSION=16.20.2 (an end-of-life Node.js line), no HEALTHCHECK
import { createHash } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tar from 'tar-stream';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'examples/demo/.image');
const EPOCH = new Date(0);

// Not a real token: the npm token format (npm_ + 36 base62 characters) so the secret scanner recognises it.
const FAKE_NPM_TOKEN = `npm_${'DEMOdemo0123456789'.repeat(2)}`;

const dpkg = (name, version, source) =>
  [
    `Package: ${name}`,
    'Status: install ok installed',
    'Priority: required',
    'Section: libs',
    'Installed-Size: 100',
    'Maintainer: Debian <debian@example.org>',
    'Architecture: amd64',
    ...(source ? [`Source: ${source}`] : []),
    `Version: ${version}`,
    `Description: ${name} (demo entry)`,
    '',
  ].join('\n');

const LAYERS = [
  [
    { path: 'etc/', type: 'directory' },
    {
      path: 'etc/os-release',
      content:
        'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n',
    },
    { path: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/bash\nnode:x:1000:1000::/home/node:/bin/sh\n' },
    { path: 'var/', type: 'directory' },
    { path: 'var/lib/', type: 'directory' },
    { path: 'var/lib/dpkg/', type: 'directory' },
    {
      path: 'var/lib/dpkg/status',
      content: [dpkg('base-files', '12.4+deb12u6'), dpkg('zlib1g', '1:1.2.13.dfsg-1', 'zlib')].join('\n'),
    },
  ],
  [
    { path: 'app/', type: 'directory' },
    {
      path: 'app/package.json',
      content: JSON.stringify(
        { name: 'demo-web', version: '1.0.0', private: true, dependencies: { lodash: '4.17.15' } },
        null,
        2,
      ),
    },
    {
      path: 'app/server.js',
      content: "const _ = require('lodash');\nconsole.log(_.template('hello <%= who %>')({ who: 'demo' }));\n",
    },
    { path: 'app/.npmrc', content: `//registry.npmjs.org/:_authToken=${FAKE_NPM_TOKEN}\n`, mode: 0o600 },
    { path: 'app/node_modules/', type: 'directory' },
    { path: 'app/node_modules/lodash/', type: 'directory' },
    {
      path: 'app/node_modules/lodash/package.json',
      content: JSON.stringify(
        {
          name: 'lodash',
          version: '4.17.15',
          description: 'Lodash modular utilities.',
          license: 'MIT',
          main: 'lodash.js',
          homepage: 'https://lodash.com/',
          repository: 'lodash/lodash',
        },
        null,
        2,
      ),
    },
  ],
  [{ path: 'app/.wh..npmrc', content: '' }],
];

const HISTORY = [
  'ADD rootfs.tar.xz / # debian:12 base (demo)',
  'COPY app/ /app/ # buildkit',
  'RUN /bin/sh -c rm /app/.npmrc # buildkit',
];

async function tarOf(entries) {
  const pack = tar.pack();
  const chunks = [];
  pack.on('data', (chunk) => chunks.push(chunk));
  const done = new Promise((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const header = {
      name: entry.path,
      mode: entry.mode ?? (type === 'directory' ? 0o755 : 0o644),
      mtime: EPOCH,
      type,
      uid: 0,
      gid: 0,
    };
    if (type === 'file') pack.entry(header, Buffer.from(entry.content));
    else pack.entry(header);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const sha256 = (bytes) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const blob = (mediaType, bytes) => ({ mediaType, digest: sha256(bytes), size: bytes.length, bytes });
const json = (value) => Buffer.from(JSON.stringify(value));

const layers = [];
for (const entries of LAYERS) layers.push(blob('application/vnd.oci.image.layer.v1.tar', await tarOf(entries)));
const config = blob(
  'application/vnd.oci.image.config.v1+json',
  json({
    architecture: 'amd64',
    os: 'linux',
    created: '2024-01-01T00:00:00Z',
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NODE_VERSION=16.20.2'],
      WorkingDir: '/app',
      Cmd: ['node', 'server.js'],
      ExposedPorts: { '3000/tcp': {} },
    },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    history: HISTORY.map((created_by) => ({ created: '2024-01-01T00:00:00Z', created_by })),
  }),
);
const manifest = blob(
  'application/vnd.oci.image.manifest.v1+json',
  json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  }),
);

await rm(out, { recursive: true, force: true });
await mkdir(path.join(out, 'blobs/sha256'), { recursive: true });
await writeFile(path.join(out, 'oci-layout'), json({ imageLayoutVersion: '1.0.0' }));
await writeFile(
  path.join(out, 'index.json'),
  json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: manifest.mediaType,
        digest: manifest.digest,
        size: manifest.size,
        annotations: { 'org.opencontainers.image.ref.name': 'demo' },
      },
    ],
  }),
);
for (const b of [manifest, config, ...layers])
  await writeFile(path.join(out, 'blobs/sha256', b.digest.slice(7)), b.bytes);
console.log(`demo image: oci:${path.relative(process.cwd(), out)}:demo ${manifest.digest}`);
