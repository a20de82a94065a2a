import type { RawFinding } from '../../../../src/core/finding.js';
import type { FileTree } from '../../../../src/core/tree.js';
import type { Policy } from '../../../../src/policy/types.js';
import { kubernetesLinter } from '../../../../src/checks/manifests/kubernetes/index.js';
import type { LintContext, SourceFile } from '../../../../src/checks/linter.js';

export interface Options {
  level?: 'privileged' | 'baseline' | 'restricted';
  version?: string;
  untrusted?: string[];
}

const emptyTree: FileTree = {
  label: 'test',
  list: () => Promise.resolve([]),
  read: () => Promise.resolve(undefined),
  size: () => Promise.resolve(undefined),
};

export function policy(options: Options = {}): Policy {
  const base = { enabled: true, 'fail-on': 'high' as const, paths: ['**'], timeout: 60 };
  return {
    version: 1,
    extends: [],
    mode: 'enforce',
    'on-error': 'fail',
    gate: { 'new-only': true },
    checks: {
      hardening: { ...base, 'allowed-unpinned': [], 'runner-probe': false },
      manifests: {
        ...base,
        'pod-security': { level: options.level ?? 'restricted', version: options.version ?? 'latest' },
        untrusted: options.untrusted ?? [],
      },
      images: {
        ...base,
        targets: [],
        platform: 'linux/amd64',
        vulnerabilities: {
          'fail-on': 'critical',
          'ignore-unfixed': true,
          source: 'osv-api',
          'on-unreachable': 'fail',
          vex: [],
        },
        eol: 'fail',
        secrets: 'fail',
        'insecure-registries': [],
        limits: { 'max-layer-bytes': 1, 'max-image-bytes': 1 },
      },
      signatures: { ...base, require: [], 'pinned-digests': 'fail' },
    },
    exceptions: [],
    report: { comment: 'update' },
  };
}

export function lintContext(options: Options = {}): LintContext {
  return { policy: policy(options), tree: emptyTree, isBase: false, env: {} };
}

export function lintFiles(files: SourceFile[], options: Options = {}): RawFinding[] {
  const result = kubernetesLinter.lint(files, lintContext(options));
  if (result instanceof Promise) throw new Error('kubernetes linter must be synchronous');
  return result;
}

export function lint(text: string, options: Options = {}, path = 'deploy/app.yaml'): RawFinding[] {
  return lintFiles([{ path, text }], options);
}

/** `ruleId@line:column[container]` for compact exact assertions. */
export function where(finding: RawFinding): string {
  const loc = finding.location as { startLine?: number; startColumn?: number; container?: string };
  return `${finding.ruleId}@${loc.startLine}:${loc.startColumn}${loc.container !== undefined ? `[${loc.container}]` : ''}`;
}

/** Rule ids with `prefix`, counting those a finding also stands for (`k8s/host-port` names `pss/hostPorts`). */
export function ids(findings: RawFinding[], prefix = 'pss/'): string[] {
  const all = findings.flatMap((f) => [f.ruleId, ...(f.relatedRuleIds ?? [])]);
  return [...new Set(all.filter((id) => id.startsWith(prefix)))].sort();
}
