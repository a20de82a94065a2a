/**
 * A small POSIX-shell reader for RUN instructions. It does not execute or expand anything: it splits a
 * script into simple commands and words, removes quotes, and keeps for every character of every word the
 * offset it came from in the Dockerfile, so findings point at the real line and column of a token even
 * in multi-line RUNs, heredoc bodies and `sh -c '…'` strings.
 */

/** Text plus the source offset of each of its characters. */
export interface MappedText {
  text: string;
  offsets: number[];
}

export interface Word {
  /** The word after quote removal. `$(…)`, `${…}` and backquotes are kept verbatim. */
  text: string;
  offsets: number[];
  /** Source offset of the word's first character (an opening quote included). */
  start: number;
  /** Bodies of `$(…)`, backquotes, `<(…)` and `>(…)` inside the word. */
  substitutions: MappedText[];
}

export interface SimpleCommand {
  /** argv: assignments, redirections and reserved words removed. May be empty (`FOO=1` alone). */
  words: Word[];
  /** Leading `NAME=value` words. */
  assignments: Word[];
  /** Commands joined by `|` share a pipeline id; `index` is the position in that pipeline. */
  pipeline: number;
  index: number;
  /** 0 for the RUN itself, 1+ inside `sh -c`, `$(…)`... */
  depth: number;
}

export interface ShellOptions {
  /** The shell's escape character; `null` for Windows shells (a Dockerfile with `# escape=\``). */
  escape: string | null;
}

const MAX_NESTING = 4;
const OPERATORS = [
  '&&',
  '||',
  ';;',
  '|&',
  '&>>',
  '&>',
  '>>',
  '<<<',
  '<<-',
  '<<',
  '>&',
  '<&',
  '>|',
  '<>',
  '|',
  '&',
  ';',
  '(',
  ')',
  '<',
  '>',
];
const REDIRECTIONS = new Set(['&>>', '&>', '>>', '<<<', '<<-', '<<', '>&', '<&', '>|', '<>', '<', '>']);
const RESERVED_PREFIXES = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'do',
  'done',
  'while',
  'until',
  '!',
  '{',
  '}',
  'esac',
]);
const COMPOUND_HEADS = new Set(['for', 'case', 'select', 'function', 'in']);

type Token = { kind: 'word'; word: Word } | { kind: 'op'; op: string } | { kind: 'newline' };

export function identityMapped(text: string, base: number): MappedText {
  const offsets = new Array<number>(text.length);
  for (let i = 0; i < text.length; i++) offsets[i] = base + i;
  return { text, offsets };
}

class Tokenizer {
  private i = 0;
  private readonly tokens: Token[] = [];
  private readonly pendingHeredocs: { delimiter: string; stripTabs: boolean }[] = [];

  constructor(
    private readonly src: MappedText,
    private readonly escape: string | null,
  ) {}

  run(): Token[] {
    const { text } = this.src;
    while (this.i < text.length) {
      const c = text[this.i]!;
      if (c === ' ' || c === '\t' || c === '\r') {
        this.i++;
      } else if (c === '\n') {
        this.tokens.push({ kind: 'newline' });
        this.i++;
        this.skipHeredocBodies();
      } else if (c === '#') {
        while (this.i < text.length && text[this.i] !== '\n') this.i++;
      } else if (this.escape !== null && c === this.escape && this.isLineContinuation(this.i)) {
        this.i = text.indexOf('\n', this.i) + 1;
      } else if ((c === '<' || c === '>') && text[this.i + 1] === '(') {
        this.tokens.push({ kind: 'word', word: this.readWord() });
      } else {
        const op = OPERATORS.find((candidate) => text.startsWith(candidate, this.i));
        if (op) {
          this.i += op.length;
          this.tokens.push({ kind: 'op', op });
          if (op === '<<' || op === '<<-') this.readHeredocDelimiter(op === '<<-');
        } else {
          const word = this.readWord();
          // `2>file`, `3<&0`: a file-descriptor number glued to a redirection is not an argument.
          const next = text[this.i];
          if (/^\d+$/.test(word.text) && (next === '<' || next === '>')) continue;
          this.tokens.push({ kind: 'word', word });
        }
      }
    }
    return this.tokens;
  }

  private isLineContinuation(at: number): boolean {
    const { text } = this.src;
    let j = at + 1;
    while (j < text.length && (text[j] === ' ' || text[j] === '\t' || text[j] === '\r')) j++;
    return text[j] === '\n';
  }

  private readHeredocDelimiter(stripTabs: boolean): void {
    const { text } = this.src;
    while (this.i < text.length && (text[this.i] === ' ' || text[this.i] === '\t')) this.i++;
    if (this.i >= text.length || text[this.i] === '\n') return;
    const word = this.readWord();
    this.tokens.push({ kind: 'word', word });
    if (word.text) this.pendingHeredocs.push({ delimiter: word.text, stripTabs });
  }

  /** Heredoc bodies are data for the command, not shell code: skip them. */
  private skipHeredocBodies(): void {
    const { text } = this.src;
    while (this.pendingHeredocs.length > 0) {
      const { delimiter, stripTabs } = this.pendingHeredocs.shift()!;
      while (this.i < text.length) {
        let end = text.indexOf('\n', this.i);
        if (end < 0) end = text.length;
        let line = text.slice(this.i, end).replace(/\r$/, '');
        if (stripTabs) line = line.replace(/^\t+/, '');
        this.i = Math.min(end + 1, text.length);
        if (line === delimiter) break;
      }
    }
  }

  private readWord(): Word {
    const { text, offsets } = this.src;
    const out: string[] = [];
    const outOffsets: number[] = [];
    const substitutions: MappedText[] = [];
    const start = offsets[this.i] ?? 0;
    const add = (from: number, to: number): void => {
      for (let k = from; k < to; k++) {
        out.push(text[k]!);
        outOffsets.push(offsets[k]!);
      }
    };
    const addSubstitution = (bodyFrom: number, bodyTo: number): void => {
      substitutions.push({ text: text.slice(bodyFrom, bodyTo), offsets: offsets.slice(bodyFrom, bodyTo) });
    };

    while (this.i < text.length) {
      const c = text[this.i]!;
      if ((c === '<' || c === '>') && text[this.i + 1] === '(' && out.length === 0) {
        const end = this.scanBalanced(this.i + 1, '(', ')');
        addSubstitution(this.i + 2, Math.max(this.i + 2, end - 1));
        add(this.i, end);
        this.i = end;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n' || '|&;()<>'.includes(c)) break;
      if (this.escape !== null && c === this.escape) {
        if (this.isLineContinuation(this.i)) {
          this.i = text.indexOf('\n', this.i) + 1;
          continue;
        }
        if (this.i + 1 < text.length) add(this.i + 1, this.i + 2);
        this.i += 2;
        continue;
      }
      if (c === "'") {
        const end = text.indexOf("'", this.i + 1);
        const stop = end < 0 ? text.length : end;
        add(this.i + 1, stop);
        this.i = stop + 1;
        continue;
      }
      if (c === '$' && text[this.i + 1] === "'") {
        let j = this.i + 2;
        while (j < text.length && text[j] !== "'") j += text[j] === '\\' ? 2 : 1;
        add(this.i + 2, Math.min(j, text.length));
        this.i = j + 1;
        continue;
      }
      if (c === '"') {
        this.i = this.readDoubleQuoted(this.i + 1, add, addSubstitution);
        continue;
      }
      if (c === '$' || c === '`') {
        this.i = this.readExpansion(this.i, add, addSubstitution);
        continue;
      }
      add(this.i, this.i + 1);
      this.i++;
    }
    return { text: out.join(''), offsets: outOffsets, start, substitutions };
  }

  /** Reads `"…"` starting after the opening quote; returns the index after the closing quote. */
  private readDoubleQuoted(
    from: number,
    add: (from: number, to: number) => void,
    addSubstitution: (from: number, to: number) => void,
  ): number {
    const { text } = this.src;
    let j = from;
    while (j < text.length && text[j] !== '"') {
      const c = text[j]!;
      if (c === '\\' && this.escape !== null) {
        const next = text[j + 1];
        if (next === '\n') {
          j += 2;
        } else if (next !== undefined && '$`"\\'.includes(next)) {
          add(j + 1, j + 2);
          j += 2;
        } else {
          add(j, j + 1);
          j++;
        }
      } else if (c === '$' || c === '`') {
        j = this.readExpansion(j, add, addSubstitution);
      } else {
        add(j, j + 1);
        j++;
      }
    }
    return j + 1;
  }

  /** Reads `$(…)`, `$((…))`, `${…}`, `` `…` `` or a plain `$`; appends it verbatim. */
  private readExpansion(
    at: number,
    add: (from: number, to: number) => void,
    addSubstitution: (from: number, to: number) => void,
  ): number {
    const { text } = this.src;
    if (text[at] === '`') {
      let j = at + 1;
      while (j < text.length && text[j] !== '`') j += text[j] === '\\' ? 2 : 1;
      const end = Math.min(j + 1, text.length);
      addSubstitution(at + 1, Math.min(j, text.length));
      add(at, end);
      return end;
    }
    const next = text[at + 1];
    if (next === '(') {
      const end = this.scanBalanced(at + 1, '(', ')');
      if (text[at + 2] !== '(') addSubstitution(at + 2, Math.max(at + 2, end - 1));
      add(at, end);
      return end;
    }
    if (next === '{') {
      const end = this.scanBalanced(at + 1, '{', '}');
      add(at, end);
      return end;
    }
    add(at, at + 1);
    return at + 1;
  }

  /** Index after the bracket that closes the one at `at`, skipping quoted text; the text end if none. */
  private scanBalanced(at: number, open: string, close: string): number {
    const { text } = this.src;
    let depth = 0;
    let j = at;
    while (j < text.length) {
      const c = text[j]!;
      if (c === '\\') {
        j += 2;
        continue;
      }
      if (c === "'") {
        const end = text.indexOf("'", j + 1);
        j = end < 0 ? text.length : end + 1;
        continue;
      }
      if (c === '"') {
        j++;
        while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
        j++;
        continue;
      }
      if (c === open) depth++;
      else if (c === close && --depth === 0) return j + 1;
      j++;
    }
    return text.length;
  }
}

export function tokenize(src: MappedText, options: ShellOptions): Token[] {
  return new Tokenizer(src, options.escape).run();
}

const ASSIGNMENT_RE = /^[A-Za-z_][A-Za-z0-9_]*\+?=/;

export function isAssignment(word: Word): boolean {
  return ASSIGNMENT_RE.test(word.text);
}

/** Pipeline ids stay unique across nested scripts of one RUN. */
export interface PipelineCounter {
  next: number;
}

/** Splits a script into simple commands (no nesting: see `parseShell`). */
export function splitCommands(tokens: Token[], depth: number, counter: PipelineCounter): SimpleCommand[] {
  const commands: SimpleCommand[] = [];
  let words: Word[] = [];
  let pipeline = counter.next++;
  let index = 0;
  let redirectTarget = false;

  const finish = (): void => {
    const assignments: Word[] = [];
    let k = 0;
    while (k < words.length && RESERVED_PREFIXES.has(words[k]!.text)) k++;
    while (k < words.length && isAssignment(words[k]!)) assignments.push(words[k++]!);
    const argv = words.slice(k);
    const head = argv[0]?.text;
    if ((argv.length > 0 || assignments.length > 0) && !(head !== undefined && COMPOUND_HEADS.has(head))) {
      commands.push({ words: argv, assignments, pipeline, index, depth });
    }
    words = [];
  };

  for (const token of tokens) {
    if (token.kind === 'word') {
      if (redirectTarget) redirectTarget = false;
      else words.push(token.word);
    } else if (token.kind === 'op' && REDIRECTIONS.has(token.op)) {
      redirectTarget = true;
    } else if (token.kind === 'op' && (token.op === '|' || token.op === '|&')) {
      finish();
      index++;
    } else {
      finish();
      pipeline = counter.next++;
      index = 0;
      redirectTarget = false;
    }
  }
  finish();
  return commands;
}

export function basename(word: Word | undefined): string {
  if (!word) return '';
  const slash = word.text.lastIndexOf('/');
  return slash >= 0 ? word.text.slice(slash + 1) : word.text;
}

export const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox']);

/** Options of wrapper commands that take a value (`sudo -u root cmd`). */
const WRAPPERS: Record<string, { valueOptions: string; maxPositional: number }> = {
  sudo: { valueOptions: 'ugCDhprtUT', maxPositional: 0 },
  doas: { valueOptions: 'uC', maxPositional: 0 },
  env: { valueOptions: 'uCS', maxPositional: 0 },
  exec: { valueOptions: 'a', maxPositional: 0 },
  command: { valueOptions: '', maxPositional: 0 },
  builtin: { valueOptions: '', maxPositional: 0 },
  nohup: { valueOptions: '', maxPositional: 0 },
  time: { valueOptions: 'fo', maxPositional: 0 },
  nice: { valueOptions: 'n', maxPositional: 0 },
  ionice: { valueOptions: 'cnp', maxPositional: 0 },
  stdbuf: { valueOptions: 'ioe', maxPositional: 0 },
  timeout: { valueOptions: 'ks', maxPositional: 1 },
  gosu: { valueOptions: '', maxPositional: 1 },
  'su-exec': { valueOptions: '', maxPositional: 1 },
  chpst: { valueOptions: 'uUe', maxPositional: 0 },
  tini: { valueOptions: '', maxPositional: 0 },
  'dumb-init': { valueOptions: '', maxPositional: 0 },
};

export interface Invocation {
  /** The command that really runs, wrappers skipped: `sudo -E apt-get install x` gives `apt-get install x`. */
  argv: Word[];
  /** Wrapper words skipped (`sudo`, `env`...). */
  wrappers: Word[];
  /** Assignments before the command and those given to `env`/`sudo`. */
  assignments: Word[];
}

export function invocation(command: SimpleCommand): Invocation {
  let argv = command.words;
  const wrappers: Word[] = [];
  const assignments = [...command.assignments];
  for (let guard = 0; guard < 8 && argv.length > 0; guard++) {
    const name = basename(argv[0]);
    const spec = WRAPPERS[name];
    if (!spec) break;
    wrappers.push(argv[0]!);
    let k = 1;
    let positional = 0;
    while (k < argv.length) {
      const text = argv[k]!.text;
      if (text === '--') {
        k++;
        break;
      }
      if (text.startsWith('-') && text.length > 1) {
        const letter = text.startsWith('--') ? '' : text.slice(-1);
        const needsValue = letter !== '' && text.length === 2 && spec.valueOptions.includes(letter);
        k += needsValue ? 2 : 1;
        continue;
      }
      if ((name === 'env' || name === 'sudo') && isAssignment(argv[k]!)) {
        assignments.push(argv[k]!);
        k++;
        continue;
      }
      if (positional < spec.maxPositional) {
        positional++;
        k++;
        continue;
      }
      break;
    }
    argv = argv.slice(k);
  }
  return { argv, wrappers, assignments };
}

/** For `sh -c 'script'` / `bash -ec "script"` / `su -c 'script'`: the script word. */
export function inlineScript(inv: Invocation): Word | undefined {
  const name = basename(inv.argv[0]);
  if (!SHELLS.has(name) && name !== 'su') return undefined;
  const args = name === 'busybox' && basename(inv.argv[1]) === 'sh' ? inv.argv.slice(2) : inv.argv.slice(1);
  let sawC = false;
  for (let k = 0; k < args.length; k++) {
    const text = args[k]!.text;
    if (sawC && !text.startsWith('-')) return args[k];
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(text) || text === '--command') sawC = true;
    else if (text === '-o' || text === '+o') k++;
    else if (!text.startsWith('-') && !text.startsWith('+') && name !== 'su') return undefined;
  }
  return undefined;
}

/** All simple commands of a script, including those inside `sh -c '…'`, `$(…)`, backquotes and `<(…)`. */
export function parseShell(
  src: MappedText,
  options: ShellOptions,
  depth = 0,
  counter: PipelineCounter = { next: 0 },
): SimpleCommand[] {
  return expandNested(splitCommands(tokenize(src, options), depth, counter), options, depth, counter);
}

/** Adds, after each command, the commands nested in it (bounded depth). */
export function expandNested(
  commands: SimpleCommand[],
  options: ShellOptions,
  depth: number,
  counter: PipelineCounter,
): SimpleCommand[] {
  if (depth >= MAX_NESTING) return commands;
  const all: SimpleCommand[] = [];
  for (const command of commands) {
    all.push(command);
    const script = inlineScript(invocation(command));
    for (const word of [...command.assignments, ...command.words]) {
      // The script's own substitutions are found again when the script itself is parsed.
      if (word === script) continue;
      for (const sub of word.substitutions) all.push(...parseShell(sub, options, depth + 1, counter));
    }
    if (script) all.push(...parseShell({ text: script.text, offsets: script.offsets }, options, depth + 1, counter));
  }
  return all;
}
