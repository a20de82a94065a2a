import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  renderSarif
} from "./chunk-IRHV7FQC.js";
import "./chunk-SA7YT7XQ.js";
import "./chunk-WMGLMAQE.js";
import "./chunk-GG6ZZSUU.js";
export {
  renderSarif
};
