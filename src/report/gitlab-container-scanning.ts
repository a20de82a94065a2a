import type { Finding, ImageLocation } from '../core/finding.js';
import { isFileLocation } from '../core/finding.js';
import type { Severity } from '../core/severity.js';
import type { GateOutcome } from '../core/outcome.js';
import { TOOL_NAME, TOOL_URI, TOOL_VERSION } from '../version.js';

/** The container_scanning report schema version we write (security-report-schemas, vendored in test/schemas/). */
export const CONTAINER_SCANNING_SCHEMA_VERSION = '15.0.7';
/** Schema limits, in characters. */
const NAME_MAX_CHARS = 255;
const DESCRIPTION_MAX_CHARS = 1_048_576;
const SOLUTION_MAX_CHARS = 7000;

const SEVERITY: Record<Severity, 'Critical' | 'High' | 'Medium' | 'Low' | 'Info'> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

/** Distribution ecosystems of OSV (`Debian:12`, `Alpine:v3.19`...): the package belongs to the image's OS. */
const OS_ECOSYSTEMS =
  /^(AlmaLinux|Alpine|Amazon Linux|Azure Linux|Bitnami|Chainguard|Debian|Mageia|Mariner|openEuler|openSUSE|Photon OS|Red Hat|Rocky Linux|SUSE|Ubuntu|Wolfi)(?::|$)/i;

export interface ScanWindow {
  start: Date;
  end: Date;
}

/** `yyyy-mm-ddThh:mm:ss` in UTC, the only form the schema accepts (no zone, no fraction). */
function schemaTime(date: Date): string {
  return date.toISOString().slice(0, 19);
}

function plain(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex -- control characters from scanned data stay out of the report
  const flat = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A stable UUID-shaped id from the finding's fingerprint (the schema recommends a UUID). */
function uuidFrom(fingerprint: string): string {
  const hex = fingerprint
    .replace(/[^0-9a-f]/gi, '')
    .toLowerCase()
    .padEnd(32, '0')
    .slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function operatingSystem(ecosystem: string): string {
  return OS_ECOSYSTEMS.test(ecosystem) ? ecosystem.replace(':', ' ') : 'Unknown';
}

/** Identifier type and documentation URL for an advisory id, by its well-known prefix. */
export function identifier(id: string): { type: string; name: string; value: string; url: string } {
  const clean = plain(id, 200);
  const encoded = encodeURIComponent(clean);
  if (/^CVE-\d{4}-\d+$/i.test(clean))
    return { type: 'cve', name: clean, value: clean, url: `https://nvd.nist.gov/vuln/detail/${encoded}` };
  if (/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/i.test(clean))
    return { type: 'ghsa', name: clean, value: clean, url: `https://github.com/advisories/${encoded}` };
  const prefix = /^([A-Za-z]+)-/.exec(clean)?.[1]?.toLowerCase() ?? 'osv';
  return { type: prefix, name: clean, value: clean, url: `https://osv.dev/vulnerability/${encoded}` };
}

function status(finding: Finding): string {
  const parts = [finding.blocking ? 'blocking' : 'not blocking', finding.new ? 'new in this change' : 'existing'];
  if (finding.exception) {
    parts.push(
      finding.exception.expired
        ? `exception expired ${finding.exception.expires ?? ''}`.trim()
        : `excepted${finding.exception.expires ? ` until ${finding.exception.expires}` : ''}: ${finding.exception.reason}`,
    );
  }
  return plain(parts.join('; '), 2000);
}

function vulnerability(finding: Finding & { location: ImageLocation }) {
  const pkg = finding.package!;
  const advisory = finding.vulnerability;
  const ids = [advisory?.id ?? finding.ruleId.replace(/^vuln\//, ''), ...(advisory?.aliases ?? [])].filter(
    (id, index, all) => id.trim() !== '' && all.indexOf(id) === index,
  );
  const fixed = advisory?.fixed.filter(Boolean) ?? [];
  const solution = finding.fix ?? (fixed.length > 0 ? `Upgrade ${pkg.name} to ${fixed.join(' or ')}.` : undefined);
  return {
    id: uuidFrom(finding.fingerprint),
    name: plain(finding.title, NAME_MAX_CHARS),
    description: plain(finding.message, DESCRIPTION_MAX_CHARS),
    severity: SEVERITY[finding.severity],
    ...(solution ? { solution: plain(solution, SOLUTION_MAX_CHARS) } : {}),
    identifiers: ids.map(identifier),
    location: {
      dependency: { package: { name: plain(pkg.name, 1000) }, version: plain(pkg.version, 1000) },
      operating_system: operatingSystem(pkg.ecosystem),
      image: plain(finding.location.image, 1000) || 'unknown',
    },
    details: {
      containersec: { name: TOOL_NAME, type: 'text', value: status(finding) },
    },
  };
}

/** Vulnerability findings of the images check that the format can express: an image and a package. */
function reportable(finding: Finding): finding is Finding & { location: ImageLocation } {
  return finding.ruleId.startsWith('vuln/') && !isFileLocation(finding.location) && !!finding.package;
}

/**
 * gl-container-scanning-report.json (container_scanning schema 15.x): the images check's vulnerabilities,
 * excepted ones included with their state in `details` (GitLab keeps its own triage). A check that could
 * not finish is a `failure` scan with its errors as messages, so GitLab does not read "no vulnerabilities".
 */
export function renderGitlabContainerScanning(outcome: GateOutcome, window: ScanWindow): string {
  const images = outcome.result.checks.find((c) => c.id === 'images');
  const failed = images?.status === 'error';
  const messages = [
    ...(images?.errors ?? []).map((e) => ({ level: failed ? 'fatal' : 'warn', value: plain(e, 2000) || 'error' })),
    ...(images?.warnings ?? []).map((w) => ({ level: 'warn', value: plain(w, 2000) || 'warning' })),
    ...(!images || images.status === 'skipped'
      ? [{ level: 'info', value: 'Image scanning did not run in this pipeline.' }]
      : []),
  ];
  const analyzer = {
    id: TOOL_NAME,
    name: TOOL_NAME,
    url: TOOL_URI,
    vendor: { name: TOOL_NAME },
    version: TOOL_VERSION,
  };
  const report = {
    version: CONTAINER_SCANNING_SCHEMA_VERSION,
    scan: {
      analyzer,
      scanner: analyzer,
      type: 'container_scanning',
      status: failed ? 'failure' : 'success',
      start_time: schemaTime(window.start),
      end_time: schemaTime(window.end),
      ...(messages.length > 0 ? { messages } : {}),
    },
    vulnerabilities: (images?.findings ?? []).filter(reportable).map(vulnerability),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
