import type { RawFinding } from '../../../core/finding.js';
import type { FileLinter, LintContext, SourceFile } from '../../linter.js';
import { applyIgnores, objectIgnores } from './annotations.js';
import { containerHardeningFindings } from './containers.js';
import type { K8sObject } from './documents.js';
import { parseManifestFile } from './documents.js';
import { hostPathFindings } from './host-paths.js';
import { imageFindings } from './images.js';
import { hostPortFindings, networkPolicyFindings, serviceFindings } from './network.js';
import { podSecurityFindings } from './pod-security/index.js';
import { rbacFindings } from './rbac.js';
import { kubernetesRules } from './rules.js';
import { runtimeClassFindings } from './runtime-class.js';
import { automountTokenFindings, serviceAccountsWithoutToken } from './service-account.js';
import { podTemplate } from './workload.js';
import { isUnrenderedTemplate } from '../template-leftovers.js';

export { kubernetesRules, k8sRules } from './rules.js';
export { podSecurityRules } from './pod-security/index.js';

const MANIFEST_EXTENSIONS = /\.(ya?ml|json)$/i;

/** Files with a manifest extension that are known to be something else; other linters own them. */
const NOT_KUBERNETES = [
  /(^|\/)\.github\/workflows\//,
  /(^|\/)action\.ya?ml$/,
  /(^|\/)\.gitlab-ci\.ya?ml$/,
  /(^|\/)(docker-)?compose(\.[^/]*)?\.ya?ml$/,
  /(^|\/)\.containersec\.ya?ml$/,
  /(^|\/)(package(-lock)?|tsconfig|composer|renovate)\.json$/,
];

export const kubernetesLinter: FileLinter = {
  id: 'kubernetes',
  rules: kubernetesRules,
  matches(path: string): boolean {
    return MANIFEST_EXTENSIONS.test(path) && !NOT_KUBERNETES.some((re) => re.test(path));
  },
  lint(files: SourceFile[], context: LintContext): RawFinding[] {
    const policy = context.policy.checks.manifests;
    const objects: K8sObject[] = [];
    const findings: RawFinding[] = [];
    const templates: string[] = [];
    for (const file of files) {
      const parsed = parseManifestFile(file.path, file.text);
      if (isUnrenderedTemplate(file.text, parsed.errors.length === 0)) {
        templates.push(file.path);
        continue;
      }
      findings.push(...parsed.errors);
      objects.push(...parsed.objects);
    }
    if (templates.length > 0)
      context.note?.(
        `kubernetes: ${templates.length} file(s) are unrendered templates ({{ … }}) outside any Helm chart and were not checked: ${templates.slice(0, 5).join(', ')}${templates.length > 5 ? ', …' : ''}`,
      );
    const accountsWithoutToken = serviceAccountsWithoutToken(objects);
    const networkByObject = groupByObject(networkPolicyFindings(objects));
    for (const object of objects) {
      const pod = podTemplate(object);
      const own: RawFinding[] = [
        ...serviceFindings(object),
        ...rbacFindings(object),
        ...(networkByObject.get(object) ?? []),
      ];
      if (pod) {
        own.push(
          ...podSecurityFindings(pod, policy['pod-security']),
          ...imageFindings(pod),
          ...containerHardeningFindings(pod),
          ...automountTokenFindings(pod, accountsWithoutToken),
          ...hostPathFindings(pod),
          ...hostPortFindings(pod),
          ...runtimeClassFindings(pod, policy.untrusted ?? []),
        );
      }
      const { ignores, findings: ignoreProblems } = objectIgnores(object, pod?.templateMetadata);
      findings.push(...dedupe(applyIgnores(own, ignores)), ...ignoreProblems);
    }
    return findings;
  },
};

/** Network-policy findings are reported on an object; keep them with it so its ignore annotation applies. */
function groupByObject(entries: { object: K8sObject; finding: RawFinding }[]): Map<K8sObject, RawFinding[]> {
  const out = new Map<K8sObject, RawFinding[]>();
  for (const { object, finding } of entries) out.set(object, [...(out.get(object) ?? []), finding]);
  return out;
}

function dedupe(findings: RawFinding[]): RawFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const id = `${f.ruleId}\u0000${f.key ?? ''}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
