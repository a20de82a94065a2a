import { minimatch } from 'minimatch';
import type { RuleRegistry } from '../core/rules.js';
import { family } from '../core/rules.js';

/** Rule ids and globs an exception may name: a known id, an id of a `family/*` rule, or a glob matching some rule. */
export function ruleExists(rules: RuleRegistry, pattern: string): boolean {
  if (rules.get(pattern)) return true;
  if (/[*?[\]{}]/.test(pattern)) {
    return rules
      .all()
      .some((rule) => minimatch(rule.id, pattern) || (rule.id.endsWith('/*') && family(rule.id) === family(pattern)));
  }
  return false;
}

/** True when the exception's `rule` covers this rule id. */
export function ruleMatches(pattern: string, ruleId: string): boolean {
  return pattern === ruleId || minimatch(ruleId, pattern);
}
