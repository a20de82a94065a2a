// Bundles the action (dist/index.js) and the CLI (dist/cli.js) with esbuild. Deterministic: CI rebuilds
// and fails when dist/ differs from what is committed.
import { build } from 'esbuild';
import { chmod, rm } from 'node:fs/promises';

await rm('dist', { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'linked',
  logLevel: 'warning',
  // Optional plug-ins of @cyclonedx/cyclonedx-library (XML output and schema validation), which it loads
  // inside try/catch and which we never use: left out of the bundle instead of failing to resolve.
  external: ['libxmljs2', 'xmlbuilder2', 'ajv-formats', 'ajv-formats-draft2019'],
  // CommonJS dependencies (handlebars, ajv) call require() for Node built-ins; give the ESM bundle one.
  banner: {
    js: "import { createRequire as __containersecCreateRequire } from 'node:module';\nconst require = __containersecCreateRequire(import.meta.url);",
  },
};

await build({ ...common, entryPoints: { index: 'src/index.ts' }, outdir: 'dist' });
await build({
  ...common,
  entryPoints: { cli: 'src/cli/index.ts' },
  outdir: 'dist',
  banner: { js: `#!/usr/bin/env node\n${common.banner.js}` },
});
await chmod('dist/cli.js', 0o755);
