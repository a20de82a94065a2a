import type { RuleDefinition } from '../../../core/rules.js';
import { runInvocations } from './commands.js';
import type { DockerfileRule } from './report.js';
import { Reporter, RUN_LOCATION_NOTE } from './report.js';
import { basename } from './shell.js';

const rule: RuleDefinition = {
  id: 'dockerfile/sudo',
  check: 'manifests',
  title: '`sudo` used in `RUN`',
  severity: 'medium',
  description:
    'A `RUN` instruction calls `sudo` (anywhere in a `&&`/`;`/`|` chain, in a heredoc script or inside `sh -c`).',
  rationale:
    'Build steps already run as the current `USER`; `sudo` is only needed when a later stage switched to a normal ' +
    'user and then wants root back. That means the image ships `sudo` plus a sudoers rule that lets the ' +
    'application user become root at run time — an easy privilege escalation for anyone who gets code execution ' +
    'in the container. `sudo` also behaves unpredictably without a TTY and leaks environment variables.',
  fix:
    'Do the privileged steps before switching user, then drop privileges once:\n\n' +
    '```dockerfile\nUSER root\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8\nUSER 10001\n```\n\n' +
    'If the entrypoint must drop privileges itself, use `gosu` or `su-exec` instead of `sudo`.',
  references: ['https://docs.docker.com/build/building/best-practices/#user'],
  exceptions: RUN_LOCATION_NOTE,
};

export const sudo: DockerfileRule = {
  rule,
  check(model) {
    const reporter = new Reporter(model, rule);
    for (const { run, inv, program } of runInvocations(model)) {
      const word = inv.wrappers.find((wrapper) => basename(wrapper) === 'sudo');
      if (!word) continue;
      reporter.reportWord(word, {
        stage: run.stage,
        key: `sudo ${program}`,
        message: `\`sudo ${program}\` in a build step: the image keeps \`sudo\` and a way back to root.`,
        fix: program ? `USER root\nRUN ${program} …\nUSER <app user>` : undefined,
      });
    }
    return reporter.findings;
  },
};
