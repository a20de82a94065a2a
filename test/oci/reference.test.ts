import { describe, expect, it } from 'vitest';
import { isOciError } from '../../src/oci/errors.js';
import {
  formatImageReference,
  parseImageReference,
  parseImageSource,
  registryApiHost,
} from '../../src/oci/reference.js';

const HEX = 'a'.repeat(64);

describe('parseImageReference', () => {
  it.each([
    ['alpine', 'docker.io/library/alpine:latest'],
    ['alpine:3.20', 'docker.io/library/alpine:3.20'],
    ['library/alpine', 'docker.io/library/alpine:latest'],
    ['bitnami/redis:7', 'docker.io/bitnami/redis:7'],
    ['index.docker.io/alpine', 'docker.io/library/alpine:latest'],
    ['docker.io/alpine', 'docker.io/library/alpine:latest'],
    ['ghcr.io/acme/web:1.2', 'ghcr.io/acme/web:1.2'],
    ['localhost/foo', 'localhost/foo:latest'],
    ['localhost:5000/foo/bar:v1', 'localhost:5000/foo/bar:v1'],
    ['127.0.0.1:5000/x', '127.0.0.1:5000/x:latest'],
    ['[::1]:5000/x', '[::1]:5000/x:latest'],
    ['Registry/repo', 'Registry/repo:latest'],
    ['a.b/c__d/e-f.g:t_1.2-x', 'a.b/c__d/e-f.g:t_1.2-x'],
    [`ghcr.io/acme/web@sha256:${HEX}`, `ghcr.io/acme/web@sha256:${HEX}`],
    [`ghcr.io/acme/web:1.2@sha256:${HEX}`, `ghcr.io/acme/web:1.2@sha256:${HEX}`],
    [`quay.io/x/y@sha512:${'b'.repeat(128)}`, `quay.io/x/y@sha512:${'b'.repeat(128)}`],
  ])('%s → %s', (input, expected) => {
    expect(formatImageReference(parseImageReference(input))).toBe(expected);
  });

  it('splits registry, repository, tag and digest', () => {
    expect(parseImageReference(`localhost:5000/a/b:v1@sha256:${HEX}`)).toEqual({
      registry: 'localhost:5000',
      repository: 'a/b',
      tag: 'v1',
      digest: `sha256:${HEX}`,
    });
    expect(parseImageReference(`x/y@sha256:${HEX}`).tag).toBeUndefined();
  });

  it.each([
    ['', 'empty'],
    ['alpine latest', 'whitespace'],
    ['Alpine', 'lowercase'],
    ['ghcr.io/Acme/web', 'lowercase'],
    ['alpine:', 'tag'],
    ['alpine:-bad', 'tag'],
    [`alpine:${'x'.repeat(129)}`, 'tag'],
    ['alpine@sha256:abc', 'not a digest'],
    [`alpine@sha256:${'A'.repeat(64)}`, 'lowercase hex'],
    [`alpine@sha256:${'a'.repeat(63)}`, '64 lowercase hex'],
    [`alpine@sha256:${'a'.repeat(31)}`, 'not a digest'],
    [`alpine@sha256:${'a'.repeat(65)}`, '64 lowercase hex'],
    ['foo//bar', 'path component'],
    ['foo/-bar', 'path component'],
    ['foo/bar_', 'path component'],
    ['-host.io/x', 'registry host'],
    [HEX, 'image ID'],
    [`a/${'b'.repeat(255)}`, 'longer than 255'],
  ])('rejects %j (%s)', (input, why) => {
    let caught: unknown;
    try {
      parseImageReference(input);
    } catch (error) {
      caught = error;
    }
    expect(isOciError(caught, 'INVALID_REFERENCE')).toBe(true);
    expect((caught as Error).message).toContain(why);
  });

  it('refuses digest algorithms it cannot verify', () => {
    expect(() => parseImageReference(`alpine@sha384:${'a'.repeat(96)}`)).toThrow(/only sha256 and sha512/);
  });

  it('talks to registry-1.docker.io for Docker Hub', () => {
    expect(registryApiHost('docker.io')).toBe('registry-1.docker.io');
    expect(registryApiHost('ghcr.io')).toBe('ghcr.io');
  });
});

describe('parseImageSource', () => {
  it.each([
    ['oci:./layout', { kind: 'oci', path: './layout' }],
    ['oci:/tmp/l:v1.0', { kind: 'oci', path: '/tmp/l', tag: 'v1.0' }],
    ['oci-archive:img.tar', { kind: 'oci-archive', path: 'img.tar' }],
    ['oci-archive:img.tar:latest', { kind: 'oci-archive', path: 'img.tar', tag: 'latest' }],
    ['docker-archive:save.tar', { kind: 'docker-archive', path: 'save.tar' }],
    ['docker-archive:save.tar:alpine:3.20', { kind: 'docker-archive', path: 'save.tar', reference: 'alpine:3.20' }],
    ['docker-archive:save.tar:@1', { kind: 'docker-archive', path: 'save.tar', reference: '@1' }],
    ['dir:./rootfs', { kind: 'dir', path: './rootfs' }],
    ['sbom:bom.cdx.json', { kind: 'sbom', path: 'bom.cdx.json' }],
  ])('%s', (input, expected) => {
    expect(parseImageSource(input)).toEqual(expected);
  });

  it('treats anything else, and docker://, as a registry reference', () => {
    expect(parseImageSource('ghcr.io/acme/web:1')).toEqual({
      kind: 'registry',
      reference: { registry: 'ghcr.io', repository: 'acme/web', tag: '1' },
    });
    expect(parseImageSource('docker://alpine')).toEqual({
      kind: 'registry',
      reference: { registry: 'docker.io', repository: 'library/alpine', tag: 'latest' },
    });
  });

  it.each(['oci:', 'oci::tag', 'oci:path:', 'dir:', 'docker:alpine'])('rejects %j', (input) => {
    expect(() => parseImageSource(input)).toThrow(/invalid image reference/);
  });
});
