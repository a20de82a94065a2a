import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  renderJson
} from "./chunk-IFH46DC3.js";
import "./chunk-5BJ2AJSQ.js";
import "./chunk-GG6ZZSUU.js";
export {
  renderJson
};
