import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  renderSarif
} from "./chunk-5S22LBD3.js";
import "./chunk-A5WKR7H5.js";
import "./chunk-WMGLMAQE.js";
import "./chunk-GG6ZZSUU.js";
export {
  renderSarif
};
