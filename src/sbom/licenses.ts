import { fixupSpdxId } from '@cyclonedx/cyclonedx-library/SPDX';

/**
 * A declared licence as an SPDX license expression when every id in it is on the SPDX list (ids are fixed up
 * to their canonical case, `mit` → `MIT`), else undefined: free text ("BSD-like", "GPL v2") stays text.
 */
export function spdxExpression(license: string): string | undefined {
  const tokens = license
    .trim()
    .split(/(\s+|\(|\))/)
    .filter((t) => t.trim() !== '');
  if (tokens.length === 0 || tokens.length > 64) return undefined;
  const out: string[] = [];
  for (const token of tokens) {
    if (token === '(' || token === ')' || /^(AND|OR|WITH)$/.test(token)) {
      out.push(token);
      continue;
    }
    const plus = token.endsWith('+');
    const id = fixupSpdxId(plus ? token.slice(0, -1) : token);
    // Exceptions after WITH are not licence ids; accept their usual spelling.
    if (!id && out.at(-1) === 'WITH' && /^[A-Za-z0-9.-]+$/.test(token)) {
      out.push(token);
      continue;
    }
    if (!id) return undefined;
    out.push(plus ? `${id}+` : id);
  }
  return out.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')');
}

/** Several declared licences (npm's deprecated list) as one expression: all of them apply. */
export function combinedExpression(licenses: readonly string[]): string | undefined {
  const parts = licenses.map(spdxExpression);
  if (parts.length === 0 || parts.some((p) => p === undefined)) return undefined;
  return parts.length === 1 ? parts[0] : parts.map((p) => (/\s/.test(p!) ? `(${p})` : p)).join(' AND ');
}
