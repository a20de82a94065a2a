import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  renderJson
} from "./chunk-HA3MBIQF.js";
import "./chunk-SA7YT7XQ.js";
import "./chunk-GG6ZZSUU.js";
export {
  renderJson
};
