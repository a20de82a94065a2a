import type { InlineIgnoreUse } from '../core/check.js';
import type { RawFinding } from '../core/finding.js';
import { isFileLocation } from '../core/finding.js';

/**
 * Inline suppression shared by every file-based check: a comment
 *   # containersec:ignore <rule-id>[,<rule-id>...] <reason>
 * on the line of a finding or on the line above it. The reason is mandatory.
 */
export interface InlineIgnore {
  /** 1-based line of the comment. */
  line: number;
  column: number;
  rules: string[];
  reason: string;
  /** True when the comment is alone on its line, so it applies to the next line too. */
  standalone: boolean;
}

const IGNORE_RE = /#\s*containersec:ignore\b[ \t]*([^\s]*)[ \t]*(.*)$/;

export function parseInlineIgnores(text: string): InlineIgnore[] {
  const ignores: InlineIgnore[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((lineText, index) => {
    const match = IGNORE_RE.exec(lineText);
    if (!match) return;
    const rules = (match[1] ?? '')
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean);
    ignores.push({
      line: index + 1,
      column: match.index + 1,
      rules,
      reason: (match[2] ?? '').trim(),
      standalone: lineText.slice(0, match.index).trim() === '',
    });
  });
  return ignores;
}

/** The ignore comment that covers `ruleId` at `line`, if any. */
export function findInlineIgnore(
  ignores: InlineIgnore[],
  ruleId: string,
  line: number | undefined,
): InlineIgnore | undefined {
  if (line === undefined) return undefined;
  return ignores.find(
    (ignore) =>
      (ignore.line === line || (ignore.standalone && ignore.line === line - 1)) && ignore.rules.includes(ruleId),
  );
}

/**
 * Marks findings covered by an ignore comment as suppressed, and reports every ignore comment that has
 * no reason or no rule as a finding of `missingReasonRule` (`<check>/ignore-without-reason`).
 */
export function applyInlineIgnores(
  findings: RawFinding[],
  ignores: InlineIgnore[],
  path: string,
  missingReasonRule: string,
): RawFinding[] {
  const out: RawFinding[] = [];
  for (const finding of findings) {
    const line = isFileLocation(finding.location) ? finding.location.startLine : undefined;
    const ignore = findInlineIgnore(ignores, finding.ruleId, line);
    out.push(ignore && ignore.reason ? { ...finding, suppressed: { reason: ignore.reason } } : finding);
  }
  for (const ignore of ignores) {
    if (ignore.reason && ignore.rules.length > 0) continue;
    out.push({
      ruleId: missingReasonRule,
      severity: 'medium',
      title: 'Inline ignore without a reason',
      message:
        ignore.rules.length === 0
          ? 'This `containersec:ignore` comment names no rule, so it suppresses nothing.'
          : `This \`containersec:ignore\` comment for ${ignore.rules.join(', ')} has no reason, so it suppresses nothing. Write why the finding is acceptable after the rule id.`,
      location: { path, startLine: ignore.line, startColumn: ignore.column },
      key: ignore.rules.join(','),
      fix: `# containersec:ignore ${ignore.rules.join(',') || '<rule-id>'} <why this is acceptable>`,
    });
  }
  return out;
}

/**
 * Every ignore comment with a rule and a reason, and which of its rule ids suppressed one of `findings`: the
 * gate reports the rest as unused, like a stale policy exception.
 */
export function inlineIgnoreUses(findings: RawFinding[], ignores: InlineIgnore[], path: string): InlineIgnoreUse[] {
  const used = new Map<InlineIgnore, Set<string>>();
  for (const finding of findings) {
    const line = isFileLocation(finding.location) ? finding.location.startLine : undefined;
    const ignore = findInlineIgnore(ignores, finding.ruleId, line);
    if (ignore) used.set(ignore, (used.get(ignore) ?? new Set()).add(finding.ruleId));
  }
  return ignores
    .filter((ignore) => ignore.reason && ignore.rules.length > 0)
    .map((ignore) => ({
      path,
      line: ignore.line,
      column: ignore.column,
      rules: ignore.rules,
      reason: ignore.reason,
      standalone: ignore.standalone,
      used: [...(used.get(ignore) ?? [])],
    }));
}
