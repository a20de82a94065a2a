import type { CheckContext, CheckOutput } from '../../../../src/core/check.js';
import type { RawFinding } from '../../../../src/core/finding.js';
import { manifestsCheck } from '../../../../src/checks/manifests/index.js';
import { FsTree } from '../../../../src/repo/fs-tree.js';
import { defaultPolicy } from '../../../../src/policy/presets.js';
import type { Policy } from '../../../../src/policy/types.js';
import { K8S_TOOLS_DIR } from '../../../support/k8s-tools.js';
import { tempRepo } from '../../../support/tmp.js';

export function renderContext(
  root: string,
  options: { policy?: (p: Policy) => void; env?: Record<string, string> } = {},
): CheckContext {
  const policy = defaultPolicy();
  options.policy?.(policy);
  return {
    tree: new FsTree(root),
    root,
    isBase: false,
    policy,
    images: [],
    env: options.env ?? { PATH: K8S_TOOLS_DIR },
    signal: new AbortController().signal,
    log: { info: () => {}, warn: () => {}, debug: () => {} },
  };
}

/** Runs the real manifests check on a temporary repository made of `files`. */
export async function checkRepo(
  files: Record<string, string>,
  options: { policy?: (p: Policy) => void; env?: Record<string, string> } = {},
): Promise<CheckOutput & { root: string }> {
  const root = tempRepo(files);
  return { ...(await manifestsCheck.run(renderContext(root, options))), root };
}

/** `ruleId path:line` for compact assertions. */
export function at(finding: RawFinding): string {
  const location = finding.location as { path: string; startLine?: number };
  return `${finding.ruleId} ${location.path}:${location.startLine}`;
}

export function rules(findings: RawFinding[], rule: string): string[] {
  return findings.filter((f) => f.ruleId === rule).map(at);
}

export const DIGEST = `sha256:${'a'.repeat(64)}`;

/** A Deployment template whose privileged flag and image come from values. */
export const DEPLOYMENT_TEMPLATE = `{{- /* a comment before the object */ -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  labels: {{- include "web.labels" . | nindent 4 }}
spec:
  template:
    spec:
      automountServiceAccountToken: false
      securityContext: { runAsNonRoot: true, seccompProfile: { type: RuntimeDefault } }
      containers:
        - name: web
          image: "{{ .Values.image }}"
          resources: { limits: { cpu: 100m, memory: 64Mi } }
          securityContext:
            privileged: {{ .Values.privileged }}
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: { drop: [ALL] }
`;

export const HELPERS_TPL = `{{- define "web.labels" -}}
app: {{ .Chart.Name }}
{{- end }}
`;

export function chart(
  dir: string,
  name: string,
  extra: Record<string, string> = {},
  chartYaml = '',
): Record<string, string> {
  return {
    [`${dir}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n${chartYaml}`,
    [`${dir}/values.yaml`]: `image: ghcr.io/acme/web@${DIGEST}\nprivileged: false\n`,
    [`${dir}/templates/_helpers.tpl`]: HELPERS_TPL,
    [`${dir}/templates/deployment.yaml`]: DEPLOYMENT_TEMPLATE,
    ...extra,
  };
}
