import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);

// src/platform/github/limits.ts
var GITHUB_LIMITS = {
  /** Characters in an issue or pull-request comment body. */
  commentChars: 65536,
  /** Characters in a check run's output.summary and output.text, each. */
  checkSummaryChars: 65535,
  /** Characters in a check run's output.title. */
  checkTitleChars: 1e3,
  /** Annotations accepted per create/update request; more are sent in further updates. */
  annotationsPerRequest: 50,
  /** Characters in a commit status description. */
  statusDescriptionChars: 140,
  /** Bytes in the job summary ($GITHUB_STEP_SUMMARY). */
  stepSummaryBytes: 1024 * 1024
};
var MAX_ANNOTATIONS = 500;
function truncate(text, max) {
  return text.length <= max ? text : `${text.slice(0, max - 1)}\u2026`;
}

export {
  GITHUB_LIMITS,
  MAX_ANNOTATIONS,
  truncate
};
