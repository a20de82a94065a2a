import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  MAX_ANNOTATIONS,
  truncate
} from "./chunk-ZPB35DKQ.js";
import {
  isFileLocation
} from "./chunk-WMGLMAQE.js";
import "./chunk-GG6ZZSUU.js";

// src/platform/github/annotations.ts
function level(finding) {
  if (finding.blocking) return "failure";
  return finding.severity === "low" || finding.severity === "info" ? "notice" : "warning";
}
function annotationsFor(checks) {
  const findings = checks.flatMap((check) => check.findings).filter(
    (f) => isFileLocation(f.location) && f.location.startLine !== void 0 && (!f.exception || f.exception.expired)
  ).sort((a, b) => Number(b.blocking) - Number(a.blocking));
  return findings.slice(0, MAX_ANNOTATIONS).map((finding) => {
    const location = finding.location;
    const endLine = location.endLine ?? location.startLine;
    const columns = endLine === location.startLine && location.startColumn !== void 0 ? { start_column: location.startColumn, end_column: location.endColumn ?? location.startColumn } : {};
    return {
      path: location.path,
      start_line: location.startLine,
      end_line: endLine,
      ...columns,
      annotation_level: level(finding),
      title: truncate(`${finding.ruleId}: ${finding.title}`, 255),
      message: truncate(finding.fix ? `${finding.message}
Fix: ${finding.fix}` : finding.message, 64 * 1024)
    };
  });
}
export {
  annotationsFor
};
