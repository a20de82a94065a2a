import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate } from '../../src/oci/auth-challenge.js';
import { normalizeRegistryKey, resolveCredentials } from '../../src/oci/credentials.js';
import { isOciError } from '../../src/oci/errors.js';
import { parseImageConfig, parseManifest, type ImageIndex } from '../../src/oci/manifest.js';
import { normalizePlatform, parsePlatform, selectPlatform } from '../../src/oci/platform.js';
import { parseRetryAfter } from '../../src/oci/registry.js';
import { assertTransportAllowed, isLoopbackHost } from '../../src/oci/transport.js';

const D = (c: string): string => `sha256:${c.repeat(64)}`;

describe('parseWwwAuthenticate', () => {
  it('reads a distribution Bearer challenge', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:library/alpine:pull',
        },
      },
    ]);
  });

  it('reads several challenges, quoted commas, escapes and unquoted values', () => {
    expect(
      parseWwwAuthenticate('Basic realm="a, b", Bearer realm=https://x/t,service="s\\"q", error="invalid_token"'),
    ).toEqual([
      { scheme: 'basic', params: { realm: 'a, b' } },
      { scheme: 'bearer', params: { realm: 'https://x/t', service: 's"q', error: 'invalid_token' } },
    ]);
  });

  it('yields nothing for garbage', () => {
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate('=== ,,,')).toEqual([]);
  });
});

describe('credentials', () => {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');

  async function dockerConfig(config: unknown): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'dockercfg-'));
    await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    return dir;
  }

  it('normalizes auths keys', () => {
    expect(normalizeRegistryKey('https://index.docker.io/v1/')).toBe('docker.io');
    expect(normalizeRegistryKey('registry-1.docker.io')).toBe('docker.io');
    expect(normalizeRegistryKey('https://GHCR.io')).toBe('ghcr.io');
    expect(normalizeRegistryKey('localhost:5000')).toBe('localhost:5000');
  });

  it('uses GITHUB_TOKEN for ghcr.io only', () => {
    const env = { GITHUB_TOKEN: 'ghs_x', GITHUB_ACTOR: 'octo', HOME: '/nonexistent' };
    expect(resolveCredentials('ghcr.io', env)).toEqual({
      credential: { username: 'octo', password: 'ghs_x' },
      source: 'GITHUB_TOKEN',
    });
    expect(resolveCredentials('docker.io', env)).toEqual({});
  });

  it('uses GitLab CI variables for CI_REGISTRY', () => {
    const base = { HOME: '/nonexistent', CI_REGISTRY: 'registry.gitlab.com' };
    expect(
      resolveCredentials('registry.gitlab.com', { ...base, CI_REGISTRY_USER: 'u', CI_REGISTRY_PASSWORD: 'p' })
        .credential,
    ).toEqual({
      username: 'u',
      password: 'p',
    });
    expect(resolveCredentials('registry.gitlab.com', { ...base, CI_JOB_TOKEN: 't' })).toEqual({
      credential: { username: 'gitlab-ci-token', password: 't' },
      source: 'CI_JOB_TOKEN',
    });
    expect(resolveCredentials('ghcr.io', { ...base, CI_JOB_TOKEN: 't' })).toEqual({});
  });

  it('reads base64 auth from ~/.docker/config.json (DOCKER_CONFIG)', async () => {
    const dir = await dockerConfig({ auths: { 'https://index.docker.io/v1/': { auth: b64('me:s3:cret') } } });
    expect(resolveCredentials('docker.io', { DOCKER_CONFIG: dir })).toEqual({
      credential: { username: 'me', password: 's3:cret' },
      source: join(dir, 'config.json'),
    });
  });

  it('reads $HOME/.docker/config.json when DOCKER_CONFIG is unset', async () => {
    const home = await mkdtemp(join(tmpdir(), 'home-'));
    await mkdir(join(home, '.docker'));
    await writeFile(
      join(home, '.docker', 'config.json'),
      JSON.stringify({ auths: { 'ghcr.io': { auth: b64('a:b') } } }),
    );
    expect(resolveCredentials('ghcr.io', { HOME: home, GITHUB_TOKEN: 'env' }).credential).toEqual({
      username: 'a',
      password: 'b',
    });
  });

  it('says clearly that credential helpers are not supported', async () => {
    const helpers = await dockerConfig({ credHelpers: { 'gcr.io': 'gcloud' }, auths: { 'gcr.io': {} } });
    expect(resolveCredentials('gcr.io', { DOCKER_CONFIG: helpers }).note).toMatch(
      /credential helper "docker-credential-gcloud"; credential helpers are not supported/,
    );
    const store = await dockerConfig({ credsStore: 'desktop', auths: { 'ghcr.io': {} } });
    const lookup = resolveCredentials('ghcr.io', { DOCKER_CONFIG: store, GITHUB_TOKEN: 'tok' });
    expect(lookup.credential?.password).toBe('tok');
    expect(resolveCredentials('quay.io', { DOCKER_CONFIG: store }).note).toMatch(/docker-credential-desktop/);
  });

  it('survives a broken config.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dockercfg-'));
    await writeFile(join(dir, 'config.json'), '{not json');
    expect(resolveCredentials('ghcr.io', { DOCKER_CONFIG: dir }).note).toMatch(/not valid JSON/);
  });
});

describe('platforms', () => {
  const entry = (os: string, architecture: string, variant?: string, c = '1'): ImageIndex['manifests'][number] => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: D(c),
    size: 1,
    platform: { os, architecture, ...(variant ? { variant } : {}) },
  });
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      entry('linux', 'amd64', undefined, '1'),
      entry('linux', 'arm64', 'v8', '2'),
      entry('linux', 'arm', 'v7', '3'),
      entry('unknown', 'unknown', undefined, '4'),
    ],
  };

  it('normalizes aliases and default variants like containerd', () => {
    expect(normalizePlatform(parsePlatform('linux/aarch64'))).toEqual({
      os: 'linux',
      architecture: 'arm64',
      variant: '',
    });
    expect(normalizePlatform(parsePlatform('linux/arm64/v8'))).toEqual({
      os: 'linux',
      architecture: 'arm64',
      variant: '',
    });
    expect(normalizePlatform(parsePlatform('linux/arm'))).toEqual({ os: 'linux', architecture: 'arm', variant: 'v7' });
    expect(normalizePlatform(parsePlatform('linux/x86_64'))).toEqual({
      os: 'linux',
      architecture: 'amd64',
      variant: '',
    });
  });

  it('selects by platform, arm64 with or without v8', () => {
    expect(selectPlatform(index, 'linux/amd64', 'x').digest).toBe(D('1'));
    expect(selectPlatform(index, 'linux/arm64', 'x').digest).toBe(D('2'));
    expect(selectPlatform(index, 'linux/arm64/v8', 'x').digest).toBe(D('2'));
    expect(selectPlatform(index, 'linux/arm/v7', 'x').digest).toBe(D('3'));
  });

  it('lists the available platforms when none matches, never the attestation entries', () => {
    let caught: unknown;
    try {
      selectPlatform(index, 'linux/s390x', 'ghcr.io/acme/web:1');
    } catch (error) {
      caught = error;
    }
    expect(isOciError(caught, 'NO_MATCHING_PLATFORM')).toBe(true);
    expect((caught as Error).message).toBe(
      'ghcr.io/acme/web:1 has no image for platform linux/s390x; available: linux/amd64, linux/arm64/v8, linux/arm/v7. Pass a platform from that list.',
    );
    expect(() => selectPlatform(index, 'linux/arm/v6', 'x')).toThrow(/no image for platform linux\/arm\/v6/);
  });

  it('rejects malformed platform strings', () => {
    expect(() => parsePlatform('linux')).toThrow(/os\/architecture/);
    expect(() => parsePlatform('linux/arm64/v8/x')).toThrow(/os\/architecture/);
  });
});

describe('parseManifest', () => {
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: D('a'), size: 2 },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: D('b'), size: 3 }],
  };
  const bytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
  const code = (fn: () => unknown): string | undefined => {
    try {
      fn();
      return undefined;
    } catch (error) {
      return isOciError(error) ? error.code : 'other';
    }
  };

  it('parses manifests and indexes', () => {
    expect(parseManifest(bytes(manifest), 'm').kind).toBe('manifest');
    expect(parseManifest(bytes({ schemaVersion: 2, manifests: [] }), 'i').kind).toBe('index');
  });

  it('rejects schema 1 with a clear error', () => {
    expect(() => parseManifest(bytes({ schemaVersion: 1, name: 'x', fsLayers: [] }), 'm')).toThrow(
      /schema 1, which is deprecated/,
    );
    expect(
      code(() => parseManifest(bytes(manifest), 'm', 'application/vnd.docker.distribution.manifest.v1+prettyjws')),
    ).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('rejects unknown media types, conflicts and broken descriptors', () => {
    expect(code(() => parseManifest(bytes({ ...manifest, mediaType: 'application/x-evil' }), 'm'))).toBe(
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect(code(() => parseManifest(bytes(manifest), 'm', 'application/vnd.oci.image.index.v1+json'))).toBe(
      'INVALID_MANIFEST',
    );
    expect(
      code(() =>
        parseManifest(bytes({ ...manifest, config: { ...manifest.config, digest: 'sha256:../../etc' } }), 'm'),
      ),
    ).toBe('INVALID_MANIFEST');
    expect(code(() => parseManifest(bytes({ ...manifest, layers: [{ ...manifest.layers[0], size: -5 }] }), 'm'))).toBe(
      'INVALID_MANIFEST',
    );
    expect(code(() => parseManifest(Buffer.from('{'), 'm'))).toBe('INVALID_MANIFEST');
    expect(code(() => parseManifest(bytes([1, 2]), 'm'))).toBe('INVALID_MANIFEST');
  });

  it('keeps only well-typed config fields', () => {
    const config = parseImageConfig(
      bytes({
        os: 'linux',
        architecture: 'amd64',
        config: {
          User: 0,
          Env: ['A=1', 2],
          Labels: { a: 'b', c: 3 },
          ExposedPorts: { '80/tcp': {} },
          Healthcheck: { Test: ['CMD', 'true'], Retries: 'x' },
        },
        rootfs: { type: 'layers', diff_ids: [D('c')] },
        history: [{ created_by: 'RUN x', empty_layer: true }, 'junk'],
      }),
      'c',
    );
    expect(config).toEqual({
      os: 'linux',
      architecture: 'amd64',
      config: { Labels: { a: 'b' }, ExposedPorts: { '80/tcp': {} }, Healthcheck: { Test: ['CMD', 'true'] } },
      rootfs: { type: 'layers', diff_ids: [D('c')] },
      history: [{ created_by: 'RUN x', empty_layer: true }],
    });
    expect(() => parseImageConfig(bytes({ rootfs: { diff_ids: ['nope'] } }), 'c')).toThrow(/diff_ids/);
  });
});

describe('transport policy', () => {
  it('knows loopback hosts', () => {
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['10.0.0.1', 'example.com', '127.0.0.1.nip.io', 'localhost.evil.com'])
      expect(isLoopbackHost(host)).toBe(false);
  });

  it('allows http only to loopback and listed insecure registries', () => {
    expect(() => assertTransportAllowed(new URL('https://ghcr.io/v2/'), [], 'x')).not.toThrow();
    expect(() => assertTransportAllowed(new URL('http://127.0.0.1:5000/v2/'), [], 'x')).not.toThrow();
    expect(() =>
      assertTransportAllowed(new URL('http://reg.internal:5000/v2/'), ['reg.internal:5000'], 'x'),
    ).not.toThrow();
    expect(() => assertTransportAllowed(new URL('http://reg.internal:5001/v2/'), ['reg.internal:5000'], 'x')).toThrow(
      /refusing plain http/,
    );
    expect(() => assertTransportAllowed(new URL('http://registry.example/v2/'), [], 'x')).toThrow(
      /refusing plain http to registry\.example/,
    );
    expect(() => assertTransportAllowed(new URL('file:///etc/passwd'), [], 'x')).toThrow(/refusing file:/);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
