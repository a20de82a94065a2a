import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { K8sObject } from './documents.js';
import { objectKey, objectRef } from './documents.js';
import type { View } from './yaml-view.js';

/** A RawFinding of `rule` on `object`, located at `at`. */
export function objectFinding(
  rule: RuleDefinition,
  object: K8sObject,
  at: View,
  message: string,
  key: string,
  extra: { container?: string; fix?: string } = {},
): RawFinding {
  return {
    ruleId: rule.id,
    severity: rule.severity,
    title: rule.title,
    message,
    location: {
      path: object.path,
      startLine: at.position.line,
      startColumn: at.position.column,
      object: objectRef(object),
      ...(extra.container !== undefined ? { container: extra.container } : {}),
    },
    key: `${objectKey(object)}:${key}`,
    ...(extra.fix ? { fix: extra.fix } : {}),
  };
}
