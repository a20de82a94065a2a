import { visit } from 'yaml';
import { documentToJS, firstYamlError, parseYaml } from '../../../core/yaml.js';
import type { Document, Position } from '../../../core/yaml.js';
import type { RawFinding } from '../../../core/finding.js';
import { errorMessage } from '../../../core/errors.js';
import { TEMPLATE_HINT, collectionKey, mayHaveCollectionKey } from '../template-leftovers.js';
import { View } from './yaml-view.js';

/** Flow collections (`[`/`{`, JSON) nested deeper than this are refused before parsing. */
export const MAX_NESTING_DEPTH = 256;
/** `kind: List` items beyond this many are not checked (a finding says so). */
export const MAX_LIST_ITEMS = 10_000;

/** One Kubernetes object found in a file. */
export interface K8sObject {
  path: string;
  /** Index of the YAML document in the file, and of the item inside a `kind: List` (or -1). */
  docIndex: number;
  itemIndex: number;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  view: View;
  metadata?: View;
}

export interface ParsedFile {
  objects: K8sObject[];
  /** `manifests/parse-error` findings. */
  errors: RawFinding[];
  /** Documents that could not be read and do not look like Kubernetes objects, left out (`sniff`). */
  ignored: number;
}

/**
 * A document with top-level-looking `apiVersion` and `kind` keys (YAML or JSON), read from its text
 * alone, for documents that do not parse.
 */
export function looksLikeManifest(source: string): boolean {
  return /(?:^|[\s{,])["']?apiVersion["']?\s*:/m.test(source) && /(?:^|[\s{,])["']?kind["']?\s*:/m.test(source);
}

/**
 * The Kubernetes objects of a file. With `sniff` (a `*.yaml`/`*.json` the policy did not name), a
 * document that cannot be read is an error only when it looks like a Kubernetes object; otherwise it is
 * some other YAML or JSON (a config, JSONC, data) and is left out.
 */
export function parseManifestFile(path: string, text: string, sniff = false): ParsedFile {
  const objects: K8sObject[] = [];
  const errors: RawFinding[] = [];
  let ignored = 0;
  const fail = (message: string, position: Position, key: string): void => {
    errors.push(parseError(path, message, position, key));
  };
  const done = (): ParsedFile => ({ objects, errors, ignored });

  if (looksBinary(text)) {
    if (sniff && !looksLikeManifest(text)) {
      ignored++;
      return done();
    }
    fail(
      'The file is not text (it contains NUL bytes or invalid UTF-8), so it cannot be checked.',
      { line: 1, column: 1 },
      'binary',
    );
    return done();
  }
  const deep = excessiveNesting(text);
  if (deep) {
    fail(
      `Collections are nested more than ${MAX_NESTING_DEPTH} levels deep; the file was not parsed.`,
      deep,
      'nesting',
    );
    return done();
  }

  let parsed: ReturnType<typeof parseYaml>;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    fail(`The file could not be parsed: ${errorMessage(error)}`, { line: 1, column: 1 }, 'parser');
    return done();
  }

  const mayHaveKeys = mayHaveCollectionKey(text);
  const mayHaveAliases = /(?:^|[\s[{,])\*[^\s\]},]/m.test(parsed.text);
  const notAnObject = (doc: Document.Parsed): boolean => {
    if (!sniff || looksLikeManifest(parsed.text.slice(doc.range[0], doc.range[2]))) return false;
    ignored++;
    return true;
  };
  parsed.documents.forEach((doc, docIndex) => {
    const syntax = firstYamlError(parsed, doc);
    if (syntax) {
      if (notAnObject(doc)) return;
      const hint = text.includes('{{') ? ` ${TEMPLATE_HINT}` : '';
      fail(`YAML syntax error: ${syntax.message}.${hint}`, syntax.position, `syntax:${syntax.message}`);
      return;
    }
    const badKey = mayHaveKeys ? collectionKey(doc) : undefined;
    if (badKey) {
      if (notAnObject(doc)) return;
      const position = parsed.nodePosition(badKey) ?? { line: 1, column: 1 };
      const hint = text.includes('{{') ? ` ${TEMPLATE_HINT}` : '';
      fail(
        `A mapping key is itself a mapping or a list, which Kubernetes objects never have.${hint}`,
        position,
        'collection-key',
      );
      return;
    }
    try {
      // Loading is only needed to catch alias bombs and unresolved aliases; without an alias it cannot fail.
      if (mayHaveAliases && hasAlias(doc)) documentToJS(doc);
    } catch (error) {
      const position = parsed.nodePosition(doc.contents) ?? { line: 1, column: 1 };
      fail(`The document could not be loaded: ${errorMessage(error)}`, position, `load:${errorMessage(error)}`);
      return;
    }
    const root = View.root(doc, (offset) => parsed.position(offset));
    if (!root) return;
    const object = toObject(path, root, docIndex, -1);
    if (!object) return;
    if (object.kind === 'List' || object.kind.endsWith('List')) {
      const items = root.get('items');
      if (object.kind === 'List' || items?.isSeq()) {
        collectListItems(path, items, docIndex, objects, fail);
        return;
      }
    }
    objects.push(object);
  });
  return done();
}

function collectListItems(
  path: string,
  items: View | undefined,
  docIndex: number,
  objects: K8sObject[],
  fail: (message: string, position: Position, key: string) => void,
): void {
  if (!items) return;
  const list = items.items();
  list.slice(0, MAX_LIST_ITEMS).forEach((item, itemIndex) => {
    const object = toObject(path, item, docIndex, itemIndex);
    if (object) objects.push(object);
  });
  if (list.length > MAX_LIST_ITEMS) {
    fail(
      `The List has ${list.length} items; only the first ${MAX_LIST_ITEMS} were checked.`,
      items.position,
      'list-items',
    );
  }
}

/** A Kubernetes object has string `apiVersion` and `kind`; anything else (compose, workflows, config) is skipped. */
function toObject(path: string, view: View, docIndex: number, itemIndex: number): K8sObject | undefined {
  if (!view.isMap()) return undefined;
  const apiVersion = view.get('apiVersion')?.string();
  const kind = view.get('kind')?.string();
  if (!apiVersion || !kind || !/^[A-Za-z][A-Za-z0-9]*$/.test(kind)) return undefined;
  const metadata = view.get('metadata');
  const name = metadata?.get('name')?.string() ?? (metadata?.get('generateName')?.string() ?? '') + '*';
  const namespace = metadata?.get('namespace')?.string() || undefined;
  return {
    path,
    docIndex,
    itemIndex,
    apiVersion,
    kind,
    name: name === '*' ? '(unnamed)' : name,
    namespace,
    view,
    metadata,
  };
}

function hasAlias(doc: Document.Parsed): boolean {
  let found = false;
  visit(doc, {
    Alias() {
      found = true;
      return visit.BREAK;
    },
  });
  return found;
}

/** `Kind/name`, the `object` of a finding's location. */
export function objectRef(object: K8sObject): string {
  return `${object.kind}/${object.name}`;
}

/** A stable per-object discriminator for finding keys (no line numbers). */
export function objectKey(object: K8sObject): string {
  return `${object.namespace ?? ''}/${object.kind}/${object.name}`;
}

export function parseError(path: string, message: string, position: Position, key: string): RawFinding {
  return {
    ruleId: 'manifests/parse-error',
    severity: 'high',
    title: 'Manifest could not be parsed',
    message,
    location: { path, startLine: position.line, startColumn: position.column },
    key,
  };
}

function looksBinary(text: string): boolean {
  if (text.includes('\u0000')) return true;
  let replacements = 0;
  const sample = text.length > 65_536 ? text.slice(0, 65_536) : text;
  for (const char of sample) if (char === '\uFFFD' && ++replacements > 8) return true;
  return false;
}

/**
 * Position of the first flow collection opened deeper than MAX_NESTING_DEPTH, or of a block sequence
 * written `- - - ...` that deep, skipping quoted strings and comments. Linear in the text.
 */
function excessiveNesting(text: string): Position | undefined {
  let depth = 0;
  let line = 1;
  let column = 0;
  let quote: '"' | "'" | undefined;
  let comment = false;
  let dashes = 0;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    column++;
    if (char === '\n') {
      line++;
      column = 0;
      comment = false;
      dashes = 0;
      lineStart = true;
      continue;
    }
    if (comment) continue;
    if (quote) {
      if (char === '\\' && quote === '"') {
        i++;
        column++;
      } else if (char === quote) quote = undefined;
      continue;
    }
    if (lineStart) {
      if (char === '-' && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
        if (++dashes > MAX_NESTING_DEPTH) return { line, column };
        continue;
      }
      if (char !== ' ' && char !== '\t') lineStart = false;
    }
    if ((char === '"' || char === "'") && /[\s[{,:]/.test(text[i - 1] ?? ' ')) quote = char;
    else if (char === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ' '))) comment = true;
    else if (char === '[' || char === '{') {
      if (++depth > MAX_NESTING_DEPTH) return { line, column };
    } else if ((char === ']' || char === '}') && depth > 0) depth--;
  }
  return undefined;
}
