// Bundles the action (dist/index.js) and the CLI (dist/cli.js) with esbuild, with code splitting so that
// what a run may not need (the GitHub client, rendering) is loaded on demand. Deterministic: CI rebuilds
// and fails when dist/ differs from what is committed.
import { build } from 'esbuild';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';

// CONTAINERSEC_BUILD_DIR: tests bundle the working tree into a temporary directory, leaving dist/ alone.
const outdir = process.env.CONTAINERSEC_BUILD_DIR || 'dist';
await rm(outdir, { recursive: true, force: true });

await build({
  entryPoints: { index: 'src/entry/action-main.ts', cli: 'src/entry/cli-main.ts' },
  outdir,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'linked',
  logLevel: 'warning',
  // Optional plug-ins of @cyclonedx/cyclonedx-library (XML output and schema validation), which it loads
  // inside try/catch and which we never use: left out of the bundle instead of failing to resolve.
  external: ['libxmljs2', 'xmlbuilder2', 'ajv-formats', 'ajv-formats-draft2019'],
  // CommonJS dependencies (handlebars, ajv, yaml's CJS paths) call require() for Node built-ins; give every
  // ESM output file one.
  banner: {
    js: "import { createRequire as __containersecCreateRequire } from 'node:module';\nconst require = __containersecCreateRequire(import.meta.url);",
  },
});

const cli = await readFile(`${outdir}/cli.js`, 'utf8');
await writeFile(`${outdir}/cli.js`, `#!/usr/bin/env node\n${cli}`);
await chmod(`${outdir}/cli.js`, 0o755);
