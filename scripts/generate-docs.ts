/**
 * Regenerates docs/rules/ from the rule registry and the README inputs tables from action.yml and the GitLab
 * component (templates/containersec.yml).
 * `npm run docs` writes; `npm run docs -- --check` fails when anything is out of date (CI runs it through the tests).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ruleRegistry } from '../src/checks/index.js';
import { ruleDocPath, ruleMarkdown, rulesIndex } from '../src/docs/rule-doc.js';
import { actionInputsTable, replaceBetweenMarkers } from '../src/docs/action-doc.js';
import { componentInputsTable } from '../src/docs/component-doc.js';
import { policyReference } from '../src/docs/policy-doc.js';
import { VALIDATOR_FILE, validatorSource } from './generate-validator.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function expectedDocs(): Promise<Map<string, string>> {
  const rules = ruleRegistry().all();
  const files = new Map<string, string>();
  for (const rule of rules) files.set(ruleDocPath(rule.id), ruleMarkdown(rule));
  files.set('docs/rules/README.md', rulesIndex(rules));
  files.set('docs/policy.md', policyReference());
  files.set(VALIDATOR_FILE, validatorSource());
  const readme = await readFile(path.join(root, 'README.md'), 'utf8');
  const actionYml = await readFile(path.join(root, 'action.yml'), 'utf8');
  const componentYml = await readFile(path.join(root, 'templates/containersec.yml'), 'utf8');
  const withAction = replaceBetweenMarkers(readme, 'action-inputs', actionInputsTable(actionYml));
  files.set('README.md', replaceBetweenMarkers(withAction, 'component-inputs', componentInputsTable(componentYml)));
  return files;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const files = await expectedDocs();
  if (!check) await rm(path.join(root, 'docs/rules'), { recursive: true, force: true });
  let stale = 0;
  for (const [relative, content] of files) {
    const absolute = path.join(root, relative);
    const current = await readFile(absolute, 'utf8').catch(() => undefined);
    if (current === content) continue;
    if (check) {
      console.error(`out of date: ${relative}`);
      stale++;
    } else {
      await mkdir(path.dirname(absolute), { recursive: true });
      await writeFile(absolute, content);
    }
  }
  if (stale > 0) {
    console.error('Run `npm run docs` and commit the result.');
    process.exit(1);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
