import { Pair, isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Alias, Document, Node, Range, Scalar, YAMLMap, YAMLSeq } from 'yaml';

/**
 * Read-only helpers over the `yaml` node tree. Workflows are read from nodes (never `toJS`), so every value
 * keeps its source range. Aliases are expanded once after parsing (`expandAliases`), so every audit sees
 * an aliased step or mapping as if it were written out at the alias; `deref` still follows any alias left
 * (GitHub Actions supports anchors and aliases, not merge keys), with a hop limit so a chain cannot loop.
 */
const MAX_ALIAS_HOPS = 16;
/** Upper bound on entries read from one mapping or sequence: real workflows are far below it. */
export const MAX_COLLECTION_ITEMS = 5000;

/**
 * Nodes that alias expansion may create in one file. Past it the remaining aliases stay aliases (still
 * followed by `deref`, positioned at their anchor): a "billion laughs" file is read, never expanded.
 */
export const MAX_ALIAS_EXPANSION_NODES = 10_000;

/**
 * Replaces every alias in the document by a copy of its anchor's node whose ranges (and those of everything
 * inside it) are the alias's own range: a finding in an aliased step points at the line that uses it, and
 * each use is a distinct node, so audits that remember nodes or walk the tree see every use. Anchors are
 * resolved as YAML does, to the closest preceding definition. An alias whose copy would exceed the budget
 * is left as it is.
 */
export function expandAliases(doc: Document.Parsed): void {
  const anchors = new Map<string, Node>();
  let budget = MAX_ALIAS_EXPANSION_NODES;
  const sizes = new Map<Node, number>();
  /** Nodes in an (already expanded) subtree, counted once per anchor. */
  const size = (node: unknown): number => {
    if (!(isScalar(node) || isMap(node) || isSeq(node))) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    let n = 1;
    if (isMap(node) || isSeq(node))
      for (const item of node.items as unknown[]) n += isPair(item) ? size(item.key) + size(item.value) : size(item);
    sizes.set(node, n);
    return n;
  };
  /** Expands in place, in document order, recording anchors as they are defined. */
  const walk = (node: unknown): unknown => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target) leftAliases.set(node, target);
      if (!target || !node.range) return node;
      const cost = size(target);
      if (cost > budget) return node;
      budget -= cost;
      return copyAt(target, node.range);
    }
    if (isScalar(node) || isMap(node) || isSeq(node)) {
      if (isMap(node) || isSeq(node)) {
        const list = node.items as unknown[];
        for (let i = 0; i < list.length; i++) {
          const item = list[i];
          if (isPair(item)) {
            item.key = walk(item.key);
            item.value = walk(item.value);
          } else list[i] = walk(item);
        }
      }
      if (node.anchor) anchors.set(node.anchor, node);
    }
    return node;
  };
  /** A deep copy of an (already expanded) node, every range set to `range`, anchors dropped. */
  const copyAt = (node: Node, range: Range): Node => {
    // An alias still inside an anchored node was left over the budget: it stays an alias.
    if (isScalar(node)) {
      const copy = node.clone() as Scalar;
      copy.range = [...range];
      delete copy.anchor;
      return copy;
    }
    if (isMap(node) || isSeq(node)) {
      // A shallow copy: the items are replaced by copies made here, so the budget counts every node.
      const copy = Object.create(Object.getPrototypeOf(node) as object, Object.getOwnPropertyDescriptors(node)) as
        YAMLMap | YAMLSeq;
      copy.range = [...range];
      delete copy.anchor;
      copy.items = node.items.map((item: unknown) =>
        isPair(item) ? new Pair(copyValue(item.key, range), copyValue(item.value, range)) : copyValue(item, range),
      );
      return copy;
    }
    return node;
  };
  const copyValue = (value: unknown, range: Range): unknown =>
    isAlias(value) || isScalar(value) || isMap(value) || isSeq(value) ? copyAt(value, range) : value;
  doc.contents = walk(doc.contents) as typeof doc.contents;
}

/** Aliases left by `expandAliases` and their anchor (`Alias.resolve` searches the whole document each time). */
const leftAliases = new WeakMap<Alias, Node>();

export function deref(node: unknown, doc: Document.Parsed): Node | undefined {
  let current: unknown = node;
  for (let hop = 0; hop < MAX_ALIAS_HOPS && isAlias(current); hop++)
    current = leftAliases.get(current) ?? current.resolve(doc);
  if (isAlias(current) || current == null) return undefined;
  return isMap(current) || isSeq(current) || isScalar(current) ? current : undefined;
}

export function asMap(node: unknown, doc: Document.Parsed): YAMLMap | undefined {
  const n = deref(node, doc);
  return isMap(n) ? n : undefined;
}

export function asSeq(node: unknown, doc: Document.Parsed): YAMLSeq | undefined {
  const n = deref(node, doc);
  return isSeq(n) ? n : undefined;
}

export function asScalar(node: unknown, doc: Document.Parsed): Scalar | undefined {
  const n = deref(node, doc);
  return isScalar(n) ? n : undefined;
}

/** A scalar's value as a string (numbers and booleans stringified), or undefined for null / collections. */
export function scalarText(node: unknown, doc: Document.Parsed): string | undefined {
  const s = asScalar(node, doc);
  if (!s || s.value == null) return undefined;
  const v: unknown = s.value;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint'
    ? String(v)
    : undefined;
}

export interface Entry {
  key: string;
  keyNode: Node;
  /** The value node as written (an alias is already followed); undefined for `key:` with no value. */
  value: Node | undefined;
}

// Parsed nodes never change, and every audit asks for the same mappings again: compute each once. The
// caches hang off the document (one weak entry per file, plain maps inside): a weak entry per node made
// the garbage collector's ephemeron work a visible share of the audit time.
interface NodeCaches {
  entries: Map<YAMLMap, Entry[]>;
  index: Map<YAMLMap, Map<string, Entry>>;
  scalars: Map<object, ScalarAt[]>;
}
const documentCaches = new WeakMap<Document.Parsed, NodeCaches>();

function cachesOf(doc: Document.Parsed): NodeCaches {
  let caches = documentCaches.get(doc);
  if (!caches) {
    caches = { entries: new Map(), index: new Map(), scalars: new Map() };
    documentCaches.set(doc, caches);
  }
  return caches;
}

/** The entries of a mapping, in order, with string keys. `on` written under YAML 1.1 (boolean) is kept as `true`. */
export function entries(map: YAMLMap | undefined, doc: Document.Parsed): Entry[] {
  if (!map) return [];
  const cache = cachesOf(doc).entries;
  const cached = cache.get(map);
  if (cached) return cached;
  const out = computeEntries(map, doc);
  cache.set(map, out);
  return out;
}

function computeEntries(map: YAMLMap, doc: Document.Parsed): Entry[] {
  const out: Entry[] = [];
  const count = Math.min(map.items.length, MAX_COLLECTION_ITEMS);
  for (let i = 0; i < count; i++) {
    const pair = map.items[i]!;
    const keyNode = deref(pair.key, doc);
    if (!keyNode || !isScalar(keyNode)) continue;
    const keyValue: unknown = keyNode.value;
    if (typeof keyValue !== 'string' && typeof keyValue !== 'number' && typeof keyValue !== 'boolean') continue;
    out.push({ key: String(keyValue), keyNode, value: deref(pair.value, doc) });
  }
  return out;
}

/** First entry with this key (duplicate keys are a YAML error GitHub rejects; the first one is read). */
export function get(map: YAMLMap | undefined, key: string, doc: Document.Parsed): Entry | undefined {
  if (!map) return undefined;
  const cache = cachesOf(doc).index;
  let index = cache.get(map);
  if (!index) {
    index = new Map();
    for (const entry of entries(map, doc)) if (!index.has(entry.key)) index.set(entry.key, entry);
    cache.set(map, index);
  }
  return index.get(key);
}

export function items(seq: YAMLSeq | undefined, doc: Document.Parsed): Node[] {
  if (!seq) return [];
  const out: Node[] = [];
  for (const item of seq.items.slice(0, MAX_COLLECTION_ITEMS)) {
    const n = deref(item, doc);
    if (n) out.push(n);
  }
  return out;
}

/** A scalar value or every scalar item of a sequence, as strings (for `runs-on`, `on`, label lists). */
export function stringList(node: unknown, doc: Document.Parsed): { text: string; node: Node }[] {
  const n = deref(node, doc);
  if (!n) return [];
  if (isScalar(n)) {
    const text = scalarText(n, doc);
    return text === undefined ? [] : [{ text, node: n }];
  }
  if (isSeq(n)) {
    return items(n, doc).flatMap((item) => {
      const text = scalarText(item, doc);
      return text === undefined ? [] : [{ text, node: item }];
    });
  }
  return [];
}

/** Upper bound on nodes visited by `walkScalars`, so a crafted file cannot make a walk explode. */
export const MAX_WALK_NODES = 200_000;

interface PathLink {
  key: string;
  parent: PathLink | undefined;
}

function materialize(link: PathLink | undefined): string[] {
  const path: string[] = [];
  for (let l = link; l; l = l.parent) path.push(l.key);
  return path.reverse();
}

/** A string scalar met by a walk; its key path is built only when asked for (few are ever reported). */
class ScalarAt {
  #path: readonly string[] | undefined;
  constructor(
    readonly scalar: Scalar,
    readonly value: string,
    private readonly link: PathLink | undefined,
  ) {}

  get path(): readonly string[] {
    return (this.#path ??= materialize(this.link));
  }
}

function scalarsUnder(node: unknown, doc: Document.Parsed): ScalarAt[] {
  const root = deref(node, doc);
  if (!root) return [];
  const cache = cachesOf(doc).scalars;
  const cached = cache.get(root);
  if (cached) return cached;
  const out: ScalarAt[] = [];
  const seen = new Set<Node>();
  // Paths are parent links while walking; an array is made only for the string scalars reported.
  const stack: { node: unknown; link: PathLink | undefined }[] = [{ node: root, link: undefined }];
  let budget = MAX_WALK_NODES;
  while (stack.length > 0 && budget-- > 0) {
    const { node: raw, link } = stack.pop()!;
    const n = deref(raw, doc);
    if (!n || seen.has(n)) continue;
    seen.add(n);
    if (isScalar(n)) {
      if (typeof n.value === 'string') out.push(new ScalarAt(n, n.value, link));
    } else if (isMap(n)) {
      const list = entries(n, doc);
      for (let i = list.length - 1; i >= 0; i--)
        stack.push({ node: list[i]!.value, link: { key: list[i]!.key, parent: link } });
    } else if (isSeq(n)) {
      for (let i = Math.min(n.items.length, MAX_COLLECTION_ITEMS) - 1; i >= 0; i--)
        stack.push({ node: n.items[i], link: { key: String(i), parent: link } });
    }
  }
  cache.set(root, out);
  return out;
}

/**
 * Visits every string scalar under `node` once (a node reached again through an alias is not revisited),
 * in document order, with the path of keys that leads to it.
 */
export function walkScalars(
  node: unknown,
  doc: Document.Parsed,
  visit: (scalar: Scalar, value: string, at: { readonly path: readonly string[] }) => void,
): void {
  for (const at of scalarsUnder(node, doc)) visit(at.scalar, at.value, at);
}

/**
 * Keys written twice in one mapping, in document order (the second occurrence). The shared parser accepts
 * them, but GitHub rejects such a workflow ("'run' is already defined"), and a scanner reading the first
 * value while another consumer reads the last would be a place to hide code.
 */
export function duplicateKeys(node: unknown, doc: Document.Parsed): { key: string; keyNode: Node; path: string[] }[] {
  const out: { key: string; keyNode: Node; path: string[] }[] = [];
  const seen = new Set<Node>();
  const stack: { node: unknown; link: PathLink | undefined }[] = [{ node, link: undefined }];
  let budget = MAX_WALK_NODES;
  while (stack.length > 0 && budget-- > 0) {
    const { node: raw, link } = stack.pop()!;
    const n = deref(raw, doc);
    if (!n || seen.has(n)) continue;
    seen.add(n);
    if (isMap(n)) {
      const keys = new Set<string>();
      for (const e of entries(n, doc)) {
        if (keys.has(e.key)) out.push({ key: e.key, keyNode: e.keyNode, path: materialize(link) });
        keys.add(e.key);
        stack.push({ node: e.value, link: { key: e.key, parent: link } });
      }
    } else if (isSeq(n)) {
      const count = Math.min(n.items.length, MAX_COLLECTION_ITEMS);
      for (let i = 0; i < count; i++) stack.push({ node: n.items[i], link: { key: String(i), parent: link } });
    }
  }
  return out.sort((a, b) => (a.keyNode.range?.[0] ?? 0) - (b.keyNode.range?.[0] ?? 0));
}
