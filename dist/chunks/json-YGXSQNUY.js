import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  renderJson
} from "./chunk-ZWZVJO6C.js";
import "./chunk-PEGOOEL7.js";
import "./chunk-GG6ZZSUU.js";
export {
  renderJson
};
