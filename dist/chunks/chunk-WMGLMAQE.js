import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);

// src/core/finding.ts
var CHECK_IDS = ["hardening", "images", "manifests", "signatures"];
function isFileLocation(location) {
  return !("image" in location);
}

export {
  CHECK_IDS,
  isFileLocation
};
