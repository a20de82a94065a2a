import { LineCounter, parseAllDocuments, isNode } from 'yaml';
import type { Document, Node } from 'yaml';

/** Alias expansion cap for `toJS`: a "billion laughs" file fails with an error instead of eating memory. */
export const MAX_YAML_ALIAS_COUNT = 1000;

export interface Position {
  line: number;
  column: number;
}

export interface ParsedYaml {
  documents: Document.Parsed[];
  lineCounter: LineCounter;
  /** 1-based line/column of an offset into the text. */
  position(offset: number): Position;
  /** Start of a node (or of the document when the node has no range). */
  nodePosition(node: unknown): Position | undefined;
}

export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const docs = Array.isArray(documents) ? documents : [];
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return {
    documents: docs,
    lineCounter,
    position,
    nodePosition: (node) => (isNode(node) && node.range ? position(node.range[0]) : undefined),
  };
}

/** The first syntax error of a document, with its position, or undefined. */
export function firstYamlError(
  parsed: ParsedYaml,
  doc: Document.Parsed,
): { message: string; position: Position } | undefined {
  const error = doc.errors[0];
  if (!error) return undefined;
  const message = error.message.split('\n', 1)[0] ?? error.message;
  return { message, position: parsed.position(error.pos[0]) };
}

/** `toJS` with the alias cap; throws a plain Error naming the cap when a document expands too much. */
export function documentToJS(doc: Document.Parsed): unknown {
  return doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
}

export type { Document, Node };
