import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  renderSarif
} from "./chunk-J2MBTBYG.js";
import "./chunk-5BJ2AJSQ.js";
import "./chunk-WMGLMAQE.js";
import "./chunk-GG6ZZSUU.js";
export {
  renderSarif
};
