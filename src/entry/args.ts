import { parseArgs } from 'node:util';
import { ConfigurationError } from '../core/errors.js';
import { didYouMean } from '../core/did-you-mean.js';

type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string; default?: string | boolean };
type Options = Record<string, OptionSpec>;

/** `--help` and `-h` are accepted by every command. */
const HELP: Options = { help: { type: 'boolean', short: 'h', default: false } };

/** A command's own flags turned into our messages: the user never sees Node's parseArgs text. */
function flagError(command: string, message: string): ConfigurationError {
  return new ConfigurationError('USAGE', `${message} Run \`containersec ${command} --help\` for its options.`);
}

function checkTokens(command: string, args: string[], options: Options): void {
  const { tokens } = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true });
  const names = Object.keys(options).map((name) => `--${name}`);
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = options[token.name];
    const flag = token.rawName;
    if (!spec) {
      const suggestion = didYouMean(flag.replace(/^-+/, '--'), names);
      throw flagError(
        command,
        `unknown option ${flag} for \`containersec ${command}\`.${suggestion ? ` Did you mean ${suggestion}?` : ''}`,
      );
    }
    if (spec.type === 'string' && token.value === undefined) {
      throw flagError(command, `${flag} needs a value.`);
    }
    if (spec.type === 'string' && !token.inlineValue && token.value?.startsWith('-')) {
      throw flagError(
        command,
        `${flag} needs a value, but "${token.value}" looks like an option; write ${flag}=${token.value} if you mean it.`,
      );
    }
    if (spec.type === 'boolean' && token.inlineValue) {
      throw flagError(command, `${flag} takes no value (got "${token.value ?? ''}").`);
    }
  }
}

/**
 * Parses a command's arguments, or returns 'help' when `--help`/`-h` is among them. Unknown flags, missing
 * values and values given to switches are usage errors (exit 2) with a "did you mean".
 */
export function parseCommand<T extends Options>(
  command: string,
  args: string[],
  options: T,
):
  | 'help'
  | ReturnType<typeof parseArgs<{ args: string[]; options: T & typeof HELP; allowPositionals: true; strict: true }>> {
  const all = { ...options, ...HELP };
  checkTokens(command, args, all);
  const parsed = parseArgs({ args, options: all, allowPositionals: true, strict: true });
  return (parsed.values as { help?: boolean }).help ? 'help' : parsed;
}
