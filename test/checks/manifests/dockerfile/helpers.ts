import type { RawFinding } from '../../../../src/core/finding.js';
import { isFileLocation } from '../../../../src/core/finding.js';
import { lintDockerfile } from '../../../../src/checks/manifests/dockerfile/index.js';

export const DIGEST = 'sha256:' + 'a'.repeat(64);
/** A first line that triggers no base-image rule. */
export const PINNED_FROM = `FROM alpine:3.20@${DIGEST}`;

/** Joins lines into a Dockerfile text. */
export function dockerfile(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

export function lint(text: string, path = 'Dockerfile'): RawFinding[] {
  return lintDockerfile({ path, text });
}

/** `line:column` of each finding of one rule, in report order. */
export function locations(text: string, ruleId: string): string[] {
  return lint(text)
    .filter((finding) => finding.ruleId === ruleId)
    .map((finding) => {
      const location = finding.location;
      return isFileLocation(location) ? `${location.startLine}:${location.startColumn}` : 'image';
    });
}

export function ofRule(text: string, ruleId: string): RawFinding[] {
  return lint(text).filter((finding) => finding.ruleId === ruleId);
}
