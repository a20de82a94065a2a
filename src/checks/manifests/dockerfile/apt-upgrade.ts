import type { RuleDefinition } from '../../../core/rules.js';
import { dropOptionValues, operands, runInvocations } from './commands.js';
import type { DockerfileRule } from './report.js';
import { Reporter, RUN_LOCATION_NOTE } from './report.js';

const UPGRADES = new Set(['upgrade', 'dist-upgrade', 'full-upgrade', 'safe-upgrade']);

const rule: RuleDefinition = {
  id: 'dockerfile/apt-upgrade',
  check: 'manifests',
  title: '`apt-get upgrade` in a build step',
  severity: 'low',
  description:
    'A `RUN` calls `apt-get upgrade`, `apt-get dist-upgrade`, `apt upgrade`/`full-upgrade` or `aptitude ' +
    'safe-upgrade`/`full-upgrade`, which upgrades every installed package of the base image to whatever the ' +
    'mirror has that day.',
  rationale:
    'Upgrading inside the Dockerfile makes the image content depend on the build date instead of the reviewed ' +
    'Dockerfile, defeats base-image pinning, and can pull in packages (or maintainer scripts) that were never ' +
    'tested with the base image. Unprivileged containers also cannot complete some upgrades, leaving half-configured ' +
    'packages. Security fixes belong in a newer, pinned base image.',
  fix:
    'Bump the base image to a patched release (by digest) instead, and install only the packages you need, pinned:\n\n' +
    '```dockerfile\nFROM debian:12.8-slim@sha256:<digest>\nRUN apt-get update && apt-get install -y --no-install-recommends ' +
    'openssl=3.0.15-1~deb12u1 && rm -rf /var/lib/apt/lists/*\n```\n\nIf a single package needs a security fix before ' +
    'the base image has it, upgrade just that package with `apt-get install --only-upgrade <pkg>=<version>`.',
  references: [
    'https://docs.docker.com/build/building/best-practices/#apt-get',
    'https://github.com/hadolint/hadolint/wiki/DL3005',
  ],
  exceptions: RUN_LOCATION_NOTE,
};

export const aptUpgrade: DockerfileRule = {
  rule,
  check(model) {
    const reporter = new Reporter(model, rule);
    for (const entry of runInvocations(model)) {
      if (!['apt-get', 'apt', 'aptitude'].includes(entry.program)) continue;
      const subcommand = operands(
        dropOptionValues(entry.args, ['o', 'option', 'c', 'config-file', 't', 'target-release']),
      )[0];
      if (!subcommand || !UPGRADES.has(subcommand.text)) continue;
      reporter.reportWord(subcommand, {
        stage: entry.run.stage,
        key: `${entry.program} ${subcommand.text}`,
        message: `\`${entry.program} ${subcommand.text}\` upgrades every package to whatever the mirror serves at build time.`,
        fix: 'Use a newer pinned base image instead.',
      });
    }
    return reporter.findings;
  },
};
