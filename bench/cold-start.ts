/**
 * Cold start of the action: `node dist/index.js` until the first check starts (the action exits there when
 * CONTAINERSEC_EXIT_ON_FIRST_CHECK=1), against `node -e 0`, alternated in the same run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchResult } from './report.js';

function time(args: string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function coldStart(root: string, iterations = 21): BenchResult {
  const temp = mkdtempSync(path.join(os.tmpdir(), 'containersec-bench-'));
  const env = {
    PATH: process.env.PATH,
    GITHUB_WORKSPACE: path.join(root, 'examples/demo'),
    RUNNER_TEMP: temp,
    CONTAINERSEC_EXIT_ON_FIRST_CHECK: '1',
  };
  const bare: number[] = [];
  const action: number[] = [];
  try {
    for (let i = 0; i < iterations; i++) {
      bare.push(time(['-e', '0'], env));
      action.push(time([path.join(root, 'dist/index.js')], env));
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  const [b, a] = [median(bare), median(action)];
  return {
    name: 'cold-start',
    title: 'Action cold start (node dist/index.js to the first check starting)',
    markdown: [
      `Median of ${iterations} alternating runs, Node ${process.version}.`,
      '',
      '| command | median ms |',
      '| :-- | --: |',
      `| \`node -e 0\` (reference) | ${b.toFixed(1)} |`,
      `| \`node dist/index.js\` to first check | ${a.toFixed(1)} |`,
      `| **overhead over bare Node** | **${(a - b).toFixed(1)} ms (${(a / b).toFixed(2)}×)** |`,
      '',
      'Aim: under 250 ms over bare Node.',
    ].join('\n'),
  };
}
