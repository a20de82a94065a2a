import type { CheckId } from './finding.js';
import type { Severity } from './severity.js';

/** Everything a user needs to understand a rule. `docs/rules/<family>/<name>.md` is generated from it. */
export interface RuleDefinition {
  /** `<family>/<name>`; a name of `*` declares a family of ids made at run time (e.g. `vuln/*`). */
  id: string;
  check: CheckId;
  title: string;
  severity: Severity;
  /** What the rule checks (markdown). */
  description: string;
  /** Why it matters: the attack it prevents (markdown). */
  rationale: string;
  /** How to fix it (markdown, may contain code blocks). */
  fix: string;
  references?: string[];
  /** Extra, rule-specific advice on excepting it; the generic policy and inline syntax is always shown. */
  exceptions?: string;
}

export class RuleRegistry {
  private readonly rules = new Map<string, RuleDefinition>();

  constructor(rules: Iterable<RuleDefinition> = []) {
    for (const rule of rules) this.add(rule);
  }

  add(rule: RuleDefinition): void {
    if (!/^[a-z0-9-]+\/([A-Za-z0-9_.-]+|\*)$/.test(rule.id)) throw new Error(`bad rule id ${rule.id}`);
    if (this.rules.has(rule.id)) throw new Error(`duplicate rule id ${rule.id}`);
    this.rules.set(rule.id, rule);
  }

  /** The definition for an id, falling back to its family's `family/*` definition. */
  get(id: string): RuleDefinition | undefined {
    return this.rules.get(id) ?? this.rules.get(`${family(id)}/*`);
  }

  all(): RuleDefinition[] {
    return [...this.rules.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  families(): string[] {
    return [...new Set(this.all().map((r) => family(r.id)))];
  }
}

export function family(ruleId: string): string {
  return ruleId.split('/', 1)[0] ?? ruleId;
}
