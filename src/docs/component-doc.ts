import { parseAllDocuments } from 'yaml';

export interface ComponentInput {
  description?: string;
  type?: 'string' | 'number' | 'boolean' | 'array';
  default?: unknown;
  options?: unknown[];
  regex?: string;
}

/** The `spec:inputs` of a CI/CD catalog component (the first YAML document of templates/<name>.yml). */
export function componentInputs(componentYml: string): Record<string, ComponentInput> {
  const [header] = parseAllDocuments(componentYml);
  if (!header || header.errors.length > 0) throw new Error('the component has no valid `spec:` header document');
  const spec = header.toJS() as { spec?: { inputs?: Record<string, ComponentInput | null> } };
  return Object.fromEntries(Object.entries(spec.spec?.inputs ?? {}).map(([name, input]) => [name, input ?? {}]));
}

function cell(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
}

function shown(value: unknown): string {
  if (value === undefined) return '(required)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text === '' ? '`""`' : `\`${cell(text)}\``;
}

/** The README's component inputs table, generated from templates/containersec.yml so it cannot drift. */
export function componentInputsTable(componentYml: string): string {
  const rows = Object.entries(componentInputs(componentYml)).map(([name, input]) => {
    const type = input.type ?? 'string';
    const options = input.options ? ` One of: ${input.options.map((o) => `\`${String(o)}\``).join(', ')}.` : '';
    return `| \`${name}\` | ${type} | ${cell(input.description ?? '')}${options} | ${shown(input.default)} |`;
  });
  return ['| Input | Type | Description | Default |', '| :-- | :-- | :-- | :-- |', ...rows].join('\n');
}
