import { describe, expect, it } from 'vitest';
import {
  LATEST_MINOR,
  checksFor,
  parsePolicyVersion,
} from '../../../../src/checks/manifests/kubernetes/pod-security/index.js';
import { ids, lint, where } from './helpers.js';

type Level = 'privileged' | 'baseline' | 'restricted';
type Json = Record<string, unknown>;

/** A container that passes every Restricted check. */
function container(overrides: Json = {}, securityContext: Json = {}): Json {
  return {
    name: 'app',
    image: 'registry.example/app:1',
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, ...securityContext },
    ...overrides,
  };
}

/** A pod spec that passes every Restricted check; `extra` is merged at the top level. */
function spec(extra: Json = {}, podSecurityContext: Json = {}, containers: Json[] = [container()]): Json {
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, ...podSecurityContext },
    containers,
    ...extra,
  };
}

function pss(podSpec: Json, level: Level, version: string, annotations?: Json): string[] {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', ...(annotations ? { annotations } : {}) },
    spec: podSpec,
  };
  return ids(lint(JSON.stringify(pod, null, 2), { level, version }, 'deploy/pod.json'));
}

interface Case {
  name: string;
  spec: Json;
  annotations?: Json;
  expect: [Level, string, string[]][];
}

function table(control: string, cases: Case[]): void {
  describe(`pss/${control}`, () => {
    for (const c of cases) {
      for (const [level, version, expected] of c.expect) {
        it(`${c.name} @ ${level} ${version} -> [${expected.join(', ')}]`, () => {
          expect(pss(c.spec, level, version, c.annotations)).toEqual(expected.map((id) => `pss/${id}`).sort());
        });
      }
    }
  });
}

const windows = { os: { name: 'windows' } };

describe('baseline pod', () => {
  it('the compliant pod passes every level and version', () => {
    for (const level of ['privileged', 'baseline', 'restricted'] as const) {
      for (const version of ['1.0', '1.8', '1.19', '1.22', '1.23', '1.25', '1.34', '1.35', '1.37', 'latest']) {
        expect(pss(spec(), level, version)).toEqual([]);
      }
    }
  });
});

table('privileged', [
  {
    name: 'privileged container',
    spec: spec({}, {}, [container({}, { privileged: true })]),
    expect: [
      ['privileged', 'latest', []],
      ['baseline', '1.0', ['privileged']],
      ['baseline', 'latest', ['privileged']],
      ['restricted', 'latest', ['privileged']],
    ],
  },
  {
    name: 'privileged init container',
    spec: spec({ initContainers: [container({ name: 'init' }, { privileged: true })] }),
    expect: [['baseline', 'latest', ['privileged']]],
  },
  {
    name: 'privileged ephemeral container',
    spec: spec({ ephemeralContainers: [container({ name: 'debug' }, { privileged: true })] }),
    expect: [['baseline', 'latest', ['privileged']]],
  },
  {
    name: 'privileged: false',
    spec: spec({}, {}, [container({}, { privileged: false })]),
    expect: [['restricted', 'latest', []]],
  },
]);

table('hostNamespaces', [
  {
    name: 'hostNetwork',
    spec: spec({ hostNetwork: true }),
    expect: [
      ['privileged', 'latest', []],
      ['baseline', '1.0', ['hostNamespaces']],
      ['restricted', 'latest', ['hostNamespaces']],
    ],
  },
  { name: 'hostPID', spec: spec({ hostPID: true }), expect: [['baseline', 'latest', ['hostNamespaces']]] },
  { name: 'hostIPC', spec: spec({ hostIPC: true }), expect: [['baseline', 'latest', ['hostNamespaces']]] },
  {
    name: 'all false',
    spec: spec({ hostNetwork: false, hostPID: false, hostIPC: false }),
    expect: [['restricted', 'latest', []]],
  },
]);

table('capabilities_baseline', [
  {
    name: 'adds NET_RAW',
    spec: spec({}, {}, [container({}, { capabilities: { drop: ['ALL'], add: ['NET_RAW'] } })]),
    expect: [
      ['baseline', '1.0', ['capabilities_baseline']],
      ['baseline', 'latest', ['capabilities_baseline']],
      ['restricted', '1.21', ['capabilities_baseline']],
      // From 1.22 capabilities_restricted overrides capabilities_baseline.
      ['restricted', '1.22', ['capabilities_restricted']],
      ['restricted', 'latest', ['capabilities_restricted']],
    ],
  },
  {
    name: 'adds CHOWN (default set)',
    spec: spec({}, {}, [container({}, { capabilities: { drop: ['ALL'], add: ['CHOWN'] } })]),
    expect: [
      ['baseline', 'latest', []],
      ['restricted', '1.21', []],
      ['restricted', '1.22', ['capabilities_restricted']],
    ],
  },
  {
    name: 'CAP_ prefixed name is not in the set',
    spec: spec({}, {}, [container({}, { capabilities: { add: ['CAP_CHOWN'] } })]),
    expect: [['baseline', 'latest', ['capabilities_baseline']]],
  },
]);

table('capabilities_restricted', [
  {
    name: 'no drop ALL',
    spec: spec({}, {}, [container({}, { capabilities: null })]),
    expect: [
      ['baseline', 'latest', []],
      ['restricted', '1.21', []],
      ['restricted', '1.22', ['capabilities_restricted']],
      ['restricted', 'latest', ['capabilities_restricted']],
    ],
  },
  {
    name: 'drop a list without ALL',
    spec: spec({}, {}, [container({}, { capabilities: { drop: ['NET_RAW'] } })]),
    expect: [['restricted', 'latest', ['capabilities_restricted']]],
  },
  {
    name: 'drop ALL, add NET_BIND_SERVICE',
    spec: spec({}, {}, [container({}, { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } })]),
    expect: [['restricted', 'latest', []]],
  },
  {
    name: 'windows pod without capabilities',
    spec: spec(windows, {}, [container({}, { capabilities: null })]),
    expect: [
      ['restricted', '1.24', ['capabilities_restricted']],
      ['restricted', '1.25', []],
    ],
  },
  {
    name: 'linux pod (os.name linux) without capabilities',
    spec: spec({ os: { name: 'linux' } }, {}, [container({}, { capabilities: null })]),
    expect: [['restricted', '1.25', ['capabilities_restricted']]],
  },
]);

table('hostPathVolumes', [
  {
    name: 'hostPath volume',
    spec: spec({ volumes: [{ name: 'h', hostPath: { path: '/data' } }] }),
    expect: [
      ['privileged', 'latest', []],
      ['baseline', '1.0', ['hostPathVolumes']],
      ['baseline', 'latest', ['hostPathVolumes']],
      // restrictedVolumes overrides hostPathVolumes at every version.
      ['restricted', '1.0', ['restrictedVolumes']],
      ['restricted', 'latest', ['restrictedVolumes']],
    ],
  },
  {
    name: 'hostPath: null (no source: defaulted to an emptyDir)',
    spec: spec({ volumes: [{ name: 'h', hostPath: null }] }),
    expect: [
      ['baseline', 'latest', []],
      ['restricted', 'latest', []],
    ],
  },
]);

table('restrictedVolumes', [
  {
    name: 'nfs',
    spec: spec({ volumes: [{ name: 'n', nfs: { server: 's', path: '/' } }] }),
    expect: [
      ['baseline', 'latest', []],
      ['restricted', '1.0', ['restrictedVolumes']],
    ],
  },
  {
    name: 'allowed types',
    spec: spec({
      volumes: [
        { name: 'a', configMap: { name: 'c' } },
        { name: 'b', csi: { driver: 'd' } },
        { name: 'c', downwardAPI: {} },
        { name: 'd', emptyDir: {} },
        { name: 'e', ephemeral: {} },
        { name: 'f', persistentVolumeClaim: { claimName: 'x' } },
        { name: 'g', projected: {} },
        { name: 'h', secret: { secretName: 's' } },
      ],
    }),
    expect: [
      ['restricted', '1.0', []],
      ['restricted', 'latest', []],
    ],
  },
  {
    name: 'image volume (allowed in the 1.0 revision)',
    spec: spec({ volumes: [{ name: 'i', image: { reference: 'x' } }] }),
    expect: [
      ['restricted', '1.0', []],
      ['restricted', '1.25', []],
      ['restricted', 'latest', []],
    ],
  },
  {
    name: 'a volume with only a name (API defaulting makes it an emptyDir)',
    spec: spec({ volumes: [{ name: 'implicit' }, { name: 'nulls', hostPath: null, nfs: null }] }),
    expect: [
      ['baseline', 'latest', []],
      ['restricted', '1.0', []],
      ['restricted', 'latest', []],
    ],
  },
  {
    name: 'a null allowed source does not hide a restricted one',
    spec: spec({ volumes: [{ name: 'x', emptyDir: null, hostPath: { path: '/' } }] }),
    expect: [
      ['baseline', 'latest', ['hostPathVolumes']],
      ['restricted', 'latest', ['restrictedVolumes']],
    ],
  },
  {
    name: 'unknown source',
    spec: spec({ volumes: [{ name: 'u', fancyNew: {} }] }),
    expect: [['restricted', 'latest', ['restrictedVolumes']]],
  },
  {
    name: 'configMap and hostPath together (allowed source checked first upstream)',
    spec: spec({ volumes: [{ name: 'x', configMap: { name: 'c' }, hostPath: { path: '/' } }] }),
    expect: [
      ['baseline', 'latest', ['hostPathVolumes']],
      ['restricted', 'latest', []],
    ],
  },
]);

table('hostPorts', [
  {
    name: 'hostPort 8080',
    spec: spec({}, {}, [container({ ports: [{ containerPort: 80, hostPort: 8080 }] })]),
    expect: [
      ['privileged', 'latest', []],
      ['baseline', '1.0', ['hostPorts']],
      ['restricted', 'latest', ['hostPorts']],
    ],
  },
  {
    name: 'hostPort 0',
    spec: spec({}, {}, [container({ ports: [{ containerPort: 80, hostPort: 0 }] })]),
    expect: [['restricted', 'latest', []]],
  },
  {
    name: 'hostNetwork Pod: the API defaults hostPort to the containerPort',
    spec: spec({ hostNetwork: true }, {}, [container({ ports: [{ containerPort: 80 }] })]),
    expect: [['baseline', 'latest', ['hostNamespaces', 'hostPorts']]],
  },
  {
    name: 'hostPort on an init container',
    spec: spec({ initContainers: [container({ name: 'i', ports: [{ containerPort: 1, hostPort: 9 }] })] }),
    expect: [['baseline', 'latest', ['hostPorts']]],
  },
]);

table('appArmorProfile', [
  {
    name: 'pod Unconfined',
    spec: spec({}, { appArmorProfile: { type: 'Unconfined' } }),
    expect: [
      ['baseline', '1.0', ['appArmorProfile']],
      ['baseline', 'latest', ['appArmorProfile']],
    ],
  },
  {
    name: 'container Unconfined',
    spec: spec({}, {}, [container({}, { appArmorProfile: { type: 'Unconfined' } })]),
    expect: [['restricted', 'latest', ['appArmorProfile']]],
  },
  {
    name: 'RuntimeDefault and Localhost',
    spec: spec({}, { appArmorProfile: { type: 'RuntimeDefault' } }, [
      container({}, { appArmorProfile: { type: 'Localhost', localhostProfile: 'p' } }),
    ]),
    expect: [['baseline', 'latest', []]],
  },
  {
    name: 'annotation unconfined',
    spec: spec(),
    annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' },
    expect: [
      ['baseline', '1.0', ['appArmorProfile']],
      ['restricted', 'latest', ['appArmorProfile']],
    ],
  },
  {
    name: 'annotations runtime/default, localhost/*, empty',
    spec: spec(),
    annotations: {
      'container.apparmor.security.beta.kubernetes.io/a': 'runtime/default',
      'container.apparmor.security.beta.kubernetes.io/b': 'localhost/x',
      'container.apparmor.security.beta.kubernetes.io/c': '',
    },
    expect: [['baseline', 'latest', []]],
  },
]);

table('seLinuxOptions', [
  {
    name: 'type spc_t',
    spec: spec({}, { seLinuxOptions: { type: 'spc_t' } }),
    expect: [
      ['baseline', '1.0', ['seLinuxOptions']],
      ['restricted', 'latest', ['seLinuxOptions']],
    ],
  },
  {
    name: 'type container_engine_t',
    spec: spec({}, {}, [container({}, { seLinuxOptions: { type: 'container_engine_t' } })]),
    expect: [
      ['baseline', '1.30', ['seLinuxOptions']],
      ['baseline', '1.31', []],
      ['baseline', 'latest', []],
    ],
  },
  {
    name: 'user set',
    spec: spec({}, { seLinuxOptions: { user: 'system_u' } }),
    expect: [['baseline', 'latest', ['seLinuxOptions']]],
  },
  {
    name: 'role set',
    spec: spec({}, {}, [container({}, { seLinuxOptions: { role: 'system_r' } })]),
    expect: [['baseline', 'latest', ['seLinuxOptions']]],
  },
  {
    name: 'container_t with level',
    spec: spec({}, { seLinuxOptions: { type: 'container_t', level: 's0:c1,c2' } }),
    expect: [['baseline', '1.0', []]],
  },
]);

table('procMount', [
  {
    name: 'Unmasked',
    spec: spec({}, {}, [container({}, { procMount: 'Unmasked' })]),
    expect: [
      ['privileged', 'latest', []],
      ['baseline', '1.0', ['procMount']],
      ['baseline', 'latest', ['procMount']],
      ['restricted', '1.34', ['procMount']],
      // From 1.35 procMount_restricted overrides procMount under Restricted.
      ['restricted', '1.35', ['procMount_restricted']],
    ],
  },
  {
    name: 'Unmasked in a user namespace',
    spec: spec({ hostUsers: false }, {}, [container({}, { procMount: 'Unmasked' })]),
    expect: [
      ['baseline', '1.34', ['procMount']],
      ['baseline', '1.35', []],
      ['baseline', 'latest', []],
      ['restricted', '1.34', ['procMount']],
      ['restricted', '1.35', ['procMount_restricted']],
    ],
  },
  {
    name: 'Default',
    spec: spec({}, {}, [container({}, { procMount: 'Default' })]),
    expect: [['restricted', 'latest', []]],
  },
]);

table('seccompProfile_baseline', [
  {
    name: 'pod field Unconfined',
    spec: spec({}, { seccompProfile: { type: 'Unconfined' } }),
    expect: [
      ['baseline', '1.18', []],
      ['baseline', '1.19', ['seccompProfile_baseline']],
      ['baseline', 'latest', ['seccompProfile_baseline']],
      // seccompProfile_restricted overrides the baseline check from 1.19.
      ['restricted', '1.19', ['seccompProfile_restricted']],
    ],
  },
  {
    name: 'pod annotation unconfined',
    spec: spec(),
    annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' },
    expect: [
      ['baseline', '1.0', ['seccompProfile_baseline']],
      ['baseline', '1.18', ['seccompProfile_baseline']],
      ['baseline', '1.19', []],
      ['restricted', '1.18', ['seccompProfile_baseline']],
      ['restricted', '1.19', []],
    ],
  },
  {
    name: 'container annotation unconfined for an existing container',
    spec: spec(),
    annotations: { 'container.seccomp.security.alpha.kubernetes.io/app': 'unconfined' },
    expect: [['baseline', '1.18', ['seccompProfile_baseline']]],
  },
  {
    name: 'container annotation for a container that does not exist',
    spec: spec(),
    annotations: { 'container.seccomp.security.alpha.kubernetes.io/other': 'unconfined' },
    expect: [['baseline', '1.18', []]],
  },
  {
    name: 'annotations runtime/default, docker/default, localhost/*',
    spec: spec(),
    annotations: {
      'seccomp.security.alpha.kubernetes.io/pod': 'docker/default',
      'container.seccomp.security.alpha.kubernetes.io/app': 'localhost/p',
    },
    expect: [['baseline', '1.0', []]],
  },
  {
    name: 'container field Localhost',
    spec: spec({}, {}, [container({}, { seccompProfile: { type: 'Localhost', localhostProfile: 'p' } })]),
    expect: [['baseline', 'latest', []]],
  },
]);

table('seccompProfile_restricted', [
  {
    name: 'no seccomp profile anywhere',
    spec: spec({}, { seccompProfile: null }),
    expect: [
      ['baseline', 'latest', []],
      ['restricted', '1.18', []],
      ['restricted', '1.19', ['seccompProfile_restricted']],
      ['restricted', 'latest', ['seccompProfile_restricted']],
    ],
  },
  {
    name: 'every container sets RuntimeDefault',
    spec: spec(
      { initContainers: [container({ name: 'i' }, { seccompProfile: { type: 'RuntimeDefault' } })] },
      { seccompProfile: null },
      [container({}, { seccompProfile: { type: 'RuntimeDefault' } })],
    ),
    expect: [['restricted', 'latest', []]],
  },
  {
    name: 'one container of two sets it',
    spec: spec({}, { seccompProfile: null }, [
      container({}, { seccompProfile: { type: 'RuntimeDefault' } }),
      container({ name: 'b' }),
    ]),
    expect: [['restricted', 'latest', ['seccompProfile_restricted']]],
  },
  {
    name: 'windows pod without seccomp',
    spec: spec(windows, { seccompProfile: null }),
    expect: [
      ['restricted', '1.24', ['seccompProfile_restricted']],
      ['restricted', '1.25', []],
    ],
  },
]);

table('sysctls', [
  {
    name: 'kernel.shm_rmid_forced',
    spec: spec({}, { sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }] }),
    expect: [['baseline', '1.0', []]],
  },
  {
    name: 'net.ipv4.ip_local_reserved_ports',
    spec: spec({}, { sysctls: [{ name: 'net.ipv4.ip_local_reserved_ports', value: '1' }] }),
    expect: [
      ['baseline', '1.26', ['sysctls']],
      ['baseline', '1.27', []],
    ],
  },
  {
    name: 'net.ipv4.tcp_keepalive_time',
    spec: spec({}, { sysctls: [{ name: 'net.ipv4.tcp_keepalive_time', value: '1' }] }),
    expect: [
      ['baseline', '1.28', ['sysctls']],
      ['baseline', '1.29', []],
    ],
  },
  {
    name: 'net.ipv4.tcp_fin_timeout',
    spec: spec({}, { sysctls: [{ name: 'net.ipv4.tcp_fin_timeout', value: '1' }] }),
    expect: [
      ['restricted', '1.28', ['sysctls']],
      ['restricted', '1.29', []],
    ],
  },
  {
    name: 'net.ipv4.tcp_rmem',
    spec: spec({}, { sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '1 2 3' }] }),
    expect: [
      ['baseline', '1.31', ['sysctls']],
      ['baseline', '1.32', []],
    ],
  },
  {
    name: 'net.ipv4.tcp_notsent_lowat',
    spec: spec({}, { sysctls: [{ name: 'net.ipv4.tcp_notsent_lowat', value: '1' }] }),
    expect: [
      ['baseline', '1.36', ['sysctls']],
      ['baseline', '1.37', []],
      ['baseline', 'latest', []],
    ],
  },
  {
    name: 'kernel.msgmax',
    spec: spec({}, { sysctls: [{ name: 'kernel.msgmax', value: '1' }] }),
    expect: [
      ['privileged', 'latest', []],
      ['baseline', 'latest', ['sysctls']],
      ['restricted', 'latest', ['sysctls']],
    ],
  },
]);

table('windowsHostProcess', [
  {
    name: 'pod hostProcess',
    spec: spec({}, { windowsOptions: { hostProcess: true } }),
    expect: [
      ['baseline', '1.0', ['windowsHostProcess']],
      ['restricted', 'latest', ['windowsHostProcess']],
    ],
  },
  {
    name: 'container hostProcess',
    spec: spec({}, {}, [container({}, { windowsOptions: { hostProcess: true } })]),
    expect: [['baseline', 'latest', ['windowsHostProcess']]],
  },
  {
    name: 'hostProcess false',
    spec: spec({}, { windowsOptions: { hostProcess: false } }),
    expect: [['baseline', 'latest', []]],
  },
]);

table('hostProbesAndHostLifecycle', [
  {
    name: 'liveness httpGet host',
    spec: spec({}, {}, [container({ livenessProbe: { httpGet: { host: '10.0.0.1', port: 80 } } })]),
    expect: [
      ['baseline', '1.33', []],
      ['baseline', '1.34', ['hostProbesAndHostLifecycle']],
      ['restricted', 'latest', ['hostProbesAndHostLifecycle']],
    ],
  },
  {
    name: 'readiness tcpSocket 127.0.0.1',
    spec: spec({}, {}, [container({ readinessProbe: { tcpSocket: { host: '127.0.0.1', port: 80 } } })]),
    expect: [['baseline', '1.34', ['hostProbesAndHostLifecycle']]],
  },
  {
    name: 'preStop httpGet host',
    spec: spec({}, {}, [container({ lifecycle: { preStop: { httpGet: { host: 'metadata', port: 80 } } } })]),
    expect: [['baseline', 'latest', ['hostProbesAndHostLifecycle']]],
  },
  {
    name: 'empty host',
    spec: spec({}, {}, [container({ startupProbe: { httpGet: { host: '', port: 80 } } })]),
    expect: [['baseline', 'latest', []]],
  },
]);

table('allowPrivilegeEscalation', [
  {
    name: 'unset',
    spec: spec({}, {}, [container({}, { allowPrivilegeEscalation: null })]),
    expect: [
      ['baseline', 'latest', []],
      ['restricted', '1.7', []],
      ['restricted', '1.8', ['allowPrivilegeEscalation']],
      ['restricted', 'latest', ['allowPrivilegeEscalation']],
    ],
  },
  {
    name: 'true',
    spec: spec({}, {}, [container({}, { allowPrivilegeEscalation: true })]),
    expect: [['restricted', 'latest', ['allowPrivilegeEscalation']]],
  },
  {
    name: 'windows pod, unset',
    spec: spec(windows, {}, [container({}, { allowPrivilegeEscalation: null })]),
    expect: [
      ['restricted', '1.24', ['allowPrivilegeEscalation']],
      ['restricted', '1.25', []],
    ],
  },
]);

table('runAsNonRoot', [
  {
    name: 'unset everywhere',
    spec: spec({}, { runAsNonRoot: null }),
    expect: [
      ['baseline', 'latest', []],
      ['restricted', '1.0', ['runAsNonRoot']],
      ['restricted', 'latest', ['runAsNonRoot']],
    ],
  },
  {
    name: 'pod true, container false',
    spec: spec({}, {}, [container({}, { runAsNonRoot: false })]),
    expect: [['restricted', 'latest', ['runAsNonRoot']]],
  },
  {
    name: 'pod false, container true',
    spec: spec({}, { runAsNonRoot: false }, [container({}, { runAsNonRoot: true })]),
    expect: [['restricted', 'latest', ['runAsNonRoot']]],
  },
  {
    name: 'every container true',
    spec: spec({}, { runAsNonRoot: null }, [container({}, { runAsNonRoot: true })]),
    expect: [['restricted', 'latest', []]],
  },
  {
    name: 'user namespace, unset',
    spec: spec({ hostUsers: false }, { runAsNonRoot: null }),
    expect: [
      ['restricted', '1.34', ['runAsNonRoot']],
      ['restricted', '1.35', []],
      ['restricted', 'latest', []],
    ],
  },
  {
    name: 'hostUsers true, unset',
    spec: spec({ hostUsers: true }, { runAsNonRoot: null }),
    expect: [['restricted', 'latest', ['runAsNonRoot']]],
  },
]);

table('runAsUser', [
  {
    name: 'container runAsUser 0',
    spec: spec({}, {}, [container({}, { runAsUser: 0 })]),
    expect: [
      ['baseline', 'latest', []],
      ['restricted', '1.22', []],
      ['restricted', '1.23', ['runAsUser']],
      ['restricted', 'latest', ['runAsUser']],
    ],
  },
  { name: 'pod runAsUser 0', spec: spec({}, { runAsUser: 0 }), expect: [['restricted', 'latest', ['runAsUser']]] },
  { name: 'runAsUser 1000', spec: spec({}, { runAsUser: 1000 }), expect: [['restricted', 'latest', []]] },
  {
    name: 'user namespace, runAsUser 0',
    spec: spec({ hostUsers: false }, { runAsUser: 0 }),
    expect: [
      ['restricted', '1.34', ['runAsUser']],
      ['restricted', '1.35', []],
    ],
  },
]);

describe('API defaulting', () => {
  it('hostPort defaulting is Pod-only: a Deployment template with hostNetwork keeps hostPort unset', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { template: { spec: spec({ hostNetwork: true }, {}, [container({ ports: [{ containerPort: 80 }] })]) } },
    };
    expect(ids(lint(JSON.stringify(deployment), { level: 'baseline', version: 'latest' }))).toEqual([
      'pss/hostNamespaces',
    ]);
  });

  it('the defaulted hostPort finding points at the containerPort and says why', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: spec({ hostNetwork: true }) };
    (pod.spec.containers as Json[])[0]!.ports = [{ containerPort: 8080 }];
    const finding = lint(JSON.stringify(pod, null, 2), { level: 'baseline' }).find((f) => f.ruleId === 'pss/hostPorts');
    expect(finding?.message).toContain('hostPort 8080 (hostNetwork defaults the hostPort to the containerPort)');
    expect(where(finding!)).toMatch(/^pss\/hostPorts@\d+:\d+\[app\]$/);
  });
});

describe('ephemeral containers are evaluated like the others', () => {
  const debug = { name: 'debug', image: 'busybox' };
  it('an ephemeral container without a restricted securityContext is denied by the restricted checks', () => {
    expect(pss(spec({ ephemeralContainers: [debug] }), 'restricted', 'latest')).toEqual([
      'pss/allowPrivilegeEscalation',
      'pss/capabilities_restricted',
    ]);
    expect(pss(spec({ ephemeralContainers: [debug] }), 'baseline', 'latest')).toEqual([]);
  });

  it('baseline checks see ephemeral containers too', () => {
    const bad = container(
      { name: 'debug' },
      { capabilities: { add: ['SYS_ADMIN'], drop: ['ALL'] }, procMount: 'Unmasked', seLinuxOptions: { type: 'spc_t' } },
    );
    expect(pss(spec({ ephemeralContainers: [bad] }), 'baseline', 'latest')).toEqual([
      'pss/capabilities_baseline',
      'pss/procMount',
      'pss/seLinuxOptions',
    ]);
  });
});

describe('versions and levels', () => {
  it('latest is the newest MinimumVersion defined (1.37)', () => {
    expect(LATEST_MINOR).toBe(37);
    expect(parsePolicyVersion('latest')).toBe(37);
    expect(parsePolicyVersion('1.25')).toBe(25);
    expect(parsePolicyVersion('v1.30')).toBe(30);
    expect(parsePolicyVersion('1.99')).toBe(37);
    expect(parsePolicyVersion('2.0')).toBeUndefined();
  });

  it('a version newer than any defined behaves like latest', () => {
    const s = spec({}, { sysctls: [{ name: 'net.ipv4.tcp_notsent_lowat', value: '1' }] });
    expect(pss(s, 'baseline', '1.50')).toEqual([]);
  });

  it('restricted at latest runs all baseline checks except the overridden ones, plus every restricted check', () => {
    expect(
      checksFor('restricted', 37)
        .map((c) => c.control.id)
        .sort(),
    ).toEqual(
      [
        'allowPrivilegeEscalation',
        'appArmorProfile',
        'capabilities_restricted',
        'hostNamespaces',
        'hostPorts',
        'hostProbesAndHostLifecycle',
        'privileged',
        'procMount_restricted',
        'restrictedVolumes',
        'runAsNonRoot',
        'runAsUser',
        'seLinuxOptions',
        'seccompProfile_restricted',
        'sysctls',
        'windowsHostProcess',
      ].sort(),
    );
  });

  it('baseline at 1.0 runs the eleven 1.0 baseline checks', () => {
    expect(
      checksFor('baseline', 0)
        .map((c) => c.control.id)
        .sort(),
    ).toEqual(
      [
        'appArmorProfile',
        'capabilities_baseline',
        'hostNamespaces',
        'hostPathVolumes',
        'hostPorts',
        'privileged',
        'procMount',
        'seLinuxOptions',
        'seccompProfile_baseline',
        'sysctls',
        'windowsHostProcess',
      ].sort(),
    );
    expect(checksFor('privileged', 37)).toEqual([]);
  });

  it('a pod denied by several controls gets a finding for each, and only those', () => {
    const s = spec({ hostPID: true }, { runAsNonRoot: null }, [container({}, { privileged: true, runAsUser: 0 })]);
    expect(pss(s, 'restricted', 'latest')).toEqual([
      'pss/hostNamespaces',
      'pss/privileged',
      'pss/runAsNonRoot',
      'pss/runAsUser',
    ]);
    expect(pss(s, 'baseline', 'latest')).toEqual(['pss/hostNamespaces', 'pss/privileged']);
  });
});
