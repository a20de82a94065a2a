/**
 * Compiles schema/containersec.schema.json into a standalone validator (src/policy/validate-schema.generated.js),
 * so the action does not compile the schema at every start. `npm run docs` regenerates it; a test checks it is
 * up to date.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import schema from '../schema/containersec.schema.json' with { type: 'json' };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const VALIDATOR_FILE = 'src/policy/validate-schema.generated.js';

export function validatorSource(): string {
  const ajv = new Ajv({ allErrors: true, strict: false, code: { source: true, esm: true, lines: true } });
  // ajv's ESM output still require()s its one runtime helper here (string length in code points);
  // inline it so the module is plain ESM.
  const code = standaloneCode
    .default(ajv, ajv.compile(schema))
    .replace('require("ajv/dist/runtime/ucs2length").default', '((text) => Array.from(text).length)');
  if (code.includes('require('))
    throw new Error('the generated validator needs another ajv runtime helper: inline it here');
  return `// Generated from schema/containersec.schema.json by \`npm run docs\`; do not edit.\n// @ts-nocheck\n/* eslint-disable */\n${code}\n`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  writeFileSync(path.join(root, VALIDATOR_FILE), validatorSource());
}
