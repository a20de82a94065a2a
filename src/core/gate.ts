import type { InlineIgnoreUse } from './check.js';
import { didYouMean } from './did-you-mean.js';
import type {
  CheckId,
  CheckResult,
  CheckStatus,
  ExceptionRef,
  Finding,
  RawFinding,
  SkipInfo,
  Verdict,
} from './finding.js';
import { isFileLocation } from './finding.js';
import { aggregateFindings } from './aggregate.js';
import { compareSeverity, meetsThreshold } from './severity.js';
import type { RuleRegistry } from './rules.js';
import { family } from './rules.js';
import type { Policy, PolicyException } from '../policy/types.js';
import { exceptionCovers, isExpired } from '../policy/exceptions.js';
import { thresholdFor } from '../policy/thresholds.js';

/** What the runner hands the gate for one check. */
export interface CheckRun {
  id: CheckId;
  /** False when the check is disabled or not selected. */
  ran: boolean;
  /** Why it did not run, or (with `ran`) why it had nothing to examine. */
  skip?: SkipInfo;
  findings: RawFinding[];
  fingerprints: string[];
  errors: string[];
  /** Parts not examined although the policy lets the check go on (see CheckOutput.warnings). */
  warnings?: string[];
  notes: string[];
  /** Inline ignore comments the check read on the head revision, with the rules they suppressed. */
  inlineIgnores?: InlineIgnoreUse[];
  /** Fingerprints of the same check on the base revision; undefined when no base is known. */
  baseFingerprints?: ReadonlySet<string>;
  /** Fingerprints of this check's findings in a previous report (`--baseline`), for image and signature findings. */
  baselineFingerprints?: ReadonlySet<string>;
  durationMs?: number;
}

export interface StaleException {
  /** For an inline ignore comment: its rule id and reason, and `source` is the comment's place in the file. */
  exception: PolicyException;
  /** `unknown-rule`: an inline ignore names a rule id no check has. */
  reason: 'unmatched' | 'unknown-rule';
  /** A `# containersec:ignore` comment rather than a policy exception. */
  inline?: boolean;
  /** What is wrong with it, in one sentence. */
  detail?: string;
}

export interface GateResult {
  verdict: Verdict;
  checks: CheckResult[];
  /** Policy exceptions and inline ignore comments that matched no finding of a check that ran cleanly. */
  staleExceptions: StaleException[];
  /** Policy exceptions past their date that still matched findings (those findings count again). */
  expiredExceptions: PolicyException[];
}

export interface GateInput {
  runs: CheckRun[];
  policy: Policy;
  rules: RuleRegistry;
  /** Today as YYYY-MM-DD (UTC); injected so tests can pin it. */
  today: string;
}

function exceptionFor(
  raw: RawFinding,
  policy: Policy,
  today: string,
  used: Set<PolicyException>,
): { ref?: ExceptionRef; active: boolean } {
  if (raw.suppressed)
    return { ref: { reason: raw.suppressed.reason, source: raw.suppressed.source ?? 'inline' }, active: true };
  let expired: PolicyException | undefined;
  for (const exception of policy.exceptions) {
    if (!exceptionCovers(exception, raw)) continue;
    used.add(exception);
    if (isExpired(exception, today)) {
      expired ??= exception;
      continue;
    }
    return { ref: toRef(exception, false), active: true };
  }
  return expired ? { ref: toRef(expired, true), active: false } : { active: false };
}

function toRef(exception: PolicyException, expired: boolean): ExceptionRef {
  return {
    reason: exception.reason,
    ...(exception.expires ? { expires: exception.expires } : {}),
    ...(exception.owner ? { owner: exception.owner } : {}),
    ...(expired ? { expired: true } : {}),
    source: 'policy',
  };
}

function isNew(raw: RawFinding, fingerprint: string, run: CheckRun): boolean {
  // Image findings have no base revision to read: a previous report (`--baseline`) stands in for it, and
  // without one they count as new.
  const known = isFileLocation(raw.location) ? run.baseFingerprints : run.baselineFingerprints;
  return known ? !known.has(fingerprint) : true;
}

function decideFinding(run: CheckRun, index: number, input: GateInput, used: Set<PolicyException>): Finding {
  const raw = run.findings[index]!;
  const fingerprint = run.fingerprints[index]!;
  const { policy } = input;
  const newFinding = isNew(raw, fingerprint, run);
  const exception = exceptionFor(raw, policy, input.today, used);
  const aboveThreshold = meetsThreshold(raw.severity, thresholdFor(policy, run.id, raw.ruleId));
  // An expiry is a promise to look again: once it has passed, the finding counts whether it is new or not.
  const counts = newFinding || !policy.gate['new-only'] || exception.ref?.expired === true;
  const blocking = policy.mode === 'enforce' && aboveThreshold && counts && !exception.active && !raw.warnOnly;
  const { suppressed: _suppressed, key: _key, warnOnly: _warnOnly, group: _group, ...rest } = raw;
  return { ...rest, fingerprint, new: newFinding, blocking, ...(exception.ref ? { exception: exception.ref } : {}) };
}

function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      Number(b.blocking) - Number(a.blocking) ||
      compareSeverity(a.severity, b.severity) ||
      Number(b.new) - Number(a.new) ||
      a.ruleId.localeCompare(b.ruleId) ||
      a.fingerprint.localeCompare(b.fingerprint),
  );
}

function checkStatus(run: CheckRun, findings: Finding[], policy: Policy): CheckStatus {
  if (!run.ran) return 'skipped';
  const onError = policy.checks[run.id]['on-error'] ?? policy['on-error'];
  if (run.errors.length > 0 && onError === 'fail' && policy.mode === 'enforce') return 'error';
  if (findings.some((f) => f.blocking)) return 'fail';
  const incomplete = run.errors.length > 0 || (run.warnings ?? []).length > 0;
  if (run.skip && findings.length === 0 && !incomplete) return 'skipped';
  const open = findings.some((f) => !f.exception || f.exception.expired);
  return open || incomplete ? 'warn' : 'pass';
}

const VERDICT_ORDER: Verdict[] = ['error', 'fail', 'warn', 'pass'];

/**
 * The worst check status wins. Stale exceptions turn a pass into a warning, and so does a gate where every
 * check was skipped: it checked nothing, which must not read as a green pass.
 */
export function overallVerdict(statuses: CheckStatus[], hasStale: boolean): Verdict {
  for (const verdict of VERDICT_ORDER) {
    if (statuses.includes(verdict)) return verdict === 'pass' && hasStale ? 'warn' : verdict;
  }
  return 'warn';
}

function isStale(
  exception: PolicyException,
  used: Set<PolicyException>,
  cleanChecks: Set<CheckId>,
  rules: RuleRegistry,
): boolean {
  if (used.has(exception)) return false;
  const rule = rules.get(exception.rule);
  const checks = rule
    ? [rule.check]
    : rules
        .all()
        .filter((r) => family(r.id) === family(exception.rule))
        .map((r) => r.check);
  // Only call an exception stale when every check that could have matched it ran without errors.
  return checks.length > 0 && checks.every((check) => cleanChecks.has(check));
}

/**
 * Inline ignore comments that suppressed nothing, judged like stale policy exceptions: a rule id no check
 * knows always, a known one only when its own check read the comment and ran cleanly. Several checks may
 * read one file; a rule counts as used when any of them used it.
 */
function unusedInlineIgnores(runs: CheckRun[], rules: RuleRegistry, cleanChecks: Set<CheckId>): StaleException[] {
  const byPlace = new Map<string, { use: InlineIgnoreUse; used: Set<string>; readBy: Set<CheckId> }>();
  for (const run of runs) {
    for (const use of run.inlineIgnores ?? []) {
      const place = `${use.path}\0${use.line}`;
      const entry = byPlace.get(place) ?? { use, used: new Set<string>(), readBy: new Set<CheckId>() };
      for (const rule of use.used) entry.used.add(rule);
      entry.readBy.add(run.id);
      byPlace.set(place, entry);
    }
  }
  const stale: StaleException[] = [];
  for (const { use, used, readBy } of byPlace.values()) {
    const exception = (rule: string): PolicyException => ({
      rule,
      reason: use.reason,
      source: { file: use.path, line: use.line, column: use.column },
    });
    for (const rule of use.rules) {
      if (used.has(rule)) continue;
      const definition = rules.get(rule);
      if (!definition) {
        const suggestion = didYouMean(
          rule,
          rules.all().map((r) => r.id),
        );
        stale.push({
          exception: exception(rule),
          reason: 'unknown-rule',
          inline: true,
          detail: `no rule has the id ${rule}${suggestion ? `; did you mean ${suggestion}?` : ''}`,
        });
      } else if (readBy.has(definition.check) && cleanChecks.has(definition.check)) {
        stale.push({
          exception: exception(rule),
          reason: 'unmatched',
          inline: true,
          detail: `no ${rule} finding on ${use.standalone ? 'this line or the next' : 'this line'}`,
        });
      }
    }
  }
  return stale;
}

/** Applies thresholds, exceptions and new-vs-existing to every check's findings: the verdict. */
export function applyGate(input: GateInput): GateResult {
  const used = new Set<PolicyException>();
  const checks: CheckResult[] = input.runs.map((run) => {
    const decided = run.findings.map((raw, index) => ({
      finding: decideFinding(run, index, input, used),
      ...(raw.group ? { group: raw.group } : {}),
    }));
    const findings = sortFindings(aggregateFindings(decided));
    const status = checkStatus(run, findings, input.policy);
    // A check that was asked to skip but still reported something keeps the reason as a note.
    const notes = run.skip && status !== 'skipped' ? [run.skip.reason, ...run.notes] : run.notes;
    return {
      id: run.id,
      status,
      errors: run.errors,
      warnings: run.warnings ?? [],
      ...(status === 'skipped' && run.skip ? { skip: run.skip } : {}),
      notes,
      findings,
      ...(run.durationMs !== undefined ? { durationMs: run.durationMs } : {}),
    };
  });
  const cleanChecks = new Set(input.runs.filter((r) => r.ran && r.errors.length === 0).map((r) => r.id));
  const staleExceptions: StaleException[] = [
    ...input.policy.exceptions
      .filter((exception) => isStale(exception, used, cleanChecks, input.rules))
      .map((exception) => ({ exception, reason: 'unmatched' as const })),
    ...unusedInlineIgnores(input.runs, input.rules, cleanChecks),
  ];
  const expiredExceptions = input.policy.exceptions.filter((e) => used.has(e) && isExpired(e, input.today));
  return {
    verdict: overallVerdict(
      checks.map((c) => c.status),
      staleExceptions.length > 0,
    ),
    checks,
    staleExceptions,
    expiredExceptions,
  };
}
