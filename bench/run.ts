/** `npm run bench [name...]`: runs the benchmarks and records them in docs/benchmarks.md. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { coldStart } from './cold-start.js';
import { manifests } from './manifests.js';
import { workflows } from './workflows.js';
import { imageCatalog } from './image-catalog.js';
import { registryPull } from './registry-pull.js';
import { osvIndex } from './osv-index.js';
import { repository } from './repository.js';
import { record } from './report.js';
import type { BenchResult } from './report.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benches: Record<string, () => BenchResult | Promise<BenchResult>> = {
  'cold-start': () => coldStart(root),
  manifests: () => manifests(),
  workflows: () => workflows(),
  'image-catalog': () => imageCatalog(),
  'registry-pull': () => registryPull(),
  'osv-index': () => osvIndex(),
  repository: () => repository(),
};

const selected = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const [name, bench] of Object.entries(benches)) {
  if (selected.length > 0 && !selected.includes(name)) continue;
  const result = await bench();
  console.log(`\n${result.title}\n${result.markdown}`);
  record(path.join(root, 'docs/benchmarks.md'), result, new Date().toISOString().slice(0, 10));
}
