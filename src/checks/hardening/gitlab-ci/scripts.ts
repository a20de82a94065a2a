import { fetchesPinnedContent, unverifiedRun } from '../remote-download.js';
import type { LMap, LScalar, LValue } from './located.js';
import { get } from './located.js';

/** Script lines read per job: a cap against alias-built blow-ups. */
export const MAX_SCRIPT_LINES = 5000;
const MAX_NESTING = 12;

export interface ScriptLine {
  /** `script`, `before_script`, `after_script` or `hooks:pre_get_sources_script`. */
  key: string;
  scalar: LScalar;
  text: string;
}

/** Every command of a job's scripts, nested lists (anchors, `!reference`) flattened as GitLab does. */
export function jobScripts(job: LMap): ScriptLine[] {
  const out: ScriptLine[] = [];
  const sections: [string, LValue | undefined][] = [
    ['before_script', get(job, 'before_script')],
    ['script', get(job, 'script')],
    ['after_script', get(job, 'after_script')],
    ['hooks:pre_get_sources_script', get(get(job, 'hooks'), 'pre_get_sources_script')],
  ];
  for (const [key, value] of sections) if (value) flatten(value, key, out, 0);
  return out;
}

function flatten(value: LValue, key: string, out: ScriptLine[], depth: number): void {
  if (out.length >= MAX_SCRIPT_LINES || depth > MAX_NESTING) return;
  if (value.kind === 'scalar') {
    if (value.value !== null) out.push({ key, scalar: value, text: String(value.value) });
  } else if (value.kind === 'seq') {
    for (const item of value.items) flatten(item, key, out, depth + 1);
  }
}

/** The script line holding `index`, trimmed and shortened: a content-based key that survives moves. */
export function commandAt(script: string, index: number): string {
  const start = script.lastIndexOf('\n', index - 1) + 1;
  const end = script.indexOf('\n', index);
  return script
    .slice(start, end < 0 ? undefined : end)
    .trim()
    .replace(/\s+/g, ' ')
    .slice(0, 100);
}

export type QuoteState = 'none' | 'single' | 'double';

export interface VariableUse {
  name: string;
  /** Index of the `$` in the script text. */
  index: number;
  /** `$NAME` or `${NAME...}` as written. */
  token: string;
  quote: QuoteState;
  /** The command text from the start of its simple command up to the variable. */
  before: string;
}

const BRACED = /^\$\{([A-Za-z_][A-Za-z0-9_]*)[^}\n]*\}/;
const BARE = /^\$([A-Za-z_][A-Za-z0-9_]*)/;

const HEREDOC = /^<<(-?)[ \t]*(['"]?)([A-Za-z0-9_.-]+)\2/;

interface Heredoc {
  delimiter: string;
  /** A quoted delimiter turns expansion off in the body. */
  quoted: boolean;
  stripTabs: boolean;
  command: string;
}

function matchVariable(script: string, i: number): RegExpExecArray | null {
  const rest = script.slice(i, i + 300);
  return BRACED.exec(rest) ?? BARE.exec(rest);
}

/** Reads here-document bodies after a newline; returns the index of the last newline consumed. */
function readHeredocs(script: string, newline: number, heredocs: Heredoc[], uses: VariableUse[]): number {
  let position = newline;
  for (const heredoc of heredocs) {
    while (position < script.length) {
      const lineStart = position + 1;
      const lineEnd = script.indexOf('\n', lineStart) < 0 ? script.length : script.indexOf('\n', lineStart);
      const line = script.slice(lineStart, lineEnd);
      position = lineEnd;
      if ((heredoc.stripTabs ? line.replace(/^\t+/, '') : line) === heredoc.delimiter) break;
      if (heredoc.quoted) continue;
      for (let j = lineStart; j < lineEnd; j++) {
        if (script[j] === '\\') {
          j++;
          continue;
        }
        if (script[j] !== '$') continue;
        const match = matchVariable(script, j);
        if (!match?.[1]) continue;
        // Expanded, but neither split nor globbed: like a double-quoted string.
        uses.push({ name: match[1], index: j, token: match[0], quote: 'double', before: heredoc.command });
        j += match[0].length - 1;
      }
    }
  }
  return position;
}

/**
 * Finds `$NAME` / `${NAME}` references in a shell script with their quoting, tracking single and double
 * quotes, backslash escapes, comments, command separators and here-documents. It is a scanner, not a
 * shell parser: command substitutions are read as plain text.
 */
export function variableUses(script: string): VariableUse[] {
  const uses: VariableUse[] = [];
  let quote: QuoteState = 'none';
  let commandStart = 0;
  let heredocs: Heredoc[] = [];
  for (let i = 0; i < script.length; i++) {
    const c = script[i];
    if (quote === 'single') {
      if (c === "'") quote = 'none';
      continue;
    }
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '$') {
      const match = matchVariable(script, i);
      if (match?.[1]) {
        uses.push({ name: match[1], index: i, token: match[0], quote, before: script.slice(commandStart, i) });
        i += match[0].length - 1;
      }
      continue;
    }
    if (quote === 'double') {
      if (c === '"') quote = 'none';
      continue;
    }
    if (c === "'") quote = 'single';
    else if (c === '"') quote = 'double';
    else if (c === '<' && script[i + 1] === '<' && script[i + 2] !== '<') {
      const match = HEREDOC.exec(script.slice(i, i + 200));
      if (match?.[3]) {
        heredocs.push({
          delimiter: match[3],
          quoted: match[2] !== '',
          stripTabs: match[1] === '-',
          command: script.slice(commandStart, i),
        });
        i += match[0].length - 1;
      }
    } else if (c === '#' && (i === 0 || /\s/.test(script[i - 1] ?? ''))) {
      const newline = script.indexOf('\n', i);
      if (newline < 0) break;
      i = newline - 1;
    } else if (c === '\n' && heredocs.length > 0) {
      i = readHeredocs(script, i, heredocs, uses);
      heredocs = [];
      commandStart = i + 1;
    } else if (c === ';' || c === '\n' || c === '|' || c === '&') {
      commandStart = i + 1;
    }
  }
  return uses;
}

const REPARSING_COMMANDS = [
  /(?:^|[\s;&|(`])eval\s/,
  /(?:^|[\s/;&|(`])(?:ba|z|da|k|a|fi)?sh\s+(?:-[A-Za-z]+\s+)*-[A-Za-z]*c\b/,
  /(?:^|[\s/;&|(`])(?:python[0-9.]*|perl|ruby|node|php)\s+(?:-\S+\s+)*-[ce]\b/,
  /(?:^|[\s/;&|(`])(?:pwsh|powershell)(?:\.exe)?\s+(?:-\S+\s+)*-(?:c|Command)\b/i,
  /(?:^|[\s;&|(`])su\s+(?:\S+\s+)*-c\b/,
];

/** True when the text before a variable starts a command that parses its argument again as code. */
export function isReparsed(before: string): boolean {
  return REPARSING_COMMANDS.some((pattern) => pattern.test(before));
}

/**
 * `NAME=` at the start of a command (after other assignments or a declaration builtin), not `--opt name=`.
 * Each earlier value is matched atomically (`(?=(…))\1`): a quoted value is also a run of non-spaces, and
 * letting the engine try both for every assignment backtracked exponentially on a line that fails.
 */
const ASSIGNMENT =
  /^\s*(?:(?:export|local|readonly|declare(?:\s+-\w+)*)\s+)?(?:[A-Za-z_][A-Za-z0-9_]*=(?=("[^"]*"\S*|'[^']*'\S*|\S*))\1\s+)*[A-Za-z_][A-Za-z0-9_]*=$/;

/** Unquoted places where the shell does not split words or expand globs. */
export function isSplitSafe(before: string): boolean {
  const insideDoubleBrackets = /\[\[(?:(?!\]\]).)*$/s.test(before);
  return insideDoubleBrackets || /^\s*case\s+$/.test(before) || ASSIGNMENT.test(before);
}

/** `curl`/`wget` in command position: line start, after a separator, `(`, a backtick, or `sudo`. */
const FETCH_THEN_PIPE =
  /(?<=(?:^|[\n;&|(`])\s*(?:sudo\s+(?:-\S+\s+)*)?)(curl|wget)\b[^;&\n]*?\|\s*(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+(?:\S+=\S*\s+)*)?(?:\/usr)?(?:\/bin\/)?(?:(?:ba|z|da|k|a|fi)?sh\b|(?:python[0-9.]*|perl|ruby|node|php)\s*-?\s*(?:$|[;&|)\n]))/g;
const SUBSTITUTED_FETCH = /(?:\beval|\b(?:ba|z|da|k|a)?sh\s+(?:-\S+\s+)*-c)\s+["']?(?:\$\(|`)\s*(curl|wget)\b/g;
const PROCESS_SUBSTITUTION = /(?:\bsource|(?:^|[\s;&|])\.|\b(?:ba|z|da|k|a)?sh)\s+<\(\s*(curl|wget)\b/g;

export interface RemoteExecution {
  /** Index of `curl`/`wget` in the script text. */
  index: number;
  tool: string;
  snippet: string;
}

/** `curl ... | sh`, `sh -c "$(curl ...)"`, `source <(wget ...)` and their variants. */
export function remoteExecutions(script: string): RemoteExecution[] {
  const text = script.replace(/\\\r?\n/g, (m) => ' '.repeat(m.length));
  const found = new Map<number, RemoteExecution>();
  for (const pattern of [FETCH_THEN_PIPE, SUBSTITUTED_FETCH, PROCESS_SUBSTITUTION]) {
    for (const match of text.matchAll(pattern)) {
      const tool = match[1] ?? 'curl';
      const offset = match[0].search(/\b(?:curl|wget)\b/);
      const index = (match.index ?? 0) + Math.max(0, offset);
      if (fetchesPinnedContent(text, index)) continue;
      if (!found.has(index)) found.set(index, { index, tool, snippet: match[0].trim().slice(0, 120) });
    }
  }
  if (found.size === 0) {
    let at = 0;
    for (const line of text.split('\n')) {
      const run = unverifiedRun(line);
      if (run) found.set(at + run.index, { ...run, index: at + run.index, snippet: line.trim().slice(0, 120) });
      at += line.length + 1;
    }
  }
  return [...found.values()].sort((a, b) => a.index - b.index);
}
