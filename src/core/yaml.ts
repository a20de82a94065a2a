import { LineCounter, parseAllDocuments, isNode, visit } from 'yaml';
import type { Document, DocumentOptions, Node, ParseOptions, SchemaOptions } from 'yaml';
import type { LinePads } from './quoted-continuations.js';
import { reindentQuotedContinuations } from './quoted-continuations.js';

/** Alias expansion cap for `toJS`: a "billion laughs" file fails with an error instead of eating memory. */
export const MAX_YAML_ALIAS_COUNT = 1000;

export interface Position {
  line: number;
  column: number;
}

type YamlOptions = ParseOptions & DocumentOptions & SchemaOptions;

export interface ParsedYaml {
  documents: Document.Parsed[];
  /** The text node offsets refer to (see `YamlText`). */
  text: string;
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
export function parseAllYamlDocuments(text: string, options: YamlOptions): Document.Parsed[] {
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

/** Rounds of quoted-scalar repair before the original parse (and its errors) is kept. */
const MAX_REPAIR_ROUNDS = 3;

export interface YamlText {
  documents: Document.Parsed[];
  /**
   * The text the documents' offsets refer to: the input, or, when it has quoted scalars continued at
   * their key's indentation (which Go's decoders accept), the input with those lines re-indented. Line
   * numbers are the same; the `lineCounter` passed in reports the input's columns.
   */
  text: string;
}

/**
 * Parses every document the way Kubernetes' Go decoders read them: the yaml library, plus the one
 * leniency of libyaml real repositories rely on (see quoted-continuations.ts). The repair runs only when
 * the plain parse reports a cut quoted scalar, and is kept only when it leaves no error at all.
 */
export function parseYamlText(text: string, options: YamlOptions): YamlText {
  const documents = parseAllYamlDocuments(text, options);
  let openings = cutQuotedScalars(documents);
  if (openings.length === 0) return { documents, text };
  const lineCounter = options.lineCounter;
  const originalLines = lineCounter?.lineStarts;
  const pads: LinePads = new Map();
  let current = text;
  let parsed = documents;
  for (let round = 0; round < MAX_REPAIR_ROUNDS && openings.length > 0; round++) {
    const repaired = reindentQuotedContinuations(current, openings, pads);
    if (repaired === undefined) break;
    current = repaired;
    if (lineCounter) lineCounter.lineStarts = [];
    parsed = parseAllYamlDocuments(current, options);
    openings = cutQuotedScalars(parsed);
  }
  if (current !== text && parsed.every((doc) => doc.errors.length === 0)) {
    if (lineCounter) reportInputColumns(lineCounter, pads);
    return { documents: parsed, text: current };
  }
  if (lineCounter && originalLines) lineCounter.lineStarts = originalLines;
  return { documents, text };
}

/** Opening-quote offsets of quoted scalars the parser cut at an under-indented line. */
function cutQuotedScalars(documents: Document.Parsed[]): number[] {
  const openings: number[] = [];
  for (const doc of documents) {
    const cutAt = new Set(
      doc.errors
        .filter((e) => e.code === 'MISSING_CHAR' && e.message.startsWith('Missing closing'))
        .map((e) => e.pos[0]),
    );
    if (cutAt.size === 0) continue;
    visit(doc, {
      Scalar(_, node) {
        if ((node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE') && node.range && cutAt.has(node.range[1]))
          openings.push(node.range[0]);
      },
    });
  }
  return openings;
}

/** Makes `linePos` give columns in the input for lines the repair re-indented. */
function reportInputColumns(lineCounter: LineCounter, pads: LinePads): void {
  const linePos = lineCounter.linePos;
  lineCounter.linePos = (offset) => {
    const position = linePos(offset);
    const pad = pads.get(position.line);
    return pad === undefined ? position : { line: position.line, col: Math.max(1, position.col - pad) };
  };
}

export function parseYaml(input: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const { documents: docs, text } = parseYamlText(input, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return {
    documents: docs,
    text,
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
