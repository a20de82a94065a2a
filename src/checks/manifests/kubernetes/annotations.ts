import type { RawFinding } from '../../../core/finding.js';
import { isFileLocation } from '../../../core/finding.js';
import type { K8sObject } from './documents.js';
import { objectKey, objectRef } from './documents.js';
import type { View } from './yaml-view.js';

export const IGNORE_ANNOTATION = 'containersec.io/ignore';

export interface AnnotationIgnore {
  rule: string;
  container?: string;
  reason: string;
}

const ENTRY_RE = /^([a-z0-9-]+\/[A-Za-z0-9_.-]+)(?:\[([^\]]*)\])?$/;

export interface ParsedIgnore {
  ignores: AnnotationIgnore[];
  /** Why the annotation suppresses nothing, when it is malformed or has no reason. */
  problem?: string;
}

/** Parses `"<rule-id>[container],<rule-id>: <reason>"`. */
export function parseIgnoreAnnotation(value: string): ParsedIgnore {
  const colon = value.indexOf(':');
  const head = colon < 0 ? value : value.slice(0, colon);
  const reason = colon < 0 ? '' : value.slice(colon + 1).trim();
  const entries = head
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const parsed = entries.map((entry) => ENTRY_RE.exec(entry));
  if (entries.length === 0 || parsed.some((m) => !m)) {
    return { ignores: [], problem: 'names no valid rule id (expected "<family>/<rule>[container],...: <reason>")' };
  }
  if (!reason) return { ignores: [], problem: 'has no reason after the rule ids' };
  return {
    ignores: parsed.map((m) => ({ rule: m![1]!, ...(m![2] ? { container: m![2].trim() } : {}), reason })),
  };
}

/** The ignore annotations of an object (its metadata and its pod template's metadata). */
export function objectIgnores(
  object: K8sObject,
  templateMetadata: View | undefined,
): { ignores: AnnotationIgnore[]; findings: RawFinding[] } {
  const ignores: AnnotationIgnore[] = [];
  const findings: RawFinding[] = [];
  const sources = [object.metadata, templateMetadata === object.metadata ? undefined : templateMetadata];
  sources.forEach((metadata, index) => {
    const view = metadata?.path('annotations', IGNORE_ANNOTATION);
    if (!view) return;
    const value = view.string() ?? '';
    const parsed = parseIgnoreAnnotation(value);
    ignores.push(...parsed.ignores);
    if (parsed.problem) {
      findings.push({
        ruleId: 'manifests/ignore-without-reason',
        severity: 'medium',
        title: 'Ignore without a reason',
        message: `The ${IGNORE_ANNOTATION} annotation of ${objectRef(object)} ${parsed.problem}, so it suppresses nothing.`,
        location: {
          path: object.path,
          startLine: view.position.line,
          startColumn: view.position.column,
          object: objectRef(object),
        },
        key: `${objectKey(object)}:${index === 0 ? 'metadata' : 'template'}.annotations[${IGNORE_ANNOTATION}]`,
        fix: `${IGNORE_ANNOTATION}: "<rule-id>[,<rule-id>]: <why this is acceptable>"`,
      });
    }
  });
  return { ignores, findings };
}

/** Marks findings covered by an ignore as suppressed with its reason. */
export function applyIgnores(findings: RawFinding[], ignores: AnnotationIgnore[]): RawFinding[] {
  if (ignores.length === 0) return findings;
  return findings.map((finding) => {
    const container = isFileLocation(finding.location) ? finding.location.container : undefined;
    const match = ignores.find(
      (ignore) => ignore.rule === finding.ruleId && (ignore.container === undefined || ignore.container === container),
    );
    return match ? { ...finding, suppressed: { reason: match.reason } } : finding;
  });
}
