import type { Finding, FileLocation } from '../core/finding.js';
import { isFileLocation } from '../core/finding.js';
import type { Severity } from '../core/severity.js';
import type { GateOutcome } from '../core/outcome.js';

/** Code Quality severities (GitLab's "Implement a custom tool" table), ours mapped one step apart. */
const SEVERITY: Record<Severity, 'blocker' | 'critical' | 'major' | 'minor' | 'info'> = {
  critical: 'blocker',
  high: 'critical',
  medium: 'major',
  low: 'minor',
  info: 'info',
};

const DESCRIPTION_MAX_CHARS = 2000;

function plain(text: string): string {
  const flat = text
    .replace(/[\r\n\t]+/g, ' ')
    // eslint-disable-next-line no-control-regex -- control characters from scanned files stay out of the report
    .replace(/[\u0000-\u001f\u007f]/g, '');
  return flat.length > DESCRIPTION_MAX_CHARS ? `${flat.slice(0, DESCRIPTION_MAX_CHARS - 1)}…` : flat;
}

function issue(finding: Finding & { location: FileLocation }) {
  const where = [finding.location.object, finding.location.container && `container ${finding.location.container}`]
    .filter(Boolean)
    .join(', ');
  return {
    description: plain(`${finding.title}: ${finding.message}${where ? ` (${where})` : ''}`),
    check_name: finding.ruleId,
    fingerprint: finding.fingerprint,
    severity: SEVERITY[finding.severity],
    location: {
      path: finding.location.path,
      lines: { begin: finding.location.startLine && finding.location.startLine > 0 ? finding.location.startLine : 1 },
    },
  };
}

function reportable(finding: Finding): finding is Finding & { location: FileLocation } {
  const excepted = !!finding.exception && !finding.exception.expired;
  return isFileLocation(finding.location) && finding.location.path !== '' && !excepted;
}

/**
 * gl-code-quality-report.json: every open finding with a file location (manifests, hardening), for the
 * merge-request widget on every tier. Excepted findings are left out, as they are accepted. Fingerprints
 * are ours, which ignore line numbers, so GitLab's base-vs-head comparison shows only what the MR changed.
 */
export function renderCodeQuality(outcome: GateOutcome): string {
  const issues = outcome.result.checks.flatMap((check) => check.findings.filter(reportable).map(issue));
  return `${JSON.stringify(issues, null, 2)}\n`;
}
