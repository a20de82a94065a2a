import type { CiFacts } from './ci-facts.js';
import type { CheckId, RawFinding, SkipInfo } from './finding.js';
import type { RuleDefinition } from './rules.js';
import type { FileTree } from './tree.js';
import type { Policy } from '../policy/types.js';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

export interface CheckContext {
  /** The files to check. For a base run, the base revision's files. */
  tree: FileTree;
  /** The checkout on disk; relative paths in the policy and on the command line resolve against it. */
  root: string;
  /** True when this run only collects fingerprints from the base revision: skip anything not file-based. */
  isBase: boolean;
  /** Paths changed between base and head, when a base is known. */
  changedPaths?: ReadonlySet<string>;
  policy: Policy;
  /** Image references given on the command line or as action input, on top of the policy's targets. */
  images: string[];
  /** Environment of the CI job (never the process's own for tests). */
  env: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
  log: Logger;
  /**
   * What the CI platform knows about the event and the job's token, asked for only when a check needs it (the
   * platform may spend one API request on it). Absent outside CI and in tests.
   */
  ci?: (signal: AbortSignal) => Promise<CiFacts>;
  /**
   * Shared by a check's head run and its base run: a check may keep results here keyed by everything they
   * depend on (a file's path and text, settings), so the base run reuses them for files the change did not touch.
   */
  memo?: Map<string, unknown>;
}

/** One `# containersec:ignore` comment a check read, and the rule ids in it that suppressed a finding. */
export interface InlineIgnoreUse {
  path: string;
  line: number;
  column: number;
  rules: string[];
  reason: string;
  /** Alone on its line, so it covers the next line too. */
  standalone: boolean;
  used: string[];
}

export interface CheckOutput {
  findings: RawFinding[];
  /** Problems that stopped part of the check: they make the check `error` (fail closed). */
  errors?: string[];
  /** Parts not examined although the policy lets the check go on: the check is `warn`, never a clean pass. */
  warnings?: string[];
  notes?: string[];
  /** Set when the check had nothing to examine (no targets, no rule that applies): it shows as skipped. */
  skipped?: SkipInfo;
  /** Every inline ignore comment with a reason in the files the check read (head run only). */
  inlineIgnores?: InlineIgnoreUse[];
}

/** A check plugs into the runner with an id, the rules it can report, and a run function. */
export interface Check {
  id: CheckId;
  title: string;
  /** When true, the runner also runs it on the base revision to tell new findings from existing ones. */
  fileBased: boolean;
  rules: RuleDefinition[];
  run(context: CheckContext): Promise<CheckOutput>;
}
