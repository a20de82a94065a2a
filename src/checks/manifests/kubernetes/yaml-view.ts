import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Node, Pair, Scalar } from 'yaml';
import type { Position } from '../../../core/yaml.js';

/**
 * Read-only navigation over a parsed YAML document that keeps source positions.
 *
 * Kubernetes tooling (kubectl, sigs.k8s.io/yaml) decodes YAML with YAML 1.1 rules, while the shared parser
 * uses the YAML 1.2 core schema. The differences an attacker could use to hide a setting from us are
 * handled here: plain `yes`/`on`/`y`/... are booleans, and `<<` merge keys are expanded on lookup.
 */

/** Plain scalars go-yaml v2 (used by sigs.k8s.io/yaml) resolves to booleans. */
const YAML11_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const YAML11_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

/** Alias chains longer than this are treated as absent (a chain cannot be legitimately that deep). */
const MAX_ALIAS_HOPS = 32;
/** Merge keys nested deeper than this are ignored, which bounds lookup work on hostile input. */
const MAX_MERGE_DEPTH = 8;

export type PositionOf = (offset: number) => Position;

export class View {
  private constructor(
    private readonly doc: Document,
    readonly node: Node,
    private readonly positionOf: PositionOf,
    /** The key node when this view was reached through a mapping key. */
    private readonly keyNode?: Node,
  ) {}

  static root(doc: Document, positionOf: PositionOf): View | undefined {
    const node = resolveNode(doc, doc.contents);
    return node ? new View(doc, node, positionOf) : undefined;
  }

  /** Position of the key this value was reached by, else of the value itself. */
  get position(): Position {
    const anchor = this.keyNode ?? this.node;
    return this.positionOf(anchor.range?.[0] ?? 0);
  }

  /** Position of the value (not the key). */
  get valuePosition(): Position {
    return this.positionOf(this.node.range?.[0] ?? 0);
  }

  isMap(): boolean {
    return isMap(this.node);
  }

  isSeq(): boolean {
    return isSeq(this.node);
  }

  /** The value under `key` (null values count as absent, like Go's nil pointers). */
  get(key: string): View | undefined {
    if (!isMap(this.node)) return undefined;
    const pair = findPair(this.doc, this.node.items, key, 0);
    if (!pair) return undefined;
    const value = resolveNode(this.doc, pair.value);
    if (!value || isNullScalar(value)) return undefined;
    return new View(this.doc, value, this.positionOf, isNodeLike(pair.key) ? pair.key : undefined);
  }

  /** Navigates a chain of keys. */
  path(...keys: string[]): View | undefined {
    return keys.reduce<View | undefined>((current, key) => current?.get(key), this);
  }

  /** Sequence items (null items included as views of the null scalar are skipped). */
  items(): View[] {
    if (!isSeq(this.node)) return [];
    const out: View[] = [];
    for (const item of this.node.items) {
      const node = resolveNode(this.doc, item);
      if (node && !isNullScalar(node)) out.push(new View(this.doc, node, this.positionOf));
    }
    return out;
  }

  /** Mapping entries with string keys, merge keys expanded, later keys winning. */
  entries(): [string, View][] {
    if (!isMap(this.node)) return [];
    const seen = new Map<string, View>();
    collectEntries(this.doc, this.node.items, 0, (key, pair) => {
      if (seen.has(key)) return;
      const value = resolveNode(this.doc, pair.value);
      if (!value) return;
      seen.set(key, new View(this.doc, value, this.positionOf, isNodeLike(pair.key) ? pair.key : undefined));
    });
    return [...seen.entries()];
  }

  /** Scalar value as a string (numbers and booleans are stringified), or undefined. */
  string(): string | undefined {
    if (!isScalar(this.node)) return undefined;
    const value = this.node.value;
    if (value === null || value === undefined) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
    return undefined;
  }

  /** Boolean with YAML 1.1 plain-scalar semantics; undefined when it is not a boolean. */
  bool(): boolean | undefined {
    if (!isScalar(this.node)) return undefined;
    const value = this.node.value;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' && (this.node.type === 'PLAIN' || this.node.type === undefined)) {
      const source = (this.node as Scalar & { source?: string }).source ?? value;
      if (YAML11_TRUE.has(source)) return true;
      if (YAML11_FALSE.has(source)) return false;
    }
    return undefined;
  }

  number(): number | undefined {
    if (!isScalar(this.node)) return undefined;
    const value = this.node.value;
    if (typeof value === 'number') return value;
    if (typeof value === 'bigint') return Number(value);
    return undefined;
  }
}

function isNodeLike(value: unknown): value is Node {
  return isScalar(value) || isMap(value) || isSeq(value) || isAlias(value);
}

function isNullScalar(node: Node): boolean {
  return isScalar(node) && (node.value === null || node.value === undefined);
}

/** Follows aliases to the anchored node, with a hop limit. */
function resolveNode(doc: Document, value: unknown): Node | undefined {
  let current = value;
  for (let hops = 0; hops < MAX_ALIAS_HOPS; hops++) {
    if (isAlias(current)) {
      try {
        current = current.resolve(doc);
      } catch {
        return undefined;
      }
      continue;
    }
    return isScalar(current) || isMap(current) || isSeq(current) ? current : undefined;
  }
  return undefined;
}

function keyString(key: unknown): string | undefined {
  if (isScalar(key)) {
    const value = key.value;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return undefined;
  }
  return undefined;
}

/** The pair for `key`: explicit keys win over merged ones; the last duplicate wins (as in go-yaml). */
function findPair(doc: Document, items: Pair[], key: string, depth: number): Pair | undefined {
  let found: Pair | undefined;
  for (const pair of items) {
    if (isPair(pair) && keyString(pair.key) === key) found = pair;
  }
  if (found || depth >= MAX_MERGE_DEPTH) return found;
  for (const source of mergeSources(doc, items)) {
    const merged = findPair(doc, source.items as Pair[], key, depth + 1);
    if (merged) return merged;
  }
  return undefined;
}

function collectEntries(doc: Document, items: Pair[], depth: number, visit: (key: string, pair: Pair) => void): void {
  // Explicit keys first, last duplicate wins: walk backwards so the first visit is the winner.
  for (let i = items.length - 1; i >= 0; i--) {
    const pair = items[i];
    if (!isPair(pair)) continue;
    const key = keyString(pair.key);
    if (key !== undefined && key !== '<<') visit(key, pair);
  }
  if (depth >= MAX_MERGE_DEPTH) return;
  for (const source of mergeSources(doc, items)) collectEntries(doc, source.items as Pair[], depth + 1, visit);
}

/** Maps merged into a mapping by `<<: *a` or `<<: [*a, *b]` (earlier sources win). */
function mergeSources(doc: Document, items: Pair[]): { items: unknown[] }[] {
  const sources: { items: unknown[] }[] = [];
  for (const pair of items) {
    if (!isPair(pair) || !isScalar(pair.key) || pair.key.value !== '<<') continue;
    if (isScalar(pair.key) && pair.key.type !== 'PLAIN' && pair.key.type !== undefined) continue;
    const value = resolveNode(doc, pair.value);
    if (isMap(value)) sources.push(value);
    else if (isSeq(value)) {
      for (const item of value.items) {
        const resolved = resolveNode(doc, item);
        if (isMap(resolved)) sources.push(resolved);
      }
    }
  }
  return sources;
}
