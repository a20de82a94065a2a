/**
 * CVSS v4.0 scores, computed as the FIRST specification (§8.2, "CVSS v4.0 scoring") and its reference
 * calculator do: the vector's MacroVector (EQ1..EQ6) selects a score from the published lookup table,
 * which is then lowered by the vector's mean proportional severity distance to the highest-severity
 * vectors of that MacroVector. Threat (E) and environmental (CR/IR/AR, M*) metrics are honoured; absent
 * ones take the specification's defaults. Returns undefined for a malformed vector.
 *
 * The tables below are the specification's data (MacroVector scores, highest-severity vectors per EQ
 * level, EQ depths) as published with the FIRST/Red Hat reference calculator (BSD-2-Clause).
 */
const LOOKUP_ROWS: [string, number[]][] = [
  // MacroVector prefix (EQ1..EQ3) -> scores for EQ4 EQ5 EQ6 = 00 0, 00 1, 01 0, 01 1, 02 0, 02 1, 10 0, ... 22 1
  ['000', [10, 9.9, 9.8, 9.5, 9.5, 9.2, 10, 9.6, 9.3, 8.7, 9.1, 8.1, 9.3, 9, 8.9, 8, 8.1, 6.8]],
  ['001', [9.8, 9.5, 9.5, 9.2, 9, 8.4, 9.3, 9.2, 8.9, 8.1, 8.1, 6.5, 8.8, 8, 7.8, 7, 6.9, 4.8]],
  ['010', [9.9, 9.7, 9.5, 9.2, 9.2, 8.5, 9.5, 9.1, 9, 8.3, 8.4, 7.1, 9.2, 8.1, 8.2, 7.1, 7.2, 5.3]],
  ['011', [9.5, 9.3, 9.2, 8.5, 8.5, 7.3, 9.2, 8.2, 8, 7.2, 7, 5.9, 8.4, 7, 7.1, 5.2, 5, 3]],
  ['100', [9.8, 9.5, 9.4, 8.7, 9.1, 8.1, 9.4, 8.9, 8.6, 7.4, 7.7, 6.4, 8.7, 7.5, 7.4, 6.3, 6.3, 4.9]],
  ['101', [9.4, 8.9, 8.8, 7.7, 7.6, 6.7, 8.6, 7.6, 7.4, 5.8, 5.9, 5, 7.2, 5.7, 5.7, 5.2, 5.2, 2.5]],
  ['110', [9.5, 9, 8.8, 7.6, 7.6, 7, 9, 7.7, 7.5, 6.2, 6.1, 5.3, 7.7, 6.6, 6.8, 5.9, 5.2, 3]],
  ['111', [8.9, 7.8, 7.6, 6.7, 6.2, 5.8, 7.4, 5.9, 5.7, 5.7, 4.7, 2.3, 6.1, 5.2, 5.7, 2.9, 2.4, 1.6]],
  ['200', [9.3, 8.7, 8.6, 7.2, 7.5, 5.8, 8.6, 7.4, 7.4, 6.1, 5.6, 3.4, 7, 5.4, 5.2, 4, 4, 2.2]],
  ['201', [8.5, 7.5, 7.4, 5.5, 6.2, 5.1, 7.2, 5.7, 5.5, 4.1, 4.6, 1.9, 5.3, 3.6, 3.4, 1.9, 1.9, 0.8]],
  ['210', [8.8, 7.5, 7.3, 5.3, 6, 5, 7.3, 5.5, 5.9, 4, 4.1, 2, 5.4, 4.3, 4.5, 2.2, 2, 1.1]],
  ['211', [7.5, 5.5, 5.8, 4.5, 4, 2.1, 6.1, 5.1, 4.8, 1.8, 2, 0.9, 4.6, 1.8, 1.7, 0.7, 0.8, 0.2]],
];
// EQ3 = 2 only exists with EQ6 = 1: scores for EQ4 EQ5 = 00, 01, 02, 10, 11, 12, 20, 21, 22.
const LOOKUP_EQ3_2: [string, number[]][] = [
  ['00', [9.2, 8.2, 7.2, 7.9, 6.9, 5, 6.9, 5.5, 2.7]],
  ['01', [8.6, 7.5, 5.2, 7.1, 5.2, 2.9, 6.3, 2.9, 1.7]],
  ['10', [8.3, 7, 5.4, 6.5, 5.8, 2.6, 5.3, 2.1, 1.3]],
  ['11', [7.1, 5.9, 3, 5.8, 2.6, 1.5, 2.3, 1.3, 0.6]],
  ['20', [6.4, 5.1, 2, 4.7, 2.1, 1.1, 2.4, 0.9, 0.4]],
  ['21', [5.3, 2.4, 1.4, 2.4, 1.2, 0.5, 1, 0.3, 0.1]],
];

const LOOKUP: Map<string, number> = (() => {
  const table = new Map<string, number>();
  for (const [prefix, scores] of LOOKUP_ROWS) {
    scores.forEach((score, i) => {
      const eq4 = Math.floor(i / 6);
      const eq5 = Math.floor((i % 6) / 2);
      const eq6 = i % 2;
      table.set(`${prefix}${eq4}${eq5}${eq6}`, score);
    });
  }
  for (const [eq12, scores] of LOOKUP_EQ3_2) {
    scores.forEach((score, i) => table.set(`${eq12}2${Math.floor(i / 3)}${i % 3}1`, score));
  }
  return table;
})();

const MAX_COMPOSED = {
  eq1: [
    ['AV:N/PR:N/UI:N/'],
    ['AV:A/PR:N/UI:N/', 'AV:N/PR:L/UI:N/', 'AV:N/PR:N/UI:P/'],
    ['AV:P/PR:N/UI:N/', 'AV:A/PR:L/UI:P/'],
  ],
  eq2: [['AC:L/AT:N/'], ['AC:H/AT:N/', 'AC:L/AT:P/']],
  eq3: [
    [['VC:H/VI:H/VA:H/CR:H/IR:H/AR:H/'], ['VC:H/VI:H/VA:L/CR:M/IR:M/AR:H/', 'VC:H/VI:H/VA:H/CR:M/IR:M/AR:M/']],
    [
      ['VC:L/VI:H/VA:H/CR:H/IR:H/AR:H/', 'VC:H/VI:L/VA:H/CR:H/IR:H/AR:H/'],
      [
        'VC:L/VI:H/VA:L/CR:H/IR:M/AR:H/',
        'VC:L/VI:H/VA:H/CR:H/IR:M/AR:M/',
        'VC:H/VI:L/VA:H/CR:M/IR:H/AR:M/',
        'VC:H/VI:L/VA:L/CR:M/IR:H/AR:H/',
        'VC:L/VI:L/VA:H/CR:H/IR:H/AR:M/',
      ],
    ],
    [[], ['VC:L/VI:L/VA:L/CR:H/IR:H/AR:H/']],
  ],
  eq4: [['SC:H/SI:S/SA:S/'], ['SC:H/SI:H/SA:H/'], ['SC:L/SI:L/SA:L/']],
  eq5: [['E:A/'], ['E:P/'], ['E:U/']],
} as const;

/** Depth (maximal severity distance + 1) of each EQ level. */
const MAX_SEVERITY = {
  eq1: [1, 4, 5],
  eq2: [1, 2],
  eq3eq6: [
    [7, 6],
    [8, 8],
    [NaN, 10],
  ],
  eq4: [6, 5, 4],
} as const;

const LEVELS: Record<string, Record<string, number>> = {
  AV: { N: 0, A: 0.1, L: 0.2, P: 0.3 },
  PR: { N: 0, L: 0.1, H: 0.2 },
  UI: { N: 0, P: 0.1, A: 0.2 },
  AC: { L: 0, H: 0.1 },
  AT: { N: 0, P: 0.1 },
  VC: { H: 0, L: 0.1, N: 0.2 },
  VI: { H: 0, L: 0.1, N: 0.2 },
  VA: { H: 0, L: 0.1, N: 0.2 },
  SC: { H: 0.1, L: 0.2, N: 0.3 },
  SI: { S: 0, H: 0.1, L: 0.2, N: 0.3 },
  SA: { S: 0, H: 0.1, L: 0.2, N: 0.3 },
  CR: { H: 0, M: 0.1, L: 0.2 },
  IR: { H: 0, M: 0.1, L: 0.2 },
  AR: { H: 0, M: 0.1, L: 0.2 },
};

const BASE_VALUES: Record<string, string> = {
  AV: 'NALP',
  AC: 'LH',
  AT: 'NP',
  PR: 'NLH',
  UI: 'NPA',
  VC: 'HLN',
  VI: 'HLN',
  VA: 'HLN',
  SC: 'HLN',
  SI: 'HLN',
  SA: 'HLN',
};
const OPTIONAL_VALUES: Record<string, string> = {
  E: 'XAPU',
  CR: 'XHML',
  IR: 'XHML',
  AR: 'XHML',
  MAV: 'XNALP',
  MAC: 'XLH',
  MAT: 'XNP',
  MPR: 'XNLH',
  MUI: 'XNPA',
  MVC: 'XHLN',
  MVI: 'XHLN',
  MVA: 'XHLN',
  MSC: 'XHLN',
  MSI: 'XSHLN',
  MSA: 'XSHLN',
  S: 'XNP',
  AU: 'XNY',
  R: 'XAUI',
  V: 'XDC',
  RE: 'XLMH',
  U: 'XClearGreenAmberRed',
};

function parse(vector: string): Map<string, string> | undefined {
  const parts = vector.trim().split('/');
  if (parts.shift() !== 'CVSS:4.0') return undefined;
  const metrics = new Map<string, string>();
  for (const part of parts) {
    const [key, value, extra] = part.split(':');
    if (!key || !value || extra !== undefined || metrics.has(key)) return undefined;
    const allowed = BASE_VALUES[key] ?? OPTIONAL_VALUES[key];
    if (allowed === undefined) return undefined;
    if (
      key === 'U'
        ? !['X', 'Clear', 'Green', 'Amber', 'Red'].includes(value)
        : value.length !== 1 || !allowed.includes(value)
    )
      return undefined;
    metrics.set(key, value);
  }
  for (const key of Object.keys(BASE_VALUES)) if (!metrics.has(key)) return undefined;
  return metrics;
}

export function cvss4Score(vector: string): number | undefined {
  const selected = parse(vector);
  if (!selected) return undefined;
  // The effective value of a metric: modified metric if set, X defaults for E and the requirements.
  const m = (metric: string): string => {
    const value = selected.get(metric) ?? 'X';
    if (metric === 'E' && value === 'X') return 'A';
    if ((metric === 'CR' || metric === 'IR' || metric === 'AR') && value === 'X') return 'H';
    const modified = selected.get(`M${metric}`);
    if (modified !== undefined && modified !== 'X') return modified;
    return value;
  };

  if (['VC', 'VI', 'VA', 'SC', 'SI', 'SA'].every((k) => m(k) === 'N')) return 0;

  const eq1 =
    m('AV') === 'N' && m('PR') === 'N' && m('UI') === 'N'
      ? 0
      : (m('AV') === 'N' || m('PR') === 'N' || m('UI') === 'N') && m('AV') !== 'P'
        ? 1
        : 2;
  const eq2 = m('AC') === 'L' && m('AT') === 'N' ? 0 : 1;
  const eq3 = m('VC') === 'H' && m('VI') === 'H' ? 0 : m('VC') === 'H' || m('VI') === 'H' || m('VA') === 'H' ? 1 : 2;
  const eq4 = m('MSI') === 'S' || m('MSA') === 'S' ? 0 : m('SC') === 'H' || m('SI') === 'H' || m('SA') === 'H' ? 1 : 2;
  const eq5 = m('E') === 'A' ? 0 : m('E') === 'P' ? 1 : 2;
  const eq6 =
    (m('CR') === 'H' && m('VC') === 'H') || (m('IR') === 'H' && m('VI') === 'H') || (m('AR') === 'H' && m('VA') === 'H')
      ? 0
      : 1;

  const key = (a: number, b: number, c: number, d: number, e: number, f: number): string => `${a}${b}${c}${d}${e}${f}`;
  const value = LOOKUP.get(key(eq1, eq2, eq3, eq4, eq5, eq6));
  if (value === undefined) return undefined;
  const lower = (k: string): number => LOOKUP.get(k) ?? NaN;

  const nextEq1 = lower(key(eq1 + 1, eq2, eq3, eq4, eq5, eq6));
  const nextEq2 = lower(key(eq1, eq2 + 1, eq3, eq4, eq5, eq6));
  let nextEq3Eq6: number;
  if (eq3 === 0 && eq6 === 0) {
    const left = lower(key(eq1, eq2, eq3, eq4, eq5, eq6 + 1));
    const right = lower(key(eq1, eq2, eq3 + 1, eq4, eq5, eq6));
    nextEq3Eq6 = left > right ? left : right;
  } else if (eq3 === 1 && eq6 === 0) nextEq3Eq6 = lower(key(eq1, eq2, eq3, eq4, eq5, eq6 + 1));
  else if (eq6 === 1 && eq3 < 2) nextEq3Eq6 = lower(key(eq1, eq2, eq3 + 1, eq4, eq5, eq6));
  else nextEq3Eq6 = lower(key(eq1, eq2, eq3 + 1, eq4, eq5, eq6 + 1));
  const nextEq4 = lower(key(eq1, eq2, eq3, eq4 + 1, eq5, eq6));
  const nextEq5 = lower(key(eq1, eq2, eq3, eq4, eq5 + 1, eq6));

  // Highest-severity vectors of this MacroVector; take the first one the vector does not exceed.
  const maxVectors: string[] = [];
  for (const a of MAX_COMPOSED.eq1[eq1] ?? [])
    for (const b of MAX_COMPOSED.eq2[eq2] ?? [])
      for (const c of MAX_COMPOSED.eq3[eq3]?.[eq6] ?? [])
        for (const d of MAX_COMPOSED.eq4[eq4] ?? [])
          for (const e of MAX_COMPOSED.eq5[eq5] ?? []) maxVectors.push(a + b + c + d + e);
  const metricOf = (v: string, metric: string): string =>
    (new RegExp(`(?:^|/)${metric}:([A-Z])`).exec(v)?.[1] as string) ?? '';
  const names = ['AV', 'PR', 'UI', 'AC', 'AT', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA', 'CR', 'IR', 'AR'];
  let distance: Record<string, number> = {};
  for (const max of maxVectors) {
    distance = {};
    for (const n of names) distance[n] = (LEVELS[n]?.[m(n)] ?? NaN) - (LEVELS[n]?.[metricOf(max, n)] ?? NaN);
    if (!Object.values(distance).some((d) => d < 0)) break;
  }
  const d = (n: string): number => distance[n] ?? 0;
  const current = {
    eq1: d('AV') + d('PR') + d('UI'),
    eq2: d('AC') + d('AT'),
    eq3eq6: d('VC') + d('VI') + d('VA') + d('CR') + d('IR') + d('AR'),
    eq4: d('SC') + d('SI') + d('SA'),
  };
  const step = 0.1;
  const parts: number[] = [];
  const add = (next: number, currentDistance: number, depth: number): void => {
    if (Number.isNaN(value - next)) return;
    parts.push((value - next) * (currentDistance / (depth * step)));
  };
  add(nextEq1, current.eq1, MAX_SEVERITY.eq1[eq1]);
  add(nextEq2, current.eq2, MAX_SEVERITY.eq2[eq2]);
  add(nextEq3Eq6, current.eq3eq6, MAX_SEVERITY.eq3eq6[eq3]?.[eq6]);
  add(nextEq4, current.eq4, MAX_SEVERITY.eq4[eq4]);
  if (!Number.isNaN(value - nextEq5)) parts.push(0); // EQ5's proportional distance is always 0
  const mean = parts.length === 0 ? 0 : parts.reduce((x, y) => x + y, 0) / parts.length;
  const score = Math.min(10, Math.max(0, value - mean));
  return Math.round((score + 1e-6) * 10) / 10;
}
