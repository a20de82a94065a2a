import type { Severity } from '../core/severity.js';
import { cvss2BaseScore, cvss3BaseScore, ratingFromScore, ratingFromV2Score, type CvssRating } from './cvss.js';
import { cvss4Score } from './cvss4.js';
import { identityIds, type OsvAffected, type OsvRecord, type OsvSeverity } from './osv.js';

/**
 * The severity of a vulnerability for the report and the `fail-on` gate, from the best source available
 * (docs/vulnerabilities.md explains the order to users):
 *  1. `MAL-` records (malicious packages, OpenSSF malicious-packages) are always critical.
 *  2. The distribution's own rating of the matched entries: Debian's urgency (`ecosystem_specific.urgency`
 *     of osv.dev's Debian records), Ubuntu's priority (severity type `Ubuntu`). It wins over CVSS, also when
 *     it is lower (`unimportant`, `negligible`): the distribution rates the package it built and ships, and
 *     its security team patches by that rating (Trivy does the same for OS packages). The CVSS it overrode
 *     is kept in `overridden` so the message can say so.
 *  3. CVSS vectors scored with the FIRST specifications (`affected[].severity` of the matched entries
 *     first, then the record's `severity`): v3.x first (the most widely populated), then v4.0 (MacroVector
 *     lookup, ./cvss4.ts), then v2 (which has no critical band). Within one version the highest score
 *     counts: several vectors of one version come in no meaningful order.
 *  4. Other textual severities: `database_specific.severity` (GHSA CRITICAL/HIGH/MODERATE/LOW,
 *     Alpine/Chainguard/AlmaLinux levels) of the entries, then of the record, and `ecosystem_specific.severity`.
 *  5. Nothing usable: `unknown: true` (ranked `medium` for the gate). The caller then looks for the CVSS
 *     of the record's CVE in other records of the same data (`scoreFromRecords`), and says "unknown" when
 *     there is none.
 */
export interface SeverityAssessment {
  severity: Severity;
  /** e.g. `CVSS_V3 9.8`, `database_specific HIGH`, `Debian urgency high`, `MAL`, `unknown`. */
  source: string;
  score?: number;
  /** No rating anywhere in the record: `severity` is only a rank for the gate, shown as "unknown". */
  unknown?: true;
  /** A CVSS rating the distribution's own rating took precedence over, e.g. `CVSS_V3 9.8`. */
  overridden?: string;
}

const RATING: Record<CvssRating, Severity> = {
  none: 'info',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

/** Textual levels used across OSV databases, lower-cased. */
const TEXT_LEVELS: Record<string, Severity> = {
  critical: 'critical',
  high: 'high',
  important: 'high',
  moderate: 'medium',
  medium: 'medium',
  low: 'low',
  negligible: 'info',
  unimportant: 'info',
  none: 'info',
};

/**
 * Scores by vector string. Scoring is pure, and a scan sees the same few hundred vectors thousands of times
 * (one per matched record); the memo is bounded so hostile data cannot grow it without limit.
 */
const MAX_MEMO = 50_000;
const memo = new Map<string, number | undefined>();
function memoized(type: string, vector: string, score: (v: string) => number | undefined): number | undefined {
  if (vector.length > 512) return score(vector);
  const key = `${type}\u0000${vector}`;
  if (memo.has(key)) return memo.get(key);
  if (memo.size >= MAX_MEMO) memo.clear();
  const value = score(vector);
  memo.set(key, value);
  return value;
}

/**
 * The highest score among the vectors of one CVSS version, from the first tier that has one (the matched
 * entries' own vectors, then the record's). A list often carries several (the NVD's and the CNA's, one per
 * matched entry); their order means nothing, so the worst one counts.
 */
function highest(tiers: OsvSeverity[][], type: string, score: (v: string) => number | undefined): number | undefined {
  for (const vectors of tiers) {
    let best: number | undefined;
    for (const s of vectors) {
      if (s.type !== type) continue;
      const value = memoized(type, s.score, score);
      if (value !== undefined && (best === undefined || value > best)) best = value;
    }
    if (best !== undefined) return best;
  }
  return undefined;
}

/** Debian urgencies and Ubuntu priorities that are no rating: `not yet assigned`, `end-of-life`, `untriaged`. */
function distroRating(record: OsvRecord, matched: OsvAffected[]): SeverityAssessment | undefined {
  for (const a of matched) {
    const urgency = a.ecosystem_specific?.urgency;
    // Debian marks urgencies it has not reviewed yet with a trailing `*` (e.g. `low*`): still its rating.
    const level =
      typeof urgency === 'string' ? TEXT_LEVELS[urgency.trim().toLowerCase().replace(/\*+$/, '')] : undefined;
    if (level) return { severity: level, source: `Debian urgency ${String(urgency)}` };
  }
  for (const s of [...matched.flatMap((a) => a.severity ?? []), ...(record.severity ?? [])]) {
    const level = s.type === 'Ubuntu' ? TEXT_LEVELS[s.score.trim().toLowerCase()] : undefined;
    if (level) return { severity: level, source: `Ubuntu priority ${s.score}` };
  }
  return undefined;
}

/** The CVSS rating of the vectors, v3 before v4 before v2 (see the order above). */
function cvssRating(vectors: OsvSeverity[][]): SeverityAssessment | undefined {
  const v3 = highest(vectors, 'CVSS_V3', cvss3BaseScore);
  if (v3 !== undefined) return { severity: RATING[ratingFromScore(v3)], source: `CVSS_V3 ${v3.toFixed(1)}`, score: v3 };
  const v4 = highest(vectors, 'CVSS_V4', cvss4Score);
  if (v4 !== undefined) return { severity: RATING[ratingFromScore(v4)], source: `CVSS_V4 ${v4.toFixed(1)}`, score: v4 };
  const v2 = highest(vectors, 'CVSS_V2', cvss2BaseScore);
  if (v2 !== undefined)
    return { severity: RATING[ratingFromV2Score(v2)], source: `CVSS_V2 ${v2.toFixed(1)}`, score: v2 };
  return undefined;
}

export function assessSeverity(record: OsvRecord, matched: OsvAffected[] = []): SeverityAssessment {
  if (record.id.startsWith('MAL-')) return { severity: 'critical', source: 'MAL (malicious package)' };
  const vectors: OsvSeverity[][] = [matched.flatMap((a) => a.severity ?? []), record.severity ?? []];
  const cvss = cvssRating(vectors);
  const distro = distroRating(record, matched);
  if (distro) return cvss && cvss.severity !== distro.severity ? { ...distro, overridden: cvss.source } : distro;
  if (cvss) return cvss;
  const textual: [unknown, string][] = [
    ...matched.map((a): [unknown, string] => [a.database_specific?.severity, 'database_specific']),
    [record.database_specific?.severity, 'database_specific'],
    ...matched.map((a): [unknown, string] => [a.ecosystem_specific?.severity, 'ecosystem_specific']),
  ];
  for (const [value, label] of textual) {
    if (typeof value !== 'string') continue;
    const level = TEXT_LEVELS[value.trim().toLowerCase().replace(/\*+$/, '')];
    if (level) return { severity: level, source: `${label} ${value}` };
  }
  return { severity: 'medium', source: 'unknown', unknown: true };
}

/**
 * The CVSS rating of `cve` from other records of the same data that carry vectors for it (the CVE's own
 * record, a GHSA aliasing it), the highest when several do; undefined when none does.
 */
export function scoreFromRecords(cve: string, records: readonly OsvRecord[]): SeverityAssessment | undefined {
  let best: SeverityAssessment | undefined;
  for (const record of records) {
    if (!identityIds(record).some((id) => id.toUpperCase() === cve.toUpperCase())) continue;
    const rating = cvssRating([
      [...(record.severity ?? []), ...(record.affected ?? []).flatMap((a) => a.severity ?? [])],
    ]);
    if (rating && (best === undefined || (rating.score ?? 0) > (best.score ?? 0)))
      best = { ...rating, source: `${rating.source} of ${cve} from ${record.id}` };
  }
  return best;
}
