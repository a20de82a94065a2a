import type { Document, Scalar, YAMLMap } from 'yaml';
import type { PathPart } from './expressions.js';
import { findExpressions, parseExpression } from './expressions.js';
import type { JobModel } from './model.js';
import { asMap, asScalar, asSeq, entries, items, scalarText, walkScalars } from './yaml-nodes.js';

/**
 * Matrix values are read, never expanded: a matrix of 10 axes with 10 values each would be 10^10 jobs,
 * but the values one `matrix.<key>` can take are just that key's list plus its `include` entries.
 */
export const MAX_MATRIX_VALUES = 256;

export interface MatrixValue {
  value: string;
  node: Scalar;
}

/**
 * The literal values `matrix.<key>` can take, or undefined when any comes from an expression (a matrix
 * built with `fromJSON(...)`), when the key holds objects, or when there are more than MAX_MATRIX_VALUES.
 */
export function matrixValues(job: JobModel, key: string, doc: Document.Parsed): MatrixValue[] | undefined {
  const matrix = asMap(job.matrix?.value, doc);
  if (!matrix) return undefined;
  const out: MatrixValue[] = [];
  const lower = key.toLowerCase();
  const add = (node: unknown): boolean => {
    const scalar = asScalar(node, doc);
    const text = scalar ? scalarText(scalar, doc) : undefined;
    if (!scalar || text === undefined || text.includes('${{') || out.length >= MAX_MATRIX_VALUES) return false;
    out.push({ value: text, node: scalar });
    return true;
  };
  const excluded = excludedValues(matrix, lower, doc);
  for (const e of entries(matrix, doc)) {
    if (e.key === 'include') {
      const list = asSeq(e.value, doc);
      if (!list) return undefined;
      for (const item of items(list, doc)) {
        const included = entries(asMap(item, doc), doc).find((x) => x.key.toLowerCase() === lower);
        if (included && !add(included.value)) return undefined;
      }
    } else if (e.key.toLowerCase() === lower) {
      const list = asSeq(e.value, doc);
      if (!list) return undefined;
      for (const item of items(list, doc)) {
        if (excluded.has(scalarText(item, doc) ?? '')) continue;
        if (!add(item)) return undefined;
      }
    } else if (e.key !== 'exclude' && asScalar(e.value, doc) && scalarText(e.value, doc)?.includes('${{')) {
      // An axis written as an expression may be an object that also supplies this key.
      return undefined;
    }
  }
  return out;
}

/**
 * Values of `key` that `exclude` removes from every combination: an exclude entry naming only that key.
 * An entry with more keys removes only some combinations, so the value may still run. (`include` entries
 * are added after exclusion, so they are never removed.)
 */
function excludedValues(matrix: YAMLMap, key: string, doc: Document.Parsed): Set<string> {
  const out = new Set<string>();
  const exclude = entries(matrix, doc).find((e) => e.key === 'exclude');
  for (const item of items(asSeq(exclude?.value, doc), doc)) {
    const fields = entries(asMap(item, doc), doc);
    const only = fields[0];
    const text =
      only && fields.length === 1 && only.key.toLowerCase() === key ? scalarText(only.value, doc) : undefined;
    if (text !== undefined && !text.includes('${{')) out.add(text);
  }
  return out;
}

/** True when every value `matrix.<key>...` can take is written literally in the workflow. */
export function matrixIsStatic(job: JobModel, parts: readonly PathPart[], doc: Document.Parsed): boolean {
  const matrix = job.matrix?.value;
  if (!matrix) return true;
  if (!asMap(matrix, doc)) return false;
  const key = parts[1];
  if (key === undefined || key === '*') {
    let dynamic = false;
    walkScalars(matrix, doc, (_s, value) => {
      if (value.includes('${{')) dynamic = true;
    });
    return !dynamic;
  }
  let dynamic = false;
  const check = (node: unknown): void =>
    walkScalars(node, doc, (_s, value) => {
      if (value.includes('${{') && referencesData(value)) dynamic = true;
    });
  for (const e of entries(asMap(matrix, doc), doc)) {
    if (e.key === 'exclude') continue;
    if (e.key === 'include') {
      // Only the include entries that set this key (or that are expressions) decide its values: an
      // expression under another key of the same entry does not reach `matrix.<key>`.
      const list = asSeq(e.value, doc);
      if (!list) check(e.value);
      for (const item of list ? items(list, doc) : []) {
        const map = asMap(item, doc);
        if (!map) check(item);
        for (const x of entries(map, doc)) if (x.key.toLowerCase() === key) check(x.value);
      }
    } else if (e.key.toLowerCase() === key || asScalar(e.value, doc) !== undefined) check(e.value);
  }
  return !dynamic;
}

/** An expression that is more than a literal (literals such as `${{ 'a' }}` are static). */
function referencesData(value: string): boolean {
  return findExpressions(value).some((f) => {
    const parsed = parseExpression(f.body);
    return !parsed.ok || parsed.expr.kind !== 'literal';
  });
}
