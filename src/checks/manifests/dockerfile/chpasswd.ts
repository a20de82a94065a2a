import type { RuleDefinition } from '../../../core/rules.js';
import { runInvocations } from './commands.js';
import type { DockerfileRule } from './report.js';
import { Reporter, RUN_LOCATION_NOTE } from './report.js';
import type { Word } from './shell.js';

const rule: RuleDefinition = {
  id: 'dockerfile/chpasswd',
  check: 'manifests',
  title: 'Account password set in a build step',
  severity: 'medium',
  description:
    "A `RUN` sets an account's password: `chpasswd` (Checkov's CKV2_DOCKER_17), `passwd --stdin`, or " +
    '`useradd`/`usermod` with `-p`/`--password` (a locking value such as `*` or `!` is not reported). ' +
    'Locking or deleting a password (`passwd -l`, `passwd -d`) is not reported.',
  rationale:
    'The password (or its hash) is written to `/etc/shadow` in an image layer that everyone who can pull the image ' +
    'can read and crack offline, and the `RUN` line with the literal password is kept in the image history and in the ' +
    'Git history. Every container started from the image shares that one password, and an account with a password ' +
    'is an invitation to run `su` or an SSH daemon in a container, which should have neither.',
  fix:
    'Do not give accounts passwords in images: create the user without one and switch to it with `USER`:\n\n' +
    '```dockerfile\nRUN useradd --system --uid 10001 --no-create-home app\nUSER 10001\n```\n\n' +
    'If a service really needs a credential, provide it at run time (an orchestrator secret), not at build time.',
  references: [
    'https://docs.docker.com/build/building/best-practices/#user',
    'https://man7.org/linux/man-pages/man8/chpasswd.8.html',
  ],
  exceptions: RUN_LOCATION_NOTE,
};

/** Values of `useradd -p` that lock the account instead of setting a password. */
const LOCKED = /^(?:\*|!+\*?|x)$/;

/** The word that sets a password in one command, and what to call it. */
function passwordWord(program: string, args: Word[]): { word: Word; what: string } | undefined {
  if (program === 'passwd') {
    const stdin = args.find((word) => word.text === '--stdin');
    return stdin ? { word: stdin, what: 'passwd --stdin' } : undefined;
  }
  if (program !== 'useradd' && program !== 'usermod' && program !== 'adduser') return undefined;
  for (let k = 0; k < args.length; k++) {
    const text = args[k]!.text;
    let value: string | undefined;
    if (text === '-p' || text === '--password') value = args[k + 1]?.text;
    else if (text.startsWith('--password=')) value = text.slice('--password='.length);
    else if (/^-p./.test(text)) value = text.slice(2);
    if (value !== undefined && !LOCKED.test(value))
      return { word: args[k]!, what: `${program} ${text.startsWith('--') ? '--password' : '-p'}` };
  }
  return undefined;
}

export const chpasswd: DockerfileRule = {
  rule,
  check(model) {
    const reporter = new Reporter(model, rule);
    for (const { run, inv, program, args } of runInvocations(model)) {
      const hit =
        program === 'chpasswd' && inv.argv[0] ? { word: inv.argv[0], what: 'chpasswd' } : passwordWord(program, args);
      if (!hit) continue;
      reporter.reportWord(hit.word, {
        stage: run.stage,
        key: hit.what,
        message: `\`${hit.what}\` sets an account password in the image: it is stored in a layer everyone who pulls the image can read.`,
      });
    }
    return reporter.findings;
  },
};
