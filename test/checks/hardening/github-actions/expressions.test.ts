import { describe, expect, it } from 'vitest';
import {
  MAX_EXPRESSIONS_PER_STRING,
  allContexts,
  findExpressions,
  flowingContexts,
  isWholeExpression,
  parseExpression,
  pathText,
  tokenize,
  valueLeaves,
} from '../../../../src/checks/hardening/github-actions/expressions.js';

function flows(body: string): string[] {
  const parsed = parseExpression(body);
  if (!parsed.ok) throw new Error(parsed.error);
  return flowingContexts(parsed.expr).map(pathText);
}

describe('findExpressions', () => {
  it('finds fenced expressions with offsets', () => {
    const text = 'a ${{ x }} b ${{y}}';
    expect(findExpressions(text)).toEqual([
      { start: 2, end: 10, body: ' x ', closed: true },
      { start: 13, end: 19, body: 'y', closed: true },
    ]);
  });

  it('does not close on }} inside a string literal', () => {
    const [e] = findExpressions("${{ format('}}{0}', github.head_ref) }} tail");
    expect(e?.body).toBe(" format('}}{0}', github.head_ref) ");
    expect(e?.closed).toBe(true);
  });

  it('reports an unterminated expression', () => {
    expect(findExpressions('echo ${{ github.head_ref')).toEqual([
      { start: 5, end: 24, body: ' github.head_ref', closed: false },
    ]);
  });

  it('is bounded', () => {
    expect(findExpressions('${{ a }}'.repeat(MAX_EXPRESSIONS_PER_STRING + 50))).toHaveLength(
      MAX_EXPRESSIONS_PER_STRING,
    );
  });
});

describe('tokenize and parse', () => {
  it('reads numbers, strings with escaped quotes, operators and hyphenated names', () => {
    const kinds = tokenize("steps.my-step.outputs.x != 'it''s' && -1.5 <= 0x1F").map((t) => t.text);
    expect(kinds).toEqual([
      'steps',
      '.',
      'my-step',
      '.',
      'outputs',
      '.',
      'x',
      '!=',
      "it's",
      '&&',
      '-1.5',
      '<=',
      '0x1F',
    ]);
  });

  it('normalizes index access and case in context paths', () => {
    const parsed = parseExpression("GitHub.Event['pull_request'].commits[0].Message");
    expect(parsed.ok && allContexts(parsed.expr).map(pathText)).toEqual([
      'github.event.pull_request.commits.*.message',
    ]);
  });

  it('rejects malformed expressions without throwing', () => {
    for (const body of ['', 'a.', 'foo(', "'open", 'a ==', '(a', 'a b', 'a ; b', '$x']) {
      expect(parseExpression(body).ok, body).toBe(false);
    }
  });

  it('caps nesting depth', () => {
    const deep = `${'('.repeat(500)}a${')'.repeat(500)}`;
    const parsed = parseExpression(deep);
    expect(parsed.ok).toBe(false);
  });

  it('caps expression length', () => {
    expect(parseExpression(`a${' || a'.repeat(5000)}`).ok).toBe(false);
  });
});

describe('flowingContexts', () => {
  it('follows values through || and && but not through comparisons or !', () => {
    expect(flows('github.head_ref || github.ref')).toEqual(['github.head_ref', 'github.ref']);
    expect(flows("github.event.issue.title == 'x'")).toEqual([]);
    expect(flows('!github.event.issue.title')).toEqual([]);
    expect(flows("github.event_name == 'push' && github.event.issue.title")).toEqual(['github.event.issue.title']);
  });

  it('knows which functions pass data through', () => {
    expect(flows("contains(github.event.issue.body, 'x')")).toEqual([]);
    expect(flows("format('{0}', github.event.issue.body)")).toEqual(['github.event.issue.body']);
    expect(flows('toJSON(github.event)')).toEqual(['github.event']);
    expect(flows('fromJSON(steps.meta.outputs.json).title')).toEqual(['steps.meta.outputs.json']);
    expect(flows("hashFiles('**/lock')")).toEqual([]);
  });

  it('treats literals as data-free', () => {
    expect(flows("'literal'")).toEqual([]);
    expect(flows('true')).toEqual([]);
    expect(flows('null')).toEqual([]);
  });
});

describe('isWholeExpression', () => {
  it('accepts exactly one fenced expression', () => {
    expect(isWholeExpression('${{ secrets.X }}')).toBe(true);
    expect(isWholeExpression('  ${{ secrets.X }} ')).toBe(true);
    expect(isWholeExpression('pw-${{ secrets.X }}')).toBe(false);
    expect(isWholeExpression('plain')).toBe(false);
  });
});

describe('valueLeaves', () => {
  const leaves = (body: string): unknown => {
    const parsed = parseExpression(body);
    if (!parsed.ok) throw new Error(parsed.error);
    return valueLeaves(parsed.expr)?.map((e) =>
      e.kind === 'literal' ? e.value : e.kind === 'context' ? pathText(e.parts) : e.kind,
    );
  };
  it('lists the literals and contexts a conditional expression can produce', () => {
    expect(leaves("github.event_name == 'push' && 'alpine:3' || 'debian'")).toEqual(['alpine:3', 'debian']);
    expect(leaves('matrix.image || inputs.image')).toEqual(['matrix.image', 'inputs.image']);
    expect(leaves("inputs.image && 'x'")).toEqual(['inputs.image', 'x']);
    expect(leaves("fromJSON('[1]')")).toBeUndefined();
  });
});
