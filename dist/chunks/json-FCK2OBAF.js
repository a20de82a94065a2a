import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  renderJson
} from "./chunk-G5XF2LEN.js";
import "./chunk-VU7Z6DXM.js";
import "./chunk-GG6ZZSUU.js";
export {
  renderJson
};
