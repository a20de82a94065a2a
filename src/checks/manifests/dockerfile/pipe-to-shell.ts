import type { RuleDefinition } from '../../../core/rules.js';
import type { RunInvocation } from './commands.js';
import { runInvocations } from './commands.js';
import type { DockerfileRule } from './report.js';
import { Reporter, RUN_LOCATION_NOTE } from './report.js';
import type { Word } from './shell.js';
import { SHELLS, inlineScript } from './shell.js';

const DOWNLOADERS = new Set(['curl', 'wget', 'fetch']);
/** `$(curl …)`, `` `wget …` ``, `<(curl …)` at the start of a substitution body. */
const DOWNLOAD_SUBSTITUTION_RE = /^\s*(?:\S*\/)?(curl|wget|fetch)\b/;

const rule: RuleDefinition = {
  id: 'dockerfile/curl-pipe-shell',
  check: 'manifests',
  title: 'Remote script piped into a shell',
  severity: 'medium',
  description:
    'A `RUN` instruction downloads a script and executes it unseen: `curl … | sh`, `wget -O- … | sudo bash`, ' +
    '`curl … | python3 -` (the Poetry-installer pattern; also `perl`, `ruby`, `node`, `php` reading their program ' +
    'from stdin — not `python3 -c …`, which only reads data), `sh -c "$(curl …)"`, `bash <(curl …)`, ' +
    '`source <(wget …)` — in shell form, exec form, heredoc scripts and nested `sh -c` strings.',
  rationale:
    "Whatever the server returns at build time runs with the build's privileges (usually root), with no review and " +
    'no integrity check. A compromised download host, a hijacked domain or a TLS-intercepting proxy becomes code ' +
    'execution in your image; servers can even detect `curl | sh` and serve a different script than a browser sees. ' +
    'A partial download can also execute a truncated script.',
  fix:
    'Download to a file, verify a pinned checksum (or signature), then run it:\n\n' +
    '```dockerfile\nRUN curl -fsSLo /tmp/install.sh https://example.com/install-1.4.2.sh \\\n' +
    ' && echo "3f2a…e9  /tmp/install.sh" | sha256sum -c - \\\n && sh /tmp/install.sh && rm /tmp/install.sh\n```\n\n' +
    'Better still, install a versioned package or `COPY --from=` a pinned image that contains the tool.',
  references: ['https://docs.docker.com/build/building/best-practices/#run'],
  exceptions: RUN_LOCATION_NOTE,
};

function downloaderIn(word: Word): { offset: number; tool: string } | undefined {
  for (const sub of word.substitutions) {
    const match = DOWNLOAD_SUBSTITUTION_RE.exec(sub.text);
    if (match) {
      const index = sub.text.indexOf(match[1]!, match.index);
      return { offset: sub.offsets[index] ?? word.start, tool: match[1]! };
    }
  }
  return undefined;
}

/** Script interpreters and the options that give them code inline (then stdin is data, not the script). */
const INTERPRETERS: { re: RegExp; inline: string[]; withValue: string[] }[] = [
  { re: /^python[0-9.]*$/, inline: ['-c', '-m'], withValue: ['-W', '-X'] },
  { re: /^perl[0-9.]*$/, inline: ['-e', '-E'], withValue: ['-I', '-M', '-m'] },
  { re: /^ruby[0-9.]*$/, inline: ['-e'], withValue: ['-I', '-r'] },
  { re: /^(?:node|nodejs)$/, inline: ['-e', '--eval', '-p', '--print'], withValue: ['-r', '--require'] },
  { re: /^php[0-9.]*$/, inline: ['-r'], withValue: ['-d', '-c'] },
];

/** `python3`, `python3 -` or `perl -w`: the interpreter takes its program from stdin. */
function interpreterReadsStdin(entry: RunInvocation): boolean {
  const spec = INTERPRETERS.find((candidate) => candidate.re.test(entry.program));
  if (!spec) return false;
  for (let k = 0; k < entry.args.length; k++) {
    const text = entry.args[k]!.text;
    if (text === '-') return true;
    if (spec.inline.some((flag) => text === flag || (flag.length === 2 && text.startsWith(flag)))) return false;
    if (!text.startsWith('-')) return false; // a script file
    if (spec.withValue.includes(text)) k++;
  }
  return true;
}

function isShellReadingScript(entry: RunInvocation): boolean {
  return (SHELLS.has(entry.program) && !inlineScript(entry.inv)) || interpreterReadsStdin(entry);
}

export const curlPipeShell: DockerfileRule = {
  rule,
  check(model) {
    const reporter = new Reporter(model, rule);
    const entries = runInvocations(model);
    const runIndex = new Map(model.runs.map((run, index) => [run, index]));
    const byPipeline = new Map<string, RunInvocation[]>();
    for (const entry of entries) {
      const id = `${runIndex.get(entry.run)}:${entry.command.pipeline}`;
      const pipeline = byPipeline.get(id);
      if (pipeline) pipeline.push(entry);
      else byPipeline.set(id, [entry]);
    }

    for (const pipeline of byPipeline.values()) {
      const sorted = [...pipeline].sort((a, b) => a.command.index - b.command.index);
      const download = sorted.find((entry) => DOWNLOADERS.has(entry.program));
      if (!download) continue;
      const shell = sorted.find((entry) => entry.command.index > download.command.index && isShellReadingScript(entry));
      if (!shell) continue;
      reporter.reportWord(download.inv.argv[0]!, {
        stage: download.run.stage,
        key: `${download.program}|${shell.program}`,
        message: `\`${download.program} … | ${shell.program}\` runs a downloaded script without verifying it.`,
      });
    }

    // sh -c "$(curl …)", bash <(curl …), source <(curl …), eval "$(curl …)"
    for (const entry of entries) {
      const script = inlineScript(entry.inv);
      const candidates: Word[] = script
        ? [script]
        : SHELLS.has(entry.program) || ['source', '.', 'eval'].includes(entry.program)
          ? entry.args
          : [];
      for (const word of candidates) {
        const found = downloaderIn(word);
        if (!found) continue;
        reporter.report({
          offset: found.offset,
          length: found.tool.length,
          stage: entry.run.stage,
          key: `${found.tool}>${entry.program}`,
          message: `\`${entry.program}\` executes the output of \`${found.tool}\` without verifying it.`,
        });
      }
    }
    return reporter.findings;
  },
};
