import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  renderJson
} from "./chunk-LII5TJJI.js";
import "./chunk-A5WKR7H5.js";
import "./chunk-GG6ZZSUU.js";
export {
  renderJson
};
