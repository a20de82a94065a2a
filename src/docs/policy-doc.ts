import { DEFAULT_SKIPPED_DIRS } from '../checks/file-check.js';
import schema from '../../schema/containersec.schema.json' with { type: 'json' };
import { defaultPolicy, PRESETS } from '../policy/presets.js';

interface Node {
  description?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  $ref?: string;
  properties?: Record<string, Node>;
  items?: Node;
  oneOf?: Node[];
  required?: string[];
  pattern?: string;
}

const definitions = schema.definitions as Record<string, Node>;

function resolve(node: Node): Node {
  if (!node.$ref) return node;
  const target = definitions[node.$ref.replace('#/definitions/', '')] ?? {};
  return { ...target, ...node, $ref: undefined, description: node.description ?? target.description };
}

function typeText(node: Node): string {
  const n = resolve(node);
  if (n.const !== undefined) return `\`${JSON.stringify(n.const)}\``;
  if (n.enum) return n.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (n.oneOf) return n.oneOf.map(typeText).join(' or ');
  if (n.type === 'array') return `list of ${n.items ? typeText(n.items) : 'values'}`;
  if (n.type === 'object' && n.properties) return 'mapping';
  if (Array.isArray(n.type)) return n.type.join(' or ');
  return n.type ?? 'value';
}

function defaultAt(path: string[]): string {
  let value: unknown = defaultPolicy();
  for (const key of path)
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  if (value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value))) return '';
  return `\`${JSON.stringify(value)}\``;
}

function rows(node: Node, path: string[]): string[] {
  const n = resolve(node);
  const out: string[] = [];
  for (const [key, child] of Object.entries(n.properties ?? {})) {
    if (key === '$schema') continue;
    const childPath = [...path, key];
    const resolved = resolve(child);
    const required = n.required?.includes(key) ? ' (required)' : '';
    out.push(
      `| \`${childPath.join('.')}\` | ${typeText(child)}${required} | ${defaultAt(childPath)} | ${(resolved.description ?? '').replace(/\|/g, '\\|')} |`,
    );
    if (resolved.properties) out.push(...rows(resolved, childPath));
    if (resolved.type === 'array' && resolved.items && resolve(resolved.items).properties)
      out.push(...rows(resolve(resolved.items), [...childPath, '[]']));
  }
  return out;
}

/** docs/policy.md, generated from the JSON Schema and the built-in defaults so it cannot drift. */
export function policyReference(): string {
  const presets = Object.entries(PRESETS)
    .map(([name, fragment]) => `### \`${name}\`\n\n\`\`\`json\n${JSON.stringify(fragment, null, 2)}\n\`\`\``)
    .join('\n\n');
  return `# Policy reference: \`.containersec.yml\`

Generated from [schema/containersec.schema.json](../schema/containersec.schema.json) by \`npm run docs\`; do not edit by hand.
Editors with the YAML language server complete and check the file when it starts with the line that
\`containersec init\` writes:

\`\`\`yaml
# yaml-language-server: $schema=https://raw.githubusercontent.com/containersec/containersec/main/schema/containersec.schema.json
\`\`\`

Errors name \`file:line:column\`, the key, what was expected, and a "did you mean" for misspelled keys.

## Keys

| Key | Type | Default | Description |
| :-- | :-- | :-- | :-- |
${rows(schema, []).join('\n')}

## How the pieces combine

1. The built-in defaults (the \`recommended\` preset) are the base.
2. Each \`extends:\` entry (a preset name or a repository-relative file) is merged over it, in order.
3. The file itself is merged last. Mappings merge key by key; lists and values replace. \`exceptions\` add up
   along the chain.
4. Command-line flags and action inputs (\`--only\`, \`--image\`, \`--vuln-db\`) apply on top.

## Which files are checked

A file is checked when a glob of the check's \`paths\` matches it and no \`!glob\` does, with two defaults on top:

- **Tests, fixtures, vendored and archived code are skipped:** files under a directory named
  ${DEFAULT_SKIPPED_DIRS.map((d) => `\`${d}/\``).join(', ')}, at any depth. The check's notes say how many were skipped. To check
  some of them, add a glob that names the directory, e.g. \`"**/testdata/**"\` or \`"deploy/e2e/*.yaml"\`; a
  catch-all such as \`"**/*.yaml"\` does not bring them back.
- **Only files of the linted kind are linted.** Workflows, GitLab CI files, Dockerfiles and compose files are
  recognised by their names. Any other \`*.yaml\`/\`*.yml\`/\`*.json\` is a Kubernetes manifest only when it has
  \`apiVersion\` and \`kind\`: one that does not parse (or is binary) and does not look like a manifest is left
  out with a note, not reported as a \`manifests/parse-error\`. A file matched by a glob you wrote in \`paths\`
  (not one of the built-in globs) is reported whatever it contains.

\`examples/\` directories are checked: people copy examples into production, so an insecure example is a real
finding. To leave them out, add \`"!**/examples/**"\` to the check's \`paths\`.

Files are read as UTF-8, or as UTF-16 when they start with its byte-order mark. YAML is read the way Kubernetes'
Go decoders read it; in particular a quoted scalar may continue on lines indented no further than its key.

## Exceptions

Each exception names a \`rule\` (an id such as \`k8s/image-unpinned\`, or a glob such as \`k8s/*\`) and a
mandatory \`reason\`. Optional scopes narrow it; every scope given must match (\`paths\`, \`images\`,
\`packages\`, \`objects\` are globs; a path matches with or without a leading \`/\`, so \`/etc/nsswitch.conf\` as an
image report prints it and \`etc/nsswitch.conf\` are the same). After \`expires\` (a \`YYYY-MM-DD\` date, inclusive) the exception stops
applying: the finding counts again, new or not (\`gate.new-only\` does not hide it), so at or above \`fail-on\`
it blocks, and the report lists it under "What blocks the merge" with the date the exception expired. An
exception that matches no finding of a check that ran cleanly is reported as stale, and so is an inline
\`# containersec:ignore <rule-id> <reason>\` comment that suppresses nothing (wrong line or wrong rule id).

## Presets

The fragments each preset merges over the defaults:

${presets}
`;
}
