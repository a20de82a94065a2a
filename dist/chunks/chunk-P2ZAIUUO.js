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

export {
  ContainersecError,
  ConfigurationError,
  PlatformError,
  errorMessage,
  EXIT
};
