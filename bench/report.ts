import { readFileSync, writeFileSync } from 'node:fs';

export interface BenchResult {
  name: string;
  title: string;
  markdown: string;
}

/** Replaces (or appends) the section of docs/benchmarks.md between the bench's markers. */
export function record(file: string, result: BenchResult, date: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text =
      '# Benchmarks\n\nRecorded by `npm run bench` on the development machine (2 cores, shared and noisy). Figures are ratios against a reference measured in the same run; absolute times vary.\n';
  }
  const start = `<!-- bench:${result.name}:start -->`;
  const end = `<!-- bench:${result.name}:end -->`;
  const section = `${start}\n## ${result.title}\n\nRecorded ${date}.\n\n${result.markdown}\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  text =
    from >= 0 && to > from
      ? `${text.slice(0, from)}${section}${text.slice(to + end.length)}`
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, text);
}
