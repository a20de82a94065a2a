import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  context,
  getOctokit
} from "./chunk-74G6GHG7.js";
import "./chunk-HYHX6NRO.js";
import "./chunk-GG6ZZSUU.js";
export {
  context,
  getOctokit
};
