import type { Check } from '../core/check.js';
import { RuleRegistry } from '../core/rules.js';
import { hardeningCheck } from './hardening/index.js';
import { imagesCheck } from './images/index.js';
import { manifestsCheck } from './manifests/index.js';
import { signaturesCheck } from './signatures/index.js';

/** Every check this build ships, in report order. */
export const CHECKS: Check[] = [hardeningCheck, imagesCheck, manifestsCheck, signaturesCheck];

export function ruleRegistry(): RuleRegistry {
  return new RuleRegistry(CHECKS.flatMap((check) => check.rules));
}
