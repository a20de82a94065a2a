import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRemoteReference, withOriginAnnotations } from '../../../../src/checks/manifests/render/kustomize.js';
import { documentLinesFrom, keyLine } from '../../../../src/checks/manifests/render/model.js';
import { K8S_TOOLS_SKIP, KUBECTL, haveK8sTools } from '../../../support/k8s-tools.js';
import { DIGEST, checkRepo, rules } from './helpers.js';

const tools = haveK8sTools();
if (!tools) console.warn(K8S_TOOLS_SKIP);

const DEPLOYMENT = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      automountServiceAccountToken: false
      securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: web
          image: ghcr.io/acme/web@${DIGEST}
          resources: { limits: { cpu: 100m, memory: 64Mi } }
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: { drop: [ALL] }
`;

/** An 11-line strategic-merge patch: a partial object that must not be linted on its own. */
const PRIVILEGED_PATCH = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          securityContext:
            privileged: true
`;

const REPO = {
  'deploy/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
  'deploy/base/deployment.yaml': DEPLOYMENT,
  'deploy/overlays/prod/kustomization.yaml':
    'resources:\n  - ../../base\nnamePrefix: prod-\nnamespace: prod\npatches:\n  - path: privileged.yaml\nconfigMapGenerator:\n  - name: cfg\n    literals: [a=b]\n',
  'deploy/overlays/prod/privileged.yaml': PRIVILEGED_PATCH,
  'deploy/overlays/staging/kustomization.yaml': 'resources:\n  - ../../base\nnamespace: staging\n',
};

describe('kustomize references', () => {
  it('tells remote bases from local paths', () => {
    for (const remote of [
      'https://github.com/acme/app//deploy?ref=v1',
      'github.com/acme/app/deploy?ref=v1.2.3',
      'git@github.com:acme/app.git',
      'ssh://git@example.com/app.git',
      'gitlab.com/acme/app//base',
    ])
      expect(isRemoteReference(remote), remote).toBe(true);
    for (const local of ['../../base', 'deployment.yaml', 'sub/dir', './x.yml'])
      expect(isRemoteReference(local), local).toBe(false);
  });

  it('adds originAnnotations to the copy, keeping other build metadata', () => {
    expect(withOriginAnnotations('resources: [a.yaml]\n')).toBe(
      'resources: [ a.yaml ]\nbuildMetadata:\n  - originAnnotations\n',
    );
    expect(withOriginAnnotations('resources: [a.yaml]\nbuildMetadata: [managedByLabel]\n')).toContain(
      'buildMetadata:\n  - managedByLabel\n  - originAnnotations\n',
    );
  });
});

describe.skipIf(!tools)('kustomizations rendered with the real kubectl kustomize', () => {
  it('lints what the overlays produce, at the object in its source file, never the patch on its own', async () => {
    const result = await checkRepo(REPO);
    expect(result.errors).toEqual([]);
    // The patch made prod privileged: reported once, on the base Deployment (line 6), from the prod overlay.
    expect(rules(result.findings, 'pss/privileged')).toEqual(['pss/privileged deploy/base/deployment.yaml:6']);
    const privileged = result.findings.find((f) => f.ruleId === 'pss/privileged')!;
    expect(privileged.message).toContain('the kustomization deploy/overlays/prod; line 6 is where the object starts');
    expect(privileged.location).toMatchObject({ object: 'Deployment/prod-web' });
    // Nothing on the patch, and the base is not linted on its own (no finding without the overlay's object).
    const paths = new Set(result.findings.map((f) => (f.location as { path: string }).path));
    expect(paths.has('deploy/overlays/prod/privileged.yaml')).toBe(false);
    expect(result.findings.filter((f) => !f.message.includes('Found in the output of'))).toEqual([]);
    // Both top-level overlays rendered; the base only as their part.
    expect(result.notes?.find((n) => n.startsWith('rendered'))).toMatch(
      /^rendered 0 of 0 Helm chart\(s\) and 2 of 2 top-level kustomization/,
    );
    // The user's tree is untouched.
    expect(readFileSync(path.join(result.root, 'deploy/overlays/prod/kustomization.yaml'), 'utf8')).toBe(
      REPO['deploy/overlays/prod/kustomization.yaml'],
    );
  });

  it('uses checks.manifests.kustomize.binary (kubectl)', async () => {
    const result = await checkRepo(REPO, {
      env: { PATH: '/nonexistent' },
      policy: (p) => (p.checks.manifests.kustomize = { enabled: true, binary: KUBECTL }),
    });
    expect(rules(result.findings, 'pss/privileged')).toEqual(['pss/privileged deploy/base/deployment.yaml:6']);
  });

  it('refuses a remote base with a note; local resources are linted on their own, patches never', async () => {
    const result = await checkRepo({
      'k/kustomization.yaml':
        'resources:\n  - https://github.com/acme/platform//base?ref=v1\n  - pod.yaml\npatches:\n  - path: patch.yaml\n',
      'k/pod.yaml':
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostPID: true\n  containers: [{name: a, image: x}]\n',
      'k/patch.yaml': PRIVILEGED_PATCH,
    });
    expect(result.notes).toContain(
      'kustomize: k not rendered: remote base not rendered (https://github.com/acme/platform//base?ref=v1): the gate never fetches from the network. Its resources are checked on their own.',
    );
    expect(rules(result.findings, 'pss/hostNamespaces')).toEqual(['pss/hostNamespaces k/pod.yaml:6']);
    expect(rules(result.findings, 'pss/privileged')).toEqual([]);
    expect(rules(result.findings, 'manifests/render-failed')).toEqual([]);
  });

  it('without a binary: one note per top-level kustomization, patches still skipped', async () => {
    const result = await checkRepo(REPO, { env: { PATH: '/nonexistent' } });
    expect(result.notes?.filter((n) => n.startsWith('kustomize:'))).toEqual([
      'kustomize: deploy/overlays/prod not rendered: no kustomize or kubectl binary on PATH; install kubectl or kustomize, or set checks.manifests.kustomize.binary. Its resources are checked on their own.',
      'kustomize: deploy/overlays/staging not rendered: no kustomize or kubectl binary on PATH; install kubectl or kustomize, or set checks.manifests.kustomize.binary. Its resources are checked on their own.',
    ]);
    expect(rules(result.findings, 'pss/privileged')).toEqual([]);
  });

  it('a kustomization that fails to build is one render-failed finding on it', async () => {
    const result = await checkRepo({
      'k/kustomization.yaml': 'resources:\n  - missing.yaml\n',
    });
    expect(rules(result.findings, 'manifests/render-failed')).toEqual([
      'manifests/render-failed k/kustomization.yaml:1',
    ]);
    expect(result.findings[0]?.message).toMatch(/kubectl kustomize failed: .*missing\.yaml/);
    // Paths are repository-relative, not those of the temporary copy.
    expect(result.findings[0]?.message).not.toMatch(/containersec-render-/);
  });

  it('never runs exec or container functions: a kustomization with a plugin is refused with a note', async () => {
    const marker = path.join(tmpdir(), `containersec-pwned-${process.pid}`);
    const result = await checkRepo({
      'k/kustomization.yaml': 'generators:\n  - gen.yaml\ntransformers:\n  - fn.yaml\n',
      'k/gen.yaml':
        'apiVersion: example.com/v1\nkind: Nginx\nmetadata:\n  name: x\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: ./pwn.sh\n',
      'k/fn.yaml':
        'apiVersion: example.com/v1\nkind: Fn\nmetadata:\n  name: y\n  annotations:\n    config.kubernetes.io/function: |\n      container:\n        image: evil/fn\n',
      'k/pwn.sh': `#!/bin/sh\ntouch ${marker}\n`,
    });
    expect(existsSync(marker)).toBe(false);
    expect(result.notes?.find((n) => n.startsWith('kustomize: k not rendered'))).toMatch(
      /it uses a kustomize plugin, which the gate never runs/,
    );
    expect(rules(result.findings, 'manifests/render-failed')).toEqual([]);
  });

  it('maps generated objects to the kustomization that configures them', async () => {
    const result = await checkRepo({
      'k/kustomization.yaml': 'configMapGenerator:\n  - name: cfg\n    literals: [a=b]\nresources:\n  - pod.yaml\n',
      'k/pod.yaml':
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostPID: true\n  containers: [{name: a, image: x}]\n',
    });
    expect(rules(result.findings, 'pss/hostNamespaces')).toEqual(['pss/hostNamespaces k/pod.yaml:6']);
    // The network-policy finding sits on the namespace's first pod-creating object (a generated ConfigMap
    // creates no pod), located back in its source file.
    expect(rules(result.findings, 'k8s/missing-network-policy')).toEqual(['k8s/missing-network-policy k/pod.yaml:3']);
  });
});

describe('lines in the source of a rendered object', () => {
  const segment = {
    startLine: 1,
    path: 'base/deploy.yaml',
    line: 10,
    objectStart: true,
    objectLines: documentLinesFrom(
      'apiVersion: v1\nkind: Pod\nspec:\n  securityContext: {}\n  containers:\n    - name: a\n      securityContext:\n        privileged: false\n---\nkind: Other\nprivileged: true\n',
      1,
    ),
  };
  it('is the key written once in the object, else undefined (the object start is used)', () => {
    expect(keyLine('        privileged: true', segment)).toEqual({ line: 17, column: 9, key: 'privileged' });
    expect(keyLine('    - name: a', segment)).toEqual({ line: 15, column: 7, key: 'name' });
    // Written twice (pod and container), or not at all: not honest to pick one.
    expect(keyLine('      securityContext:', segment)).toBeUndefined();
    expect(keyLine('  hostPID: true', segment)).toBeUndefined();
    expect(keyLine('privileged: true', { ...segment, objectLines: undefined })).toBeUndefined();
  });
});
