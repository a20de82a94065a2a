import { describe, expect, it } from 'vitest';
import { classifyHostPath } from '../../../../src/checks/manifests/kubernetes/host-paths.js';
import { parseImageRef } from '../../../../src/checks/manifests/kubernetes/images.js';
import { secretReason } from '../../../../src/checks/manifests/kubernetes/containers.js';
import { lint, lintFiles, where } from './helpers.js';

/** Findings of one rule as `rule@line:col[container]`. */
function of(rule: string, text: string, options = {}): string[] {
  return lint(text, options)
    .filter((f) => f.ruleId === rule)
    .map(where);
}

/** A hardened Deployment: no k8s/ rule fires on it (line numbers below refer to this layout). */
const HARDENED = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      automountServiceAccountToken: false
      runtimeClassName: gvisor
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: app
          image: ghcr.io/acme/web:1.2.3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          resources:
            limits:
              cpu: 500m
              memory: 256Mi
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: { name: db, key: password }
            - name: LOG_LEVEL
              value: debug
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
  namespace: shop
spec:
  podSelector: {}
`;

describe('hardened workload', () => {
  it('gives no finding at all, even at restricted latest with an untrusted pattern', () => {
    expect(lint(HARDENED, { untrusted: ['Deployment/*'] }).map(where)).toEqual([]);
  });
});

describe('k8s/image-latest and k8s/image-unpinned', () => {
  const pod = (image: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: app
      image: ${image}
`;
  it('no tag', () => expect(of('k8s/image-latest', pod('nginx'))).toEqual(['k8s/image-latest@8:7[app]']));
  it(':latest', () => expect(of('k8s/image-latest', pod('nginx:latest'))).toEqual(['k8s/image-latest@8:7[app]']));
  it('tag only is unpinned, not latest', () => {
    expect(of('k8s/image-unpinned', pod('nginx:1.27'))).toEqual(['k8s/image-unpinned@8:7[app]']);
    expect(of('k8s/image-latest', pod('nginx:1.27'))).toEqual([]);
  });
  it('template placeholders are not judged (Argo {{…}}, envsubst ${…})', () => {
    for (const image of [
      '"{{inputs.parameters.image}}"',
      '"${IMAGE}"',
      '"repo/app:{{ .Values.tag }}"',
      '"app:${TAG}"',
    ]) {
      expect(of('k8s/image-latest', pod(image)), image).toEqual([]);
      expect(of('k8s/image-unpinned', pod(image)), image).toEqual([]);
    }
    expect(of('k8s/image-latest', pod('"app$1"'))).toEqual(['k8s/image-latest@8:7[app]']);
  });
  it('registry port is not a tag', () =>
    expect(of('k8s/image-latest', pod('registry.local:5000/team/app'))).toEqual(['k8s/image-latest@8:7[app]']));
  it('digest pins', () => {
    const digest = 'sha256:' + 'a'.repeat(64);
    expect(of('k8s/image-unpinned', pod(`nginx:1.27@${digest}`))).toEqual([]);
    expect(of('k8s/image-latest', pod(`nginx@${digest}`))).toEqual([]);
  });
  it('parses references', () => {
    expect(parseImageRef('registry:5000/a/b:1.0@sha256:x')).toEqual({
      name: 'registry:5000/a/b',
      tag: '1.0',
      digest: 'sha256:x',
    });
    expect(parseImageRef('a/b')).toEqual({ name: 'a/b', digest: undefined });
  });
});

describe('k8s/automount-service-account-token', () => {
  const pod = (extra: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: ns
spec:
${extra}  containers:
    - name: app
      image: x:1
`;
  it('unset: points at spec', () =>
    expect(of('k8s/automount-service-account-token', pod(''))).toEqual(['k8s/automount-service-account-token@6:1']));
  it('true: points at the field', () =>
    expect(of('k8s/automount-service-account-token', pod('  automountServiceAccountToken: true\n'))).toEqual([
      'k8s/automount-service-account-token@7:3',
    ]));
  it('false on the pod', () =>
    expect(of('k8s/automount-service-account-token', pod('  automountServiceAccountToken: false\n'))).toEqual([]));
  it('false on its ServiceAccount in the change', () => {
    const sa = `---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: runner\n  namespace: ns\nautomountServiceAccountToken: false\n`;
    expect(of('k8s/automount-service-account-token', pod('  serviceAccountName: runner\n') + sa)).toEqual([]);
    // A ServiceAccount of the same name in another namespace does not count.
    expect(
      of(
        'k8s/automount-service-account-token',
        pod('  serviceAccountName: runner\n') + sa.replace('namespace: ns', 'namespace: other'),
      ),
    ).toEqual(['k8s/automount-service-account-token@6:1']);
  });
});

describe('k8s/env-secret-literal', () => {
  const pod = (env: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: app
      image: x:1
      env:
${env}`;
  it('secret-looking name with a literal value, value redacted', () => {
    const findings = lint(pod('        - name: API_TOKEN\n          value: s3cr3t-v4lue-123\n')).filter(
      (f) => f.ruleId === 'k8s/env-secret-literal',
    );
    expect(findings.map(where)).toEqual(['k8s/env-secret-literal@11:11[app]']);
    expect(findings[0]?.message).not.toContain('s3cr3t');
    expect(JSON.stringify(findings)).not.toContain('s3cr3t-v4lue-123');
  });
  it('key-shaped value under an innocent name', () => {
    expect(
      of('k8s/env-secret-literal', pod('        - name: SETTING\n          value: AKIAIOSFODNN7EXAMPLE\n')),
    ).toEqual(['k8s/env-secret-literal@11:11[app]']);
  });
  it('placeholders, references and non-secret names are fine', () => {
    expect(
      of('k8s/env-secret-literal', pod('        - name: DB_PASSWORD_FILE\n          value: /run/secrets/db\n')),
    ).toEqual([]);
    expect(of('k8s/env-secret-literal', pod('        - name: PASSWORD\n          value: $(DB_PASSWORD)\n'))).toEqual(
      [],
    );
    expect(of('k8s/env-secret-literal', pod('        - name: LOG_LEVEL\n          value: debug\n'))).toEqual([]);
    expect(
      of(
        'k8s/env-secret-literal',
        pod('        - name: TOKEN\n          valueFrom:\n            secretKeyRef: { name: a, key: b }\n'),
      ),
    ).toEqual([]);
  });
  it('classifies', () => {
    expect(secretReason('GITHUB_TOKEN', 'ghp_' + 'a'.repeat(36))).toMatch(/GitHub/);
    expect(secretReason('DATABASE_URL', 'postgres://u:pass@db/x')).toMatch(/password/);
    expect(secretReason('USERNAME', 'admin')).toBeUndefined();
  });
});

describe('k8s/readonly-root-filesystem and k8s/resource-limits', () => {
  const pod = (sc: string, resources: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: app
      image: x:1
${sc}${resources}`;
  it('missing securityContext points at the container', () => {
    expect(of('k8s/readonly-root-filesystem', pod('', ''))).toEqual(['k8s/readonly-root-filesystem@7:7[app]']);
    expect(of('k8s/resource-limits', pod('', ''))).toEqual(['k8s/resource-limits@7:7[app]']);
  });
  it('false points at the field; only memory limited points at limits', () => {
    const text = pod(
      '      securityContext:\n        readOnlyRootFilesystem: false\n',
      '      resources:\n        limits:\n          memory: 1Gi\n',
    );
    expect(of('k8s/readonly-root-filesystem', text)).toEqual(['k8s/readonly-root-filesystem@10:9[app]']);
    expect(of('k8s/resource-limits', text)).toEqual(['k8s/resource-limits@12:9[app]']);
  });
  it('not asked of Windows pods (the API rejects the field there)', () => {
    expect(
      of('k8s/readonly-root-filesystem', pod('', '').replace('spec:\n', 'spec:\n  os: { name: windows }\n')),
    ).toEqual([]);
  });
  it('compliant', () => {
    const text = pod(
      '      securityContext:\n        readOnlyRootFilesystem: true\n',
      '      resources:\n        limits: { cpu: 1, memory: 1Gi }\n',
    );
    expect(of('k8s/readonly-root-filesystem', text)).toEqual([]);
    expect(of('k8s/resource-limits', text)).toEqual([]);
  });
});

describe('k8s/container-runtime-socket and k8s/sensitive-host-path', () => {
  const pod = (path: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: app
      image: x:1
  volumes:
    - name: h
      hostPath:
        path: ${path}
`;
  it('docker socket', () =>
    expect(of('k8s/container-runtime-socket', pod('/var/run/docker.sock'))).toEqual([
      'k8s/container-runtime-socket@12:9',
    ]));
  it('containerd socket via a sneaky path', () =>
    expect(of('k8s/container-runtime-socket', pod('//run/./containerd/containerd.sock/'))).toEqual([
      'k8s/container-runtime-socket@12:9',
    ]));
  it('sockets recognised by name in any directory (rootless Docker, BuildKit)', () => {
    expect(of('k8s/container-runtime-socket', pod('/run/user/1000/docker.sock'))).toEqual([
      'k8s/container-runtime-socket@12:9',
    ]);
    expect(classifyHostPath('/run/buildkit/buildkitd.sock')).toBe('socket');
    // kube-linter's container-runtime-sock fixture shape: sockets directly under /var/run.
    expect(classifyHostPath('/var/run/containerd.sock')).toBe('socket');
    expect(classifyHostPath('/var/run/crio.sock')).toBe('socket');
    expect(classifyHostPath('/var/run/thing.sock')).toBeUndefined();
    expect(classifyHostPath('/srv/docker.sock.d')).toBeUndefined();
    expect(classifyHostPath('/srv/my-docker.sock')).toBeUndefined();
  });
  it('/etc and kubelet state are sensitive', () => {
    expect(of('k8s/sensitive-host-path', pod('/etc'))).toEqual(['k8s/sensitive-host-path@12:9']);
    expect(of('k8s/sensitive-host-path', pod('/var/lib/kubelet/pods'))).toEqual(['k8s/sensitive-host-path@12:9']);
  });
  it('an application data directory is not', () => {
    expect(of('k8s/sensitive-host-path', pod('/data/app'))).toEqual([]);
    expect(of('k8s/container-runtime-socket', pod('/data/app'))).toEqual([]);
  });
  it('classifies parents of sockets and sensitive dirs', () => {
    expect(classifyHostPath('/')).toBe('socket');
    expect(classifyHostPath('/var/run')).toBe('socket');
    expect(classifyHostPath('/var/lib')).toBe('sensitive');
    expect(classifyHostPath('/srv')).toBeUndefined();
  });
});

describe('k8s/host-port and k8s/service-exposed', () => {
  it('hostPort', () => {
    const text = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: x:1\n      ports:\n        - containerPort: 80\n          hostPort: 8080\n        - containerPort: 81\n`;
    expect(of('k8s/host-port', text)).toEqual(['k8s/host-port@11:11[app]']);
    expect(of('k8s/host-port', text.replace('hostPort: 8080', 'hostPort: 0'))).toEqual([]);
  });
  it('NodePort and LoadBalancer services', () => {
    const svc = (type: string, extra = ''): string =>
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: ${type}\n${extra}  ports: [{ port: 80 }]\n`;
    expect(of('k8s/service-exposed', svc('NodePort'))).toEqual(['k8s/service-exposed@6:3']);
    expect(of('k8s/service-exposed', svc('LoadBalancer'))).toEqual(['k8s/service-exposed@6:3']);
    expect(of('k8s/service-exposed', svc('LoadBalancer', '  loadBalancerSourceRanges: ["10.0.0.0/8"]\n'))).toEqual([]);
    expect(of('k8s/service-exposed', svc('ClusterIP'))).toEqual([]);
  });
});

describe('k8s/missing-network-policy', () => {
  const cm = (ns: string): string =>
    `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: ${ns}\ndata: {}\n`;
  const deployment = (ns: string): string =>
    `---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: ${ns}\nspec:\n  template:\n    spec:\n      containers: [{ name: a, image: a }]\n`;
  const np = (ns: string): string =>
    `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: d\n  namespace: ${ns}\nspec:\n  podSelector: {}\n`;
  it('one finding per namespace with workloads and without a policy, at its first workload', () => {
    expect(of('k8s/missing-network-policy', cm('a') + deployment('a') + deployment('b') + np('b'))).toEqual([
      'k8s/missing-network-policy@11:1',
    ]);
  });
  it('policies in another file of the change count', () => {
    const findings = lintFiles([
      { path: 'deploy/a.yaml', text: deployment('a') },
      { path: 'deploy/np.yaml', text: np('a') },
    ]).filter((f) => f.ruleId === 'k8s/missing-network-policy');
    expect(findings).toEqual([]);
  });
  it('reports on the Namespace object when the change creates it', () => {
    const ns = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n`;
    const findings = lint(ns + cm('a') + deployment('a')).filter((f) => f.ruleId === 'k8s/missing-network-policy');
    expect(findings.map(where)).toEqual(['k8s/missing-network-policy@3:1']);
    expect(findings[0]?.location).toMatchObject({ object: 'Namespace/a' });
    expect(findings[0]?.message).toContain('Deployment/web');
  });
  it('namespaces without pod-creating workloads do not need one', () => {
    const ns = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n`;
    const service = `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: a\nspec:\n  ports: [{ port: 80 }]\n`;
    const podTemplate = `---\napiVersion: v1\nkind: PodTemplate\nmetadata:\n  name: t\n  namespace: a\ntemplate:\n  spec:\n    containers: [{ name: a, image: a }]\n`;
    expect(of('k8s/missing-network-policy', ns + cm('a') + service + podTemplate)).toEqual([]);
  });
  it('custom resources with a pod template count as workloads', () => {
    const rollout = `apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: r\n  namespace: a\nspec:\n  template:\n    spec:\n      containers: [{ name: a, image: a }]\n`;
    expect(of('k8s/missing-network-policy', rollout)).toEqual(['k8s/missing-network-policy@3:1']);
  });
  it('cluster-scoped objects alone do not need one', () => {
    expect(
      of(
        'k8s/missing-network-policy',
        `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\nrules: []\n`,
      ),
    ).toEqual([]);
  });
});

describe('RBAC rules', () => {
  const role = (rules: string, kind = 'ClusterRole'): string =>
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: r\nrules:\n${rules}`;
  it('wildcards', () => {
    const text = role('  - apiGroups: ["*"]\n    resources: ["*"]\n    verbs: ["*"]\n');
    expect(of('k8s/rbac-wildcard', text)).toEqual(['k8s/rbac-wildcard@8:13', 'k8s/rbac-wildcard@7:17']);
  });
  it('escalate, bind, impersonate', () => {
    const text = role(
      '  - apiGroups: ["rbac.authorization.k8s.io"]\n    resources: ["clusterroles"]\n    verbs: ["bind", "escalate"]\n  - apiGroups: [""]\n    resources: ["users"]\n    verbs: ["impersonate"]\n',
    );
    expect(of('k8s/rbac-escalation-verbs', text)).toEqual([
      'k8s/rbac-escalation-verbs@8:13',
      'k8s/rbac-escalation-verbs@8:21',
      'k8s/rbac-escalation-verbs@11:13',
    ]);
  });
  it('secrets read access', () => {
    expect(
      of(
        'k8s/rbac-secrets-access',
        role('  - apiGroups: [""]\n    resources: ["configmaps", "secrets"]\n    verbs: ["list"]\n', 'Role'),
      ),
    ).toEqual(['k8s/rbac-secrets-access@7:31']);
    expect(
      of(
        'k8s/rbac-secrets-access',
        role('  - apiGroups: [""]\n    resources: ["secrets"]\n    verbs: ["create"]\n', 'Role'),
      ),
    ).toEqual([]);
  });
  it('a narrow role is fine', () => {
    const text = role('  - apiGroups: ["apps"]\n    resources: ["deployments"]\n    verbs: ["get", "list"]\n');
    expect(lint(text).map(where)).toEqual([]);
  });
  it('cluster-admin bindings', () => {
    const binding = (kind: string, name: string): string =>
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: b\n  namespace: n\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: ${name}\nsubjects:\n  - kind: ServiceAccount\n    name: ci\n    namespace: n\n`;
    expect(of('k8s/cluster-admin-binding', binding('ClusterRoleBinding', 'cluster-admin'))).toEqual([
      'k8s/cluster-admin-binding@9:3',
    ]);
    expect(of('k8s/cluster-admin-binding', binding('RoleBinding', 'cluster-admin'))).toEqual([
      'k8s/cluster-admin-binding@9:3',
    ]);
    expect(of('k8s/cluster-admin-binding', binding('ClusterRoleBinding', 'view'))).toEqual([]);
  });
});

describe('k8s/untrusted-without-runtime-class', () => {
  const job = `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: build-42\n  namespace: ci\nspec:\n  template:\n    spec:\n      containers:\n        - name: b\n          image: x:1\n`;
  it('matches Kind/name globs', () =>
    expect(of('k8s/untrusted-without-runtime-class', job, { untrusted: ['Job/build-*'] })).toEqual([
      'k8s/untrusted-without-runtime-class@8:5',
    ]));
  it('matches namespace/Kind/name globs', () =>
    expect(of('k8s/untrusted-without-runtime-class', job, { untrusted: ['ci/**'] })).toEqual([
      'k8s/untrusted-without-runtime-class@8:5',
    ]));
  it('no match, or a runtimeClassName set', () => {
    expect(of('k8s/untrusted-without-runtime-class', job, { untrusted: ['Deployment/*', 'prod/**'] })).toEqual([]);
    expect(
      of(
        'k8s/untrusted-without-runtime-class',
        job.replace('      containers:', '      runtimeClassName: gvisor\n      containers:'),
        { untrusted: ['Job/*'] },
      ),
    ).toEqual([]);
  });
});
