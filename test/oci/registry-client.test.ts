import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOciError } from '../../src/oci/errors.js';
import { openImage, type OpenImageOptions } from '../../src/oci/image.js';
import { readAll } from '../../src/oci/resolve.js';
import { RegistryClient } from '../../src/oci/registry.js';
import { FakeRegistry, startHttpServer, type HttpServer } from '../support/fake-registry.js';
import { buildImage, buildIndex, imageBlobs, jsonBlob, type BuiltImage } from '../support/oci-builder.js';

let registry: FakeRegistry;
let image: BuiltImage;
let sleeps: number[];
const extraServers: HttpServer[] = [];

const options = (extra: Partial<OpenImageOptions> = {}): OpenImageOptions => ({
  env: { HOME: '/nonexistent' },
  registry: { sleep: (ms) => Promise.resolve(void sleeps.push(ms)) },
  ...extra,
});

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { code: isOciError(error) ? error.code : 'NOT_OCI', message: (error as Error).message };
  }
  throw new Error('expected a failure');
}

beforeEach(async () => {
  sleeps = [];
  registry = await new FakeRegistry().start();
  image = await buildImage({
    layers: [[{ path: 'etc/os-release', content: 'ID=test\n' }], [{ path: 'app/main.js', content: 'console.log(1)' }]],
    config: { User: 'app', Labels: { team: 'x' } },
  });
  registry.putManifest(image.manifest, 'v1');
  imageBlobs(image).forEach((b) => registry.putBlob(b));
});

afterEach(async () => {
  await registry.server.close();
  while (extraServers.length > 0) await extraServers.pop()?.close();
});

describe('pulling from a registry', () => {
  it('opens an image by tag and streams verified layers', async () => {
    const opened = await openImage(`${registry.host}/team/app:v1`, options());
    expect(opened.digest).toBe(image.manifest.digest);
    expect(opened.platform).toBe('linux/amd64');
    expect(opened.config.config.User).toBe('app');
    expect(opened.layers.map((l) => [l.digest, l.diffId, l.size])).toEqual(
      image.layers.map((l, i) => [l.digest, image.diffIds[i], l.size]),
    );
    const bytes = await readAll(await opened.layers[0]!.open());
    expect(gunzipSync(bytes).equals(image.layerTars[0]!)).toBe(true);
    const manifestRequest = registry.requests.find((r) => r.url.includes('/manifests/v1'));
    expect(manifestRequest?.headers.accept).toBe(
      'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json',
    );
  });

  it('opens an image by digest', async () => {
    const opened = await openImage(`${registry.host}/team/app@${image.manifest.digest}`, options());
    expect(opened.digest).toBe(image.manifest.digest);
  });

  it('selects the platform from an index, default linux/amd64', async () => {
    const arm = await buildImage({
      layers: [[{ path: 'arm', content: 'arm' }]],
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    });
    imageBlobs(arm).forEach((b) => registry.putBlob(b));
    registry.putManifest(arm.manifest);
    const index = buildIndex([image, arm]);
    registry.putManifest(index, 'multi');
    const amd = await openImage(`${registry.host}/team/app:multi`, options());
    expect([amd.digest, amd.indexDigest, amd.platform]).toEqual([image.manifest.digest, index.digest, 'linux/amd64']);
    const arm64 = await openImage(`${registry.host}/team/app:multi`, options({ platform: 'linux/arm64' }));
    expect([arm64.digest, arm64.platform]).toEqual([arm.manifest.digest, 'linux/arm64/v8']);
  });
});

describe('hostile registries', () => {
  it('rejects a tampered layer while streaming (DIGEST_MISMATCH)', async () => {
    const layer = image.layers[1]!;
    const tampered = Buffer.from(layer.bytes);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 5) ^ 0xff, tampered.length - 5);
    registry.blobs.set(layer.digest, tampered);
    const opened = await openImage(`${registry.host}/team/app:v1`, options());
    const { code, message } = await failure(readAll(await opened.layers[1]!.open()));
    expect(code).toBe('DIGEST_MISMATCH');
    expect(message).toContain(`expected ${layer.digest}`);
  });

  it('rejects a tampered config of the same size', async () => {
    const tampered = Buffer.from(image.config.bytes.toString().replace('"User":"app"', '"User":"bin"'));
    expect(tampered.length).toBe(image.config.size);
    registry.blobs.set(image.config.digest, tampered);
    expect((await failure(openImage(`${registry.host}/team/app:v1`, options()))).code).toBe('DIGEST_MISMATCH');
  });

  it('rejects a blob whose length differs from the descriptor', async () => {
    registry.blobs.set(image.layers[0]!.digest, Buffer.concat([image.layers[0]!.bytes, Buffer.from('extra')]));
    const opened = await openImage(`${registry.host}/team/app:v1`, options());
    expect((await failure(opened.layers[0]!.open())).code).toBe('SIZE_MISMATCH');
  });

  it('rejects a manifest fetched by tag whose digest differs from Docker-Content-Digest', async () => {
    registry.hooks.push((req, res) => {
      if (!req.url?.endsWith('/manifests/v1')) return false;
      res.setHeader('content-type', image.manifest.mediaType);
      res.setHeader('docker-content-digest', `sha256:${'0'.repeat(64)}`);
      res.end(image.manifest.bytes);
      return true;
    });
    const { code, message } = await failure(openImage(`${registry.host}/team/app:v1`, options()));
    expect(code).toBe('DIGEST_MISMATCH');
    expect(message).toContain('the registry announced sha256:0000');
  });

  it('rejects a manifest fetched by digest that hashes to something else', async () => {
    const other = jsonBlob(image.manifest.mediaType, {
      ...JSON.parse(image.manifest.bytes.toString()),
      annotations: { x: 'y' },
    });
    registry.manifests.set(image.manifest.digest, { ...other, digest: image.manifest.digest });
    const { code, message } = await failure(openImage(`${registry.host}/team/app@${image.manifest.digest}`, options()));
    expect(code).toBe('DIGEST_MISMATCH');
    expect(message).toContain(`requested by ${image.manifest.digest}`);
  });

  it('refuses a 50 MB manifest announced by Content-Length without reading it', async () => {
    let sent = 0;
    registry.hooks.push((req, res) => {
      if (!req.url?.includes('/manifests/')) return false;
      res.setHeader('content-type', image.manifest.mediaType);
      res.setHeader('content-length', 50 * 1024 * 1024);
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      const pump = (): void => {
        while (sent < 50 && !res.destroyed) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
      return true;
    });
    const { code, message } = await failure(openImage(`${registry.host}/team/app:v1`, options()));
    expect(code).toBe('MANIFEST_TOO_LARGE');
    expect(message).toContain('is 52428800 bytes, over the limit of 4194304 bytes');
  });

  it('stops reading a chunked 50 MB manifest at the 4 MiB cap', async () => {
    registry.hooks.push((req, res) => {
      if (!req.url?.includes('/manifests/')) return false;
      res.setHeader('content-type', image.manifest.mediaType);
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const pump = (): void => {
        while (sent < 50 && !res.destroyed) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
      return true;
    });
    const { code, message } = await failure(openImage(`${registry.host}/team/app:v1`, options()));
    expect(code).toBe('MANIFEST_TOO_LARGE');
    expect(message).toContain('more than 4194304 bytes');
  });

  it('names the available platforms when an index has none that matches', async () => {
    const arm = await buildImage({ layers: [], platform: { os: 'linux', architecture: 'arm', variant: 'v7' } });
    registry.putManifest(
      buildIndex(
        [image, arm],
        [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: `sha256:${'9'.repeat(64)}`,
            size: 1,
            platform: { os: 'unknown', architecture: 'unknown' },
          },
        ],
      ),
      'multi',
    );
    const { code, message } = await failure(
      openImage(`${registry.host}/team/app:multi`, options({ platform: 'linux/riscv64' })),
    );
    expect(code).toBe('NO_MATCHING_PLATFORM');
    expect(message).toMatch(/has no image for platform linux\/riscv64; available: linux\/amd64, linux\/arm\/v7\./);
  });

  it('rejects a single-platform image for another platform', async () => {
    const { code } = await failure(openImage(`${registry.host}/team/app:v1`, options({ platform: 'linux/arm64' })));
    expect(code).toBe('NO_MATCHING_PLATFORM');
  });

  it('rejects unknown manifest media types and schema 1', async () => {
    registry.putManifest(
      jsonBlob('application/vnd.example.thing+json', {
        schemaVersion: 2,
        mediaType: 'application/vnd.example.thing+json',
      }),
      'odd',
    );
    const odd = await failure(openImage(`${registry.host}/team/app:odd`, options()));
    expect(odd.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(odd.message).toContain('"application/vnd.example.thing+json"');
    registry.putManifest(
      jsonBlob('application/vnd.docker.distribution.manifest.v1+prettyjws', {
        schemaVersion: 1,
        name: 'team/app',
        fsLayers: [],
      }),
      'old',
    );
    const old = await failure(openImage(`${registry.host}/team/app:old`, options()));
    expect(old.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(old.message).toContain('schema 1, which is deprecated and unsupported; re-push');
  });

  it('refuses artifacts that are not container images (unknown layer/config types)', async () => {
    const artifact = jsonBlob('application/vnd.oci.image.manifest.v1+json', {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: `sha256:${'4'.repeat(64)}`, size: 2 },
      layers: [],
    });
    registry.putManifest(artifact, 'sig');
    expect((await failure(openImage(`${registry.host}/team/app:sig`, options()))).message).toMatch(
      /is not a container image/,
    );
  });

  it('waits as Retry-After says on 429, then succeeds', async () => {
    let calls = 0;
    registry.hooks.push((req, res) => {
      if (!req.url?.endsWith('/manifests/v1') || ++calls > 2) return false;
      res.statusCode = 429;
      res.setHeader('retry-after', calls === 1 ? '7' : '0');
      res.end('slow down');
      return true;
    });
    const opened = await openImage(`${registry.host}/team/app:v1`, options());
    expect(opened.digest).toBe(image.manifest.digest);
    expect(sleeps).toEqual([7000, 0]);
  });

  it('backs off exponentially on 5xx and gives up after the attempt limit', async () => {
    registry.hooks.push((req, res) => {
      if (!req.url?.includes('/manifests/')) return false;
      res.statusCode = 503;
      res.end();
      return true;
    });
    const { code, message } = await failure(openImage(`${registry.host}/team/app:v1`, options()));
    expect([code, message]).toEqual(['REGISTRY_ERROR', `manifest ${registry.host}/team/app:v1: HTTP 503`]);
    expect(sleeps).toEqual([500, 1000, 2000, 4000]);
  });

  it('does not wait beyond the total retry budget', async () => {
    registry.hooks.push((req, res) => {
      if (!req.url?.includes('/manifests/')) return false;
      res.statusCode = 429;
      res.setHeader('retry-after', '3600');
      res.end();
      return true;
    });
    expect((await failure(openImage(`${registry.host}/team/app:v1`, options()))).code).toBe('RATE_LIMITED');
    expect(sleeps).toEqual([]);
  });

  it('retries network errors', async () => {
    let failures = 2;
    const flaky: typeof fetch = (input, init) =>
      failures-- > 0 ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init);
    const opened = await openImage(
      `${registry.host}/team/app:v1`,
      options({ registry: { fetch: flaky, sleep: (ms) => Promise.resolve(void sleeps.push(ms)) } }),
    );
    expect(opened.digest).toBe(image.manifest.digest);
    expect(sleeps).toEqual([500, 1000]);
  });

  it('follows a blob redirect to another origin without sending Authorization there', async () => {
    const storage = await startHttpServer((req, res) => {
      const digest = new URL(req.url ?? '/', 'http://x').searchParams.get('d') ?? '';
      res.end(registry.blobs.get(digest));
    });
    extraServers.push(storage);
    const auth = `Basic ${Buffer.from('u:p').toString('base64')}`;
    registry.hooks.push((req, res) => {
      if (req.headers.authorization !== auth) {
        res.statusCode = 401;
        res.setHeader('www-authenticate', 'Basic realm="fake"');
        res.end();
        return true;
      }
      const blob = /\/blobs\/(sha256:[a-f0-9]+)$/.exec(req.url ?? '');
      if (!blob || blob[1] === image.config.digest) return false;
      res.statusCode = 307;
      res.setHeader('location', `${storage.origin}/bucket?d=${blob[1]}`);
      res.end();
      return true;
    });
    const opened = await openImage(
      `${registry.host}/team/app:v1`,
      options({ registry: { credentials: { credential: { username: 'u', password: 'p' }, source: 'test' } } }),
    );
    const bytes = await readAll(await opened.layers[0]!.open());
    expect(bytes.equals(image.layers[0]!.bytes)).toBe(true);
    expect(storage.requests).toHaveLength(1);
    expect(storage.requests[0]!.headers.authorization).toBeUndefined();
    expect(storage.requests[0]!.headers['accept-encoding']).toBe('identity');
  });

  it('keeps Authorization on a same-origin redirect', async () => {
    const auth = `Basic ${Buffer.from('u:p').toString('base64')}`;
    registry.hooks.push((req, res) => {
      if (req.headers.authorization !== auth) {
        res.statusCode = 401;
        res.setHeader('www-authenticate', 'Basic realm="fake"');
        res.end();
        return true;
      }
      if (req.url?.endsWith('/manifests/moved')) {
        res.statusCode = 302;
        res.setHeader('location', '/v2/team/app/manifests/v1');
        res.end();
        return true;
      }
      return false;
    });
    const opened = await openImage(
      `${registry.host}/team/app:moved`,
      options({ registry: { credentials: { credential: { username: 'u', password: 'p' } } } }),
    );
    expect(opened.digest).toBe(image.manifest.digest);
  });

  it('refuses a redirect to plain http on a non-loopback host, before connecting', async () => {
    const seen: string[] = [];
    const recording: typeof fetch = (input, init) => {
      seen.push(input instanceof URL ? input.href : typeof input === 'string' ? input : input.url);
      return fetch(input, init);
    };
    registry.hooks.push((req, res) => {
      if (!req.url?.includes('/blobs/sha256')) return false;
      res.statusCode = 302;
      res.setHeader('location', 'http://storage.example.com/blob');
      res.end();
      return true;
    });
    const { code, message } = await failure(
      openImage(`${registry.host}/team/app:v1`, options({ registry: { fetch: recording } })),
    );
    expect(code).toBe('INSECURE_TRANSPORT');
    expect(message).toContain('refusing plain http to storage.example.com');
    expect(seen.some((url) => url.includes('example.com'))).toBe(false);
  });

  it('refuses a token realm on plain http to a non-loopback host', async () => {
    registry.hooks.push((_req, res) => {
      res.statusCode = 401;
      res.setHeader('www-authenticate', 'Bearer realm="http://auth.example.com/token",service="fake"');
      res.end();
      return true;
    });
    expect((await failure(openImage(`${registry.host}/team/app:v1`, options()))).code).toBe('INSECURE_TRANSPORT');
  });

  it('uses https for a non-loopback registry unless it is listed as insecure', async () => {
    const seen: string[] = [];
    const recording: typeof fetch = (input) => {
      seen.push(input instanceof URL ? input.href : typeof input === 'string' ? input : input.url);
      return Promise.reject(new TypeError('no network in tests'));
    };
    const client = new RegistryClient('registry.example.com:5000', {
      fetch: recording,
      sleep: () => Promise.resolve(),
      retry: { maxAttempts: 1 },
    });
    await failure(client.getManifest('a', 'v1'));
    const insecure = new RegistryClient('registry.example.com:5000', {
      fetch: recording,
      insecureRegistries: ['registry.example.com:5000'],
      retry: { maxAttempts: 1 },
    });
    await failure(insecure.getManifest('a', 'v1'));
    expect(seen).toEqual([
      'https://registry.example.com:5000/v2/a/manifests/v1',
      'http://registry.example.com:5000/v2/a/manifests/v1',
    ]);
  });

  it('gives up on redirect loops', async () => {
    registry.hooks.push((req, res) => {
      res.statusCode = 302;
      res.setHeader('location', req.url ?? '/');
      res.end();
      return true;
    });
    expect((await failure(openImage(`${registry.host}/team/app:v1`, options()))).code).toBe('TOO_MANY_REDIRECTS');
  });

  it('stops with ABORTED when the signal fires, also while waiting to retry', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(
      (await failure(openImage(`${registry.host}/team/app:v1`, options({ signal: controller.signal })))).code,
    ).toBe('ABORTED');
    const later = new AbortController();
    registry.hooks.push((_req, res) => {
      res.statusCode = 503;
      res.end();
      return true;
    });
    const sleepThenAbort = (): Promise<void> => {
      later.abort();
      return Promise.reject(new DOMException('aborted', 'AbortError'));
    };
    const { code } = await failure(
      openImage(`${registry.host}/team/app:v1`, options({ signal: later.signal, registry: { sleep: sleepThenAbort } })),
    );
    expect(code).toBe('ABORTED');
  });

  it('reports NOT_FOUND with the registry message', async () => {
    const { code, message } = await failure(openImage(`${registry.host}/team/app:nope`, options()));
    expect([code, message]).toEqual([
      'NOT_FOUND',
      `manifest ${registry.host}/team/app:nope not found (MANIFEST_UNKNOWN: manifest unknown)`,
    ]);
  });
});

describe('authentication', () => {
  function bearerRegistry(expectedBasic?: string): { tokenRequests: URL[] } {
    const tokenRequests: URL[] = [];
    registry.hooks.push((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/token') {
        tokenRequests.push(url);
        if (expectedBasic !== undefined && req.headers.authorization !== expectedBasic) {
          res.statusCode = 401;
          res.end();
          return true;
        }
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ access_token: 'tok-123', expires_in: 300 }));
        return true;
      }
      if (req.headers.authorization === 'Bearer tok-123') return false;
      res.statusCode = 401;
      res.setHeader(
        'www-authenticate',
        `Bearer realm="${registry.server.origin}/token",service="fake-registry",scope="repository:team/app:pull"`,
      );
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
      return true;
    });
    return { tokenRequests };
  }

  it('gets an anonymous bearer token for the challenged scope', async () => {
    const { tokenRequests } = bearerRegistry();
    const opened = await openImage(`${registry.host}/team/app:v1`, options());
    await readAll(await opened.layers[0]!.open());
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]!.searchParams.get('service')).toBe('fake-registry');
    expect(tokenRequests[0]!.searchParams.getAll('scope')).toEqual(['repository:team/app:pull']);
  });

  it('authenticates to the token server with docker config.json credentials', async () => {
    const basic = `Basic ${Buffer.from('alice:pw').toString('base64')}`;
    const { tokenRequests } = bearerRegistry(basic);
    const dir = await mkdtemp(join(tmpdir(), 'dockercfg-'));
    await writeFile(
      join(dir, 'config.json'),
      JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from('alice:pw').toString('base64') } } }),
    );
    const opened = await openImage(`${registry.host}/team/app:v1`, options({ env: { DOCKER_CONFIG: dir } }));
    expect(opened.digest).toBe(image.manifest.digest);
    expect(tokenRequests.length).toBeGreaterThan(0);
  });

  it('says which credentials were refused', async () => {
    bearerRegistry('Basic nope');
    const { code, message } = await failure(
      openImage(
        `${registry.host}/team/app:v1`,
        options({ env: { HOME: '/nonexistent', CI_REGISTRY: registry.host, CI_JOB_TOKEN: 'x' } }),
      ),
    );
    expect(code).toBe('AUTH_REQUIRED');
    expect(message).toContain('the credentials from CI_JOB_TOKEN were refused or lack pull access');
  });

  it('explains a credential helper it cannot use', async () => {
    registry.hooks.push((_req, res) => {
      res.statusCode = 401;
      res.setHeader('www-authenticate', 'Basic realm="x"');
      res.end();
      return true;
    });
    const dir = await mkdtemp(join(tmpdir(), 'dockercfg-'));
    await writeFile(join(dir, 'config.json'), JSON.stringify({ credsStore: 'osxkeychain' }));
    const { code, message } = await failure(
      openImage(`${registry.host}/team/app:v1`, options({ env: { DOCKER_CONFIG: dir } })),
    );
    expect(code).toBe('AUTH_REQUIRED');
    expect(message).toContain('"docker-credential-osxkeychain"; credential helpers are not supported');
  });
});

describe('referrers and tags', () => {
  const referrer = {
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: `sha256:${'5'.repeat(64)}`,
    size: 10,
    artifactType: 'application/vnd.dev.cosign.simplesigning.v1+json',
  };
  const sbom = { ...referrer, digest: `sha256:${'6'.repeat(64)}`, artifactType: 'application/spdx+json' };

  it('uses the referrers API and filters by artifactType when the registry did not', async () => {
    registry.hooks.push((req, res) => {
      if (!req.url?.includes('/referrers/')) return false;
      res.setHeader('content-type', 'application/vnd.oci.image.index.v1+json');
      res.end(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.index.v1+json',
          manifests: [referrer, sbom],
        }),
      );
      return true;
    });
    const client = new RegistryClient(registry.host);
    expect(await client.listReferrers('team/app', image.manifest.digest)).toHaveLength(2);
    expect(await client.listReferrers('team/app', image.manifest.digest, 'application/spdx+json')).toEqual([sbom]);
    expect(registry.requests.at(-1)?.url).toBe(
      `/v2/team/app/referrers/${image.manifest.digest}?artifactType=application%2Fspdx%2Bjson`,
    );
  });

  it('falls back to the sha256-<hex> tag when the registry has no referrers API', async () => {
    const client = new RegistryClient(registry.host);
    expect(await client.listReferrers('team/app', image.manifest.digest)).toEqual([]);
    registry.putManifest(
      jsonBlob('application/vnd.oci.image.index.v1+json', {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [referrer],
      }),
      image.manifest.digest.replace(':', '-'),
    );
    expect(await client.listReferrers('team/app', image.manifest.digest)).toEqual([referrer]);
  });

  it('lists tags across Link pages', async () => {
    registry.hooks.push((req, res) => {
      if (!req.url?.includes('/tags/list')) return false;
      const last = new URL(req.url, 'http://x').searchParams.get('last');
      if (!last) res.setHeader('link', '</v2/team/app/tags/list?n=2&last=b>; rel="next"');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ name: 'team/app', tags: last ? ['c'] : ['a', 'b'] }));
      return true;
    });
    expect(await new RegistryClient(registry.host).listTags('team/app')).toEqual(['a', 'b', 'c']);
  });

  it('refuses repository and tag names that are not valid, before any request', async () => {
    const client = new RegistryClient(registry.host);
    const before = registry.requests.length;
    expect((await failure(client.getManifest('team/../../x', 'v1'))).code).toBe('INVALID_REFERENCE');
    expect((await failure(client.getManifest('team/app', 'v1?x=1'))).code).toBe('INVALID_REFERENCE');
    expect((await failure(client.headManifest('team/app', '../v1'))).code).toBe('INVALID_REFERENCE');
    expect((await failure(client.listTags('Team/App'))).code).toBe('INVALID_REFERENCE');
    expect(registry.requests.length).toBe(before);
  });

  it('HEADs a manifest', async () => {
    const client = new RegistryClient(registry.host);
    expect(await client.headManifest('team/app', 'v1')).toEqual({
      digest: image.manifest.digest,
      mediaType: image.manifest.mediaType,
      size: image.manifest.size,
    });
    expect(await client.headManifest('team/app', 'missing')).toBeUndefined();
  });
});
