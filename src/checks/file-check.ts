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
import { decodeSourceText } from '../core/text.js';

const GLOB = { dot: true, nocomment: true } as const;

/** `paths` semantics: a file is selected when a glob matches it and no `!glob` does. */
export function selectPaths(all: string[], globs: string[]): string[] {
  const include = globs.filter((g) => !g.startsWith('!'));
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  return all.filter(
    (file) => include.some((g) => minimatch(file, g, GLOB)) && !exclude.some((g) => minimatch(file, g, GLOB)),
  );
}

function looksBinary(buffer: Buffer): boolean {
  return buffer.subarray(0, 8000).includes(0);
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
  paths: string[],
  check: CheckId,
): Promise<{ files: SourceFile[]; findings: RawFinding[] }> {
  const files: SourceFile[] = [];
  const findings: RawFinding[] = [];
  for (const path of paths) {
    const size = await context.tree.size(path);
    if (size !== undefined && size > MAX_FILE_BYTES) {
      findings.push(
        unreadable(check, path, `it is ${size} bytes, over the ${MAX_FILE_BYTES}-byte limit for a checked file.`),
      );
      continue;
    }
    const buffer = await context.tree.read(path);
    if (!buffer) continue;
    if (looksBinary(buffer)) {
      findings.push(unreadable(check, path, 'it is a binary file, not text.'));
      continue;
    }
    files.push({ path, text: decodeSourceText(buffer) });
  }
  return { files, findings };
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
      const selected = selectPaths(await context.tree.list(), policy.paths);
      const { files, findings: readFindings } = await readSources(context, selected, spec.id);
      const errors: string[] = [];
      const notes: string[] = [];
      const raw: RawFinding[] = [...readFindings];
      let linted = 0;
      for (const linter of spec.linters) {
        const mine = files.filter((f) => linter.matches(f.path));
        if (mine.length === 0) continue;
        linted += mine.length;
        try {
          raw.push(
            ...(await linter.lint(mine, {
              policy: context.policy,
              tree: context.tree,
              isBase: context.isBase,
              env: context.env,
            })),
          );
          notes.push(`${linter.id}: ${mine.length} file${mine.length === 1 ? '' : 's'} checked`);
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
      // No file any linter reads, and no extra step that looked at anything: nothing was checked.
      const nothing = spec.nothingToCheck ?? {
        label: 'nothing to check',
        reason: `no file under checks.${spec.id}.paths that a ${spec.id} linter reads.`,
      };
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
    else byPath.set(path, [...(byPath.get(path) ?? []), finding]);
  }
  const out = [...other];
  const uses: InlineIgnoreUse[] = [];
  const texts = new Map(files.map((f) => [f.path, f.text]));
  for (const [path, pathFindings] of byPath) {
    let text = texts.get(path);
    if (text === undefined) {
      const buffer = await tree.read(path, MAX_FILE_BYTES);
      text = buffer && !looksBinary(buffer) ? decodeSourceText(buffer) : undefined;
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
