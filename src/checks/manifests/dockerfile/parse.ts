import { DockerfileParser } from 'dockerfile-ast';
import type { Dockerfile, From, Instruction, Run } from 'dockerfile-ast';
import type { MappedText, PipelineCounter, ShellOptions, SimpleCommand, Word } from './shell.js';
import { SHELLS, basename, expandNested, identityMapped, inlineScript, invocation, parseShell } from './shell.js';

/** 0-based position as dockerfile-ast reports it. */
interface AstPosition {
  line: number;
  character: number;
}

export interface Stage {
  index: number;
  from: From;
  /** `AS name`, lower-cased like BuildKit does. */
  name?: string;
  /** The FROM image with global ARG defaults substituted; undefined when a variable has no value. */
  image?: string;
  instructions: Instruction[];
  /** The stage this one is built on, when FROM names an earlier stage. */
  parent?: Stage;
}

export interface RunScript {
  instruction: Instruction;
  stage: Stage;
  commands: SimpleCommand[];
  /** True for the JSON exec form (`RUN ["executable", "arg"]`). */
  execForm: boolean;
}

export interface DockerfileModel {
  path: string;
  text: string;
  ast: Dockerfile;
  escape: string;
  /** ARGs declared before the first FROM and their default values (undefined: declared without one). */
  globalArgs: Map<string, string | undefined>;
  stages: Stage[];
  runs: RunScript[];
  lineStarts: number[];
}

export class DockerfileParseError extends Error {
  constructor(
    message: string,
    readonly line = 1,
    readonly column = 1,
  ) {
    super(message);
  }
}

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export function offsetOf(model: Pick<DockerfileModel, 'lineStarts' | 'text'>, position: AstPosition): number {
  const lineStart = model.lineStarts[position.line] ?? model.text.length;
  return Math.min(lineStart + position.character, model.text.length);
}

/** 1-based line and column of an offset. */
export function positionAt(
  model: Pick<DockerfileModel, 'lineStarts'>,
  offset: number,
): { line: number; column: number } {
  const starts = model.lineStarts;
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - starts[low]! + 1 };
}

/**
 * Substitutes `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}` and `${VAR+alt}` like
 * BuildKit does for FROM lines. Returns undefined when a variable has no value (it is given at build time).
 */
export function substituteArgs(value: string, args: Map<string, string | undefined>): string | undefined {
  let unresolved = false;
  const result = value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (
      _match,
      braced: string | undefined,
      operator: string | undefined,
      word: string | undefined,
      bare: string | undefined,
    ) => {
      const name = (braced ?? bare)!;
      const current = args.get(name);
      const isSet = current !== undefined;
      const isNonEmpty = current !== undefined && current !== '';
      switch (operator) {
        case ':-':
          return current !== undefined && current !== '' ? current : (word ?? '');
        case '-':
          return current ?? word ?? '';
        case ':+':
          return isNonEmpty ? (word ?? '') : '';
        case '+':
          return isSet ? (word ?? '') : '';
        default:
          if (!isSet) unresolved = true;
          return current ?? '';
      }
    },
  );
  return unresolved ? undefined : result;
}

/**
 * Dockerfile line continuations: an escape character at the end of a line joins it with the next, and
 * empty or comment lines inside a continued instruction are dropped (BuildKit's parser does the same).
 */
export function joinContinuations(text: string, start: number, end: number, escape: string): MappedText {
  const chars: string[] = [];
  const offsets: number[] = [];
  let i = start;
  while (i < end) {
    const c = text[i]!;
    if (c === escape) {
      let j = i + 1;
      while (j < end && (text[j] === ' ' || text[j] === '\t' || text[j] === '\r')) j++;
      if (j >= end || text[j] === '\n') {
        i = j + 1;
        // Skip blank and comment lines that follow a continuation.
        while (i < end) {
          let lineEnd = text.indexOf('\n', i);
          if (lineEnd < 0 || lineEnd > end) lineEnd = end;
          if (!/^[ \t\r]*(#.*)?$/.test(text.slice(i, lineEnd))) break;
          i = lineEnd + 1;
        }
        continue;
      }
    }
    chars.push(c);
    offsets.push(i);
    i++;
  }
  return { text: chars.join(''), offsets };
}

/**
 * Quote removal as BuildKit applies it to ADD, COPY and USER words (shell-like: `'…'` literal, `"…"` with `\\`
 * escapes, the escape character outside quotes). The offset stays the word's first character.
 */
export function unquoteWord(value: string, escape: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else out += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < value.length && '"\\$'.includes(value[i + 1]!)) out += value[++i];
      else out += c;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === escape && i + 1 < value.length) {
      out += value[++i];
    } else {
      out += c;
    }
  }
  return out;
}

/**
 * An `ENV`/`ARG` value as BuildKit sets it: line continuations joined and quotes removed (`"0\""` is `0"`).
 * dockerfile-ast's own `getValue()` keeps some quotes and escapes, so the raw range is read instead.
 */
export function propertyValue(
  model: Pick<DockerfileModel, 'text' | 'lineStarts' | 'escape'>,
  range: { start: AstPosition; end: AstPosition } | null,
): string | undefined {
  if (!range) return undefined;
  const raw = joinContinuations(model.text, offsetOf(model, range.start), offsetOf(model, range.end), model.escape);
  return unquoteWord(raw.text, model.escape);
}

/**
 * An instruction word after BuildKit's word processing: `$VAR`, `${VAR}` and `${VAR:-default}` resolved
 * from the ARG/ENV in scope at that line, quotes removed (`USER "root"` is root). Undefined when a
 * variable has no known value.
 */
export function expandWord(
  model: Pick<DockerfileModel, 'ast' | 'escape'>,
  raw: string,
  line: number,
): string | undefined {
  let unresolved = false;
  const value = raw.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, braced?: string, fallback?: string, bare?: string) => {
      const resolved = model.ast.resolveVariable((braced ?? bare)!, line);
      if (resolved) return resolved;
      if (fallback !== undefined) return fallback;
      unresolved = true;
      return '';
    },
  );
  return unresolved ? undefined : unquoteWord(value, model.escape);
}

/** Parses `["a", "b"]` (JSON array of strings) with source offsets; undefined when it is not one. */
export function parseJsonArray(src: MappedText): Word[] | undefined {
  const { text, offsets } = src;
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  skipSpace();
  if (text[i] !== '[') return undefined;
  i++;
  const words: Word[] = [];
  skipSpace();
  if (text[i] === ']') {
    i++;
    skipSpace();
    return i === text.length ? words : undefined;
  }
  for (;;) {
    skipSpace();
    if (text[i] !== '"') return undefined;
    const start = offsets[i]!;
    i++;
    const chars: string[] = [];
    const charOffsets: number[] = [];
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        const next = text[i + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (next !== undefined && next in simple) {
          chars.push(simple[next]!);
          charOffsets.push(offsets[i]!);
          i += 2;
        } else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          chars.push(String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16)));
          charOffsets.push(offsets[i]!);
          i += 6;
        } else {
          return undefined;
        }
      } else {
        chars.push(text[i]!);
        charOffsets.push(offsets[i]!);
        i++;
      }
    }
    if (i >= text.length) return undefined;
    i++;
    words.push({ text: chars.join(''), offsets: charOffsets, start, substitutions: [] });
    skipSpace();
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] !== ']') return undefined;
    i++;
    skipSpace();
    return i === text.length ? words : undefined;
  }
}

function isRun(instruction: Instruction): instruction is Run {
  return instruction.getKeyword() === 'RUN';
}

/** A shebang naming something other than a POSIX shell (`#!/usr/bin/env python3`). */
function hasForeignShebang(body: string): boolean {
  const match = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(body);
  if (!match) return false;
  const interpreter = match[1]!.split('/').pop()!;
  const program = interpreter === 'env' ? (match[2] ?? '') : interpreter;
  return !SHELLS.has(program);
}

/** The simple commands a RUN executes: shell form, exec form and heredoc scripts. */
export function runCommands(
  model: Omit<DockerfileModel, 'runs'>,
  run: Instruction,
  shellIsPosix: boolean,
): { commands: SimpleCommand[]; execForm: boolean } {
  const argsRange = run.getArgumentsRange();
  if (!argsRange) return { commands: [], execForm: false };
  const options: ShellOptions = { escape: model.escape === '`' ? null : '\\' };
  const counter: PipelineCounter = { next: 0 };
  const start = offsetOf(model, argsRange.start);
  const end = offsetOf(model, run.getRange().end);
  const heredocs = isRun(run) ? run.getHeredocs() : [];

  if (heredocs.length === 0) {
    const joined = joinContinuations(model.text, start, end, model.escape);
    const exec = parseJsonArray(joined);
    if (exec) {
      const command: SimpleCommand = { words: exec, assignments: [], pipeline: counter.next++, index: 0, depth: 0 };
      return { commands: expandNested([command], options, 0, counter), execForm: true };
    }
    return { commands: shellIsPosix ? parseShell(joined, options, 0, counter) : [], execForm: false };
  }
  if (!shellIsPosix) return { commands: [], execForm: false };

  // The command line ends with the line holding the last heredoc operator; the bodies follow it.
  const lastStartLine = Math.max(...heredocs.map((heredoc) => heredoc.getStartRange().end.line));
  const commandEnd = Math.min(end, (model.lineStarts[lastStartLine + 1] ?? model.text.length + 1) - 1);
  const commandLine = parseShell(joinContinuations(model.text, start, commandEnd, model.escape), options, 0, counter);
  const main = commandLine.find((command) => command.depth === 0 && command.words.length > 0);
  const mainInvocation = main ? invocation(main) : undefined;
  const bodyIsScript =
    !main ||
    (mainInvocation !== undefined && SHELLS.has(basename(mainInvocation.argv[0])) && !inlineScript(mainInvocation));
  const commands = [...commandLine];
  if (bodyIsScript) {
    for (const heredoc of heredocs) {
      const range = heredoc.getContentRange();
      if (!range) continue;
      const bodyStart = offsetOf(model, range.start);
      const body = model.text.slice(bodyStart, offsetOf(model, range.end));
      if (hasForeignShebang(body)) continue;
      commands.push(...parseShell(identityMapped(body, bodyStart), options, 0, counter));
    }
  }
  return { commands, execForm: false };
}

/** Parses a Dockerfile. Throws DockerfileParseError when it has no build stage at all. */
export function parseDockerfile(path: string, text: string): DockerfileModel {
  const ast = DockerfileParser.parse(text);
  const lineStarts = computeLineStarts(text);
  const escape = ast.getEscapeCharacter() === '`' ? '`' : '\\';
  const instructions = ast.getInstructions();
  if (instructions.length === 0) throw new DockerfileParseError('the Dockerfile has no instructions');

  const globalArgs = new Map<string, string | undefined>();
  const stages: Stage[] = [];
  let current: Stage | undefined;
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      const from = instruction as From;
      const name = from.getBuildStage()?.toLowerCase() ?? undefined;
      const rawImage = from.getImage();
      const image = rawImage === null ? undefined : substituteArgs(rawImage, globalArgs);
      const parent =
        image === undefined
          ? undefined
          : stages.find((stage) => stage.name !== undefined && stage.name === image.toLowerCase());
      current = { index: stages.length, from, name, image, instructions: [], parent };
      stages.push(current);
    } else if (current) {
      current.instructions.push(instruction);
    } else if (keyword === 'ARG') {
      for (const property of (
        instruction as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }
      ).getProperties()) {
        const value = property.getValue();
        globalArgs.set(property.getName(), value === null ? undefined : substituteArgs(value, globalArgs));
      }
    } else {
      const start = instruction.getRange().start;
      throw new DockerfileParseError(
        `${keyword} before the first FROM: only ARG may come before FROM`,
        start.line + 1,
        start.character + 1,
      );
    }
  }
  if (stages.length === 0) throw new DockerfileParseError('the Dockerfile has no FROM instruction');

  const base = { path, text, ast, escape, globalArgs, stages, lineStarts };
  const runs: RunScript[] = [];
  // SHELL is part of the image config, so a stage built FROM an earlier stage starts with that stage's shell.
  const finalShellIsPosix = new Map<Stage, boolean>();
  for (const stage of stages) {
    let shellIsPosix = stage.parent ? (finalShellIsPosix.get(stage.parent) ?? true) : true;
    for (const instruction of stage.instructions) {
      const keyword = instruction.getKeyword();
      if (keyword === 'SHELL') {
        const shell = parseJsonArray(
          joinContinuations(
            text,
            offsetOf(base, instruction.getArgumentsRange()?.start ?? instruction.getRange().end),
            offsetOf(base, instruction.getRange().end),
            escape,
          ),
        );
        shellIsPosix = shell !== undefined && SHELLS.has(basename(shell[0]));
      } else if (keyword === 'RUN') {
        runs.push({ instruction, stage, ...runCommands(base, instruction, shellIsPosix) });
      } else if (keyword === 'ONBUILD') {
        // `ONBUILD RUN …` runs in every image built FROM this one: check it like a RUN.
        const trigger = (
          instruction as unknown as { getTriggerInstruction(): Instruction | null }
        ).getTriggerInstruction();
        if (trigger?.getKeyword() === 'RUN')
          runs.push({ instruction: trigger, stage, ...runCommands(base, trigger, shellIsPosix) });
      }
    }
    finalShellIsPosix.set(stage, shellIsPosix);
  }
  return { ...base, runs };
}

export function stageLabel(stage: Stage): string {
  return `stage/${stage.name ?? String(stage.index)}`;
}

export type { Instruction, From };
