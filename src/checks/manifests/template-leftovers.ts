import { isCollection, visit } from 'yaml';
import type { Document, Node } from 'yaml';

/**
 * A mapping key that is itself a mapping or sequence. Neither Kubernetes (JSON objects) nor compose allows
 * one; in practice it is an unrendered template: `image: {{ .Values.image }}` is valid YAML whose value is a
 * flow mapping keyed by another flow mapping. Returns the node the finding points at.
 */
export function collectionKey(doc: Document.Parsed): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Pair(_, pair, path) {
      if (isCollection(pair.key)) {
        // Point at the mapping that holds the key: for `{{ x }}` that is the outer `{`.
        const parent = path[path.length - 1];
        found = isCollection(parent) && parent.flow ? parent : pair.key;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Cheap text test run once per file before the AST walk: a collection key needs `{{`/`{[` (a flow collection
 * opening inside a flow mapping), `]:`/`}:` (a flow collection followed by a key indicator) or a `?`
 * explicit-key indicator. Plain JSON and ordinary YAML manifests match none of these.
 */
export function mayHaveCollectionKey(text: string): boolean {
  return /\{\s*[{[]|[\]}]\s*:(?:\s|$)|(?:^|\s)\?(?:\s|$)/m.test(text);
}

export const TEMPLATE_HINT =
  'The file looks like a template (Helm/Go template): check the rendered manifests instead, and exclude templates from checks.manifests.paths.';

/** A Helm template action: `.Values`, `.Release`, `.Chart`, `.Capabilities`, or Helm's own functions. */
const HELM_ACTION =
  /\{\{-?[^}\n]*(\.(Values|Release|Chart|Capabilities|Files)\b|\b(include|toYaml|tpl|required|lookup)\b)/;

/**
 * A Go-template file that is not valid as plain YAML, or any file with a Helm action: it is never parsed as
 * plain YAML (its rendered output is what counts). A `{{` that only appears in comments does not count, nor
 * does one in a file that parses (Prometheus and Alertmanager templates live in ConfigMap strings).
 */
export function isUnrenderedTemplate(text: string, parsedCleanly: boolean): boolean {
  const code = text.replace(/(^|\s)#.*$/gm, '$1');
  if (HELM_ACTION.test(code)) return true;
  return !parsedCleanly && code.includes('{{');
}
