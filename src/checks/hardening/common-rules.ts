import { commonFileRules } from '../common-rules.js';

/** `hardening/parse-error` and `hardening/ignore-without-reason`. */
export const hardeningCommonRules = commonFileRules(
  'hardening',
  'GitHub workflows, composite actions, GitLab CI files',
);
