import { describe, expect, it } from 'vitest';
import { applyGate } from '../../../../src/core/gate.js';
import { fingerprintAll } from '../../../../src/core/fingerprint.js';
import { RuleRegistry } from '../../../../src/core/rules.js';
import type { RawFinding } from '../../../../src/core/finding.js';
import { kubernetesRules } from '../../../../src/checks/manifests/kubernetes/index.js';
import { mergePolicy } from '../../../../src/policy/merge.js';
import { defaultPolicy } from '../../../../src/policy/presets.js';
import { lint } from './helpers.js';

const deployment = (annotation = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: app
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}${annotation ? `\n      annotations:\n        containersec.io/ignore: "${annotation}"` : ''}
    spec:
      containers:
        - name: app
          image: nginx@sha256:${'0'.repeat(64)}
          ports:
            - containerPort: 80
              hostPort: 80
          securityContext:
            capabilities:
              add: ["SYS_ADMIN"]
          volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]
      volumes:
        - name: sock
          hostPath: {path: /var/run/docker.sock}
`;

const summary = (findings: RawFinding[]) =>
  findings.map((f) => [f.ruleId, ...(f.relatedRuleIds ?? [])].join(' + ')).sort();

describe('one problem, one finding (k8s and Pod Security)', () => {
  it('joins k8s/host-port with pss/hostPorts and the runtime socket with pss/restrictedVolumes', () => {
    const findings = lint(deployment());
    const ids = summary(findings);
    expect(ids).toContain('k8s/host-port + pss/hostPorts');
    expect(ids).toContain('k8s/container-runtime-socket + pss/restrictedVolumes');
    expect(ids.filter((id) => id.startsWith('pss/hostPorts') || id.startsWith('pss/restrictedVolumes'))).toEqual([]);
    // One capabilities finding for the container, HIGH because of SYS_ADMIN.
    const caps = findings.filter((f) => f.ruleId === 'pss/capabilities_restricted');
    expect(caps.map((f) => f.severity)).toEqual(['high']);
    const socket = findings.find((f) => f.ruleId === 'k8s/container-runtime-socket')!;
    expect(socket.severity).toBe('critical');
    expect(socket.message).toContain('(pss/restrictedVolumes)');
  });

  it('at baseline the socket joins pss/hostPathVolumes, and nothing is lost at the privileged level', () => {
    expect(summary(lint(deployment(), { level: 'baseline' }))).toContain(
      'k8s/container-runtime-socket + pss/hostPathVolumes',
    );
    expect(summary(lint(deployment(), { level: 'privileged' }))).toEqual(
      expect.arrayContaining(['k8s/container-runtime-socket', 'k8s/host-port']),
    );
  });

  it('keeps the k8s fingerprint: the joined finding has the key it had alone', () => {
    const joined = lint(deployment()).find((f) => f.ruleId === 'k8s/host-port')!;
    const alone = lint(deployment(), { level: 'privileged' }).find((f) => f.ruleId === 'k8s/host-port')!;
    expect(joined.key).toBe(alone.key);
  });

  it('an ignore annotation or a policy exception by either rule id covers the joined finding', () => {
    const ignored = lint(deployment('pss/hostPorts: the node agent needs it'));
    expect(ignored.find((f) => f.ruleId === 'k8s/host-port')?.suppressed?.reason).toBe('the node agent needs it');

    const findings = lint(deployment());
    const rules = new RuleRegistry(kubernetesRules);
    const policy = mergePolicy(defaultPolicy(), {
      exceptions: [{ rule: 'pss/restrictedVolumes', objects: ['Deployment/web'], reason: 'build agent' }],
    });
    const result = applyGate({
      runs: [{ id: 'manifests', ran: true, findings, fingerprints: fingerprintAll(findings), errors: [], notes: [] }],
      policy,
      rules,
      today: '2026-11-28',
    });
    const socket = result.checks[0]!.findings.find((f) => f.ruleId === 'k8s/container-runtime-socket')!;
    expect(socket.exception?.reason).toBe('build agent');
    expect(socket.blocking).toBe(false);
    expect(result.staleExceptions).toEqual([]);
  });

  it('groups the hardening a container lacks into one finding after the gate', () => {
    const findings = lint(deployment());
    const rules = new RuleRegistry(kubernetesRules);
    const result = applyGate({
      runs: [{ id: 'manifests', ran: true, findings, fingerprints: fingerprintAll(findings), errors: [], notes: [] }],
      policy: defaultPolicy(),
      rules,
      today: '2026-11-28',
    });
    const grouped = result.checks[0]!.findings.filter((f) => f.title === 'Container not hardened');
    expect(grouped).toHaveLength(1);
    expect([grouped[0]!.ruleId, ...grouped[0]!.relatedRuleIds!].sort()).toEqual([
      'k8s/readonly-root-filesystem',
      'pss/allowPrivilegeEscalation',
      'pss/runAsNonRoot',
      'pss/seccompProfile_restricted',
    ]);
    expect(grouped[0]!.fingerprints).toHaveLength(4);
    expect(result.checks[0]!.findings.length).toBeLessThan(findings.length);
  });
});
