import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, Node, Scalar, YAMLMap, YAMLSeq } from 'yaml';

/**
 * Read-only helpers over the `yaml` node tree. Workflows are read from nodes (never `toJS`), so every value
 * keeps its source range; aliases are followed to their anchor (GitHub Actions supports anchors and aliases,
 * not merge keys), with a hop limit so a malformed alias chain cannot loop.
 */
const MAX_ALIAS_HOPS = 16;
/** Upper bound on entries read from one mapping or sequence: real workflows are far below it. */
export const MAX_COLLECTION_ITEMS = 5000;

export function deref(node: unknown, doc: Document.Parsed): Node | undefined {
  let current: unknown = node;
  for (let hop = 0; hop < MAX_ALIAS_HOPS && isAlias(current); hop++) current = current.resolve(doc);
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
