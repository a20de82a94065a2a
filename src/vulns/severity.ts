import type { Severity } from '../core/severity.js';
import { cvss2BaseScore, cvss3BaseScore, ratingFromScore, ratingFromV2Score, type CvssRating } from './cvss.js';
import { cvss4Score } from './cvss4.js';
import type { OsvAffected, OsvRecord, OsvSeverity } from './osv.js';

/**
 * The severity of a vulnerability for the report and the `fail-on` gate, from the best source available:
 *  1. `MAL-` records (malicious packages, OpenSSF malicious-packages) are always critical.
 *  2. CVSS vectors scored with the FIRST specifications (`affected[].severity` of the matched entries
 *     first, then the record's `severity`): v3.x first (the most widely populated), then v4.0 (MacroVector
 *     lookup, ./cvss4.ts), then v2 (which has no critical band). Within one version the highest score
 *     counts: several vectors of one version come in no meaningful order.
 *  3. Textual severities: the `Ubuntu` severity type (priority), `database_specific.severity` (GHSA
 *     CRITICAL/HIGH/MODERATE/LOW, Debian urgency, Alpine/Chainguard/AlmaLinux levels) of the entries, then
 *     of the record, and `ecosystem_specific.severity`.
 *  4. Nothing usable: `medium`, source `unscored` (callers may look the aliases up elsewhere).
 */
export interface SeverityAssessment {
  severity: Severity;
  /** e.g. `CVSS_V3 9.8`, `database_specific HIGH`, `MAL`, `unscored`. */
  source: string;
  score?: number;
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

export function assessSeverity(record: OsvRecord, matched: OsvAffected[] = []): SeverityAssessment {
  if (record.id.startsWith('MAL-')) return { severity: 'critical', source: 'MAL (malicious package)' };
  const vectors: OsvSeverity[][] = [matched.flatMap((a) => a.severity ?? []), record.severity ?? []];

  const v3 = highest(vectors, 'CVSS_V3', cvss3BaseScore);
  if (v3 !== undefined) return { severity: RATING[ratingFromScore(v3)], source: `CVSS_V3 ${v3.toFixed(1)}`, score: v3 };
  const v4 = highest(vectors, 'CVSS_V4', cvss4Score);
  if (v4 !== undefined) return { severity: RATING[ratingFromScore(v4)], source: `CVSS_V4 ${v4.toFixed(1)}`, score: v4 };
  const v2 = highest(vectors, 'CVSS_V2', cvss2BaseScore);
  if (v2 !== undefined)
    return { severity: RATING[ratingFromV2Score(v2)], source: `CVSS_V2 ${v2.toFixed(1)}`, score: v2 };
  for (const s of vectors.flat()) {
    const level = s.type === 'Ubuntu' ? TEXT_LEVELS[s.score.trim().toLowerCase()] : undefined;
    if (level) return { severity: level, source: `Ubuntu priority ${s.score}` };
  }
  const textual: [unknown, string][] = [
    ...matched.map((a): [unknown, string] => [a.database_specific?.severity, 'database_specific']),
    [record.database_specific?.severity, 'database_specific'],
    ...matched.map((a): [unknown, string] => [a.ecosystem_specific?.severity, 'ecosystem_specific']),
    // Debian's security tracker rates its advisories by urgency (unimportant, low, medium, high).
    ...matched.map((a): [unknown, string] => [a.ecosystem_specific?.urgency, 'Debian urgency']),
  ];
  for (const [value, label] of textual) {
    if (typeof value !== 'string') continue;
    const level = TEXT_LEVELS[value.trim().toLowerCase().replace(/\*+$/, '')];
    if (level) return { severity: level, source: `${label} ${value}` };
  }
  return { severity: 'medium', source: 'unscored' };
}
