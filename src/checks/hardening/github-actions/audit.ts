import type { Node, Scalar } from 'yaml';
import type { FileLocation, RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Severity } from '../../../core/severity.js';
import type { PinLevel } from '../../../policy/types.js';
import type { JobModel, StepModel, WorkflowModel } from './model.js';

export interface AuditOptions {
  /** `policy.checks.hardening['allowed-unpinned']`: globs of actions that may be referenced by tag. */
  allowedUnpinned: readonly string[];
  /** `policy.checks.hardening['unpinned-uses']`: pin level per pattern. */
  pinLevels?: Readonly<Record<string, PinLevel>>;
}

/** One audit: a rule and the function that finds its violations in one parsed workflow or composite action. */
export interface Audit {
  rule: RuleDefinition;
  run(workflow: WorkflowModel, options: AuditOptions): RawFinding[];
}

export interface Span {
  startLine: number;
  startColumn: number;
  endLine?: number;
  endColumn?: number;
}

/** The source span of a node (start and end), 1-based. */
export function nodeSpan(workflow: WorkflowModel, node: Node | undefined): Span {
  const range = node?.range;
  if (!range) return { startLine: 1, startColumn: 1 };
  const start = workflow.parsed.position(range[0]);
  const end = workflow.parsed.position(range[1]);
  return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column };
}

/**
 * The source span of `length` characters at `offset` in a scalar's value. Block scalars strip indentation
 * and folded/quoted scalars rewrite line breaks, so the value offset is mapped by occurrence: the k-th
 * occurrence of the text in the value is the k-th occurrence in the scalar's source. When the counts differ
 * (escapes, a header comment, text split over lines) the span falls back to the start of the scalar.
 */
export function spanInScalar(
  workflow: WorkflowModel,
  scalar: Scalar,
  value: string,
  offset: number,
  length: number,
): Span {
  const range = scalar.range;
  const needle = value.slice(offset, offset + length);
  if (!range || needle.length === 0 || needle.includes('\n')) return nodeSpan(workflow, scalar);
  const { valueOffsets, sourceOffsets } = occurrenceTable(workflow, scalar, value, needle);
  const k = valueOffsets.indexOf(offset);
  const at = sourceOffsets[k];
  if (k < 0 || sourceOffsets.length !== valueOffsets.length || at === undefined) return nodeSpan(workflow, scalar);
  const start = workflow.parsed.position(range[0] + at);
  const end = workflow.parsed.position(range[0] + at + needle.length);
  return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column };
}

interface OccurrenceTable {
  valueOffsets: number[];
  sourceOffsets: number[];
}

/** Occurrences of a needle in a scalar's value and source, computed once per scalar and needle. */
const occurrenceCache = new WeakMap<Scalar, Map<string, OccurrenceTable>>();

function occurrenceTable(workflow: WorkflowModel, scalar: Scalar, value: string, needle: string): OccurrenceTable {
  let perScalar = occurrenceCache.get(scalar);
  if (!perScalar) {
    perScalar = new Map();
    occurrenceCache.set(scalar, perScalar);
  }
  let table = perScalar.get(needle);
  if (!table) {
    const range = scalar.range!;
    table = {
      valueOffsets: occurrenceOffsets(value, needle),
      sourceOffsets: occurrenceOffsets(workflow.text.slice(range[0], range[1]), needle),
    };
    perScalar.set(needle, table);
  }
  return table;
}

function occurrenceOffsets(text: string, needle: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) out.push(i);
  return out;
}

export interface FindingInput {
  severity?: Severity;
  message: string;
  span: Span;
  job?: JobModel;
  key: string;
  fix?: string;
}

export function makeFinding(workflow: WorkflowModel, rule: RuleDefinition, input: FindingInput): RawFinding {
  const location: FileLocation = { path: workflow.path, ...input.span };
  if (input.job) location.object = input.job.id;
  const finding: RawFinding = {
    ruleId: rule.id,
    severity: input.severity ?? rule.severity,
    title: rule.title,
    message: input.message,
    location,
    key: input.key,
  };
  if (input.fix) finding.fix = input.fix;
  return finding;
}

/** A stable per-occurrence key part for a step (no line numbers). */
export function stepKey(job: JobModel, step: StepModel): string {
  return `${job.id}/${step.label}`;
}

/** Makes keys unique within one audit run by numbering repeats: `a`, `a#2`, `a#3`. */
export class KeyCounter {
  private readonly seen = new Map<string, number>();
  next(key: string): string {
    const n = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, n);
    return n === 1 ? key : `${key}#${n}`;
  }
}

export const ZIZMOR_AUDITS = 'https://docs.zizmor.sh/audits/';
export const SCORECARD_CHECKS = 'https://github.com/ossf/scorecard/blob/main/docs/checks.md';
/** GitHub's "Secure use reference" and "Script injections" pages for Actions. */
export const GITHUB_HARDENING = 'https://docs.github.com/en/actions/reference/security/secure-use';
export const GITHUB_SCRIPT_INJECTIONS = 'https://docs.github.com/en/actions/concepts/security/script-injections';
