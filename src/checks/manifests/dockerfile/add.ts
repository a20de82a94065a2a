import type { RuleDefinition } from '../../../core/rules.js';
import type { DockerfileModel } from './parse.js';
import { joinContinuations, offsetOf, parseJsonArray, positionAt, unquoteWord } from './parse.js';
import type { DockerfileRule } from './report.js';
import { Reporter, code } from './report.js';

interface AddSource {
  /** The source with quotes removed. */
  value: string;
  offset: number;
  /** Length of the source as written. */
  length: number;
}

interface AddInstruction {
  stage: DockerfileModel['stages'][number];
  checksum: boolean;
  sources: AddSource[];
}

const REMOTE_RE = /^(?:https?|ftp):\/\//i;
const GIT_RE = /^(?:git@|ssh:\/\/|git:\/\/)|\.git(?:#.*)?$/i;
/**
 * Local archives ADD may extract: hadolint DL3020's list (tar, gzip, bzip2, xz) widened with zstd and lz4
 * names, so a builder that extracts those is not told to use COPY.
 */
const ARCHIVE_RE = /\.(?:tar|tgz|tbz2?|txz|tzst|gz|bz2|xz|zst|lz4)$/i;

function addInstructions(model: DockerfileModel): AddInstruction[] {
  const result: AddInstruction[] = [];
  for (const stage of model.stages) {
    for (const instruction of stage.instructions) {
      if (instruction.getKeyword() !== 'ADD') continue;
      const flags = (instruction as unknown as { getFlags(): { getName(): string }[] }).getFlags();
      const checksum = flags.some((flag) => flag.getName().toLowerCase() === 'checksum');
      const range = instruction.getArgumentsRange();
      if (!range) continue;
      const joined = joinContinuations(
        model.text,
        offsetOf(model, range.start),
        offsetOf(model, instruction.getRange().end),
        model.escape,
      );
      const json = parseJsonArray(joined);
      let args: AddSource[] = json
        ? json.map((word) => ({
            value: word.text,
            offset: word.start,
            length: (word.offsets[word.offsets.length - 1] ?? word.start) + 2 - word.start,
          }))
        : instruction.getArguments().map((argument) => {
            const offset = offsetOf(model, argument.getRange().start);
            return {
              value: unquoteWord(argument.getValue(), model.escape),
              offset,
              length: offsetOf(model, argument.getRange().end) - offset,
            };
          });
      // With a heredoc source, the lines after the `<<EOF` line are the inline file, not arguments.
      const heredoc = args.find((arg) => arg.value.startsWith('<<'));
      if (heredoc) {
        const line = positionAt(model, heredoc.offset).line;
        args = args.filter((arg) => positionAt(model, arg.offset).line <= line);
      }
      // The last argument is the destination; heredoc sources (`ADD <<EOF /x`) are inline files.
      const sources = args.slice(0, -1).filter((source) => !source.value.startsWith('<<'));
      result.push({ stage, checksum, sources });
    }
  }
  return result;
}

const remoteRule: RuleDefinition = {
  id: 'dockerfile/add-remote-url',
  check: 'manifests',
  title: '`ADD` downloads a remote file without a checksum',
  severity: 'medium',
  description:
    'An `ADD` instruction fetches an `http(s)://`/`ftp://` URL or a Git repository and has no `--checksum=` flag, so ' +
    'nothing verifies what was downloaded.',
  rationale:
    'Whoever controls the URL (the publisher, a compromised account, a hijacked domain, a proxy for `http://`) ' +
    'controls what goes into the image, and the build cache hides when the content changes. `ADD` with ' +
    '`--checksum=sha256:…` (Dockerfile syntax 1.6+) fails the build when the content does not match; for Git ' +
    'sources the checksum is the commit hash.',
  fix:
    'Pin the expected digest:\n\n' +
    '```dockerfile\n# syntax=docker/dockerfile:1\nADD --checksum=sha256:24454f830cdd571e2c2d3ec10e0b7b6ecd5a1c3bd0a61da4c1eb5b5cd0a5a30e \\\n' +
    '    https://example.com/tool-1.2.3.tar.gz /tmp/\n```\n\n' +
    'or download in a `RUN` step and verify with `sha256sum -c` before use.',
  references: ['https://docs.docker.com/reference/dockerfile/#add---checksum'],
};

const copyRule: RuleDefinition = {
  id: 'dockerfile/add-instead-of-copy',
  check: 'manifests',
  title: '`ADD` used where `COPY` would do',
  severity: 'low',
  description:
    'An `ADD` instruction copies a local file or directory that is not a tar archive. `ADD` is only needed for its ' +
    'extras (remote URLs, Git repositories, auto-extraction of local tar archives, plain or compressed: `.tar`, ' +
    '`.tar.gz`/`.tgz`, `.tar.bz2`, `.tar.xz`; `.zst` and `.lz4` names are accepted too); sources that use a variable ' +
    'are not judged.',
  rationale:
    '`ADD` silently unpacks anything that looks like an archive. A file that is a tarball today (or is replaced by ' +
    'one in a later change, perhaps by a dependency) ends up extracted into the image, possibly overwriting system ' +
    'files, instead of copied. `COPY` does exactly one thing, which makes the Dockerfile easier to review.',
  fix: 'Use `COPY` for local files:\n\n```dockerfile\nCOPY ./config/app.yaml /etc/app/app.yaml\n```',
  references: ['https://docs.docker.com/build/building/best-practices/#add-or-copy'],
};

export const addRemoteUrl: DockerfileRule = {
  rule: remoteRule,
  check(model) {
    const reporter = new Reporter(model, remoteRule);
    for (const add of addInstructions(model)) {
      if (add.checksum) continue;
      for (const source of add.sources) {
        if (!REMOTE_RE.test(source.value) && !GIT_RE.test(source.value)) continue;
        reporter.report({
          offset: source.offset,
          length: source.length,
          stage: add.stage,
          key: source.value,
          message: `\`ADD ${code(source.value).slice(1)} is downloaded without \`--checksum\`, so its content is not verified.`,
          fix: `ADD --checksum=sha256:<digest> ${source.value} <dest>`,
        });
      }
    }
    return reporter.findings;
  },
};

export const addInsteadOfCopy: DockerfileRule = {
  rule: copyRule,
  check(model) {
    const reporter = new Reporter(model, copyRule);
    for (const add of addInstructions(model)) {
      for (const source of add.sources) {
        const value = source.value;
        if (REMOTE_RE.test(value) || GIT_RE.test(value) || value.includes('$') || ARCHIVE_RE.test(value)) continue;
        reporter.report({
          offset: source.offset,
          length: source.length,
          stage: add.stage,
          key: value,
          message: `${code(value)} is a local file that is not an archive; \`ADD\` adds nothing over \`COPY\` here.`,
          fix: 'COPY',
        });
      }
    }
    return reporter.findings;
  },
};
