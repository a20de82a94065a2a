import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  COLOR,
  PLAIN,
  chooseStyle,
  renderText
} from "./chunk-4UC2ZCPE.js";
import "./chunk-GG6ZZSUU.js";
export {
  COLOR,
  PLAIN,
  chooseStyle,
  renderText
};
