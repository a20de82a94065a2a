// Runs dist/index.js the way the GitHub runner does (INPUT_* and GITHUB_* environment) on examples/demo,
// with whatever `node` runs this script (CI uses Node 24), and checks the summary and outputs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const temp = mkdtempSync(path.join(os.tmpdir(), 'containersec-smoke-'));
const outputFile = path.join(temp, 'output');
const summaryFile = path.join(temp, 'summary.md');
writeFileSync(outputFile, '');
writeFileSync(summaryFile, '');
try {
  const result = spawnSync(process.execPath, [path.join(root, 'dist/index.js')], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: root,
      GITHUB_REPOSITORY: 'containersec/containersec',
      GITHUB_SHA: '0'.repeat(40),
      GITHUB_EVENT_NAME: 'push',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: temp,
      'INPUT_WORKING-DIRECTORY': 'examples/demo',
    },
  });
  const outputs = readFileSync(outputFile, 'utf8');
  const summary = readFileSync(summaryFile, 'utf8');
  const verdict = /^verdict<<\S+\n(\w+)\n/m.exec(outputs)?.[1];
  console.log(`node ${process.version}: exit ${result.status}, verdict ${verdict}, summary ${summary.length} chars`);
  if (!verdict || !summary.includes('<!-- containersec:comment') || ![0, 1].includes(result.status)) {
    console.error(result.stdout, result.stderr);
    process.exit(1);
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
