import type { RawFinding } from '../../../../src/core/finding.js';
import { isFileLocation } from '../../../../src/core/finding.js';
import { lintCompose } from '../../../../src/checks/manifests/compose/index.js';

export const DIGEST = 'sha256:' + 'd'.repeat(64);

export function yaml(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

export function lint(text: string, path = 'compose.yaml'): RawFinding[] {
  return lintCompose({ path, text });
}

export function ofRule(text: string, ruleId: string): RawFinding[] {
  return lint(text).filter((finding) => finding.ruleId === ruleId);
}

/** `line:column object` of each finding of one rule. */
export function locations(text: string, ruleId: string): string[] {
  return ofRule(text, ruleId).map((finding) => {
    const location = finding.location;
    return isFileLocation(location)
      ? `${location.startLine}:${location.startColumn} ${location.object ?? ''}`
      : 'image';
  });
}
