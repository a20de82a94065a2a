import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  context,
  getOctokit
} from "./chunk-OFS2CS2X.js";
import "./chunk-765NKEJR.js";
import "./chunk-GG6ZZSUU.js";
export {
  context,
  getOctokit
};
