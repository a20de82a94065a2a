import type { GateResult } from './gate.js';
import type { RuleRegistry } from './rules.js';
import type { Policy } from '../policy/types.js';

/** Everything one run of the gate decided: what the report renderers and the platforms work from. */
export interface GateOutcome {
  result: GateResult;
  policy: Policy;
  rules: RuleRegistry;
  notices: string[];
  /** The base commit compared against, when one was found. */
  baseCommit?: string;
  root: string;
}
