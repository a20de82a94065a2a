import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  TOOL_NAME,
  TOOL_VERSION
} from "./chunk-PEGOOEL7.js";

// src/report/json.ts
function renderJson(outcome) {
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
      notes: check.notes,
      findings: check.findings
    })),
    exceptions: {
      expired: result.expiredExceptions,
      stale: result.staleExceptions.map((s) => s.exception)
    },
    notices: outcome.notices
  };
  return `${JSON.stringify(report, null, 2)}
`;
}

export {
  renderJson
};
