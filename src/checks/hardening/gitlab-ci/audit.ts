import type { RuleDefinition } from '../../../core/rules.js';
import type { Severity } from '../../../core/severity.js';
import type { CiModel } from './config.js';
import type { Position } from './located.js';

/**
 * One occurrence found by an audit. The linter turns hits into findings, one per written value: a value
 * in a template or `default:` that many jobs inherit is reported once, at the place it is written, with
 * `object` naming the section it is written in and the message naming the jobs it reaches.
 */
export interface Hit {
  ruleId: string;
  /** Overrides the rule's default severity for this occurrence. */
  severity?: Severity;
  message: string;
  position: Position;
  /** The top-level section (job, template, `default`, `variables`, `include`) the value is written in. */
  owner: string;
  /** The job the value reaches, when it is a job setting. */
  job?: string;
  /** Stable per-occurrence discriminator (no line numbers). */
  key: string;
  fix?: string;
}

export interface AuditFamily {
  rules: RuleDefinition[];
  audit(model: CiModel): Hit[];
}

export const GITLAB_CI_YAML_REFERENCE = 'https://docs.gitlab.com/ci/yaml/';
