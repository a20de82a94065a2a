import type { CheckId } from '../core/finding.js';
import type { Threshold } from '../core/severity.js';
import type { Policy, Switch } from './types.js';

function fromSwitch(value: Switch): Threshold {
  return value === 'fail' ? 'info' : 'none';
}

/**
 * The `fail-on` threshold that applies to one rule. Some rules have their own policy switch: vulnerabilities
 * (`images.vulnerabilities.fail-on`), end of life (`images.eol`), secrets (`images.secrets`) and digest
 * pinning (`signatures.pinned-digests`). `fail` blocks at any severity, `warn` never blocks.
 */
export function thresholdFor(policy: Policy, check: CheckId, ruleId: string): Threshold {
  if (check === 'images') {
    const images = policy.checks.images;
    if (ruleId.startsWith('vuln/')) return images.vulnerabilities['fail-on'];
    if (ruleId.startsWith('image/eol')) return fromSwitch(images.eol);
    if (ruleId.startsWith('image/secret')) return fromSwitch(images.secrets);
  }
  if (check === 'signatures' && ruleId === 'sig/unpinned-reference') {
    return fromSwitch(policy.checks.signatures['pinned-digests']);
  }
  return policy.checks[check]['fail-on'];
}
