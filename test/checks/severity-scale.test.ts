import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/checks/index.js';
import { RuleRegistry } from '../../src/core/rules.js';
import { lint as lintK8s } from './manifests/kubernetes/helpers.js';
import { ofRule, yaml } from './manifests/compose/helpers.js';

/** docs/severity.md: one problem has one severity, whatever the file it is written in. */
const registry = new RuleRegistry(CHECKS.flatMap((check) => check.rules));
const severity = (id: string) => registry.get(id)?.severity;

describe('one severity scale across the checks (docs/severity.md)', () => {
  it('gives the same problem the same rule severity in every family', () => {
    const same: string[][] = [
      // the process runs as root
      ['dockerfile/root-user', 'compose/root-user', 'image/runs-as-root', 'pss/runAsNonRoot'],
      // a remote script piped into a shell
      ['dockerfile/curl-pipe-shell', 'gha/curl-pipe-shell', 'gitlab-ci/curl-pipe-shell'],
      // a kernel confinement switched off
      [
        'compose/unconfined-security-opt',
        'pss/seccompProfile_baseline',
        'pss/appArmorProfile',
        'runner/seccomp-disabled',
      ],
      // a capability beyond the default set
      ['compose/dangerous-capability', 'pss/capabilities_baseline', 'runner/dangerous-capabilities'],
      // host namespaces, sensitive host paths
      ['compose/host-namespace', 'pss/hostNamespaces'],
      ['compose/sensitive-host-mount', 'k8s/sensitive-host-path', 'pss/hostPathVolumes'],
      // privileged
      ['compose/privileged', 'pss/privileged', 'runner/privileged-container'],
      // plaintext secrets
      [
        'compose/secret-in-environment',
        'dockerfile/secret-in-build',
        'k8s/env-secret-literal',
        'image/secret-in-layer',
        'gitlab-ci/plaintext-secret',
      ],
    ];
    for (const ids of same) expect(ids.map(severity), ids.join(' = ')).toEqual(ids.map(() => severity(ids[0]!)));
  });

  it('SYS_ADMIN is HIGH in compose and in Kubernetes at every Pod Security level', () => {
    const compose = ofRule(
      yaml('services:', '  a:', '    image: x@sha256:' + 'a'.repeat(64), '    cap_add: [SYS_ADMIN]'),
      'compose/dangerous-capability',
    );
    expect(compose.map((f) => f.severity)).toEqual(['high']);
    const pod = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'app', image: 'x', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }] },
    });
    for (const level of ['baseline', 'restricted'] as const) {
      const caps = lintK8s(pod, { level }).filter((f) => f.ruleId.startsWith('pss/capabilities'));
      expect(
        caps.map((f) => f.severity),
        level,
      ).toEqual(['high']);
    }
  });

  it('a hostPath volume is HIGH at baseline and restricted alike', () => {
    const pod = JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'app', image: 'x' }], volumes: [{ name: 'data', hostPath: { path: '/srv/data' } }] },
    });
    expect(lintK8s(pod, { level: 'baseline' }).find((f) => f.ruleId === 'pss/hostPathVolumes')?.severity).toBe('high');
    expect(lintK8s(pod, { level: 'restricted' }).find((f) => f.ruleId === 'pss/restrictedVolumes')?.severity).toBe(
      'high',
    );
  });

  it('the runtime socket is CRITICAL in compose as in Kubernetes; unmasked system paths are HIGH', () => {
    const text = yaml(
      'services:',
      '  a:',
      '    image: x@sha256:' + 'a'.repeat(64),
      '    volumes: ["/var/run/docker.sock:/var/run/docker.sock", "/etc:/host-etc:ro"]',
      '    security_opt: ["seccomp:unconfined", "systempaths=unconfined"]',
    );
    expect(ofRule(text, 'compose/sensitive-host-mount').map((f) => f.severity)).toEqual(['critical', 'high']);
    expect(ofRule(text, 'compose/unconfined-security-opt').map((f) => f.severity)).toEqual(['medium', 'high']);
    expect(severity('k8s/container-runtime-socket')).toBe('critical');
  });
});
