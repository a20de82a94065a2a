import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  renderSarif
} from "./chunk-HLXWDTYE.js";
import "./chunk-PEGOOEL7.js";
import "./chunk-WMGLMAQE.js";
import "./chunk-GG6ZZSUU.js";
export {
  renderSarif
};
