import type { RunScript } from './parse.js';
import type { DockerfileModel } from './parse.js';
import type { Invocation, SimpleCommand, Word } from './shell.js';
import { basename, invocation } from './shell.js';

export interface RunInvocation {
  run: RunScript;
  command: SimpleCommand;
  inv: Invocation;
  /** Basename of the program really run (`/usr/bin/apt-get` gives `apt-get`). */
  program: string;
  /** Arguments after the program. */
  args: Word[];
}

const cache = new WeakMap<DockerfileModel, RunInvocation[]>();

/** Every command of every RUN, wrappers (`sudo`, `env`...) resolved. Computed once per model. */
export function runInvocations(model: DockerfileModel): RunInvocation[] {
  const cached = cache.get(model);
  if (cached) return cached;
  const result: RunInvocation[] = [];
  for (const run of model.runs) {
    for (const command of run.commands) {
      const inv = invocation(command);
      result.push({ run, command, inv, program: basename(inv.argv[0]), args: inv.argv.slice(1) });
    }
  }
  cache.set(model, result);
  return result;
}

/** Arguments that are not options (do not start with `-`). */
export function operands(args: Word[]): Word[] {
  return args.filter((word) => !word.text.startsWith('-'));
}

/** Drops `-x VALUE` / `--long VALUE` option values for the given option names (without dashes). */
export function dropOptionValues(args: Word[], names: string[]): Word[] {
  const out: Word[] = [];
  for (let k = 0; k < args.length; k++) {
    const text = args[k]!.text;
    out.push(args[k]!);
    const name = text.replace(/^--?/, '');
    if (text.startsWith('-') && !text.includes('=') && names.includes(name)) {
      k++;
    }
  }
  return out;
}

export function hasWord(args: Word[], ...texts: string[]): boolean {
  return args.some((word) => texts.includes(word.text));
}
