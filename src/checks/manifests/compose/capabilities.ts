import type { RuleDefinition } from '../../../core/rules.js';
import type { ComposeRule } from './report.js';
import { Reporter, withDefaults } from './report.js';

/** Capabilities that allow escaping the container or taking over the host, with why. */
export const DANGEROUS_CAPABILITIES: Record<string, string> = {
  ALL: 'every capability, equivalent to privileged',
  SYS_ADMIN: 'mount filesystems, cgroups escapes, most of root',
  NET_ADMIN: 'reconfigure networking, sniff and redirect traffic',
  SYS_PTRACE: 'trace and inject code into other processes',
  SYS_MODULE: 'load kernel modules',
  DAC_READ_SEARCH: 'read any file (open_by_handle_at escape)',
  DAC_OVERRIDE: 'bypass file permission checks',
  SYS_RAWIO: 'raw I/O on devices and memory',
  SYS_BOOT: 'reboot the host',
  SYS_TIME: 'change the host clock',
  SYSLOG: 'read kernel logs and addresses',
  BPF: 'load eBPF programs into the kernel',
  PERFMON: 'kernel performance monitoring',
  MAC_ADMIN: 'change AppArmor/SELinux policy',
  MAC_OVERRIDE: 'bypass AppArmor/SELinux policy',
  NET_RAW: 'craft raw packets (ARP/DNS spoofing)',
  SETFCAP: 'grant file capabilities',
  LINUX_IMMUTABLE: 'change immutable files',
  SYS_RESOURCE: 'override resource limits',
  WAKE_ALARM: 'interfere with host power management',
  BLOCK_SUSPEND: 'block host suspend',
};

const rule: RuleDefinition = {
  id: 'compose/dangerous-capability',
  check: 'manifests',
  title: 'Dangerous Linux capability added',
  severity: 'high',
  description:
    'A compose service adds, in `cap_add`, `ALL` or a capability that allows breaking out of the container or ' +
    'interfering with the host: `SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE`, `SYS_MODULE`, `DAC_READ_SEARCH`, ' +
    '`DAC_OVERRIDE`, `SYS_RAWIO`, `SYS_BOOT`, `SYS_TIME`, `SYSLOG`, `BPF`, `PERFMON`, `MAC_ADMIN`, `MAC_OVERRIDE`, ' +
    '`NET_RAW`, `SETFCAP`, `LINUX_IMMUTABLE`, `SYS_RESOURCE`, `WAKE_ALARM`, `BLOCK_SUSPEND` (with or without the ' +
    '`CAP_` prefix, any case).',
  rationale:
    "Capabilities split root's powers; these are the ones known to lead to host compromise. `SYS_ADMIN` alone " +
    'enables several published container escapes (cgroup `release_agent`, mounting host filesystems), ' +
    '`DAC_READ_SEARCH` enabled the "shocker" escape, `SYS_MODULE` loads arbitrary kernel code, `SYS_PTRACE` with a ' +
    "shared PID namespace reads other processes' secrets.",
  fix:
    'Drop everything and add back only narrow capabilities the service really needs:\n\n```yaml\nservices:\n  app:\n' +
    '    cap_drop: [ALL]\n    cap_add: [NET_BIND_SERVICE]\n```\n\nFor tools that need more (VPN, monitoring agents), run ' +
    'them outside the application stack.',
  references: [
    'https://docs.docker.com/reference/compose-file/services/#cap_add',
    'https://man7.org/linux/man-pages/man7/capabilities.7.html',
  ],
};

export const dangerousCapability: ComposeRule = {
  rule,
  check(file) {
    const reporter = new Reporter(file, rule);
    for (const service of file.services) {
      const entry = file.view.get(service.node, 'cap_add');
      if (!entry) continue;
      for (const item of file.view.items(entry.value)) {
        const scalar = file.view.scalar(item);
        const raw = scalar === undefined ? undefined : withDefaults(scalar);
        if (raw === undefined) continue;
        const capability = raw.trim().toUpperCase().replace(/^CAP_/, '');
        const why = DANGEROUS_CAPABILITIES[capability];
        if (!why) continue;
        reporter.report(service, item, {
          key: capability,
          message: `Service \`${service.name}\` adds \`${capability}\` (${why}).`,
          fix: 'cap_drop: [ALL] and add back only narrow capabilities.',
        });
      }
    }
    return reporter.findings;
  },
};
