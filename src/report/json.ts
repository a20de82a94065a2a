import type { GateOutcome } from '../core/outcome.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';

/** The JSON report, schemaVersion 1 (schema/report.schema.json). Other tools parse it: change with care. */
export function renderJson(outcome: GateOutcome): string {
  const { result } = outcome;
  const report = {
    schemaVersion: 1,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    verdict: result.verdict,
    policy: outcome.policy.file ?? null,
    base: outcome.baseCommit ?? null,
    checks: result.checks.map((check) => ({
      id: check.id,
      status: check.status,
      errors: check.errors,
      // Added within schemaVersion 1: what was not checked (status warn), and why a check was skipped.
      warnings: check.warnings,
      ...(check.skip ? { skip: check.skip } : {}),
      notes: check.notes,
      findings: check.findings,
    })),
    exceptions: {
      expired: result.expiredExceptions,
      stale: result.staleExceptions.map((s) =>
        s.inline ? { ...s.exception, inline: true, ...(s.detail ? { detail: s.detail } : {}) } : s.exception,
      ),
    },
    notices: outcome.notices,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
