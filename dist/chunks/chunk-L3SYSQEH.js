import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);

// src/core/errors.ts
var ContainersecError = class extends Error {
  constructor(kind, code, message, options) {
    super(message, options);
    this.kind = kind;
    this.code = code;
    this.name = new.target.name;
  }
  kind;
  code;
};
var ConfigurationError = class extends ContainersecError {
  constructor(code, message, options) {
    super("configuration", code, message, options);
  }
};
var PlatformError = class extends ContainersecError {
  constructor(code, message, options) {
    super("platform", code, message, options);
  }
};
function errorMessage(error) {
  return error instanceof Error ? error.message : String(error);
}
var EXIT = { pass: 0, blocked: 1, usage: 2, internal: 3 };

// src/core/repo-path.ts
import { realpathSync } from "node:fs";
import path from "node:path";
function staysInsideRepository(root, candidate) {
  const absoluteRoot = path.resolve(root);
  const absolute = path.resolve(absoluteRoot, candidate);
  if (!isWithin(absoluteRoot, absolute)) return false;
  const realRoot = realpathOrSelf(absoluteRoot);
  return isWithin(realRoot, realpathOfNearestExisting(absolute));
}
function isWithin(root, target) {
  const relative = path.relative(root, target);
  return relative === "" || !relative.startsWith("..") && !path.isAbsolute(relative);
}
function realpathOrSelf(target) {
  try {
    return realpathSync(target);
  } catch {
    return target;
  }
}
function realpathOfNearestExisting(target) {
  const missing = [];
  let current = target;
  for (; ; ) {
    try {
      return path.join(realpathSync(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return target;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}
function localTargetPath(target) {
  return /^(oci|oci-archive|docker-archive|dir|sbom|trivy|grype):([^:]*)/.exec(target)?.[2];
}

export {
  ContainersecError,
  ConfigurationError,
  PlatformError,
  errorMessage,
  EXIT,
  staysInsideRepository,
  localTargetPath
};
