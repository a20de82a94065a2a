import { describe, expect, it } from 'vitest';
import { requirementsFor, runSignatures, toTarget } from '../../../src/checks/signatures/index.js';
import { dockerfileReferences, expandVariables, yamlReferences } from '../../../src/checks/signatures/references.js';
import { isFileLocation } from '../../../src/core/finding.js';
import { tempRepo } from '../../support/tmp.js';
import { signaturesContext } from './support.js';

const DIGEST = 'sha256:' + 'c3'.repeat(32);

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: "ghcr.io/acme/init:1.0"
      containers:
        - name: app
          image: ghcr.io/acme/web:1.4.2
        - name: pinned
          image: ghcr.io/acme/web:1.4.2@${DIGEST}
        - name: sidecar
          image: docker.io/library/nginx:1.27
`;

const WORKFLOW = `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    container: ghcr.io/acme/ci:2
    services:
      db:
        image: 'ghcr.io/acme/db:16'
`;

describe('image references in files', () => {
  it('finds Kubernetes images with the exact line and column of the reference (after quotes)', () => {
    expect(yamlReferences('deploy/web.yaml', DEPLOYMENT).map((s) => [s.reference, s.line, s.column])).toEqual([
      ['ghcr.io/acme/init:1.0', 10, 19],
      ['ghcr.io/acme/web:1.4.2', 13, 18],
      [`ghcr.io/acme/web:1.4.2@${DIGEST}`, 15, 18],
      ['docker.io/library/nginx:1.27', 17, 18],
    ]);
  });

  it('finds workflow container shorthand and service images; container: is only special in workflows', () => {
    expect(
      yamlReferences('.github/workflows/ci.yml', WORKFLOW).map((s) => [s.reference, s.field, s.line, s.column]),
    ).toEqual([
      ['ghcr.io/acme/ci:2', 'container', 5, 16],
      ['ghcr.io/acme/db:16', 'image', 8, 17],
    ]);
    expect(yamlReferences('deploy/other.yml', WORKFLOW).map((s) => s.reference)).toEqual(['ghcr.io/acme/db:16']);
  });

  it('finds compose service images', () => {
    const compose = 'services:\n  web:\n    image: ghcr.io/acme/web:2\n  build-only:\n    build: .\n';
    expect(yamlReferences('compose.yaml', compose).map((s) => [s.reference, s.line, s.column])).toEqual([
      ['ghcr.io/acme/web:2', 3, 12],
    ]);
  });

  it("finds GitLab CI's image: {name:} long form", () => {
    const gitlab = 'build:\n  image:\n    name: ghcr.io/acme/ci:3\n    entrypoint: [""]\n  script: [make]\n';
    expect(yamlReferences('.gitlab-ci.yml', gitlab).map((s) => [s.reference, s.line, s.column])).toEqual([
      ['ghcr.io/acme/ci:3', 3, 11],
    ]);
  });

  it('finds external FROM images with ARG defaults, skipping stages and scratch', () => {
    const dockerfile =
      'ARG BASE=ghcr.io/acme/base:3\nFROM ${BASE} AS build\nRUN make\nFROM build AS test\nFROM scratch\nFROM --platform=linux/amd64 ghcr.io/acme/runtime:1\n';
    expect(dockerfileReferences('Dockerfile', dockerfile).map((s) => [s.reference, s.line, s.column])).toEqual([
      ['ghcr.io/acme/base:3', 2, 6],
      ['ghcr.io/acme/runtime:1', 6, 29],
    ]);
  });

  it('survives hostile YAML: alias bombs, deep nesting, binary', () => {
    const bomb =
      'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nimage: ghcr.io/acme/x:1\n';
    expect(yamlReferences('bomb.yaml', bomb).map((s) => s.reference)).toEqual(['ghcr.io/acme/x:1']);
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(() => yamlReferences('deep.yaml', deep)).not.toThrow();
  });

  it('expands ${VAR} targets from the job environment, and refuses half-expanded ones', () => {
    expect(expandVariables('ghcr.io/acme/web:${GITHUB_SHA}', { GITHUB_SHA: 'abc' })).toBe('ghcr.io/acme/web:abc');
    expect(expandVariables('ghcr.io/acme/web:$TAG', {})).toBeUndefined();
  });

  it('matches require globs against the normalized name and the reference as written', () => {
    const target = toTarget('nginx:1.27')!;
    expect(target.names).toContain('docker.io/library/nginx');
    const reqs = [{ requirement: { images: 'docker.io/library/*' } }, { requirement: { images: 'ghcr.io/**' } }];
    expect(requirementsFor(target, reqs)).toEqual([reqs[0]]);
    expect(toTarget('${IMAGE}')).toBeUndefined();
  });
});

describe('sig/unpinned-reference', () => {
  it('reports covered, tag-only references with exact line:column and a fix, without touching the network on the base run', async () => {
    const repo = tempRepo({
      'deploy/web.yaml': DEPLOYMENT,
      '.github/workflows/ci.yml': WORKFLOW,
      Dockerfile: 'FROM ghcr.io/acme/base:3\n',
      'compose.yaml': 'services:\n  web:\n    image: ${WEB_IMAGE}\n',
    });
    const context = signaturesContext(
      repo,
      { require: [{ images: 'ghcr.io/acme/**', key: 'cosign.pub' }] },
      { isBase: true },
    );
    const output = await runSignatures(context);
    const summary = output.findings.map((f) => [
      f.ruleId,
      isFileLocation(f.location) ? `${f.location.path}:${f.location.startLine}:${f.location.startColumn}` : '',
      f.severity,
      f.key,
    ]);
    expect(summary).toEqual([
      ['sig/unpinned-reference', '.github/workflows/ci.yml:5:16', 'medium', 'ghcr.io/acme/ci:2'],
      ['sig/unpinned-reference', '.github/workflows/ci.yml:8:17', 'medium', 'ghcr.io/acme/db:16'],
      ['sig/unpinned-reference', 'Dockerfile:1:6', 'medium', 'ghcr.io/acme/base:3'],
      ['sig/unpinned-reference', 'deploy/web.yaml:10:19', 'medium', 'ghcr.io/acme/init:1.0'],
      ['sig/unpinned-reference', 'deploy/web.yaml:13:18', 'medium', 'ghcr.io/acme/web:1.4.2'],
    ]);
    expect(output.findings[4]!.fix).toBe('Pin it: ghcr.io/acme/web:1.4.2@sha256:<digest>');
  });

  it('honours an inline ignore with a reason on the line above the reference', async () => {
    const repo = tempRepo({
      'deploy/a.yaml':
        '# containersec:ignore sig/unpinned-reference pinned by the release job\nimage: ghcr.io/acme/a:1\nother:\n  image: ghcr.io/acme/b:1 # containersec:ignore sig/unpinned-reference\n',
    });
    const output = await runSignatures(
      signaturesContext(repo, { require: [{ images: 'ghcr.io/**', key: 'k.pub' }] }, { isBase: true }),
    );
    expect(output.findings.map((f) => [f.key, f.suppressed?.reason])).toEqual([
      ['ghcr.io/acme/a:1', 'pinned by the release job'],
      ['ghcr.io/acme/b:1', undefined],
    ]);
  });

  it('reports nothing when no require rule covers the image, or the reference is pinned', async () => {
    const repo = tempRepo({ 'deploy/web.yaml': DEPLOYMENT });
    const none = await runSignatures(
      signaturesContext(repo, { require: [{ images: 'quay.io/**', key: 'k.pub' }] }, { isBase: true }),
    );
    expect(none.findings).toEqual([]);
    const pinnedOnly = tempRepo({ 'k8s.yaml': `image: ghcr.io/acme/web@${DIGEST}\n` });
    const pinned = await runSignatures(
      signaturesContext(pinnedOnly, { require: [{ images: 'ghcr.io/**', key: 'k.pub' }] }, { isBase: true }),
    );
    expect(pinned.findings).toEqual([]);
  });

  it('policy targets that are tags are reported on the image', async () => {
    const repo = tempRepo();
    const policy = signaturesContext(
      repo,
      { require: [{ images: 'ghcr.io/**', key: 'k.pub' }] },
      { images: ['ghcr.io/acme/web:${TAG}'], env: { TAG: 'v1' }, isBase: false },
    );
    policy.policy.checks.images.targets = [];
    // isBase is false: the key is missing, so the run is a configuration error, but pinning is still reported.
    const output = await runSignatures(policy);
    expect(output.findings.map((f) => [f.ruleId, f.location])).toEqual([
      ['sig/unpinned-reference', { image: 'ghcr.io/acme/web:v1' }],
    ]);
    expect(output.errors).toEqual([expect.stringContaining('key k.pub was not found')]);
  });
});
