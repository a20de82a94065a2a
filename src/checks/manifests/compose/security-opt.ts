import type { RuleDefinition } from '../../../core/rules.js';
import type { ComposeRule } from './report.js';
import { Reporter, withDefaults } from './report.js';

/** `security_opt` values (with `:` or `=`) that switch a protection off, and what they switch off. */
function weakening(option: string): string | undefined {
  const normalized = option.trim().toLowerCase().replace(/\s+/g, '');
  const [name, ...rest] = normalized.split(/[:=]/);
  const value = rest.join(':');
  if (name === 'seccomp' && value === 'unconfined') return 'the seccomp system-call filter';
  if (name === 'apparmor' && value === 'unconfined') return 'the AppArmor profile';
  if (name === 'label' && (value === 'disable' || value === 'type:spc_t')) return 'SELinux labelling';
  if (name === 'no-new-privileges' && value === 'false') return 'the no-new-privileges flag';
  if (name === 'systempaths' && value === 'unconfined') return 'the masking of sensitive /proc and /sys paths';
  return undefined;
}

const rule: RuleDefinition = {
  id: 'compose/unconfined-security-opt',
  check: 'manifests',
  title: 'Kernel security profile disabled',
  severity: 'medium',
  description:
    'A compose service sets a `security_opt` entry that disables a kernel protection: `seccomp:unconfined` / ' +
    '`seccomp=unconfined`, `apparmor:unconfined`, `label:disable` or `label:type:spc_t` (SELinux), ' +
    '`no-new-privileges:false`, `systempaths=unconfined`. Medium, like the same settings in Kubernetes ' +
    '(`pss/seccompProfile_baseline`, `pss/appArmorProfile`, `pss/seLinuxOptions`); `systempaths=unconfined` is high, ' +
    'like an unmasked `/proc` (`pss/procMount`).',
  rationale:
    'The default seccomp profile blocks about 50 rarely needed system calls that are the entry point of many kernel ' +
    'exploits (`keyctl`, `unshare`, `bpf`...); AppArmor and SELinux confine what even root in the container may ' +
    'touch; `no-new-privileges` stops setuid binaries from raising privileges. Turning them off makes a container ' +
    'escape one kernel bug away.',
  fix:
    'Remove the option. If a specific system call is needed, ship a custom profile that allows only it:\n\n' +
    '```yaml\nservices:\n  app:\n    security_opt:\n      - no-new-privileges:true\n      - seccomp:./seccomp-app.json\n```',
  references: [
    'https://docs.docker.com/engine/security/seccomp/',
    'https://docs.docker.com/reference/compose-file/services/#security_opt',
  ],
};

export const unconfinedSecurityOpt: ComposeRule = {
  rule,
  check(file) {
    const reporter = new Reporter(file, rule);
    for (const service of file.services) {
      const entry = file.view.get(service.node, 'security_opt');
      if (!entry) continue;
      for (const item of file.view.items(entry.value)) {
        const scalar = file.view.scalar(item);
        const option = scalar === undefined ? undefined : withDefaults(scalar);
        const what = option === undefined ? undefined : weakening(option);
        if (!what || option === undefined) continue;
        reporter.report(service, item, {
          // Unmasked /proc and /sys are high, as pss/procMount; the others leave an escape one kernel bug away.
          ...(option.toLowerCase().includes('systempaths') ? { severity: 'high' as const } : {}),
          key: option.trim().toLowerCase().replace('=', ':'),
          message: `Service \`${service.name}\` disables ${what} (\`${option.trim()}\`).`,
          fix: 'Remove it, or use a custom profile that allows only what is needed.',
        });
      }
    }
    return reporter.findings;
  },
};
