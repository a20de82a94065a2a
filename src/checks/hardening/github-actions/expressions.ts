/**
 * A small, bounded reader for GitHub Actions expressions (`${{ … }}`). It never evaluates anything: it finds
 * the fenced expressions in a string, tokenizes and parses their bodies following GitHub's expression grammar
 * (literals, contexts with `.`/`[…]` access, function calls, `!`, comparisons, `&&`, `||`), and answers which
 * contexts can flow into the expression's value.
 * https://docs.github.com/en/actions/reference/workflows-and-actions/expressions
 */

/** Per-string cap on fenced expressions read; more is not a real workflow. */
export const MAX_EXPRESSIONS_PER_STRING = 500;
/** Longest expression body that is tokenized; longer ones are reported as unparseable. */
export const MAX_EXPRESSION_LENGTH = 10_000;
const MAX_TOKENS = 2_000;
const MAX_DEPTH = 64;

export interface FencedExpression {
  /** Offset of `${{` in the string. */
  start: number;
  /** Offset just after `}}` (or the end of the string when unterminated). */
  end: number;
  /** The text between the fences. */
  body: string;
  closed: boolean;
}

/** Every `${{ … }}` in `text`, in order. `}}` inside a single-quoted string literal does not close it. */
export function findExpressions(text: string): FencedExpression[] {
  const out: FencedExpression[] = [];
  let from = 0;
  while (out.length < MAX_EXPRESSIONS_PER_STRING) {
    const start = text.indexOf('${{', from);
    if (start < 0) break;
    let i = start + 3;
    let closedAt = -1;
    while (i < text.length) {
      const c = text[i];
      if (c === "'") {
        i++;
        while (i < text.length) {
          if (text[i] === "'") {
            if (text[i + 1] === "'") i += 2;
            else break;
          } else i++;
        }
        i++;
      } else if (c === '}' && text[i + 1] === '}') {
        closedAt = i;
        break;
      } else i++;
    }
    if (closedAt < 0) {
      out.push({ start, end: text.length, body: text.slice(start + 3), closed: false });
      break;
    }
    out.push({ start, end: closedAt + 2, body: text.slice(start + 3, closedAt), closed: true });
    from = closedAt + 2;
  }
  return out;
}

type TokenKind = 'ident' | 'string' | 'number' | 'punct';
interface Token {
  kind: TokenKind;
  text: string;
  value?: string | number;
}

const PUNCT = ['==', '!=', '<=', '>=', '&&', '||', '.', '[', ']', '(', ')', ',', '*', '!', '<', '>'];

export class ExpressionSyntaxError extends Error {}

export function tokenize(body: string): Token[] {
  if (body.length > MAX_EXPRESSION_LENGTH) throw new ExpressionSyntaxError('expression is too long');
  const tokens: Token[] = [];
  let i = 0;
  while (i < body.length) {
    if (tokens.length >= MAX_TOKENS) throw new ExpressionSyntaxError('expression has too many tokens');
    const c = body[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= body.length) throw new ExpressionSyntaxError('unterminated string literal');
        if (body[i] === "'") {
          if (body[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += body[i];
        i++;
      }
      tokens.push({ kind: 'string', text: value, value });
      continue;
    }
    const prev = tokens[tokens.length - 1];
    const valueBefore = prev && (prev.kind !== 'punct' || prev.text === ')' || prev.text === ']');
    const numberMatch = /^(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+)/.exec(
      c === '-' && !valueBefore ? body.slice(i + 1) : body.slice(i),
    );
    if (numberMatch && (/[0-9]/.test(c) || (c === '.' && !valueBefore) || (c === '-' && !valueBefore))) {
      const length = numberMatch[0].length + (c === '-' ? 1 : 0);
      const text = body.slice(i, i + length);
      tokens.push({ kind: 'number', text, value: Number(text) });
      i += length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(body.slice(i, i + 256));
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0] });
      i += ident[0].length;
      continue;
    }
    const punct = PUNCT.find((p) => body.startsWith(p, i));
    if (punct) {
      tokens.push({ kind: 'punct', text: punct });
      i += punct.length;
      continue;
    }
    throw new ExpressionSyntaxError(`unexpected character ${JSON.stringify(c)}`);
  }
  return tokens;
}

/** A part of a context path: a property name (lower-cased, as GitHub compares them) or `*` for any element. */
export type PathPart = string;

export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'context'; parts: PathPart[] }
  | { kind: 'call'; name: string; args: Expr[] }
  /** Property access on something that is not a plain context, e.g. `fromJSON(x).y` or `(a || b).c`. */
  | { kind: 'access'; base: Expr; parts: PathPart[] }
  | { kind: 'not'; operand: Expr }
  | { kind: 'binary'; op: string; left: Expr; right: Expr };

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Expr {
    if (this.tokens.length === 0) throw new ExpressionSyntaxError('empty expression');
    const expr = this.or(0);
    if (this.pos < this.tokens.length) throw new ExpressionSyntaxError(`unexpected ${this.tokens[this.pos]!.text}`);
    return expr;
  }

  private peek(text: string): boolean {
    const t = this.tokens[this.pos];
    return t !== undefined && t.kind === 'punct' && t.text === text;
  }

  private expect(text: string): void {
    if (!this.peek(text)) throw new ExpressionSyntaxError(`expected ${text}`);
    this.pos++;
  }

  private binaryLevel(depth: number, ops: string[], next: (d: number) => Expr): Expr {
    let left = next(depth + 1);
    for (;;) {
      const op = ops.find((o) => this.peek(o));
      if (!op) return left;
      this.pos++;
      left = { kind: 'binary', op, left, right: next(depth + 1) };
    }
  }

  private or(depth: number): Expr {
    this.guard(depth);
    return this.binaryLevel(depth, ['||'], (d) => this.and(d));
  }
  private and(depth: number): Expr {
    return this.binaryLevel(depth, ['&&'], (d) => this.equality(d));
  }
  private equality(depth: number): Expr {
    return this.binaryLevel(depth, ['==', '!='], (d) => this.comparison(d));
  }
  private comparison(depth: number): Expr {
    return this.binaryLevel(depth, ['<=', '>=', '<', '>'], (d) => this.unary(d));
  }

  private unary(depth: number): Expr {
    this.guard(depth);
    if (this.peek('!')) {
      this.pos++;
      return { kind: 'not', operand: this.unary(depth + 1) };
    }
    return this.postfix(depth + 1);
  }

  private postfix(depth: number): Expr {
    const base = this.primary(depth + 1);
    const parts: PathPart[] = [];
    for (;;) {
      if (this.peek('.')) {
        this.pos++;
        const t = this.tokens[this.pos];
        if (t?.kind === 'ident') parts.push(t.text.toLowerCase());
        else if (t?.kind === 'punct' && t.text === '*') parts.push('*');
        else throw new ExpressionSyntaxError('expected a property name after .');
        this.pos++;
      } else if (this.peek('[')) {
        this.pos++;
        if (this.peek('*')) {
          this.pos++;
          parts.push('*');
        } else {
          const index = this.or(depth + 1);
          parts.push(index.kind === 'literal' && typeof index.value === 'string' ? index.value.toLowerCase() : '*');
        }
        this.expect(']');
      } else break;
    }
    if (parts.length === 0) return base;
    if (base.kind === 'context') return { kind: 'context', parts: [...base.parts, ...parts] };
    return { kind: 'access', base, parts };
  }

  private primary(depth: number): Expr {
    this.guard(depth);
    const t = this.tokens[this.pos];
    if (!t) throw new ExpressionSyntaxError('unexpected end of expression');
    this.pos++;
    if (t.kind === 'string') return { kind: 'literal', value: t.value as string };
    if (t.kind === 'number') return { kind: 'literal', value: t.value as number };
    if (t.kind === 'ident') {
      const lower = t.text.toLowerCase();
      if (this.peek('(')) {
        this.pos++;
        const args: Expr[] = [];
        if (!this.peek(')')) {
          for (;;) {
            args.push(this.or(depth + 1));
            if (this.peek(',')) {
              this.pos++;
              continue;
            }
            break;
          }
        }
        this.expect(')');
        return { kind: 'call', name: lower, args };
      }
      if (lower === 'true' || lower === 'false') return { kind: 'literal', value: lower === 'true' };
      if (lower === 'null') return { kind: 'literal', value: null };
      if (lower === 'nan' || lower === 'infinity') return { kind: 'literal', value: Number(t.text) };
      return { kind: 'context', parts: [lower] };
    }
    if (t.text === '(') {
      const inner = this.or(depth + 1);
      this.expect(')');
      return inner;
    }
    throw new ExpressionSyntaxError(`unexpected ${t.text}`);
  }

  private guard(depth: number): void {
    if (depth > MAX_DEPTH) throw new ExpressionSyntaxError('expression nests too deeply');
  }
}

export type ParseResult = { ok: true; expr: Expr } | { ok: false; error: string };

/**
 * Several audits parse the same `${{ }}` bodies, and workflows repeat the same few expressions: results are
 * memoised by text (the trees are never modified), in a map emptied when it reaches its bound.
 */
const parsedBodies = new Map<string, ParseResult>();
const MAX_PARSED_BODIES = 10_000;

export function parseExpression(body: string): ParseResult {
  const hit = parsedBodies.get(body);
  if (hit) return hit;
  const result = parseExpressionText(body);
  if (parsedBodies.size >= MAX_PARSED_BODIES) parsedBodies.clear();
  parsedBodies.set(body, result);
  return result;
}

function parseExpressionText(body: string): ParseResult {
  try {
    return { ok: true, expr: new Parser(tokenize(body)).parse() };
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) return { ok: false, error: error.message };
    throw error;
  }
}

/** Functions whose result is a boolean or a hash, so no context data flows through them. */
const NON_FLOWING_FUNCTIONS = new Set([
  'contains',
  'startswith',
  'endswith',
  'success',
  'failure',
  'always',
  'cancelled',
  'hashfiles',
]);

/**
 * The contexts whose data can end up in the expression's value. Comparisons and `!` yield booleans, so
 * `github.event.issue.title == 'x'` flows nothing; `a || b` and `a && b` yield one of their operands.
 */
export function flowingContexts(expr: Expr): PathPart[][] {
  switch (expr.kind) {
    case 'literal':
      return [];
    case 'context':
      return [expr.parts];
    case 'not':
      return [];
    case 'binary':
      return expr.op === '&&' || expr.op === '||'
        ? [...flowingContexts(expr.left), ...flowingContexts(expr.right)]
        : [];
    case 'call':
      return NON_FLOWING_FUNCTIONS.has(expr.name) ? [] : expr.args.flatMap(flowingContexts);
    case 'access':
      return accessedContexts(expr.base, expr.parts);
  }
}

/**
 * The contexts flowing out of `base.parts`: `(a || b).number` reads `a.number` or `b.number`, so the
 * access is pushed down to each operand; a call (`fromJSON(x).y`) passes its arguments' data on whole.
 */
function accessedContexts(base: Expr, parts: PathPart[]): PathPart[][] {
  switch (base.kind) {
    case 'context':
      return [[...base.parts, ...parts]];
    case 'binary':
      return base.op === '&&' || base.op === '||'
        ? [...accessedContexts(base.left, parts), ...accessedContexts(base.right, parts)]
        : [];
    case 'access':
      return accessedContexts(base.base, [...base.parts, ...parts]);
    default:
      return flowingContexts(base);
  }
}

/**
 * The literal strings and contexts the expression's value can be, e.g. `cond && 'alpine:3' || 'debian'`
 * gives the two literals. Booleans from comparisons and `!` are left out (they cannot be an image or a
 * label); anything else (a call) makes the result unknown and is returned as undefined.
 */
export function valueLeaves(expr: Expr): Expr[] | undefined {
  switch (expr.kind) {
    case 'literal':
    case 'context':
      return [expr];
    case 'not':
      return [];
    case 'binary': {
      if (expr.op !== '&&' && expr.op !== '||') return [];
      const right = valueLeaves(expr.right);
      // `a && b` is `a` only when `a` is falsy; `a || b` is `a` when it is truthy.
      const left = expr.op === '&&' && isBooleanish(expr.left) ? [] : valueLeaves(expr.left);
      return left && right ? [...left, ...right] : undefined;
    }
    case 'call':
      return expr.name === 'fromjson' ? jsonLiteralLeaves(expr.args) : undefined;
    default:
      return undefined;
  }
}

/** Longest JSON literal read by `fromJSON('…')` value resolution. */
const MAX_JSON_LITERAL = 4096;

/**
 * `fromJSON('["self-hosted","linux"]')` or `fromJSON('"alpine:3"')`: the strings a literal JSON argument
 * decodes to. Anything else (a context, an object, invalid JSON) is unknown.
 */
function jsonLiteralLeaves(args: Expr[]): Expr[] | undefined {
  const [arg] = args;
  if (args.length !== 1 || arg?.kind !== 'literal' || typeof arg.value !== 'string') return undefined;
  if (arg.value.length > MAX_JSON_LITERAL) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(arg.value);
  } catch {
    return undefined;
  }
  const list: unknown[] = Array.isArray(value) ? value : [value];
  return list.every((v) => typeof v === 'string') ? list.map((v) => ({ kind: 'literal', value: v })) : undefined;
}

function isBooleanish(expr: Expr): boolean {
  return (
    expr.kind === 'not' ||
    (expr.kind === 'binary' && !['&&', '||'].includes(expr.op)) ||
    (expr.kind === 'call' && NON_FLOWING_FUNCTIONS.has(expr.name))
  );
}

/** Every context mentioned anywhere in the expression, flowing or not. */
export function allContexts(expr: Expr): PathPart[][] {
  switch (expr.kind) {
    case 'literal':
      return [];
    case 'context':
      return [expr.parts];
    case 'not':
      return allContexts(expr.operand);
    case 'binary':
      return [...allContexts(expr.left), ...allContexts(expr.right)];
    case 'call':
      return expr.args.flatMap(allContexts);
    case 'access':
      return allContexts(expr.base);
  }
}

/** Visits every call in the expression (for `toJSON(secrets)`). */
export function calls(expr: Expr): { name: string; args: Expr[] }[] {
  switch (expr.kind) {
    case 'call':
      return [{ name: expr.name, args: expr.args }, ...expr.args.flatMap(calls)];
    case 'not':
      return calls(expr.operand);
    case 'binary':
      return [...calls(expr.left), ...calls(expr.right)];
    case 'access':
      return calls(expr.base);
    default:
      return [];
  }
}

export function pathText(parts: readonly PathPart[]): string {
  return parts.join('.');
}

/** True when the whole (trimmed) string is one fenced expression. */
export function isWholeExpression(text: string): boolean {
  const found = findExpressions(text);
  const first = found[0];
  return (
    found.length === 1 && first !== undefined && first.closed && text.trim() === text.slice(first.start, first.end)
  );
}
