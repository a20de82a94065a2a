import type { RuleDefinition } from '../../../core/rules.js';
import type { ComposeRule } from './report.js';
import { Reporter, withDefaults } from './report.js';

const NAMESPACE_KEYS: Record<string, string> = {
  network_mode: 'network',
  pid: 'process (PID)',
  ipc: 'IPC',
  userns_mode: 'user',
  uts: 'UTS (hostname)',
  cgroup: 'cgroup',
};

const rule: RuleDefinition = {
  id: 'compose/host-namespace',
  check: 'manifests',
  title: 'Service shares a host namespace',
  severity: 'high',
  description:
    'A compose service joins a namespace of the host: `network_mode: host`, `pid: host`, `ipc: host`, ' +
    '`userns_mode: host` (opts out of daemon-wide user-namespace remapping), `uts: host` or `cgroup: host`. ' +
    '`${VAR:-host}` uses its default.',
  rationale:
    'Namespaces are what isolates a container. With the host network it can reach services bound to localhost ' +
    '(cloud metadata proxies, the Docker API, databases) and sniff or spoof traffic; with the host PID namespace it ' +
    'can see and signal, and with `SYS_PTRACE` inspect, every host process and read their environment; host IPC ' +
    'exposes shared memory of host processes; `userns_mode: host` maps root in the container back to real root; ' +
    '`cgroup: host` shows the host cgroup tree, the classic route for `release_agent` escapes when combined with ' +
    'extra capabilities.',
  fix: 'Remove the setting and publish only the ports you need:\n\n```yaml\nservices:\n  app:\n    ports: ["127.0.0.1:8080:8080"]\n```',
  references: [
    'https://docs.docker.com/reference/compose-file/services/#network_mode',
    'https://docs.docker.com/reference/compose-file/services/#pid',
  ],
};

export const hostNamespace: ComposeRule = {
  rule,
  check(file) {
    const reporter = new Reporter(file, rule);
    for (const service of file.services) {
      for (const [key, namespace] of Object.entries(NAMESPACE_KEYS)) {
        const entry = file.view.get(service.node, key);
        const raw = file.view.scalar(entry?.value);
        if (!entry || raw === undefined || withDefaults(raw.trim())?.trim().toLowerCase() !== 'host') continue;
        reporter.report(service, entry.value, {
          key,
          message: `Service \`${service.name}\` uses the host's ${namespace} namespace (\`${key}: host\`).`,
          fix: `Remove ${key}: host.`,
        });
      }
    }
    return reporter.findings;
  },
};
