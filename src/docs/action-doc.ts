import { parse } from 'yaml';

interface ActionInput {
  description?: string;
  default?: unknown;
  required?: boolean;
}

function cell(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
}

/** The README's inputs and outputs tables, generated from action.yml so they cannot drift. */
export function actionInputsTable(actionYml: string): string {
  const action = parse(actionYml) as {
    inputs?: Record<string, ActionInput>;
    outputs?: Record<string, { description?: string }>;
  };
  const inputs = Object.entries(action.inputs ?? {}).map(([name, input]) => {
    const def =
      input.default === undefined || input.default === ''
        ? ''
        : `\`${cell(typeof input.default === 'string' ? input.default : JSON.stringify(input.default))}\``;
    return `| \`${name}\` | ${cell(input.description ?? '')} | ${def} |`;
  });
  const outputs = Object.entries(action.outputs ?? {}).map(
    ([name, output]) => `| \`${name}\` | ${cell(output.description ?? '')} |`,
  );
  return [
    '| Input | Description | Default |',
    '| :-- | :-- | :-- |',
    ...inputs,
    '',
    '| Output | Description |',
    '| :-- | :-- |',
    ...outputs,
  ].join('\n');
}

export function replaceBetweenMarkers(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${start} ... ${end} markers`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}
