import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import { MAX_FILE_BYTES, type FileTree } from '../../core/tree.js';
import { parseYaml } from '../../core/yaml.js';
import { selectPaths } from '../file-check.js';
import { parseDockerfile, positionAt, offsetOf } from '../manifests/dockerfile/parse.js';
import { decodeSourceText } from '../../core/text.js';

/** Where the signatures check looks for image references when `checks.signatures.paths` is empty. */
export const DEFAULT_REFERENCE_PATHS = [
  '**/*.yaml',
  '**/*.yml',
  '**/Dockerfile',
  '**/Dockerfile.*',
  '**/*.Dockerfile',
  '**/*.dockerfile',
  '**/Containerfile',
  '**/Containerfile.*',
];
/** Bounds the work on a hostile repository. */
export const MAX_REFERENCE_FILES = 5_000;
export const MAX_REFERENCES = 10_000;
const MAX_YAML_DEPTH = 200;

/** One image reference as written in a file of the repository. */
export interface ReferenceSite {
  reference: string;
  path: string;
  /** 1-based position of the first character of the reference itself (after any quote). */
  line: number;
  column: number;
  /** "image", "FROM", "container". */
  field: string;
}

const isDockerfile = (path: string): boolean =>
  /(^|\/)(Dockerfile|Containerfile)([.-][^/]*)?$|\.(D|d)ockerfile$/.test(path);
const isWorkflow = (path: string): boolean => /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(path);

/**
 * `image:` values anywhere (Kubernetes containers, compose services, workflow services and containers, GitLab CI
 * `image:` and `image: {name:}`), and a GitHub workflow's `container:` shorthand.
 */
export function yamlReferences(path: string, text: string): ReferenceSite[] {
  const parsed = parseYaml(text);
  const sites: ReferenceSite[] = [];
  const workflow = isWorkflow(path);
  const walk = (node: unknown, depth: number): void => {
    if (depth > MAX_YAML_DEPTH || sites.length >= MAX_REFERENCES) return;
    if (isMap(node)) {
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const key = isScalar(item.key) ? item.key.value : undefined;
        let value = item.value as Node | null;
        const field = key === 'image' || (workflow && key === 'container') ? key : undefined;
        // GitLab CI's long form: `image: { name: ghcr.io/acme/ci:2, entrypoint: [""] }`.
        if (key === 'image' && isMap(value)) {
          const name = value.items.find((pair) => isPair(pair) && isScalar(pair.key) && pair.key.value === 'name');
          if (name && isScalar(name.value)) value = name.value;
        }
        if (field !== undefined && isScalar(value) && typeof value.value === 'string' && value.range) {
          const quoted = value.type === 'QUOTE_DOUBLE' || value.type === 'QUOTE_SINGLE';
          const position = parsed.position(value.range[0] + (quoted ? 1 : 0));
          const reference = value.value.trim();
          if (reference.length > 0)
            sites.push({ reference, path, line: position.line, column: position.column, field });
        } else {
          walk(value, depth + 1);
        }
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(item, depth + 1);
    }
  };
  for (const document of parsed.documents) {
    if (document.errors.length > 0) continue;
    walk(document.contents, 0);
  }
  return sites;
}

/** External images of `FROM` lines (global ARG defaults substituted; stages and `scratch` skipped). */
export function dockerfileReferences(path: string, text: string): ReferenceSite[] {
  const model = parseDockerfile(path, text);
  const sites: ReferenceSite[] = [];
  for (const stage of model.stages) {
    if (stage.parent || stage.image === undefined || stage.image.toLowerCase() === 'scratch') continue;
    const range = stage.from.getImageRange();
    if (!range) continue;
    const position = positionAt(model, offsetOf(model, range.start));
    sites.push({ reference: stage.image, path, line: position.line, column: position.column, field: 'FROM' });
  }
  return sites;
}

export interface CollectedReferences {
  sites: ReferenceSite[];
  notes: string[];
}

/** Image references in the repository's manifests, Dockerfiles, compose files and workflows. */
export async function collectReferences(tree: FileTree, globs: string[]): Promise<CollectedReferences> {
  const notes: string[] = [];
  const all = await tree.list();
  let paths = selectPaths(all, globs.length > 0 ? globs : DEFAULT_REFERENCE_PATHS).filter(
    (path) => isDockerfile(path) || /\.ya?ml$/i.test(path),
  );
  if (paths.length > MAX_REFERENCE_FILES) {
    notes.push(`Only the first ${MAX_REFERENCE_FILES} of ${paths.length} files were searched for image references.`);
    paths = paths.slice(0, MAX_REFERENCE_FILES);
  }
  const sites: ReferenceSite[] = [];
  const skipped: string[] = [];
  for (const path of paths) {
    const bytes = await tree.read(path, MAX_FILE_BYTES);
    if (bytes === undefined || bytes.subarray(0, 8000).includes(0)) continue;
    try {
      const text = decodeSourceText(bytes);
      sites.push(...(isDockerfile(path) ? dockerfileReferences(path, text) : yamlReferences(path, text)));
    } catch {
      skipped.push(path);
    }
    if (sites.length >= MAX_REFERENCES) {
      notes.push(`Stopped after ${MAX_REFERENCES} image references.`);
      break;
    }
  }
  if (skipped.length > 0) {
    notes.push(
      `${skipped.length} file(s) could not be parsed for image references (the manifests check reports them): ${skipped.slice(0, 5).join(', ')}`,
    );
  }
  return { sites: sites.slice(0, MAX_REFERENCES), notes };
}

/** `${VAR}` and `$VAR` from the CI job's environment; undefined when a variable is unset. */
export function expandVariables(value: string, env: Readonly<Record<string, string | undefined>>): string | undefined {
  let missing = false;
  const result = value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, braced, bare) => {
    const name = (braced ?? bare) as string;
    const replacement = env[name];
    if (replacement === undefined || replacement === '') missing = true;
    return replacement ?? '';
  });
  return missing ? undefined : result;
}
