import { LineCounter, YAMLSeq, isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Node as YamlNode, YAMLMap } from 'yaml';
import { MAX_YAML_ALIAS_COUNT, parseYamlText } from '../../../core/yaml.js';

/**
 * A YAML value that remembers where it is written: file, byte range, and the top-level section (job,
 * template, `default`, `variables`...) it belongs to. GitLab merges files, `extends` chains and `!reference`
 * tags into a job; every value in the merged job keeps the place it came from, so findings point at the
 * exact file:line:column where the offending value is written.
 */
export interface SourceText {
  path: string;
  text: string;
  lineCounter: LineCounter;
}

interface Located {
  src: SourceText;
  start: number;
  end: number;
  /** The top-level key of the file this value is written under. */
  owner: string;
}

export interface LScalar extends Located {
  kind: 'scalar';
  value: string | number | boolean | null;
}

export interface LSeq extends Located {
  kind: 'seq';
  items: LValue[];
}

export interface LEntry {
  key: string;
  keyStart: number;
  value: LValue;
}

export interface LMap extends Located {
  kind: 'map';
  entries: Map<string, LEntry>;
}

/** A `!reference [job, key, ...]` tag, resolved later against the merged configuration. */
export interface LRef extends Located {
  kind: 'ref';
  path: string[];
  valid: boolean;
}

export type LValue = LScalar | LSeq | LMap | LRef;

export interface Position {
  path: string;
  line: number;
  column: number;
}

export function positionOf(value: Located, offset = value.start): Position {
  const { line, col } = value.src.lineCounter.linePos(offset);
  return { path: value.src.path, line, column: col };
}

export function get(map: LValue | undefined, key: string): LValue | undefined {
  return map?.kind === 'map' ? map.entries.get(key)?.value : undefined;
}

export function isMapValue(value: LValue | undefined): value is LMap {
  return value?.kind === 'map';
}

export function stringValue(value: LValue | undefined): string | undefined {
  if (value?.kind !== 'scalar' || value.value === null) return undefined;
  return String(value.value);
}

/**
 * The items of a list with nested lists spliced in, as GitLab does for lists built with `!reference`
 * (`rules: [!reference [.rules, rules], ...]`). A scalar or map counts as a one-item list.
 */
export function listItems(value: LValue | undefined, depth = 0): LValue[] {
  if (!value) return [];
  if (value.kind !== 'seq') return [value];
  if (depth > 10) return [];
  return value.items.flatMap((item) => (item.kind === 'seq' ? listItems(item, depth + 1) : [item]));
}

/** A copy of `map` without some keys (the copy keeps the map's own location). */
export function withoutKeys(map: LMap, keys: string[]): LMap {
  const entries = new Map(map.entries);
  for (const key of keys) entries.delete(key);
  return { ...map, entries };
}

export function emptyMap(src: SourceText, owner: string): LMap {
  return { kind: 'map', src, start: 0, end: 0, owner, entries: new Map() };
}

/**
 * GitLab's deep merge (includes and `extends`): maps merge key by key at any depth; otherwise `b` wins,
 * including `null`, which is how a job removes an inherited key.
 */
export function deepMerge(a: LMap, b: LMap): LMap {
  const entries = new Map(a.entries);
  for (const [key, entry] of b.entries) {
    const existing = entries.get(key);
    if (existing && existing.value.kind === 'map' && entry.value.kind === 'map') {
      entries.set(key, { ...entry, value: deepMerge(existing.value, entry.value) });
    } else {
      entries.set(key, entry);
    }
  }
  return { ...b, entries };
}

/** The offset of the `occurrence`-th (0-based) `needle` written inside a scalar's source, else its start. */
export function offsetInScalar(scalar: LScalar, needle: string, occurrence: number): number {
  const source = scalar.src.text.slice(scalar.start, scalar.end);
  let from = 0;
  for (let i = 0; i <= occurrence; i++) {
    const index = source.indexOf(needle, from);
    if (index < 0) return scalar.start;
    if (i === occurrence) return scalar.start + index;
    from = index + needle.length;
  }
  return scalar.start;
}

/** The position of `value.slice(index)` when the scalar's string value contains `needle` at `index`. */
export function positionInScalar(scalar: LScalar, text: string, index: number, needle: string): Position {
  let occurrence = 0;
  let from = text.indexOf(needle);
  while (from >= 0 && from < index) {
    occurrence++;
    from = text.indexOf(needle, from + needle.length);
  }
  return positionOf(scalar, offsetInScalar(scalar, needle, occurrence));
}

export class YamlLimitError extends Error {}

/** Deeper nesting than this is refused before parsing: the parser recurses per level (stack exhaustion). */
export const MAX_FLOW_DEPTH = 128;
export const MAX_INDENT_COLUMNS = 256;

/**
 * A cheap pre-parse guard against hostile nesting. It over-counts brackets inside strings, which only
 * matters for files far beyond any real pipeline.
 */
export function nestingProblem(text: string): { message: string; offset: number } | undefined {
  let depth = 0;
  let lineStart = 0;
  let indent = 0;
  let counting = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStart = i + 1;
      indent = 0;
      counting = true;
      continue;
    }
    if (counting) {
      // `- - - x` nests sequences without indenting: indicators count as indentation.
      const indicator = (c === 45 || c === 63 || c === 58) && text.charCodeAt(i + 1) === 32;
      if (c === 32 || indicator) {
        if (++indent > MAX_INDENT_COLUMNS) {
          return { message: `a line is indented more than ${MAX_INDENT_COLUMNS} columns`, offset: lineStart };
        }
        continue;
      }
      counting = false;
    }
    if (c === 91 || c === 123) {
      if (++depth > MAX_FLOW_DEPTH)
        return { message: `flow collections nest deeper than ${MAX_FLOW_DEPTH} levels`, offset: i };
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return undefined;
}

export interface ParsedCiFile {
  src: SourceText;
  /** The `spec:` header document, when the file has one (`spec:` then `---` then the configuration). */
  header?: LMap;
  root?: LValue;
  error?: { message: string; position: Position };
}

const referenceTag = {
  tag: '!reference',
  collection: 'seq' as const,
  nodeClass: YAMLSeq,
  resolve: (seq: unknown) => seq,
};

/** Parses a GitLab CI file with the `!reference` tag and YAML merge keys, into located values. */
export function parseCiFile(path: string, text: string): ParsedCiFile {
  const lineCounter = new LineCounter();
  const src: SourceText = { path, text, lineCounter };
  const nesting = nestingProblem(text);
  if (nesting) {
    const before = text.slice(0, nesting.offset);
    const line = before.split('\n').length;
    const column = nesting.offset - before.lastIndexOf('\n');
    return { src, error: { message: `refused to parse: ${nesting.message}`, position: { path, line, column } } };
  }
  let documents: Document.Parsed[];
  try {
    // The offsets of the documents refer to the parsed text (see parseYamlText), so slices use it too.
    ({ documents, text: src.text } = parseYamlText(text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: false,
      customTags: [referenceTag],
    }));
  } catch (error) {
    return { src, error: { message: `YAML parser failed: ${String(error)}`, position: { path, line: 1, column: 1 } } };
  }
  for (const doc of documents) {
    const first = doc.errors[0];
    if (first) {
      const { line, col } = lineCounter.linePos(first.pos[0]);
      const message = first.message.split('\n', 1)[0] ?? first.message;
      return { src, error: { message, position: { path, line, column: col } } };
    }
  }
  try {
    const converter = new Converter(src);
    const values = documents.map((doc) => converter.document(doc));
    const first = values[0];
    if (values.length >= 2 && first?.kind === 'map' && first.entries.size === 1 && first.entries.has('spec')) {
      return { src, header: first, root: values[1] };
    }
    if (values.length > 1) {
      const second = documents[1];
      const offset = second?.range[0] ?? 0;
      const { line, col } = lineCounter.linePos(offset);
      return {
        src,
        error: {
          message: 'GitLab reads one configuration document, optionally after a `spec:` header document',
          position: { path, line, column: col },
        },
      };
    }
    return { src, root: first };
  } catch (error) {
    if (error instanceof YamlLimitError) {
      return { src, error: { message: error.message, position: { path, line: 1, column: 1 } } };
    }
    throw error;
  }
}

/** A scalar's value as text when it is a plain value (string, number, boolean, bigint). */
function plainString(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') return raw.toString();
  return undefined;
}

class Converter {
  private readonly memo = new Map<YamlNode, LValue>();
  private aliases = 0;
  private doc: Document.Parsed | undefined;

  constructor(private readonly src: SourceText) {}

  document(doc: Document.Parsed): LValue | undefined {
    this.doc = doc;
    const contents = doc.contents as YamlNode | null;
    if (!contents) return undefined;
    if (isMap(contents)) {
      const map = this.mapNode(contents, '', true);
      return map;
    }
    return this.node(contents, '');
  }

  private node(node: unknown, owner: string): LValue {
    if (isAlias(node)) {
      if (++this.aliases > MAX_YAML_ALIAS_COUNT) {
        throw new YamlLimitError(`more than ${MAX_YAML_ALIAS_COUNT} YAML aliases; refusing to expand them`);
      }
      const target = this.doc ? node.resolve(this.doc) : undefined;
      if (!target) return this.nullAt(node.range?.[0] ?? 0, owner);
      return this.node(target, owner);
    }
    const cached = this.memo.get(node as YamlNode);
    if (cached) return cached;
    let value: LValue;
    if (isMap(node)) value = this.mapNode(node, owner, false);
    else if (isSeq(node)) value = this.seqNode(node, owner);
    else if (isScalar(node)) {
      const raw: unknown = node.value;
      const scalarValue =
        typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean'
          ? raw
          : (plainString(raw) ?? null);
      value = {
        kind: 'scalar',
        src: this.src,
        start: node.range?.[0] ?? 0,
        end: node.range?.[1] ?? 0,
        owner,
        value: scalarValue,
      };
    } else value = this.nullAt(0, owner);
    this.memo.set(node as YamlNode, value);
    return value;
  }

  private nullAt(offset: number, owner: string): LScalar {
    return { kind: 'scalar', src: this.src, start: offset, end: offset, owner, value: null };
  }

  private seqNode(node: YAMLSeq, owner: string): LValue {
    const items = node.items.map((item) => this.node(item, owner));
    const start = node.range?.[0] ?? 0;
    const end = node.range?.[1] ?? start;
    if (node.tag === '!reference') {
      // Point at the tag itself rather than at the `[` after it.
      const tagAt = this.src.text.lastIndexOf('!reference', start);
      const lineStart = this.src.text.lastIndexOf('\n', start - 1);
      const refStart = tagAt > lineStart ? tagAt : start;
      const path = items.map((item) => (item.kind === 'scalar' && item.value !== null ? String(item.value) : ''));
      return {
        kind: 'ref',
        src: this.src,
        start: refStart,
        end,
        owner,
        path,
        valid: path.length > 0 && path.every(Boolean),
      };
    }
    return { kind: 'seq', src: this.src, start, end, owner, items };
  }

  /** A map, with YAML 1.1 merge keys (`<<: *anchor`) applied: explicit keys win over merged ones. */
  private mapNode(node: YAMLMap, owner: string, topLevel: boolean): LMap {
    const entries = new Map<string, LEntry>();
    const merged = new Map<string, LEntry>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key;
      const key = isScalar(keyNode) ? plainString(keyNode.value) : undefined;
      if (key === undefined) continue;
      const keyStart = isScalar(keyNode) ? (keyNode.range?.[0] ?? 0) : 0;
      const childOwner = topLevel ? key : owner;
      if (key === '<<' && isScalar(keyNode) && keyNode.type === 'PLAIN') {
        const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
        for (const source of sources) {
          const value = this.node(source, childOwner);
          if (value.kind !== 'map') continue;
          for (const [k, entry] of value.entries) if (!merged.has(k)) merged.set(k, entry);
        }
        continue;
      }
      const value = pair.value == null ? this.nullAt(keyStart, childOwner) : this.node(pair.value, childOwner);
      entries.set(key, { key, keyStart, value });
    }
    for (const [k, entry] of merged) if (!entries.has(k)) entries.set(k, entry);
    const start = node.range?.[0] ?? 0;
    return { kind: 'map', src: this.src, start, end: node.range?.[1] ?? start, owner, entries };
  }
}
