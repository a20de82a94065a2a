import type { RuleDefinition } from '../../../core/rules.js';
import type { ComposeRule } from './report.js';
import { Reporter, withDefaults } from './report.js';

const ROOT_RE = /^(?:root|0)(?::.*)?$/;

const rule: RuleDefinition = {
  id: 'compose/root-user',
  check: 'manifests',
  title: 'Service runs as root',
  severity: 'medium',
  description:
    "A compose service that runs a pulled `image:` sets no `user:`, so it runs as the image's default user (root " +
    'for most images), or sets `user:` to `root`, `0`, `root:<group>` or `0:<group>`. Services built from a local ' +
    '`build:` without `user:` are left to the Dockerfile rule `dockerfile/root-user`. A `user:` that is only a ' +
    'variable without default cannot be judged and is not reported.',
  rationale:
    'Root in a container is root on the host kernel unless user namespaces are enabled. Any escape — a kernel bug, ' +
    'a mounted socket, a writable host path, an added capability — then yields root on the host. Running as an ' +
    'unprivileged UID also stops a compromised process from modifying its own image files.',
  fix:
    'Run as an unprivileged UID (the image must allow it; most official images document one):\n\n```yaml\nservices:\n' +
    '  web:\n    image: nginxinc/nginx-unprivileged:1.27\n    user: "101:101"\n```',
  references: ['https://docs.docker.com/reference/compose-file/services/#user'],
  exceptions:
    'Official database images (postgres, mysql, redis) start as root only to fix volume ownership and then drop to ' +
    'their own user; except them with a reason saying so, or set `user:` and pre-create the volume ownership.',
};

export const rootUser: ComposeRule = {
  rule,
  check(file) {
    const reporter = new Reporter(file, rule);
    const { view } = file;
    for (const service of file.services) {
      const entry = view.get(service.node, 'user');
      const raw = view.scalar(entry?.value);
      if (raw === undefined) {
        if (view.get(service.node, 'build') || !view.get(service.node, 'image')) continue;
        reporter.report(service, service.key, {
          key: 'no-user',
          message: `Service \`${service.name}\` sets no \`user:\`, so it runs as the image's default user, root for most images.`,
          fix: 'user: "10001:10001"',
        });
        continue;
      }
      const user = withDefaults(raw.trim());
      if (user === undefined || !ROOT_RE.test(user)) continue;
      reporter.report(service, entry?.value, {
        key: 'user-root',
        message: `Service \`${service.name}\` runs as root (\`user: ${raw.trim()}\`).`,
        fix: 'user: "10001:10001"',
      });
    }
    return reporter.findings;
  },
};
