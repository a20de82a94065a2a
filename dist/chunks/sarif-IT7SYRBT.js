import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  renderSarif
} from "./chunk-SW7UZFPJ.js";
import "./chunk-VU7Z6DXM.js";
import "./chunk-WMGLMAQE.js";
import "./chunk-GG6ZZSUU.js";
export {
  renderSarif
};
