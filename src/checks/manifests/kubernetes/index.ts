import type { RawFinding } from '../../../core/finding.js';
import type { ManifestsPolicy } from '../../../policy/types.js';
import type { FileLinter, LintContext, SourceFile } from '../../linter.js';
import { createHash } from 'node:crypto';
import type { AnnotationIgnore } from './annotations.js';
import { applyIgnores, objectIgnores } from './annotations.js';
import { containerHardeningFindings } from './containers.js';
import type { K8sObject } from './documents.js';
import { parseManifestFile } from './documents.js';
import { hostPathFindings } from './host-paths.js';
import { imageFindings } from './images.js';
import type { NetworkFacts } from './network.js';
import { hostPortFindings, networkFacts, networkPolicyFindings, serviceFindings } from './network.js';
import { podSecurityFindings } from './pod-security/index.js';
import { rbacFindings } from './rbac.js';
import { kubernetesRules } from './rules.js';
import { runtimeClassFindings } from './runtime-class.js';
import { mergeSameProblem } from './same-problem.js';
import { automountTokenFinding, serviceAccountsWithoutToken } from './service-account.js';
import { podTemplate } from './workload.js';

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
  // Dev container configuration is JSON with comments, never a manifest.
  /(^|\/)\.devcontainer(\.json$|\/)/,
];

export const kubernetesLinter: FileLinter = {
  id: 'kubernetes',
  rules: kubernetesRules,
  sniffsContent: true,
  matches(path: string): boolean {
    return MANIFEST_EXTENSIONS.test(path) && !NOT_KUBERNETES.some((re) => re.test(path));
  },
  lint(files: SourceFile[], context: LintContext): RawFinding[] {
    const policy = context.policy.checks.manifests;
    const settings = JSON.stringify([policy['pod-security'], policy.untrusted ?? []]);
    // One file at a time, keeping only findings and cross-file facts: a file's syntax tree is garbage once
    // it is linted, so memory does not grow with the repository.
    const results = files.map((file) => {
      const key = context.memo && memoKey(file, settings);
      const known = key !== undefined ? (context.memo!.get(key) as FileResult | undefined) : undefined;
      if (known) return known;
      const result = lintFile(file, policy);
      if (key !== undefined) context.memo!.set(key, result);
      return result;
    });
    const ignoredFiles = results.filter((r) => r.ignored).length;
    if (ignoredFiles > 0) context.note?.(ignoredNote(ignoredFiles));
    const accountsWithoutToken = new Set(results.flatMap((r) => r.accountsWithoutToken));
    return [
      ...results.flatMap((r) => r.findings),
      ...results.flatMap((r) =>
        r.tokenFindings.filter((t) => !accountsWithoutToken.has(t.unlessAccount)).map((t) => t.finding),
      ),
      ...networkPolicyFindings(results.map((r) => r.network)),
    ];
  },
};

/** What linting one file gives: its own findings, and the facts rules spanning files need. */
interface FileResult {
  findings: RawFinding[];
  /** The file did not parse and does not look like a manifest, so it was left out. */
  ignored: boolean;
  accountsWithoutToken: string[];
  /** Automount findings that drop out when the pod's service account (maybe in another file) turns the token off. */
  tokenFindings: { unlessAccount: string; finding: RawFinding }[];
  network: NetworkFacts;
}

/** Same path, same text, same settings: the same FileResult (a base run reuses the head run's). */
function memoKey(file: SourceFile, settings: string): string {
  const digest = createHash('sha256').update(file.text).digest('base64');
  return `kubernetes\u0000${settings}\u0000${file.explicit === true}\u0000${file.path}\u0000${digest}`;
}

function lintFile(file: SourceFile, policy: ManifestsPolicy): FileResult {
  const parsed = parseManifestFile(file.path, file.text, !file.explicit);
  const findings: RawFinding[] = [...parsed.errors];
  const tokenFindings: FileResult['tokenFindings'] = [];
  const ignoresOf = new Map<K8sObject, AnnotationIgnore[]>();
  for (const object of parsed.objects) {
    const pod = podTemplate(object);
    const { ignores, findings: ignoreProblems } = objectIgnores(object, pod?.templateMetadata);
    ignoresOf.set(object, ignores);
    const own: RawFinding[] = [...serviceFindings(object), ...rbacFindings(object)];
    if (pod) {
      own.push(
        ...podSecurityFindings(pod, policy['pod-security']),
        ...imageFindings(pod),
        ...containerHardeningFindings(pod),
        ...hostPathFindings(pod),
        ...hostPortFindings(pod),
        ...runtimeClassFindings(pod, policy.untrusted ?? []),
      );
      const token = automountTokenFinding(pod);
      if (token?.unlessAccount !== undefined)
        tokenFindings.push({ unlessAccount: token.unlessAccount, finding: applyIgnores([token.finding], ignores)[0]! });
      else if (token) own.push(token.finding);
    }
    findings.push(...mergeSameProblem(dedupe(applyIgnores(own, ignores))), ...ignoreProblems);
  }
  return {
    findings,
    ignored: parsed.ignored > 0,
    accountsWithoutToken: serviceAccountsWithoutToken(parsed.objects),
    tokenFindings,
    network: networkFacts(parsed.objects, (object) => ignoresOf.get(object) ?? []),
  };
}

function ignoredNote(files: number): string {
  return `kubernetes: ${files} YAML/JSON file${files === 1 ? '' : 's'} left out: they do not parse and do not look like Kubernetes objects; name a file in checks.manifests.paths to have its errors reported.`;
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
