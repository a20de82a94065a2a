import { describe, expect, it } from 'vitest';
import { lint, where } from './helpers.js';

/** Every Pod Security control violated once (or more), to pin the exact field each finding points at. */
const BAD_POD = `apiVersion: v1
kind: Pod
metadata:
  name: bad
  annotations:
    container.apparmor.security.beta.kubernetes.io/app: unconfined
spec:
  hostNetwork: true
  hostUsers: true
  securityContext:
    runAsUser: 0
    seLinuxOptions:
      type: spc_t
    sysctls:
      - name: kernel.msgmax
        value: "1"
    windowsOptions:
      hostProcess: true
  initContainers:
    - name: init
      image: x:1
      securityContext:
        seccompProfile:
          type: Unconfined
  containers:
    - name: app
      image: x:1
      ports:
        - containerPort: 80
          hostPort: 80
      livenessProbe:
        httpGet: { host: 169.254.169.254, port: 80 }
      securityContext:
        privileged: true
        procMount: Unmasked
        allowPrivilegeEscalation: true
        runAsNonRoot: false
        capabilities:
          add: [SYS_ADMIN]
        appArmorProfile:
          type: Unconfined
  volumes:
    - name: h
      hostPath:
        path: /srv
`;

function pss(level: 'baseline' | 'restricted'): string[] {
  return lint(BAD_POD, { level })
    .flatMap((f) =>
      [f.ruleId, ...(f.relatedRuleIds ?? [])].filter((id) => id.startsWith('pss/')).map((id) => ({ ...f, ruleId: id })),
    )
    .map(where);
}

describe('Pod Security finding locations', () => {
  it('baseline: each finding points at the offending key, with the container', () => {
    expect(pss('baseline')).toEqual([
      'pss/privileged@34:9[app]',
      'pss/hostNamespaces@8:3',
      'pss/capabilities_baseline@39:17[app]',
      'pss/hostPathVolumes@44:7',
      'pss/hostPorts@30:11[app]',
      'pss/appArmorProfile@41:11[app]',
      'pss/appArmorProfile@6:5',
      'pss/seLinuxOptions@13:7',
      'pss/procMount@35:9[app]',
      'pss/seccompProfile_baseline@24:11[init]',
      'pss/sysctls@15:9',
      'pss/windowsHostProcess@18:7',
      'pss/hostProbesAndHostLifecycle@32:20[app]',
    ]);
  });

  it('restricted: overridden baseline checks are replaced, missing fields point at their parent', () => {
    expect(pss('restricted')).toEqual([
      'pss/privileged@34:9[app]',
      'pss/hostNamespaces@8:3',
      'pss/hostPorts@30:11[app]',
      'pss/appArmorProfile@41:11[app]',
      'pss/appArmorProfile@6:5',
      'pss/seLinuxOptions@13:7',
      'pss/sysctls@15:9',
      'pss/windowsHostProcess@18:7',
      'pss/hostProbesAndHostLifecycle@32:20[app]',
      'pss/restrictedVolumes@44:7',
      // init has a securityContext without allowPrivilegeEscalation: point at securityContext.
      'pss/allowPrivilegeEscalation@22:7[init]',
      'pss/allowPrivilegeEscalation@36:9[app]',
      'pss/runAsNonRoot@37:9[app]',
      'pss/runAsUser@11:5',
      'pss/seccompProfile_restricted@24:11[init]',
      'pss/capabilities_restricted@22:7[init]',
      // One finding per container for its capabilities: drop ALL missing and SYS_ADMIN added (39:17).
      'pss/capabilities_restricted@38:9[app]',
      'pss/procMount_restricted@35:9[app]',
    ]);
  });

  it('restricted: the capability problems of a container are one finding, HIGH when it adds beyond the default set', () => {
    const app = lint(BAD_POD, { level: 'restricted', version: 'latest' }).filter(
      (f) => f.ruleId === 'pss/capabilities_restricted' && (f.location as { container?: string }).container === 'app',
    );
    expect(app).toHaveLength(1);
    expect(app[0]).toMatchObject({ severity: 'high' });
    expect(app[0]!.message).toContain('must set securityContext.capabilities.drop=["ALL"]');
    expect(app[0]!.message).toContain('must not include "SYS_ADMIN" in securityContext.capabilities.add');
    // Raised above the rule's MEDIUM, it has a fingerprint of its own: adding SYS_ADMIN is a new finding.
    expect(app[0]!.key).toBe('/Pod/bad:containers[app].securityContext.capabilities.drop:high');
  });

  it('messages carry the upstream reason, the detail and the allowed values', () => {
    const finding = lint(BAD_POD, { level: 'baseline', version: '1.30' }).find(
      (f) => f.ruleId === 'pss/capabilities_baseline',
    );
    expect(finding?.message).toBe(
      'Pod/bad is denied by Pod Security "baseline" (version 1.30): non-default capabilities (container "app" must not include "SYS_ADMIN" in securityContext.capabilities.add). Allowed values: undefined/empty, or only capabilities from the default set: AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT.',
    );
    expect(finding?.location).toEqual({
      path: 'deploy/app.yaml',
      startLine: 39,
      startColumn: 17,
      object: 'Pod/bad',
      container: 'app',
    });
    expect(finding?.key).toBe('/Pod/bad:containers[app].securityContext.capabilities.add[SYS_ADMIN]');
  });

  it('keys do not move when unrelated lines are added', () => {
    const keys = (text: string): string[] => lint(text).map((f) => `${f.ruleId} ${f.key ?? ''}`);
    expect(keys(BAD_POD.replace('spec:\n', 'spec:\n  # a comment\n  priority: 1\n'))).toEqual(keys(BAD_POD));
  });
});
