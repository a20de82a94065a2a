import type { FileLocation, RawFinding } from '../../../../src/core/finding.js';
import { lintFile } from '../../../../src/checks/hardening/github-actions/index.js';

/** A YAML file from lines, so that line numbers in tests are the array index + 1. */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

export function lint(text: string, path = '.github/workflows/ci.yml', allowedUnpinned: string[] = []): RawFinding[] {
  return lintFile({ path, text }, { allowedUnpinned });
}

export function only(findings: RawFinding[], ruleId: string): RawFinding[] {
  return findings.filter((f) => f.ruleId === ruleId);
}

/** `line:column` of every finding of a rule, in report order. */
export function at(findings: RawFinding[], ruleId: string): string[] {
  return only(findings, ruleId).map((f) => {
    const l = f.location as FileLocation;
    return `${l.startLine}:${l.startColumn}`;
  });
}

/** `line:column severity` of every finding of a rule. */
export function atSev(findings: RawFinding[], ruleId: string): string[] {
  return only(findings, ruleId).map((f) => {
    const l = f.location as FileLocation;
    return `${l.startLine}:${l.startColumn} ${f.severity}`;
  });
}
