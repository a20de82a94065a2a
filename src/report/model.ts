import type { CheckId, CheckResult, CheckStatus, Finding, SkipInfo, Verdict } from '../core/finding.js';
import { CHECK_IDS, isFileLocation } from '../core/finding.js';
import type { GateOutcome } from '../core/outcome.js';
import { compareSeverity, SEVERITIES } from '../core/severity.js';
import type { Severity } from '../core/severity.js';
import type { PolicyException } from '../policy/types.js';
import { TOOL_NAME, TOOL_URI, TOOL_VERSION } from '../version.js';

/** Days before expiry when an exception is highlighted in the report. */
export const EXPIRY_WARNING_DAYS = 14;

export const CHECK_TITLES: Record<CheckId, string> = {
  hardening: 'Build environment',
  images: 'Images',
  manifests: 'Manifests',
  signatures: 'Signatures',
};

export interface FindingView {
  check: CheckId;
  finding: Finding;
  /** `deploy/web.yaml:12:7` or `ghcr.io/acme/web@sha256:… /usr/lib/…`. */
  locationText: string;
  /** Link to the exact line at the head revision, when the platform gave us a way to build one. */
  url?: string;
  /** The rule's documentation page. */
  ruleUrl: string;
  /** The advisory page of the finding's vulnerability id, built by us from the id (never from scanned data). */
  advisoryUrl?: string;
  expiresSoon: boolean;
  /** `k8s/host-port` or, for a finding that stands for several rules, `k8s/host-port + pss/hostPorts`. */
  ruleText: string;
  /** The object, or for an aggregated finding the objects it applies to (`build, test, lint (3)`). */
  objectText?: string;
}

/** Objects named in the text of one aggregated finding; the JSON report lists them all. */
export const MAX_OBJECTS_SHOWN = 10;

function objectText(finding: Finding): string | undefined {
  const objects = finding.objects ?? (isFileLocation(finding.location) ? [finding.location.object] : []);
  const named = objects.filter((o): o is string => !!o);
  if (named.length <= 1) return named[0];
  const shown = named.slice(0, MAX_OBJECTS_SHOWN).join(', ');
  const more = named.length > MAX_OBJECTS_SHOWN ? ` and ${named.length - MAX_OBJECTS_SHOWN} more` : '';
  return `${shown}${more} (${named.length})`;
}

export interface CheckSummary {
  id: CheckId;
  title: string;
  status: CheckStatus;
  /** The status in words: `pass`, `warn`, ... or, for a skipped check, why ("not configured"). */
  statusText: string;
  /** What the check could not examine (status warn). */
  warnings: string[];
  skip?: SkipInfo;
  blocking: number;
  newCount: number;
  total: number;
  bySeverity: Record<Severity, number>;
  errors: string[];
  notes: string[];
}

/** Notes shown per check in the comment's "What was checked" section; the JSON report keeps all of them. */
export const MAX_NOTES_PER_CHECK = 20;

/** A policy exception or inline ignore comment that matches nothing. */
export interface StaleView extends PolicyException {
  /** A `# containersec:ignore` comment; `source` is where it is written. */
  inline: boolean;
  detail?: string;
}

export interface ReportModel {
  verdict: Verdict;
  /** Any check has notes (what it looked at, who signed what, what it could not see). */
  hasNotes: boolean;
  /** Checks that were skipped or had nothing to examine, with how to turn them on. */
  skipped: CheckSummary[];
  headline: string;
  checks: CheckSummary[];
  blocking: FindingView[];
  /** Not blocking, not excepted, introduced by this change. */
  newFindings: FindingView[];
  /** Not blocking, not excepted, already present before this change. */
  existing: { check: CheckId; title: string; findings: FindingView[] }[];
  excepted: FindingView[];
  expiredExceptions: PolicyException[];
  staleExceptions: StaleView[];
  notices: string[];
  counts: { total: number; blocking: number; new: number; excepted: number; bySeverity: Record<Severity, number> };
  footer: { tool: string; version: string; policy: string; base?: string; runUrl?: string };
  /** Hidden marker that identifies our comment; keyed by tool and job. */
  marker: string;
}

export interface ModelOptions {
  /** Builds a link to a file line at the head revision. */
  fileUrl?: (path: string, line?: number) => string | undefined;
  runUrl?: string;
  /** Distinguishes comments of parallel jobs (workflow/job/matrix). */
  commentKey?: string;
  today: string;
}

function zeroCounts(): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
}

export function locationText(finding: Finding): string {
  const location = finding.location;
  if (isFileLocation(location)) {
    const line = location.startLine
      ? `:${location.startLine}${location.startColumn ? `:${location.startColumn}` : ''}`
      : '';
    return `${location.path}${line}`;
  }
  return [location.image, location.path].filter(Boolean).join(' ');
}

function daysUntil(date: string, today: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

/** Where a vulnerability id is explained: GitHub for GHSA, NVD for CVE, OSV for every other OSV id. */
export function advisoryUrl(id: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9._-]{1,80}$/.test(id)) return undefined;
  if (/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/.test(id)) return `https://github.com/advisories/${id}`;
  if (/^CVE-\d{4}-\d{4,}$/.test(id)) return `https://nvd.nist.gov/vuln/detail/${id}`;
  return `https://osv.dev/vulnerability/${id}`;
}

export function ruleUrl(ruleId: string): string {
  const page = ruleId.startsWith('vuln/') ? 'vuln/README' : ruleId.replace(/[^\w./-]/g, '_').replace(/\.\.+/g, '_');
  return `${TOOL_URI}/blob/main/docs/rules/${page}.md`;
}

function view(check: CheckId, finding: Finding, options: ModelOptions): FindingView {
  const location = finding.location;
  const url = isFileLocation(location) ? options.fileUrl?.(location.path, location.startLine) : undefined;
  const expires = finding.exception?.expires;
  const soon = !!expires && !finding.exception?.expired && daysUntil(expires, options.today) <= EXPIRY_WARNING_DAYS;
  const objects = objectText(finding);
  const advisory = finding.vulnerability ? advisoryUrl(finding.vulnerability.id) : undefined;
  return {
    check,
    finding,
    locationText: locationText(finding),
    ...(url ? { url } : {}),
    ruleUrl: ruleUrl(finding.ruleId),
    ...(advisory ? { advisoryUrl: advisory } : {}),
    expiresSoon: soon,
    ruleText: [finding.ruleId, ...(finding.relatedRuleIds ?? [])].join(' + '),
    ...(objects ? { objectText: objects } : {}),
  };
}

function summarize(check: CheckResult): CheckSummary {
  const bySeverity = zeroCounts();
  for (const finding of check.findings)
    if (!finding.exception || finding.exception.expired) bySeverity[finding.severity]++;
  return {
    id: check.id,
    title: CHECK_TITLES[check.id],
    status: check.status,
    statusText: check.status === 'skipped' ? (check.skip?.label ?? 'skipped') : check.status,
    warnings: check.warnings,
    ...(check.skip ? { skip: check.skip } : {}),
    blocking: check.findings.filter((f) => f.blocking).length,
    newCount: check.findings.filter((f) => f.new && (!f.exception || f.exception.expired)).length,
    total: check.findings.length,
    bySeverity,
    errors: check.errors,
    notes:
      check.notes.length > MAX_NOTES_PER_CHECK
        ? [
            ...check.notes.slice(0, MAX_NOTES_PER_CHECK),
            `… and ${check.notes.length - MAX_NOTES_PER_CHECK} more (see the JSON report)`,
          ]
        : check.notes,
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One sentence that says what the verdict rests on: a pass never hides what was not checked. */
function headline(
  verdict: Verdict,
  counts: { blocking: number; open: number; excepted: number; stale: number },
  checks: CheckSummary[],
): string {
  const ran = checks.filter((c) => c.status !== 'skipped');
  switch (verdict) {
    case 'fail':
      return `Blocked: ${plural(counts.blocking, 'finding')} must be fixed or excepted before merging.`;
    case 'error': {
      const failed = checks.filter((c) => c.status === 'error').map((c) => c.title.toLowerCase());
      return `Blocked: the ${failed.join(' and ')} check${failed.length === 1 ? '' : 's'} could not finish, and the gate fails closed.`;
    }
    case 'warn': {
      if (ran.length === 0)
        return 'Nothing was checked: every check was skipped or had nothing to examine (each says how to turn it on).';
      const incomplete = ran
        .filter((c) => c.warnings.length > 0 || c.errors.length > 0)
        .map((c) => c.title.toLowerCase());
      const reasons = [
        ...(incomplete.length > 0
          ? [`the ${incomplete.join(' and ')} check${incomplete.length === 1 ? '' : 's'} did not check everything`]
          : []),
        ...(counts.open > 0
          ? [`there ${counts.open === 1 ? 'is 1 finding' : `are ${counts.open} findings`} to look at`]
          : []),
        ...(counts.stale > 0 ? [`${plural(counts.stale, 'stale exception')} to remove`] : []),
      ];
      return `Passed with warnings: nothing blocks this merge, but ${reasons.join(', and ') || 'there are warnings'}.`;
    }
    case 'pass': {
      const excepted = counts.excepted > 0 ? ` (${counts.excepted} excepted)` : '';
      const skipped = checks
        .filter((c) => c.status === 'skipped')
        .map((c) => `${c.title.toLowerCase()} (${c.statusText})`);
      return `Passed: no findings${excepted}${skipped.length > 0 ? `; not checked: ${skipped.join(', ')}` : ''}.`;
    }
  }
}

/** The one render model every format (markdown, text, job summary) is rendered from. */
export function buildReportModel(outcome: GateOutcome, options: ModelOptions): ReportModel {
  const { result } = outcome;
  const views = result.checks.flatMap((check) => check.findings.map((f) => view(check.id, f, options)));
  const active = (v: FindingView) => !v.finding.exception || v.finding.exception.expired === true;
  // Across checks, the most severe first: a reviewer reads the top of the list.
  const bySeverityFirst = (a: FindingView, b: FindingView) => compareSeverity(a.finding.severity, b.finding.severity);
  const blocking = views.filter((v) => v.finding.blocking).sort(bySeverityFirst);
  const open = views.filter((v) => active(v) && !v.finding.blocking).sort(bySeverityFirst);
  const checks = result.checks.map(summarize);
  const bySeverity = zeroCounts();
  for (const v of views) if (active(v)) bySeverity[v.finding.severity]++;
  const excepted = views.filter((v) => !active(v)).length;
  return {
    verdict: result.verdict,
    hasNotes: checks.some((c) => c.notes.length > 0),
    skipped: checks.filter((c) => c.status === 'skipped'),
    headline: headline(
      result.verdict,
      { blocking: blocking.length, open: open.length, excepted, stale: result.staleExceptions.length },
      checks,
    ),
    checks,
    blocking,
    newFindings: open.filter((v) => v.finding.new),
    existing: CHECK_IDS.map((id) => ({
      check: id,
      title: CHECK_TITLES[id],
      findings: open.filter((v) => v.check === id && !v.finding.new),
    })).filter((group) => group.findings.length > 0),
    excepted: views.filter((v) => !active(v)),
    expiredExceptions: result.expiredExceptions,
    staleExceptions: result.staleExceptions.map((s) => ({
      ...s.exception,
      inline: s.inline === true,
      ...(s.detail ? { detail: s.detail } : {}),
    })),
    notices: outcome.notices,
    counts: {
      total: views.length,
      blocking: blocking.length,
      new: views.filter((v) => v.finding.new && active(v)).length,
      excepted,
      bySeverity,
    },
    footer: {
      tool: TOOL_NAME,
      version: TOOL_VERSION,
      policy: outcome.policy.file ?? 'built-in recommended policy',
      ...(outcome.baseCommit ? { base: outcome.baseCommit } : {}),
      ...(options.runUrl ? { runUrl: options.runUrl } : {}),
    },
    marker: `<!-- containersec:comment key=${(options.commentKey ?? 'default').replace(/[^\w./:-]/g, '_')} -->`,
  };
}
