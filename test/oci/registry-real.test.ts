/**
 * End-to-end tests against the real CNCF distribution registry (Debian's docker-registry 2.8), with images
 * pushed by skopeo from layouts the tests build. Three registries share one storage directory: no auth,
 * `silly` auth (Bearer challenges; the token server is a loopback server here, since silly has none and
 * accepts any Authorization header), and htpasswd (Basic).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOciError } from '../../src/oci/errors.js';
import { openImage, type OpenImageOptions } from '../../src/oci/image.js';
import { RegistryClient } from '../../src/oci/registry.js';
import { readAll } from '../../src/oci/resolve.js';
import { startHttpServer, type HttpServer } from '../support/fake-registry.js';
import { makeSigningCert, startTokenServer, type TokenServer } from '../support/token-server.js';
import {
  buildImage,
  buildIndex,
  descriptor,
  imageBlobs,
  jsonBlob,
  layoutFiles,
  writeFiles,
  type BuiltImage,
} from '../support/oci-builder.js';
import {
  SKIP_MESSAGE,
  haveHtpasswd,
  haveOpenssl,
  haveRegistryTools,
  pushLayout,
  putManifest,
  startRegistry,
  type RunningRegistry,
} from '../support/registry.js';

if (!haveRegistryTools) console.warn(SKIP_MESSAGE);

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { code: isOciError(error) ? error.code : `NOT_OCI: ${String(error)}`, message: (error as Error).message };
  }
  throw new Error('expected a failure');
}

describe.skipIf(!haveRegistryTools)('real distribution registry', () => {
  let work: string;
  let storage: string;
  let open: RunningRegistry;
  let silly: RunningRegistry;
  let basic: RunningRegistry | undefined;
  let jwt: RunningRegistry | undefined;
  let jwtTokens: TokenServer | undefined;
  let tokenServer: HttpServer;
  const tokenRequests: URL[] = [];
  let app: BuiltImage;
  let arm: BuiltImage;
  let victim: BuiltImage;
  let referrer: BuiltImage;
  let dockerConfig: string;
  const env = (extra: Record<string, string> = {}): OpenImageOptions => ({ env: { HOME: '/nonexistent', ...extra } });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'oci-real-registry-'));
    storage = join(work, 'storage');
    open = await startRegistry({ storage });

    app = await buildImage({
      layers: [
        [{ path: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' }],
        [{ path: 'srv/app.js', content: 'require("http")' }],
      ],
      config: { User: 'node', Healthcheck: { Test: ['CMD', 'true'], Interval: 30_000_000_000 } },
    });
    arm = await buildImage({
      layers: [[{ path: 'arm.txt', content: 'arm64' }]],
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    });
    victim = await buildImage({ layers: [[{ path: 'victim.txt', content: 'x'.repeat(5000) }]] });
    referrer = await buildImage({
      layers: [[{ path: 'sbom.json', content: '{"spdxVersion":"SPDX-2.3"}' }]],
      annotations: { 'org.example.kind': 'sbom' },
    });
    const index = buildIndex([app, arm]);
    const referrersIndex = jsonBlob('application/vnd.oci.image.index.v1+json', {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        descriptor(referrer.manifest, { artifactType: 'application/spdx+json', platform: referrer.platform }),
      ],
    });
    const layout = join(work, 'layout');
    await writeFiles(
      layout,
      layoutFiles(
        [
          { target: app.manifest, refName: 'v1' },
          { target: index, refName: 'multi' },
          { target: victim.manifest, refName: 'victim' },
          { target: referrer.manifest, refName: 'referrer' },
        ],
        [...imageBlobs(app), ...imageBlobs(arm), ...imageBlobs(victim), ...imageBlobs(referrer)],
      ),
    );
    await pushLayout(layout, `${open.host}/team/app:v1`, { refName: 'v1' });
    await pushLayout(layout, `${open.host}/team/app:multi`, { refName: 'multi', all: true });
    await pushLayout(layout, `${open.host}/team/victim:v1`, { refName: 'victim' });
    // skopeo 1.9 will not copy an index whose descriptors carry artifactType unchanged, so the referrers
    // index (tag schema of the OCI distribution spec) is PUT directly after skopeo pushed its manifest.
    await pushLayout(layout, `${open.host}/team/app:sbom`, { refName: 'referrer' });
    await putManifest(open.host, 'team/app', app.manifest.digest.replace(':', '-'), referrersIndex);

    tokenServer = await startHttpServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      tokenRequests.push(url);
      if (req.headers.authorization !== `Basic ${Buffer.from('alice:secret').toString('base64')}`) {
        res.statusCode = 401;
        res.end('{"details":"incorrect username or password"}');
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ token: `token-for-${url.searchParams.get('scope') ?? ''}` }));
    });
    silly = await startRegistry({
      storage,
      auth: { kind: 'silly', realm: `${tokenServer.origin}/token`, service: 'containersec-test' },
    });
    if (haveHtpasswd)
      basic = await startRegistry({
        storage,
        auth: { kind: 'htpasswd', users: [{ username: 'alice', password: 'secret' }] },
      });
    else console.warn('SKIPPED: htpasswd registry tests need apache2-utils (apt-get install apache2-utils)');

    if (haveOpenssl) {
      const cert = await makeSigningCert(work);
      jwtTokens = await startTokenServer({
        cert,
        issuer: 'containersec-test-issuer',
        service: 'containersec-jwt',
        users: { alice: 'secret' },
        // Anonymous users may pull team/app only; alice may pull everything.
        grant: (user, name, requested) =>
          requested.filter((action) => action === 'pull' && (user === 'alice' || name === 'team/app')),
      });
      jwt = await startRegistry({
        storage,
        auth: {
          kind: 'token',
          realm: `${jwtTokens.origin}/token`,
          service: 'containersec-jwt',
          issuer: 'containersec-test-issuer',
          rootCertBundle: cert.certPath,
        },
      });
    } else {
      console.warn('SKIPPED: token-auth registry tests need openssl (apt-get install openssl)');
    }

    dockerConfig = join(work, 'docker');
    const auths: Record<string, { auth: string }> = {};
    for (const registry of [silly, basic, jwt])
      if (registry) auths[registry.host] = { auth: Buffer.from('alice:secret').toString('base64') };
    await writeFiles(dockerConfig, new Map([['config.json', Buffer.from(JSON.stringify({ auths }))]]));
  }, 120_000);

  afterAll(async () => {
    await open?.stop();
    await silly?.stop();
    await basic?.stop();
    await jwt?.stop();
    await jwtTokens?.close();
    await tokenServer?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('pulls an image pushed by skopeo, by tag and by digest, digests preserved', async () => {
    const byTag = await openImage(`${open.host}/team/app:v1`, env());
    expect(byTag.digest).toBe(app.manifest.digest);
    expect(byTag.config.config.User).toBe('node');
    expect(byTag.config.config.Healthcheck?.Test).toEqual(['CMD', 'true']);
    const layers = await Promise.all(byTag.layers.map(async (layer) => readAll(await layer.open())));
    expect(layers.map((bytes, i) => bytes.equals(app.layers[i]!.bytes))).toEqual([true, true]);
    const byDigest = await openImage(`${open.host}/team/app@${app.manifest.digest}`, env());
    expect(byDigest.layers.map((l) => l.diffId)).toEqual(app.diffIds);
  });

  it('selects platforms from a pushed multi-platform index', async () => {
    const amd = await openImage(`${open.host}/team/app:multi`, env());
    expect([amd.digest, amd.platform]).toEqual([app.manifest.digest, 'linux/amd64']);
    const arm64 = await openImage(`${open.host}/team/app:multi`, { ...env(), platform: 'linux/arm64/v8' });
    expect([arm64.digest, arm64.platform]).toEqual([arm.manifest.digest, 'linux/arm64/v8']);
    const none = await failure(openImage(`${open.host}/team/app:multi`, { ...env(), platform: 'linux/ppc64le' }));
    expect(none.code).toBe('NO_MATCHING_PLATFORM');
    expect(none.message).toContain('available: linux/amd64, linux/arm64/v8');
  });

  it('lists tags, HEADs manifests, and finds referrers through the tag fallback (2.8 has no referrers API)', async () => {
    const client = new RegistryClient(open.host);
    expect((await client.listTags('team/app')).sort()).toEqual(
      ['multi', app.manifest.digest.replace(':', '-'), 'sbom', 'v1'].sort(),
    );
    expect((await client.headManifest('team/app', 'v1'))?.digest).toBe(app.manifest.digest);
    const referrers = await client.listReferrers('team/app', app.manifest.digest);
    expect(referrers.map((r) => [r.digest, r.artifactType])).toEqual([
      [referrer.manifest.digest, 'application/spdx+json'],
    ]);
    expect(await client.listReferrers('team/app', app.manifest.digest, 'application/vnd.other')).toEqual([]);
    expect(await client.listReferrers('team/app', arm.manifest.digest)).toEqual([]);
  });

  it('reports a missing tag and repository as NOT_FOUND', async () => {
    const missing = await failure(openImage(`${open.host}/team/app:nope`, env()));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toContain('MANIFEST_UNKNOWN');
    expect((await failure(openImage(`${open.host}/team/ghost:v1`, env()))).code).toBe('NOT_FOUND');
  });

  it('rejects a layer corrupted in the registry storage (DIGEST_MISMATCH)', async () => {
    const hex = victim.layers[0]!.digest.slice(7);
    const data = join(storage, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    const bytes = await readFile(data);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 10) ^ 0xff, bytes.length - 10);
    await writeFile(data, bytes);
    const image = await openImage(`${open.host}/team/victim:v1`, env());
    const { code, message } = await failure(readAll(await image.layers[0]!.open()));
    expect(code).toBe('DIGEST_MISMATCH');
    expect(message).toContain(`expected ${victim.layers[0]!.digest}`);
  });

  it('silly auth: answers the Bearer challenge with a token fetched with config.json credentials', async () => {
    tokenRequests.length = 0;
    const image = await openImage(`${silly.host}/team/app:v1`, env({ DOCKER_CONFIG: dockerConfig }));
    expect(image.digest).toBe(app.manifest.digest);
    await readAll(await image.layers[0]!.open());
    expect(tokenRequests.length).toBeGreaterThan(0);
    expect(tokenRequests[0]!.searchParams.get('service')).toBe('containersec-test');
    expect(tokenRequests[0]!.searchParams.getAll('scope')).toEqual(['repository:team/app:pull']);
  });

  it('silly auth: no credentials means the token server refuses, reported as AUTH_REQUIRED', async () => {
    const { code, message } = await failure(openImage(`${silly.host}/team/app:v1`, env()));
    expect(code).toBe('AUTH_REQUIRED');
    expect(message).toContain(`no credentials found for ${silly.host}`);
  });

  it.skipIf(!haveHtpasswd)(
    'htpasswd auth: Basic credentials from the docker config work, wrong ones are refused',
    async () => {
      const host = basic!.host;
      const image = await openImage(`${host}/team/app:multi`, {
        ...env({ DOCKER_CONFIG: dockerConfig }),
        platform: 'linux/arm64',
      });
      expect(image.digest).toBe(arm.manifest.digest);
      expect((await readAll(await image.layers[0]!.open())).equals(arm.layers[0]!.bytes)).toBe(true);
      const wrongConfig = join(work, 'wrong');
      await writeFiles(
        wrongConfig,
        new Map([
          [
            'config.json',
            Buffer.from(JSON.stringify({ auths: { [host]: { auth: Buffer.from('alice:nope').toString('base64') } } })),
          ],
        ]),
      );
      const wrong = await failure(openImage(`${host}/team/app:v1`, env({ DOCKER_CONFIG: wrongConfig })));
      expect(wrong.code).toBe('AUTH_REQUIRED');
      expect(wrong.message).toContain(`the credentials from ${join(wrongConfig, 'config.json')} were refused`);
      expect((await failure(openImage(`${host}/team/app:v1`, env()))).code).toBe('AUTH_REQUIRED');
    },
  );

  it.skipIf(!haveOpenssl)(
    'token auth: the registry verifies our JWT; anonymous pull works where the token server grants it',
    async () => {
      jwtTokens!.tokenRequests.length = 0;
      const image = await openImage(`${jwt!.host}/team/app:v1`, env());
      expect(image.digest).toBe(app.manifest.digest);
      expect((await readAll(await image.layers[1]!.open())).equals(app.layers[1]!.bytes)).toBe(true);
      expect(jwtTokens!.tokenRequests[0]).toEqual({
        scopes: ['repository:team/app:pull'],
        service: 'containersec-jwt',
        user: undefined,
      });
    },
  );

  it.skipIf(!haveOpenssl)(
    'token auth: a token without the scope is refused by the registry (AUTH_REQUIRED), credentials fix it',
    async () => {
      const anonymous = await failure(openImage(`${jwt!.host}/team/victim:v1`, env()));
      expect(anonymous.code).toBe('AUTH_REQUIRED');
      expect(anonymous.message).toContain('HTTP 401');
      jwtTokens!.tokenRequests.length = 0;
      const image = await openImage(`${jwt!.host}/team/victim:v1`, env({ DOCKER_CONFIG: dockerConfig }));
      expect(image.digest).toBe(victim.manifest.digest);
      expect(jwtTokens!.tokenRequests[0]).toEqual({
        scopes: ['repository:team/victim:pull'],
        service: 'containersec-jwt',
        user: 'alice',
      });
    },
  );
});
