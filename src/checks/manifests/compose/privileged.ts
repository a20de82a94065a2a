import type { RuleDefinition } from '../../../core/rules.js';
import type { ComposeRule } from './report.js';
import { Reporter, composeBoolean } from './report.js';

const rule: RuleDefinition = {
  id: 'compose/privileged',
  check: 'manifests',
  title: 'Privileged container',
  severity: 'critical',
  description:
    'A compose service sets `privileged: true` (directly or through a `<<:` merge of an anchored block). Like compose, ' +
    'the YAML 1.1 spellings `yes`, `on` and `y` count as true, and `${VAR:-true}` uses its default.',
  rationale:
    'A privileged container gets every capability, all host devices, no seccomp or AppArmor profile and a writable ' +
    '`/sys`. Escaping to the host is trivial (mount the host disk from `/dev`, load a kernel module), so anyone who ' +
    'compromises the service — or who can change its image — owns the machine.',
  fix:
    'Remove `privileged` and grant only what the service needs:\n\n```yaml\nservices:\n  app:\n    cap_drop: [ALL]\n' +
    '    cap_add: [NET_BIND_SERVICE]\n    devices: ["/dev/fuse:/dev/fuse"]\n```',
  references: ['https://docs.docker.com/reference/compose-file/services/#privileged'],
};

export const privileged: ComposeRule = {
  rule,
  check(file) {
    const reporter = new Reporter(file, rule);
    for (const service of file.services) {
      const entry = file.view.get(service.node, 'privileged');
      if (!entry || composeBoolean(file.view.scalar(entry.value)) !== true) continue;
      reporter.report(service, entry.value, {
        key: 'privileged',
        message: `Service \`${service.name}\` runs privileged: it has full access to the host.`,
        fix: 'Remove privileged: true; add only the capabilities and devices the service needs.',
      });
    }
    return reporter.findings;
  },
};
