import type { RawFinding } from '../../../../src/core/finding.js';
import { isFileLocation } from '../../../../src/core/finding.js';
import type { FileTree } from '../../../../src/core/tree.js';
import type { Policy } from '../../../../src/policy/types.js';
import { gitlabCiLinter } from '../../../../src/checks/hardening/gitlab-ci/index.js';

/** An in-memory repository for `context.tree`. */
export class MemoryTree implements FileTree {
  readonly label = 'memory';
  readonly reads: string[] = [];
  constructor(private readonly files: Record<string, string>) {}
  list(): Promise<string[]> {
    return Promise.resolve(Object.keys(this.files).sort());
  }
  read(path: string, maxBytes?: number): Promise<Buffer | undefined> {
    this.reads.push(path);
    const text = this.files[path];
    if (text === undefined) return Promise.resolve(undefined);
    const bytes = Buffer.from(text, 'utf8');
    return Promise.resolve(maxBytes !== undefined && bytes.length > maxBytes ? undefined : bytes);
  }
  size(path: string): Promise<number | undefined> {
    const text = this.files[path];
    return Promise.resolve(text === undefined ? undefined : Buffer.byteLength(text));
  }
}

/** Lints `.gitlab-ci.yml` (the first file) with the others reachable through the tree. */
export async function lint(main: string, others: Record<string, string> = {}): Promise<RawFinding[]> {
  const tree = new MemoryTree({ '.gitlab-ci.yml': main, ...others });
  return gitlabCiLinter.lint([{ path: '.gitlab-ci.yml', text: main }], {
    policy: {} as Policy,
    tree,
    isBase: false,
    env: {},
  });
}

/** `ruleId path:line:column object` for compact, exact assertions. */
export function where(finding: RawFinding): string {
  const location = finding.location;
  if (!isFileLocation(location)) return `${finding.ruleId} image`;
  return `${finding.ruleId} ${location.path}:${location.startLine}:${location.startColumn}${location.object ? ` ${location.object}` : ''}`;
}

export function of(findings: RawFinding[], ruleId: string): RawFinding[] {
  return findings.filter((finding) => finding.ruleId === ruleId);
}

export function places(findings: RawFinding[], ruleId: string): string[] {
  return of(findings, ruleId).map(where).sort();
}

/** Joins lines so fixtures read like files; line N of the fixture is element N-1. */
export function yaml(...lines: string[]): string {
  return lines.join('\n') + '\n';
}
