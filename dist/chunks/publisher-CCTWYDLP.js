import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  GithubPublisher,
  UnreadableAnswerError,
  findPullRequestByHead,
  permissionAdvice
} from "./chunk-MCPK7GM7.js";
import "./chunk-DRPJOOMB.js";
import "./chunk-GG6ZZSUU.js";
export {
  GithubPublisher,
  UnreadableAnswerError,
  findPullRequestByHead,
  permissionAdvice
};
