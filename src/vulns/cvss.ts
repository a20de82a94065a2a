/**
 * CVSS base scores from vector strings, computed with the formulas of the FIRST specifications:
 * v3.1 §7.1 (also used for v3.0 vectors; 3.1 only made "Roundup" floating-point safe) and v2 §3.2.1.
 * Returns undefined for a malformed vector (missing or unknown base metric), never throws.
 * CVSS v4.0 scoring lives in ./cvss4.ts.
 */
export type CvssRating = 'none' | 'low' | 'medium' | 'high' | 'critical';

function parseMetrics(vector: string, prefix: RegExp | undefined): Map<string, string> | undefined {
  let body = vector.trim();
  if (prefix) {
    const m = prefix.exec(body);
    if (!m) return undefined;
    body = body.slice(m[0].length);
  }
  const metrics = new Map<string, string>();
  for (const part of body.split('/')) {
    if (part === '') continue;
    const [key, value, extra] = part.split(':');
    if (!key || value === undefined || extra !== undefined || metrics.has(key)) return undefined;
    metrics.set(key, value);
  }
  return metrics;
}

/** CVSS v3.1 Roundup: the smallest one-decimal number >= input, without floating-point artefacts. */
export function roundUp(input: number): number {
  const intInput = Math.round(input * 100000);
  return intInput % 10000 === 0 ? intInput / 100000 : (Math.floor(intInput / 10000) + 1) / 10;
}

const V3 = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
} as const;

function pick<T extends Record<string, number>>(table: T, value: string | undefined): number | undefined {
  return value !== undefined && Object.hasOwn(table, value) ? table[value as keyof T] : undefined;
}

export function cvss3BaseScore(vector: string): number | undefined {
  const m = parseMetrics(vector, /^CVSS:3\.[01]\//);
  if (!m) return undefined;
  const scope = m.get('S');
  if (scope !== 'U' && scope !== 'C') return undefined;
  const av = pick(V3.AV, m.get('AV'));
  const ac = pick(V3.AC, m.get('AC'));
  const ui = pick(V3.UI, m.get('UI'));
  const pr = pick(scope === 'C' ? { N: 0.85, L: 0.68, H: 0.5 } : { N: 0.85, L: 0.62, H: 0.27 }, m.get('PR'));
  const c = pick(V3.CIA, m.get('C'));
  const i = pick(V3.CIA, m.get('I'));
  const a = pick(V3.CIA, m.get('A'));
  if (av === undefined || ac === undefined || ui === undefined || pr === undefined) return undefined;
  if (c === undefined || i === undefined || a === undefined) return undefined;
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = scope === 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15);
  const exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  return scope === 'U'
    ? roundUp(Math.min(impact + exploitability, 10))
    : roundUp(Math.min(1.08 * (impact + exploitability), 10));
}

const V2 = {
  AV: { L: 0.395, A: 0.646, N: 1.0 },
  AC: { H: 0.35, M: 0.61, L: 0.71 },
  Au: { M: 0.45, S: 0.56, N: 0.704 },
  CIA: { N: 0, P: 0.275, C: 0.66 },
} as const;

export function cvss2BaseScore(vector: string): number | undefined {
  const m = parseMetrics(vector.replace(/^\(|\)$/g, ''), /^(?:CVSS:2\.0\/)?/);
  if (!m) return undefined;
  const av = pick(V2.AV, m.get('AV'));
  const ac = pick(V2.AC, m.get('AC'));
  const au = pick(V2.Au, m.get('Au'));
  const c = pick(V2.CIA, m.get('C'));
  const i = pick(V2.CIA, m.get('I'));
  const a = pick(V2.CIA, m.get('A'));
  if (av === undefined || ac === undefined || au === undefined) return undefined;
  if (c === undefined || i === undefined || a === undefined) return undefined;
  const impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a));
  const exploitability = 20 * av * ac * au;
  const fImpact = impact === 0 ? 0 : 1.176;
  return Math.round((0.6 * impact + 0.4 * exploitability - 1.5) * fImpact * 10) / 10;
}

/** v3.x/v4.0 qualitative rating scale (v3.1 §5, v4.0 §6). */
export function ratingFromScore(score: number): CvssRating {
  if (score === 0) return 'none';
  if (score < 4) return 'low';
  if (score < 7) return 'medium';
  if (score < 9) return 'high';
  return 'critical';
}

/** CVSS v2 has no "critical": NVD's v2 ranges are low < 4, medium < 7, high. */
export function ratingFromV2Score(score: number): CvssRating {
  if (score < 4) return 'low';
  return score < 7 ? 'medium' : 'high';
}
