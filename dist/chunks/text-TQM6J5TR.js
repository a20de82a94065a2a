import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  COLOR,
  PLAIN,
  chooseStyle,
  renderText
} from "./chunk-D77DQ6KG.js";
import "./chunk-GG6ZZSUU.js";
export {
  COLOR,
  PLAIN,
  chooseStyle,
  renderText
};
