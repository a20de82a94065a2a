import { readFile } from 'node:fs/promises';
import type { RawFinding } from '../../core/finding.js';
import type { Severity } from '../../core/severity.js';

/** Largest Trivy or Grype report read, in bytes. */
const MAX_REPORT_BYTES = 256 * 1024 * 1024;

export type ScannerReportKind = 'trivy' | 'grype';

export interface ImportedReport {
  findings: RawFinding[];
  notes: string[];
}

interface ImportedVulnerability {
  id: string;
  aliases: string[];
  severity: Severity;
  packageName: string;
  version: string;
  purl?: string;
  ecosystem: string;
  fixed: string[];
  title?: string;
  url?: string;
  path?: string;
  layer?: string;
}

const SEVERITY: Record<string, Severity> = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  moderate: 'medium',
  low: 'low',
  negligible: 'info',
  unknown: 'medium',
};

function severityOf(value: unknown): Severity {
  return (typeof value === 'string' ? SEVERITY[value.toLowerCase()] : undefined) ?? 'medium';
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Trivy `--format json`: Results[].Vulnerabilities[] of one artifact. */
function fromTrivy(report: Record<string, unknown>): { image: string; vulnerabilities: ImportedVulnerability[] } {
  const vulnerabilities: ImportedVulnerability[] = [];
  for (const result of array(report.Results).map(record)) {
    for (const v of array(result.Vulnerabilities).map(record)) {
      const id = text(v.VulnerabilityID);
      const name = text(v.PkgName);
      if (!id || !name) continue;
      const purl = text(record(v.PkgIdentifier).PURL);
      vulnerabilities.push({
        id,
        aliases: array(v.VendorIDs)
          .map(text)
          .filter((x): x is string => x !== undefined),
        severity: severityOf(v.Severity),
        packageName: name,
        version: text(v.InstalledVersion) ?? '',
        ...(purl ? { purl } : {}),
        ecosystem: text(result.Type) ?? 'unknown',
        fixed: (text(v.FixedVersion) ?? '').split(/,\s*/).filter(Boolean),
        ...(text(v.Title) ? { title: text(v.Title) } : {}),
        ...(text(v.PrimaryURL) ? { url: text(v.PrimaryURL) } : {}),
        ...(text(v.PkgPath) ? { path: `/${String(v.PkgPath).replace(/^\/+/, '')}` } : {}),
        ...(text(record(v.Layer).Digest) ? { layer: text(record(v.Layer).Digest) } : {}),
      });
    }
  }
  return { image: text(report.ArtifactName) ?? 'trivy report', vulnerabilities };
}

/** Grype `-o json`: matches[] with vulnerability, relatedVulnerabilities and artifact. */
function fromGrype(report: Record<string, unknown>): { image: string; vulnerabilities: ImportedVulnerability[] } {
  const vulnerabilities: ImportedVulnerability[] = [];
  for (const match of array(report.matches).map(record)) {
    const vulnerability = record(match.vulnerability);
    const artifact = record(match.artifact);
    const id = text(vulnerability.id);
    const name = text(artifact.name);
    if (!id || !name) continue;
    const location = record(array(artifact.locations)[0]);
    const purl = text(artifact.purl);
    const layer = text(location.layerID);
    vulnerabilities.push({
      id,
      aliases: array(match.relatedVulnerabilities)
        .map((r) => text(record(r).id))
        .filter((x): x is string => x !== undefined && x !== id),
      severity: severityOf(vulnerability.severity),
      packageName: name,
      version: text(artifact.version) ?? '',
      ...(purl ? { purl } : {}),
      ecosystem: text(artifact.type) ?? 'unknown',
      fixed: array(record(vulnerability.fix).versions)
        .map(text)
        .filter((x): x is string => x !== undefined),
      ...(text(vulnerability.dataSource) ? { url: text(vulnerability.dataSource) } : {}),
      ...(text(location.path) ? { path: text(location.path) } : {}),
      ...(layer && /^sha(256|512):[0-9a-f]+$/.test(layer) ? { layer } : {}),
    });
  }
  const target = record(record(report.source).target);
  return {
    image: text(target.userInput) ?? text(report.source && record(report.source).name) ?? 'grype report',
    vulnerabilities,
  };
}

/** The CVE id first: one advisory reported under several ids is one finding. */
function preferredId(v: ImportedVulnerability): { id: string; aliases: string[] } {
  const all = [v.id, ...v.aliases];
  const id = all.find((x) => x.startsWith('CVE-')) ?? v.id;
  return { id, aliases: [...new Set(all.filter((x) => x !== id))] };
}

function toFinding(kind: ScannerReportKind, image: string, v: ImportedVulnerability): RawFinding {
  const { id, aliases } = preferredId(v);
  const scanner = kind === 'trivy' ? 'Trivy' : 'Grype';
  const parts = [
    `${v.packageName} ${v.version} is affected by ${id}${v.title ? `: ${v.title}` : ''}.`,
    `Reported by ${scanner}, severity ${v.severity} as ${scanner} rated it.`,
    aliases.length > 0 ? `Also known as ${aliases.slice(0, 20).join(', ')}.` : '',
    v.fixed.length > 0 ? `Fixed in ${v.fixed.slice(0, 10).join(', ')}.` : 'No fixed version is known yet.',
    v.url ? `Advisory: ${v.url}` : '',
  ].filter(Boolean);
  return {
    ruleId: `vuln/${id}`,
    severity: v.severity,
    title: `${id} in ${v.packageName} ${v.version}`,
    message: parts.join(' '),
    location: { image, ...(v.layer ? { layer: v.layer } : {}), ...(v.path ? { path: v.path } : {}) },
    key: `${v.ecosystem}/${v.packageName}`,
    fix: v.fixed.length > 0 ? `upgrade ${v.packageName} to ${v.fixed[0]}` : 'no fix available yet',
    package: { ecosystem: v.ecosystem, name: v.packageName, version: v.version, ...(v.purl ? { purl: v.purl } : {}) },
    vulnerability: { id, aliases, fixed: v.fixed },
  };
}

/**
 * Reads a Trivy (`trivy image --format json`) or Grype (`grype -o json`) report instead of scanning, so a
 * team can keep its scanner and still get the gate, exceptions and the comment. Findings are taken as the
 * scanner reported them; `ignore-unfixed` applies.
 */
export async function importScannerReport(
  kind: ScannerReportKind,
  file: string,
  ignoreUnfixed: boolean,
): Promise<ImportedReport> {
  const buffer = await readFile(file);
  if (buffer.length > MAX_REPORT_BYTES)
    throw new Error(`${file} is ${buffer.length} bytes, over the ${MAX_REPORT_BYTES}-byte limit`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(buffer.toString('utf8'));
  } catch {
    throw new Error(
      `${file} is not JSON; give a report written with ${kind === 'trivy' ? 'trivy --format json' : 'grype -o json'}`,
    );
  }
  const report = record(parsed);
  const shapeOk =
    kind === 'trivy'
      ? Array.isArray(report.Results) || report.SchemaVersion !== undefined
      : Array.isArray(report.matches);
  if (!shapeOk) throw new Error(`${file} does not look like a ${kind === 'trivy' ? 'Trivy' : 'Grype'} JSON report`);
  const { image, vulnerabilities } = kind === 'trivy' ? fromTrivy(report) : fromGrype(report);
  const seen = new Set<string>();
  const findings: RawFinding[] = [];
  let unfixed = 0;
  for (const v of vulnerabilities) {
    if (ignoreUnfixed && v.fixed.length === 0) {
      unfixed++;
      continue;
    }
    const finding = toFinding(kind, image, v);
    const identity = `${finding.ruleId}|${v.ecosystem}/${v.packageName}|${v.path ?? ''}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    findings.push(finding);
  }
  const notes = [`${kind} report ${file}: ${vulnerabilities.length} vulnerability match(es) for ${image}`];
  if (unfixed > 0) notes.push(`${unfixed} without a fixed version not reported (ignore-unfixed)`);
  return { findings, notes };
}
