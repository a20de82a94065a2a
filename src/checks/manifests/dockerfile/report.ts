import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { DockerfileModel, Stage } from './parse.js';
import { positionAt, stageLabel } from './parse.js';
import type { Word } from './shell.js';

/** One Dockerfile rule: its definition and the function that finds its occurrences. */
export interface DockerfileRule {
  rule: RuleDefinition;
  check: (model: DockerfileModel) => RawFinding[];
}

export interface ReportInput {
  /** Source offset of the offending token; the finding's line is the line of that token. */
  offset: number;
  /** Length of the token, for endLine/endColumn. */
  length?: number;
  stage?: Stage;
  message: string;
  /** Discriminator within the stage (no line numbers); repeated keys get `#2`, `#3`... */
  key: string;
  fix?: string;
  title?: string;
}

/** Builds located findings for one rule and one file, keeping keys unique per stage. */
export class Reporter {
  readonly findings: RawFinding[] = [];
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly model: DockerfileModel,
    private readonly rule: RuleDefinition,
  ) {}

  report(input: ReportInput): void {
    const start = positionAt(this.model, input.offset);
    const end = positionAt(this.model, input.offset + Math.max(0, input.length ?? 0));
    const object = input.stage ? stageLabel(input.stage) : undefined;
    const scope = `${object ?? ''}\u0000${input.key}`;
    const count = (this.seen.get(scope) ?? 0) + 1;
    this.seen.set(scope, count);
    this.findings.push({
      ruleId: this.rule.id,
      severity: this.rule.severity,
      title: input.title ?? this.rule.title,
      message: input.message,
      location: {
        path: this.model.path,
        startLine: start.line,
        startColumn: start.column,
        ...(input.length ? { endLine: end.line, endColumn: end.column } : {}),
        ...(object ? { object } : {}),
      },
      key: count === 1 ? input.key : `${input.key}#${count}`,
      ...(input.fix ? { fix: input.fix } : {}),
    });
  }

  /** Reports at a shell word. The length covers the word when it sits on one line. */
  reportWord(word: Word, input: Omit<ReportInput, 'offset' | 'length'>): void {
    const last = word.offsets[word.offsets.length - 1];
    const length = last !== undefined && last >= word.start ? last + 1 - word.start : undefined;
    const sameLine = length !== undefined && !this.model.text.slice(word.start, word.start + length).includes('\n');
    this.report({ ...input, offset: word.start, ...(sameLine ? { length } : {}) });
  }
}

/** Inline code for messages: the text shortened, and backquotes removed so markdown stays intact. */
export function code(text: string, max = 80): string {
  const clean = text.replace(/[`\r\n]+/g, ' ');
  return '`' + (clean.length > max ? `${clean.slice(0, max - 1)}…` : clean) + '`';
}

/**
 * Where findings of RUN-based rules point, and so where an inline ignore must go. Exported for the rule
 * docs: every rule that reports shell tokens carries it in `exceptions`.
 */
export const RUN_LOCATION_NOTE =
  'Findings point at the offending token on its real line. For a token on the first line of an instruction, put ' +
  '`# containersec:ignore <rule-id> <reason>` on the line above the instruction. For a token on a later line of a ' +
  'multi-line `RUN` (after a `\\` continuation or inside a heredoc script), put the comment inside the instruction, on ' +
  'the line directly above the token: Dockerfile comment lines are allowed between continued lines and are removed ' +
  'before the shell runs.';
