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

## Exceptions

Each exception names a \`rule\` (an id such as \`k8s/image-unpinned\`, or a glob such as \`k8s/*\`) and a
mandatory \`reason\`. Optional scopes narrow it; every scope given must match (\`paths\`, \`images\`,
\`packages\`, \`objects\` are globs). After \`expires\` (a \`YYYY-MM-DD\` date, inclusive) the exception stops
applying: the finding counts again, new or not (\`gate.new-only\` does not hide it), so at or above \`fail-on\`
it blocks, and the report lists it under "What blocks the merge" with the date the exception expired. An
exception that matches no finding of a check that ran cleanly is reported as stale, and so is an inline
\`# containersec:ignore <rule-id> <reason>\` comment that suppresses nothing (wrong line or wrong rule id).

## Presets

The fragments each preset merges over the defaults:

${presets}
`;
}
