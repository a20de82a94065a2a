import type { RuleDefinition } from '../../../core/rules.js';
import type { Severity } from '../../../core/severity.js';
import type { CiModel } from './config.js';
import type { Position } from './located.js';

/**
 * One occurrence found by an audit. The linter turns hits into findings, one per job and written value:
 * the location is where the value is written (maybe a template, `default:` or an included file) and
 * `object` is the job; hits without a job (includes) use their section as `object`.
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
