import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, Node, YAMLMap, YAMLSeq } from 'yaml';
import type { ParsedYaml } from '../../../core/yaml.js';

/**
 * Caps alias dereferences and merge depth so hostile anchors cannot make the walk explode. Exponential
 * alias expansion is already refused by `documentToJS` before the walk; this is the backstop. Exceeding
 * it throws, so the caller reports an error instead of silently missing findings.
 */
const MAX_ALIAS_RESOLUTIONS = 2_000_000;
const MAX_MERGE_DEPTH = 16;

export interface Entry {
  key: Node;
  value: Node | undefined;
}

/**
 * Reads a YAML document through its AST (so every value keeps its position), resolving aliases and
 * `<<` merge keys the way compose (go-yaml) does: keys written in a mapping win over merged ones, and
 * among several merged mappings the first one listed wins.
 */
export class YamlView {
  private resolutions = 0;

  constructor(
    readonly parsed: ParsedYaml,
    readonly doc: Document.Parsed,
  ) {}

  /** The node an alias points to (or the node itself). */
  deref(node: unknown): Node | undefined {
    let current = node;
    for (let hops = 0; isAlias(current); hops++) {
      if (hops > 32) return undefined;
      if (++this.resolutions > MAX_ALIAS_RESOLUTIONS) throw new Error('too many YAML alias dereferences');
      current = current.resolve(this.doc);
    }
    return isScalar(current) || isMap(current) || isSeq(current) ? current : undefined;
  }

  asMap(node: unknown): YAMLMap | undefined {
    const resolved = this.deref(node);
    return isMap(resolved) ? resolved : undefined;
  }

  asSeq(node: unknown): YAMLSeq | undefined {
    const resolved = this.deref(node);
    return isSeq(resolved) ? resolved : undefined;
  }

  /** A scalar as a string (`true`, `0`, `"x"`), or undefined for maps, sequences and null. */
  scalar(node: unknown): string | undefined {
    const resolved = this.deref(node);
    if (!isScalar(resolved)) return undefined;
    const value = resolved.value;
    if (value === null || value === undefined) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
    return undefined;
  }

  /** Entries of a mapping with merges applied, in source order (own keys first). */
  entries(node: unknown, depth = 0): Entry[] {
    const map = this.asMap(node);
    if (!map || depth > MAX_MERGE_DEPTH) return [];
    const own = new Map<string, Entry>();
    const merged: Entry[] = [];
    for (const pair of map.items) {
      const keyNode = this.deref(pair.key);
      const key = this.scalar(keyNode);
      if (key === undefined || !keyNode) continue;
      if (key === '<<' && !(isScalar(pair.key) && pair.key.type !== 'PLAIN')) {
        const sources = this.asSeq(pair.value)?.items ?? [pair.value];
        for (const source of sources) merged.push(...this.entries(source, depth + 1));
        continue;
      }
      // Duplicate keys: the last one wins, as in go-yaml's decoding into a map.
      own.set(key, { key: keyNode, value: this.deref(pair.value) });
    }
    const result = [...own.values()];
    const seen = new Set(own.keys());
    for (const entry of merged) {
      const key = this.scalar(entry.key);
      if (key === undefined || seen.has(key)) continue;
      seen.add(key);
      result.push(entry);
    }
    return result;
  }

  get(node: unknown, key: string): Entry | undefined {
    return this.entries(node).find((entry) => this.scalar(entry.key) === key);
  }

  items(node: unknown): Node[] {
    const seq = this.asSeq(node);
    if (!seq) return [];
    return seq.items.map((item) => this.deref(item)).filter((item): item is Node => item !== undefined);
  }

  position(node: Node | undefined): { line: number; column: number } {
    return this.parsed.nodePosition(node) ?? { line: 1, column: 1 };
  }
}
