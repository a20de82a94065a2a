import type { Severity } from '../../../core/severity.js';
import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Node } from 'yaml';
import type { YamlView } from './yaml-nodes.js';

export interface Service {
  name: string;
  /** The service's key node (`web:` under `services:`). */
  key: Node;
  /** The service's mapping. */
  node: Node;
}

export interface ComposeFile {
  path: string;
  view: YamlView;
  services: Service[];
}

export interface ComposeRule {
  rule: RuleDefinition;
  check: (file: ComposeFile) => RawFinding[];
}

/** Builds located findings for one rule and file; keys are unique per service. */
export class Reporter {
  readonly findings: RawFinding[] = [];
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly file: ComposeFile,
    private readonly rule: RuleDefinition,
  ) {}

  /** `severity` overrides the rule's for one finding (a runtime socket among sensitive mounts is critical). */
  report(
    service: Service,
    node: Node | undefined,
    input: { message: string; key: string; fix?: string; severity?: Severity },
  ): void {
    const { line, column } = this.file.view.position(node ?? service.key);
    const scope = `${service.name}\u0000${input.key}`;
    const count = (this.seen.get(scope) ?? 0) + 1;
    this.seen.set(scope, count);
    this.findings.push({
      ruleId: this.rule.id,
      severity: input.severity ?? this.rule.severity,
      title: this.rule.title,
      message: input.message,
      location: { path: this.file.path, startLine: line, startColumn: column, object: `service/${service.name}` },
      key: count === 1 ? input.key : `${input.key}#${count}`,
      ...(input.fix ? { fix: input.fix } : {}),
    });
  }
}

/** Inline code for messages, shortened, backquotes removed. */
export function code(text: string, max = 80): string {
  const clean = text.replace(/[`\r\n]+/g, ' ');
  return '`' + (clean.length > max ? `${clean.slice(0, max - 1)}…` : clean) + '`';
}

/**
 * Compose interpolation with defaults only: `${VAR:-x}` / `${VAR-x}` give `x`, `$$` gives `$`. Returns
 * undefined when a variable has no default (its value comes from the environment at deploy time).
 */
export function withDefaults(value: string): string | undefined {
  let unknown = false;
  const result = value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?(?::?[?+][^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, _name, fallback?: string) => {
      if (match === '$$') return '$';
      if (fallback !== undefined) return fallback;
      unknown = true;
      return '';
    },
  );
  return unknown ? undefined : result;
}

/**
 * A compose boolean after interpolation with defaults. compose-go casts `privileged`, `read_only`... with
 * YAML 1.1 spellings: `y`, `yes`, `true`, `on` (any case) are true. Undefined when unknown or not a boolean.
 */
export function composeBoolean(raw: string | undefined): boolean | undefined {
  const value = raw === undefined ? undefined : withDefaults(raw.trim())?.toLowerCase();
  if (value === undefined) return undefined;
  if (['y', 'yes', 'true', 'on'].includes(value)) return true;
  if (['n', 'no', 'false', 'off'].includes(value)) return false;
  return undefined;
}
