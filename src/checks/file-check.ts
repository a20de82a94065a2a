import { minimatch } from 'minimatch';
import type { Check, CheckContext, CheckOutput, InlineIgnoreUse } from '../core/check.js';
import type { CheckId, RawFinding, SkipInfo } from '../core/finding.js';
import { isFileLocation } from '../core/finding.js';
import type { FileTree } from '../core/tree.js';
import { errorMessage } from '../core/errors.js';
import type { RuleDefinition } from '../core/rules.js';
import { MAX_FILE_BYTES } from '../core/tree.js';
import type { FileLinter, SourceFile } from './linter.js';
import { applyInlineIgnores, inlineIgnoreUses, parseInlineIgnores } from './suppression.js';
import { decodeSourceText, looksBinaryText } from '../core/text.js';
import { defaultPolicy } from '../policy/presets.js';

const GLOB = { dot: true, nocomment: true } as const;

/** `paths` semantics: a file is selected when a glob matches it and no `!glob` does. */
export function selectPaths(all: string[], globs: string[]): string[] {
  const include = globs.filter((g) => !g.startsWith('!'));
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  return all.filter(
    (file) => include.some((g) => minimatch(file, g, GLOB)) && !exclude.some((g) => minimatch(file, g, GLOB)),
  );
}

/**
 * Directories whose files are tests, fixtures, vendored or archived code rather than what ships. Files
 * under them are skipped unless a `paths` glob names the directory (`test/**`, `deploy/e2e/*.yaml`).
 * `examples/` is checked: readers copy examples into production (docs/policy.md).
 */
export const DEFAULT_SKIPPED_DIRS: readonly string[] = [
  'testdata',
  'test',
  'tests',
  'fixtures',
  '__fixtures__',
  'e2e',
  '_archived',
  'vendor',
  'node_modules',
];
const SKIPPED_DIRS = new Set(DEFAULT_SKIPPED_DIRS);

export interface Selection {
  /** Selected files, with whether a glob of the policy's own (not a built-in one) selected them. */
  files: { path: string; explicit: boolean }[];
  /** Files the globs matched but that sit in a skipped directory no glob names, by that directory. */
  skipped: Map<string, number>;
}

/** The skipped directories among a path's directories (its file name excluded). */
function skippedDirsOf(file: string): string[] {
  const segments = file.split('/');
  segments.pop();
  return segments.filter((segment) => SKIPPED_DIRS.has(segment));
}

/** Literal path segments of a glob (`deploy/{a,b}/**` gives `deploy`). */
function literalSegments(glob: string): Set<string> {
  return new Set(glob.split('/').filter((segment) => !/[*?[\]{}!()+@]/.test(segment)));
}

/**
 * The check's file selection: `paths` globs, minus files in default-skipped directories that no matching
 * glob names. `builtIn` are the default globs of the check; a file matched by any other glob is explicit.
 */
export function selectFiles(all: string[], globs: string[], builtIn: readonly string[]): Selection {
  const include = globs
    .filter((g) => !g.startsWith('!'))
    .map((glob) => ({ glob, names: literalSegments(glob), own: !builtIn.includes(glob) }));
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  const files: Selection['files'] = [];
  const skipped = new Map<string, number>();
  for (const file of all) {
    const matching = include.filter(({ glob }) => minimatch(file, glob, GLOB));
    if (matching.length === 0 || exclude.some((g) => minimatch(file, g, GLOB))) continue;
    const dirs = skippedDirsOf(file);
    if (dirs.length > 0 && !matching.some(({ names }) => dirs.some((dir) => names.has(dir)))) {
      skipped.set(dirs[0]!, (skipped.get(dirs[0]!) ?? 0) + 1);
      continue;
    }
    files.push({ path: file, explicit: matching.some(({ own }) => own) });
  }
  return { files, skipped };
}

/** The report note for files skipped by default, saying how to include them. */
export function skippedNote(check: CheckId, skipped: Map<string, number>): string | undefined {
  const total = [...skipped.values()].reduce((sum, n) => sum + n, 0);
  if (total === 0) return undefined;
  const dirs = [...skipped].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const listed = dirs.map(([dir, n]) => `${dir}/ ${n}`).join(', ');
  return `${total} file${total === 1 ? '' : 's'} in test, fixture, vendored or archived directories skipped by default (${listed}); to check them, add a glob naming the directory to checks.${check}.paths, e.g. "**/${dirs[0]![0]}/**".`;
}

export interface FileCheckSpec {
  id: CheckId;
  title: string;
  linters: FileLinter[];
  /** `<check>/parse-error` and `<check>/ignore-without-reason`, with the check's other common rules. */
  commonRules: RuleDefinition[];
  /** Extra work that is not per-file (the runner probe), skipped on base runs; `skipped` when it did nothing. */
  extra?: (context: CheckContext) => Promise<CheckOutput>;
  /** What the report says when no selected file is one a linter reads (and the extra step did nothing). */
  nothingToCheck?: SkipInfo;
}

/** Whether a file's problems are reported even when it may not be of a linter's kind. */
function reportsEverything(linters: FileLinter[], file: { path: string; explicit: boolean }): boolean {
  return file.explicit || linters.some((l) => !l.sniffsContent && l.matches(file.path));
}

function unreadable(check: CheckId, path: string, why: string): RawFinding {
  return {
    ruleId: `${check}/parse-error`,
    severity: 'high',
    title: 'File could not be checked',
    message: `${path} was not checked: ${why}`,
    location: { path, startLine: 1, startColumn: 1 },
  };
}

async function readSources(
  context: CheckContext,
  selected: Selection['files'],
  spec: FileCheckSpec,
): Promise<{ files: SourceFile[]; findings: RawFinding[] }> {
  const files: SourceFile[] = [];
  const findings: RawFinding[] = [];
  for (const file of selected) {
    const { path, explicit } = file;
    const size = await context.tree.size(path);
    if (size !== undefined && size > MAX_FILE_BYTES) {
      findings.push(
        unreadable(spec.id, path, `it is ${size} bytes, over the ${MAX_FILE_BYTES}-byte limit for a checked file.`),
      );
      continue;
    }
    // A base run takes the text of a file the change did not touch from the head run instead of from git.
    const known = context.isBase && !context.changedPaths?.has(path) ? context.memo?.get(textKey(path)) : undefined;
    if (typeof known === 'string') {
      files.push({ path, text: known, explicit });
      continue;
    }
    const buffer = await context.tree.read(path);
    if (!buffer) continue;
    const text = decodeSourceText(buffer);
    if (looksBinaryText(text)) {
      // A binary `*.json` is not a manifest; a binary workflow or Dockerfile is a problem.
      if (reportsEverything(spec.linters, file))
        findings.push(unreadable(spec.id, path, 'it is a binary file, not text.'));
      continue;
    }
    files.push({ path, text, explicit });
    if (!context.isBase && context.changedPaths) context.memo?.set(textKey(path), text);
  }
  return { files, findings };
}

function textKey(path: string): string {
  return `text\u0000${path}`;
}

/**
 * A check made of file linters (manifests, hardening): selects files by the policy's `paths`, reads them
 * (size and binary guarded), runs every linter on the files it matches, and applies inline ignores.
 * One linter's crash becomes an error of the check; the other linters still report.
 */
export function fileCheck(spec: FileCheckSpec): Check {
  return {
    id: spec.id,
    title: spec.title,
    fileBased: true,
    rules: [...spec.commonRules, ...spec.linters.flatMap((l) => l.rules)],
    async run(context) {
      const policy = context.policy.checks[spec.id];
      const selection = selectFiles(await context.tree.list(), policy.paths, defaultPolicy().checks[spec.id].paths);
      const { files, findings: readFindings } = await readSources(context, selection.files, spec);
      const errors: string[] = [];
      const notes: string[] = [];
      const raw: RawFinding[] = [...readFindings];
      let linted = 0;
      for (const linter of spec.linters) {
        const mine = files.filter((f) => linter.matches(f.path));
        if (mine.length === 0) continue;
        linted += mine.length;
        try {
          const linterNotes: string[] = [];
          raw.push(
            ...(await linter.lint(mine, {
              policy: context.policy,
              tree: context.tree,
              isBase: context.isBase,
              env: context.env,
              note: (message) => linterNotes.push(message),
              ...(context.memo ? { memo: context.memo } : {}),
            })),
          );
          notes.push(`${linter.id}: ${mine.length} file${mine.length === 1 ? '' : 's'} checked`, ...linterNotes);
        } catch (error) {
          errors.push(`${linter.id} linter failed: ${errorMessage(error)}`);
        }
      }
      const { findings, uses } = await applyIgnores(raw, files, spec.id, context.tree);
      let extraSkipped = true;
      if (spec.extra && !context.isBase) {
        const extra = await spec.extra(context);
        extraSkipped = extra.skipped !== undefined;
        findings.push(...extra.findings);
        errors.push(...(extra.errors ?? []));
        notes.push(...(extra.notes ?? []));
      }
      const skippedByDefault = skippedNote(spec.id, selection.skipped);
      if (skippedByDefault) notes.push(skippedByDefault);
      // No file any linter reads, and no extra step that looked at anything: nothing was checked.
      const base = spec.nothingToCheck ?? {
        label: 'nothing to check',
        reason: `no file under checks.${spec.id}.paths that a ${spec.id} linter reads.`,
      };
      // When the only candidates were skipped by default, the reason says so and how to include them.
      const nothing = skippedByDefault ? { ...base, reason: `${base.reason} ${skippedByDefault}` } : base;
      const skipped = linted === 0 && readFindings.length === 0 && extraSkipped ? { skipped: nothing } : {};
      return { findings, errors, notes, inlineIgnores: uses, ...skipped };
    },
  };
}

/**
 * Applies inline ignore comments to every finding with a file location. Files a linter read by itself
 * (GitLab `include: local:` files, child pipelines) are read here too, so their comments count as well.
 * Returns which comments suppressed what, so the gate can report the unused ones.
 */
async function applyIgnores(
  findings: RawFinding[],
  files: SourceFile[],
  check: CheckId,
  tree: FileTree,
): Promise<{ findings: RawFinding[]; uses: InlineIgnoreUse[] }> {
  const byPath = new Map<string, RawFinding[]>();
  const other: RawFinding[] = [];
  for (const finding of findings) {
    const path = isFileLocation(finding.location) ? finding.location.path : undefined;
    if (path === undefined) other.push(finding);
    else {
      const list = byPath.get(path);
      if (list) list.push(finding);
      else byPath.set(path, [finding]);
    }
  }
  const out = [...other];
  const uses: InlineIgnoreUse[] = [];
  const texts = new Map(files.map((f) => [f.path, f.text]));
  for (const [path, pathFindings] of byPath) {
    let text = texts.get(path);
    if (text === undefined) {
      const buffer = await tree.read(path, MAX_FILE_BYTES);
      const decoded = buffer && decodeSourceText(buffer);
      text = decoded && !looksBinaryText(decoded) ? decoded : undefined;
    }
    if (text === undefined) {
      out.push(...pathFindings);
      continue;
    }
    const ignores = parseInlineIgnores(text);
    out.push(...applyInlineIgnores(pathFindings, ignores, path, `${check}/ignore-without-reason`));
    uses.push(...inlineIgnoreUses(pathFindings, ignores, path));
  }
  // Ignore comments in selected files that have no finding are reported too (no reason, or unused).
  for (const file of files) {
    if (byPath.has(file.path)) continue;
    const ignores = parseInlineIgnores(file.text);
    out.push(...applyInlineIgnores([], ignores, file.path, `${check}/ignore-without-reason`));
    uses.push(...inlineIgnoreUses([], ignores, file.path));
  }
  return { findings: out, uses };
}
