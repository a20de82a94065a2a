import type { CheckId, CheckResult, CheckStatus, ExceptionRef, Finding, RawFinding, Verdict } from './finding.js';
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
  skipReason?: string;
  findings: RawFinding[];
  fingerprints: string[];
  errors: string[];
  notes: string[];
  /** Fingerprints of the same check on the base revision; undefined when no base is known. */
  baseFingerprints?: ReadonlySet<string>;
  /** Fingerprints of this check's findings in a previous report (`--baseline`), for image and signature findings. */
  baselineFingerprints?: ReadonlySet<string>;
  durationMs?: number;
}

export interface StaleException {
  exception: PolicyException;
  reason: 'unmatched';
}

export interface GateResult {
  verdict: Verdict;
  checks: CheckResult[];
  /** Policy exceptions that matched no finding of a check that ran cleanly. */
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
  if (raw.suppressed) return { ref: { reason: raw.suppressed.reason, source: 'inline' }, active: true };
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
  const counts = newFinding || !policy.gate['new-only'];
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
  const open = findings.some((f) => !f.exception || f.exception.expired);
  return open || run.errors.length > 0 ? 'warn' : 'pass';
}

const VERDICT_ORDER: Verdict[] = ['error', 'fail', 'warn', 'pass'];

export function overallVerdict(statuses: CheckStatus[], hasStale: boolean): Verdict {
  for (const verdict of VERDICT_ORDER) {
    if (statuses.includes(verdict)) return verdict === 'pass' && hasStale ? 'warn' : verdict;
  }
  return hasStale ? 'warn' : 'pass';
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

/** Applies thresholds, exceptions and new-vs-existing to every check's findings: the verdict. */
export function applyGate(input: GateInput): GateResult {
  const used = new Set<PolicyException>();
  const checks: CheckResult[] = input.runs.map((run) => {
    const decided = run.findings.map((raw, index) => ({
      finding: decideFinding(run, index, input, used),
      ...(raw.group ? { group: raw.group } : {}),
    }));
    const findings = sortFindings(aggregateFindings(decided));
    const notes = run.skipReason ? [run.skipReason, ...run.notes] : run.notes;
    return {
      id: run.id,
      status: checkStatus(run, findings, input.policy),
      errors: run.errors,
      notes,
      findings,
      ...(run.durationMs !== undefined ? { durationMs: run.durationMs } : {}),
    };
  });
  const cleanChecks = new Set(input.runs.filter((r) => r.ran && r.errors.length === 0).map((r) => r.id));
  const staleExceptions = input.policy.exceptions
    .filter((exception) => isStale(exception, used, cleanChecks, input.rules))
    .map((exception) => ({ exception, reason: 'unmatched' as const }));
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
