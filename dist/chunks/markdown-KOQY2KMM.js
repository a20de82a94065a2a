import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  GITHUB_COMMENT_MAX_CHARS,
  GITHUB_STEP_SUMMARY_MAX_BYTES,
  GITLAB_NOTE_MAX_CHARS,
  compileTemplate,
  readCustomTemplate,
  renderMarkdown
} from "./chunk-LCXU5KSF.js";
import "./chunk-L3SYSQEH.js";
import "./chunk-GG6ZZSUU.js";
export {
  GITHUB_COMMENT_MAX_CHARS,
  GITHUB_STEP_SUMMARY_MAX_BYTES,
  GITLAB_NOTE_MAX_CHARS,
  compileTemplate,
  readCustomTemplate,
  renderMarkdown
};
