/**
 * Reading `run:` scripts as text, without executing or fully parsing them: physical lines joined at
 * trailing-backslash continuations into logical command lines, with shell comments removed, and every
 * character mapped back to its offset in the scalar's value so findings point at the real line.
 */

export const MAX_SCRIPT_LINES = 10_000;
export const MAX_LOGICAL_LINE = 20_000;

export interface LogicalLine {
  text: string;
  /** offsets[i] is the offset in the script of text[i]. */
  offsets: number[];
}

export function logicalLines(script: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let text = '';
  let offsets: number[] = [];
  let lineStart = 0;
  let count = 0;
  while (lineStart <= script.length && count++ < MAX_SCRIPT_LINES) {
    let lineEnd = script.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = script.length;
    let line = script.slice(lineStart, lineEnd);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const commentAt = commentStart(line);
    const code = commentAt >= 0 ? line.slice(0, commentAt) : line;
    const continued = commentAt < 0 && /\\$/.test(code);
    const kept = continued ? code.slice(0, -1) : code;
    if (text.length + kept.length <= MAX_LOGICAL_LINE) {
      for (let i = 0; i < kept.length; i++) offsets.push(lineStart + i);
      text += kept;
    }
    if (!continued) {
      if (text.trim() !== '') out.push({ text, offsets });
      text = '';
      offsets = [];
    } else {
      offsets.push(lineEnd);
      text += ' ';
    }
    lineStart = lineEnd + 1;
  }
  if (text.trim() !== '') out.push({ text, offsets });
  return out;
}

/** Index of a `#` that starts a shell comment (at line start or after whitespace, outside quotes), or -1. */
function commentStart(line: string): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '\\') i++;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return i;
  }
  return -1;
}

/** The script offset of `text[index]` of a logical line. */
export function scriptOffset(line: LogicalLine, index: number): number {
  return line.offsets[index] ?? line.offsets[line.offsets.length - 1] ?? 0;
}
