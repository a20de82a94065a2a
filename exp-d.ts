import { readFileSync } from 'node:fs';
import { lintCompose } from './src/checks/manifests/compose/index.js';
for (const f of lintCompose({ path: 'compose.yml', text: readFileSync(process.argv[2]!, 'utf8') }))
  console.log(f.ruleId, 'startLine' in f.location ? `${f.location.startLine}:${f.location.startColumn} ${f.location.object}` : '', f.key, '|', f.message);
