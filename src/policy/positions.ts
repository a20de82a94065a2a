import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import type { ParsedYaml, Position } from '../core/yaml.js';

export type PolicyPath = (string | number)[];

interface Located {
  value?: Node | null;
  pair?: Pair;
}

function locate(doc: Document.Parsed, path: PolicyPath): Located {
  let current: Located = { value: doc.contents };
  for (const segment of path) {
    const node = current.value;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) return current;
      current = { value: pair.value as Node | null, pair };
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) return current;
      current = { value: item as Node };
    } else {
      return current;
    }
  }
  return current;
}

/** Where the value at `path` is written; `key: true` gives the key's position (for unknown keys). */
export function positionOf(parsed: ParsedYaml, doc: Document.Parsed, path: PolicyPath, key = false): Position {
  const located = locate(doc, path);
  const keyNode = located.pair?.key as Node | undefined;
  const node = key && keyNode ? keyNode : (located.value ?? keyNode ?? doc.contents);
  return parsed.nodePosition(node) ?? { line: 1, column: 1 };
}

/** Position of the key `name` inside the mapping at `path`. */
export function keyPosition(parsed: ParsedYaml, doc: Document.Parsed, path: PolicyPath, name: string): Position {
  return positionOf(parsed, doc, [...path, name], true);
}

export function formatPath(path: PolicyPath): string {
  if (path.length === 0) return 'the top level';
  return path
    .map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i ? '.' : ''}${segment}`))
    .join('');
}
