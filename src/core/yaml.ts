import { LineCounter, parseAllDocuments, isNode } from 'yaml';
import type { Document, DocumentOptions, Node, ParseOptions, SchemaOptions } from 'yaml';

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

/**
 * `parseAllDocuments` with `process.env` swapped for a plain view while it runs. The yaml parser reads
 * `process.env.LOG_TOKENS` (a debugging hook) once per token, and every read of Node's `process.env` is a
 * call into C++: measured at about 30% of the parse time of a workflow corpus (bench/workflows.ts). The
 * parse is synchronous, so no other code sees the view, and the real object is back before we return.
 */
export function parseAllYamlDocuments(
  text: string,
  options: ParseOptions & DocumentOptions & SchemaOptions,
): Document.Parsed[] {
  const realEnv = process.env;
  const swapped = tryReplaceEnv(envView(realEnv));
  try {
    const documents = parseAllDocuments(text, options);
    return Array.isArray(documents) ? (documents as Document.Parsed[]) : [];
  } finally {
    if (swapped) tryReplaceEnv(realEnv);
  }
}

/** The two variables yaml reads as own properties; any other read falls through to the real environment. */
function envView(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const tokens = env.LOG_TOKENS;
  const stream = env.LOG_STREAM;
  if (lastView?.env !== env || lastView.tokens !== tokens || lastView.stream !== stream) {
    const view = Object.create(env, {
      LOG_TOKENS: { value: tokens, enumerable: true },
      LOG_STREAM: { value: stream, enumerable: true },
    }) as NodeJS.ProcessEnv;
    lastView = { env, tokens, stream, view };
  }
  return lastView.view;
}

/** The view made for the last parse, reused while the environment object and both variables are unchanged. */
let lastView: { env: NodeJS.ProcessEnv; tokens?: string; stream?: string; view: NodeJS.ProcessEnv } | undefined;

function tryReplaceEnv(env: NodeJS.ProcessEnv): boolean {
  try {
    process.env = env;
    return process.env === env;
  } catch {
    return false;
  }
}

export function parseYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const docs = parseAllYamlDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
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
