import { describe, expect, it } from 'vitest';
import { RuleRegistry } from '../../../src/core/rules.js';
import { hardeningCommonRules } from '../../../src/checks/hardening/common-rules.js';
import { gitlabCiLinter } from '../../../src/checks/hardening/gitlab-ci/index.js';
import { runnerRules } from '../../../src/checks/hardening/runner/index.js';

describe('hardening rule definitions (GitLab CI, runner)', () => {
  const all = [...hardeningCommonRules, ...gitlabCiLinter.rules, ...runnerRules];

  it('register without clashes, and the linter leaves the common rules to the check', () => {
    const registry = new RuleRegistry(all);
    expect(registry.families()).toEqual(['gitlab-ci', 'hardening', 'runner']);
    expect(gitlabCiLinter.rules.every((rule) => rule.id.startsWith('gitlab-ci/'))).toBe(true);
  });

  it('document what, why and how to fix each rule', () => {
    for (const rule of all) {
      expect(rule.check).toBe('hardening');
      expect(rule.description.length, rule.id).toBeGreaterThan(80);
      expect(rule.rationale.length, rule.id).toBeGreaterThan(80);
      expect(rule.fix.length, rule.id).toBeGreaterThan(40);
    }
  });
});
