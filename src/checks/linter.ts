import type { RawFinding } from '../core/finding.js';
import type { RuleDefinition } from '../core/rules.js';
import type { FileTree } from '../core/tree.js';
import type { Policy } from '../policy/types.js';

/** One file handed to a linter: repository-relative path and its text (UTF-8). */
export interface SourceFile {
  path: string;
  text: string;
}

export interface LintContext {
  policy: Policy;
  /** The whole tree, for linters that follow references (GitLab `include: local:`). */
  tree: FileTree;
  isBase: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * A linter covers one file format (Kubernetes YAML, Dockerfile, compose, GitHub workflow, GitLab CI).
 * It receives every selected file its `matches` accepts, all at once, so cross-file rules are possible.
 * It returns findings with exact file locations. Inline `# containersec:ignore` comments are applied by
 * the check around it; a linter only reports. A linter must not throw on bad input: a file it cannot
 * parse gives a `<check>/parse-error` finding and the other files go on.
 */
export interface FileLinter {
  id: string;
  rules: RuleDefinition[];
  matches(path: string): boolean;
  lint(files: SourceFile[], context: LintContext): RawFinding[] | Promise<RawFinding[]>;
}
