import type { RuleDefinition } from '../../../core/rules.js';
import { operands, runInvocations } from './commands.js';
import { offsetOf } from './parse.js';
import type { DockerfileRule } from './report.js';
import { Reporter, RUN_LOCATION_NOTE } from './report.js';

/** True when a chmod mode gives write permission to "others" (and is not a sticky-bit directory mode). */
export function grantsWorldWrite(mode: string): boolean {
  if (/^[0-7]{1,4}$/.test(mode)) {
    const digits = mode.padStart(4, '0');
    const special = Number(digits[0]);
    const others = Number(digits[3]);
    // 1777 (/tmp-style): world-writable but sticky, so users cannot replace each other's files.
    return (others & 2) !== 0 && (special & 1) === 0;
  }
  return mode.split(',').some((clause) => {
    const match = /^([ugoa]*)((?:[-+=][rwxXstugo]*)+)$/.exec(clause);
    if (!match) return false;
    const who = match[1]!;
    if (!who.includes('o') && !who.includes('a')) return false;
    return /[+=][rwxXst]*w/.test(match[2]!) && !/[+=][rwxX]*t/.test(match[2]!);
  });
}

const rule: RuleDefinition = {
  id: 'dockerfile/world-writable',
  check: 'manifests',
  title: '`chmod` makes files world-writable',
  severity: 'medium',
  description:
    'A `RUN` calls `chmod` (with or without `-R`), or a `COPY`/`ADD` sets `--chmod=`, with a mode that lets every ' +
    'user write: octal modes with the others-write bit (`777`, `0666`, `-R 777`) or symbolic modes granting `w` to ' +
    '`o` or `a` (`a+rwx`, `o+w`, `a=rwx`). Sticky-bit modes such as `1777` (the `/tmp` convention) are not reported.',
  rationale:
    'Any process in the container — including an exploited one running as an unprivileged user — can then replace ' +
    'binaries, scripts, libraries or configuration in those paths, turning a foothold into persistent code execution ' +
    'or privilege escalation when root later runs the modified file. `777` is usually a workaround for a UID ' +
    'mismatch that has a precise fix.',
  fix:
    'Give ownership to the user that needs to write, and keep the mode tight:\n\n' +
    '```dockerfile\nCOPY --chown=10001:10001 ./data /app/data\nRUN chmod -R u=rwX,g=rX,o= /app/data\nUSER 10001\n```',
  references: ['https://docs.docker.com/reference/dockerfile/#copy---chown---chmod'],
  exceptions: RUN_LOCATION_NOTE,
};

interface FlagLike {
  getName(): string;
  getValue(): string | null;
  getValueRange(): { start: { line: number; character: number } } | null;
}

export const worldWritable: DockerfileRule = {
  rule,
  check(model) {
    const reporter = new Reporter(model, rule);
    for (const stage of model.stages) {
      for (const instruction of stage.instructions) {
        const keyword = instruction.getKeyword();
        if (keyword !== 'COPY' && keyword !== 'ADD') continue;
        for (const flag of (instruction as unknown as { getFlags(): FlagLike[] }).getFlags()) {
          const mode = flag.getValue();
          const range = flag.getValueRange();
          if (flag.getName().toLowerCase() !== 'chmod' || mode === null || !range || !grantsWorldWrite(mode)) continue;
          reporter.report({
            offset: offsetOf(model, range.start),
            length: mode.length,
            stage,
            key: `${keyword} --chmod=${mode}`,
            message: `\`${keyword} --chmod=${mode}\` makes the copied files writable by every user.`,
            fix: `${keyword} --chown=<user> --chmod=755 <src> <dest>`,
          });
        }
      }
    }
    for (const entry of runInvocations(model)) {
      if (entry.program !== 'chmod') continue;
      if (entry.args.some((word) => word.text.startsWith('--reference'))) continue;
      const [mode, ...targets] = operands(entry.args);
      if (!mode || !grantsWorldWrite(mode.text)) continue;
      const paths = targets.map((word) => word.text).join(' ');
      reporter.reportWord(mode, {
        stage: entry.run.stage,
        key: `chmod ${mode.text} ${paths}`,
        message: `\`chmod ${mode.text}\` makes ${paths ? `\`${paths.slice(0, 120)}\`` : 'the target'} writable by every user.`,
        fix: 'chmod u=rwX,g=rX,o= <path>  # and chown to the user that writes',
      });
    }
    return reporter.findings;
  },
};
