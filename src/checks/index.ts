import type { Check } from '../core/check.js';
import type { CheckId } from '../core/finding.js';
import { RuleRegistry } from '../core/rules.js';
import { hardeningCheck } from './hardening/index.js';
import { imagesCheck } from './images/index.js';
import { manifestsCheck } from './manifests/index.js';

/** Every check this build ships, in report order. */
export const CHECKS: Check[] = [hardeningCheck, imagesCheck, manifestsCheck];

/** Checks of the design that this build does not ship yet, and what asking for them means. */
export const UNAVAILABLE_CHECKS: Partial<Record<CheckId, string>> = {
  signatures: 'Signature verification is not available in this build of containersec.',
};

export function ruleRegistry(): RuleRegistry {
  return new RuleRegistry(CHECKS.flatMap((check) => check.rules));
}
