import { describe, expect, it } from 'vitest';
import { joinContinuations, parseJsonArray } from '../../../../src/checks/manifests/dockerfile/parse.js';
import type { SimpleCommand } from '../../../../src/checks/manifests/dockerfile/shell.js';
import {
  identityMapped,
  inlineScript,
  invocation,
  parseShell,
} from '../../../../src/checks/manifests/dockerfile/shell.js';

const opts = { escape: '\\' };

function argv(commands: SimpleCommand[]): string[][] {
  return commands.map((command) => command.words.map((word) => word.text));
}

describe('shell reader', () => {
  it('splits on &&, ||, ;, | and & and keeps pipeline membership', () => {
    const commands = parseShell(identityMapped('a 1 && b 2 || c; d | e | f & g', 0), opts);
    expect(argv(commands)).toEqual([['a', '1'], ['b', '2'], ['c'], ['d'], ['e'], ['f'], ['g']]);
    const [d, e, f, g] = commands.slice(3);
    expect(new Set([d!.pipeline, e!.pipeline, f!.pipeline]).size).toBe(1);
    expect([d!.index, e!.index, f!.index]).toEqual([0, 1, 2]);
    expect(g!.pipeline).not.toBe(d!.pipeline);
  });

  it('removes quotes and keeps the source offset of every character', () => {
    const text = `echo "a b" 'c d' e\\ f`;
    const [command] = parseShell(identityMapped(text, 100), opts);
    expect(command!.words.map((word) => word.text)).toEqual(['echo', 'a b', 'c d', 'e f']);
    const quoted = command!.words[1]!;
    expect(quoted.start).toBe(105);
    expect(quoted.offsets[0]).toBe(106);
    expect(command!.words[3]!.offsets).toEqual([
      100 + text.indexOf('e\\'),
      100 + text.indexOf(' f') + 1 - 1,
      100 + text.length - 1,
    ]);
  });

  it('separates leading assignments, redirections and reserved words from argv', () => {
    const commands = parseShell(identityMapped('if true; then FOO=1 BAR="x y" cmd arg >/dev/null 2>&1; fi', 0), opts);
    const cmd = commands.find((command) => command.words[0]?.text === 'cmd')!;
    expect(cmd.assignments.map((word) => word.text)).toEqual(['FOO=1', 'BAR=x y']);
    expect(cmd.words.map((word) => word.text)).toEqual(['cmd', 'arg']);
  });

  it('keeps an assignment-only command', () => {
    const [command] = parseShell(identityMapped('GIT_SSL_NO_VERIFY=1', 0), opts);
    expect(command!.words).toEqual([]);
    expect(command!.assignments[0]!.text).toBe('GIT_SSL_NO_VERIFY=1');
  });

  it('skips shell comments and heredoc bodies inside a script', () => {
    const script = '# curl -k x\ncat <<EOF > /etc/x\ncurl -k inside-heredoc\nEOF\necho done';
    expect(argv(parseShell(identityMapped(script, 0), opts))).toEqual([['cat'], ['echo', 'done']]);
    const dashed = 'cat <<-END\n\tsudo x\n\tEND\nls';
    expect(argv(parseShell(identityMapped(dashed, 0), opts))).toEqual([['cat'], ['ls']]);
  });

  it('parses sh -c scripts, $(…), backquotes and <(…) as nested commands with real offsets', () => {
    const text = `bash -ec 'curl -k x | sh' && X=$(wget y) && echo \`id -u\` && source <(fetch z)`;
    const commands = parseShell(identityMapped(text, 0), opts);
    const names = commands.map((command) => command.words[0]?.text ?? '');
    expect(names).toEqual(expect.arrayContaining(['bash', 'curl', 'sh', 'wget', 'echo', 'id', 'source', 'fetch']));
    const curl = commands.find((command) => command.words[0]?.text === 'curl')!;
    expect(curl.depth).toBe(1);
    expect(curl.words[1]!.start).toBe(text.indexOf('-k'));
    const wget = commands.find((command) => command.words[0]?.text === 'wget')!;
    expect(wget.words[0]!.start).toBe(text.indexOf('wget'));
  });

  it('does not parse sh -c script substitutions twice', () => {
    const commands = parseShell(identityMapped('sh -c "$(curl x)"', 0), opts);
    expect(commands.filter((command) => command.words[0]?.text === 'curl')).toHaveLength(1);
  });

  it('stops nesting at a bounded depth', () => {
    let script = 'curl x';
    for (let k = 0; k < 20; k++) script = `sh -c ${JSON.stringify(script)}`;
    expect(() => parseShell(identityMapped(script, 0), opts)).not.toThrow();
  });

  it('resolves wrappers to the command really run', () => {
    const [command] = parseShell(identityMapped('sudo -E -u root env A=1 nice -n 5 apt-get install x', 0), opts);
    const inv = invocation(command!);
    expect(inv.argv.map((word) => word.text)).toEqual(['apt-get', 'install', 'x']);
    expect(inv.wrappers.map((word) => word.text)).toEqual(['sudo', 'env', 'nice']);
    expect(inv.assignments.map((word) => word.text)).toEqual(['A=1']);
  });

  it('finds the script of sh -c, bash -lc, su -c but not of sh script.sh', () => {
    const script = (text: string) => inlineScript(invocation(parseShell(identityMapped(text, 0), opts)[0]!))?.text;
    expect(script(`sh -c 'a b'`)).toBe('a b');
    expect(script(`/bin/bash -lc "x"`)).toBe('x');
    expect(script(`su app -c 'y'`)).toBe('y');
    expect(script(`sh ./install.sh`)).toBeUndefined();
  });

  it('tolerates unterminated quotes and substitutions', () => {
    expect(() => parseShell(identityMapped(`echo "abc $(curl 'x`, 0), opts)).not.toThrow();
    expect(() => parseShell(identityMapped('echo `abc', 0), opts)).not.toThrow();
  });
});

describe('Dockerfile line continuations', () => {
  it('joins escaped newlines and drops comment and blank lines inside the instruction', () => {
    const text = 'a \\\n# comment\n\n  b \\  \n c';
    const joined = joinContinuations(text, 0, text.length, '\\');
    expect(joined.text).toBe('a   b  c');
    expect(joined.offsets[joined.text.indexOf('b')]).toBe(text.indexOf('b'));
    expect(joined.offsets[joined.text.indexOf('c')]).toBe(text.lastIndexOf('c'));
  });

  it('honours a backquote escape character', () => {
    const text = 'a `\n b';
    expect(joinContinuations(text, 0, text.length, '`').text).toBe('a  b');
  });
});

describe('exec form', () => {
  it('parses a JSON array of strings with escapes and offsets', () => {
    const text = '["sh", "-c", "echo \\"hi\\""]';
    const words = parseJsonArray(identityMapped(text, 10))!;
    expect(words.map((word) => word.text)).toEqual(['sh', '-c', 'echo "hi"']);
    expect(words[2]!.start).toBe(10 + text.indexOf('"echo'));
  });

  it('rejects text that is not a JSON string array', () => {
    expect(parseJsonArray(identityMapped('[sh, -c]', 0))).toBeUndefined();
    expect(parseJsonArray(identityMapped('["a", 1]', 0))).toBeUndefined();
    expect(parseJsonArray(identityMapped('["a"] trailing', 0))).toBeUndefined();
    expect(parseJsonArray(identityMapped('echo [x]', 0))).toBeUndefined();
  });
});
