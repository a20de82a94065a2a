import type { CheckResult, Finding } from '../../core/finding.js';
import { isFileLocation } from '../../core/finding.js';
import { MAX_ANNOTATIONS, truncate } from './limits.js';

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  message: string;
  title: string;
}

function level(finding: Finding): Annotation['annotation_level'] {
  if (finding.blocking) return 'failure';
  return finding.severity === 'low' || finding.severity === 'info' ? 'notice' : 'warning';
}

/** Annotations for findings with a file line, blocking ones first, excepted ones left out. */
export function annotationsFor(checks: CheckResult[]): Annotation[] {
  const findings = checks
    .flatMap((check) => check.findings)
    .filter(
      (f) => isFileLocation(f.location) && f.location.startLine !== undefined && (!f.exception || f.exception.expired),
    )
    .sort((a, b) => Number(b.blocking) - Number(a.blocking));
  return findings.slice(0, MAX_ANNOTATIONS).map((finding) => {
    const location = finding.location as {
      path: string;
      startLine: number;
      startColumn?: number;
      endLine?: number;
      endColumn?: number;
    };
    const endLine = location.endLine ?? location.startLine;
    // GitHub accepts columns only when the annotation stays on one line.
    const columns =
      endLine === location.startLine && location.startColumn !== undefined
        ? { start_column: location.startColumn, end_column: location.endColumn ?? location.startColumn }
        : {};
    return {
      path: location.path,
      start_line: location.startLine,
      end_line: endLine,
      ...columns,
      annotation_level: level(finding),
      title: truncate(`${finding.ruleId}: ${finding.title}`, 255),
      message: truncate(finding.fix ? `${finding.message}\nFix: ${finding.fix}` : finding.message, 64 * 1024),
    };
  });
}
