import type { RawFinding } from '../core/finding.js';
import type { RuleDefinition } from '../core/rules.js';
import type { FileTree } from '../core/tree.js';
import type { Policy } from '../policy/types.js';

/** One file handed to a linter: repository-relative path and its text (decoded from UTF-8 or UTF-16). */
export interface SourceFile {
  path: string;
  text: string;
  /**
   * True when a glob the policy itself wrote in the check's `paths` (not a built-in default one) selects
   * the file: a linter that sniffs content then reports every problem with it, as for a file of its kind.
   */
  explicit?: boolean;
}

export interface LintContext {
  policy: Policy;
  /** The whole tree, for linters that follow references (GitLab `include: local:`). */
  tree: FileTree;
  isBase: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** Adds a note to the check's report (what was ignored and why); absent where nobody reads notes. */
  note?: (message: string) => void;
  /** Shared by a check's head and base runs (`CheckContext.memo`): per-file results keyed by their input. */
  memo?: Map<string, unknown>;
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
  /**
   * True when `matches` goes by extension alone (any `*.yaml`) and the linter tells from the content
   * whether a file is of its kind: such a file that is binary or not of the kind is ignored, not an
   * error, unless the policy names it (`SourceFile.explicit`).
   */
  sniffsContent?: boolean;
  lint(files: SourceFile[], context: LintContext): RawFinding[] | Promise<RawFinding[]>;
}
