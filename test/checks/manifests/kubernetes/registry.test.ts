import { compareSeverity } from '../../../../src/core/severity.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RuleRegistry } from '../../../../src/core/rules.js';
import { commonFileRules } from '../../../../src/checks/common-rules.js';
import { kubernetesLinter } from '../../../../src/checks/manifests/kubernetes/index.js';
import { lint } from './helpers.js';

describe('rule registry', () => {
  const registry = new RuleRegistry([...kubernetesLinter.rules, ...commonFileRules('manifests', 'x')]);

  it('registers every rule once with a valid id and real documentation', () => {
    for (const rule of registry.all()) {
      expect(rule.check).toBe('manifests');
      expect(rule.description.length).toBeGreaterThan(40);
      expect(rule.rationale.length).toBeGreaterThan(40);
      expect(rule.fix.length).toBeGreaterThan(20);
    }
    expect(registry.families().sort()).toEqual(['k8s', 'manifests', 'pss']);
  });

  it('uses upstream check IDs for pss/ rules', () => {
    expect(
      registry
        .all()
        .filter((r) => r.id.startsWith('pss/'))
        .map((r) => r.id)
        .sort(),
    ).toEqual(
      [
        'allowPrivilegeEscalation',
        'appArmorProfile',
        'capabilities_baseline',
        'capabilities_restricted',
        'hostNamespaces',
        'hostPathVolumes',
        'hostPorts',
        'hostProbesAndHostLifecycle',
        'privileged',
        'procMount',
        'procMount_restricted',
        'restrictedVolumes',
        'runAsNonRoot',
        'runAsUser',
        'seLinuxOptions',
        'seccompProfile_baseline',
        'seccompProfile_restricted',
        'sysctls',
        'windowsHostProcess',
      ]
        .map((id) => `pss/${id}`)
        .sort(),
    );
  });

  it('every finding the linter produces has a registered rule and at least its severity', () => {
    const text = readFileSync(fileURLToPath(new URL('./locations.test.ts', import.meta.url)), 'utf8');
    const yaml = text.slice(text.indexOf('`') + 1, text.indexOf('`', text.indexOf('`') + 1));
    const findings = lint(yaml, { untrusted: ['**'] });
    expect(findings.length).toBeGreaterThan(20);
    for (const finding of findings) {
      const rule = registry.get(finding.ruleId);
      expect(rule, finding.ruleId).toBeDefined();
      // Never below its rule's severity; above it when it also stands for a more severe rule or problem
      // (a capability beyond the default set under pss/capabilities_restricted).
      expect(compareSeverity(finding.severity, rule!.severity), finding.ruleId).toBeLessThanOrEqual(0);
    }
  });
});
