/**
 * A large repository end to end: `containersec check --only hardening,manifests` (and with `--base`) on
 * about 2,400 Kubernetes YAML files, against reading and parsing every YAML file of the same checkout with
 * the yaml library. Each subject runs in its own child process on an esbuild bundle of src/ (as the action
 * runs), alternated in the same run; the children report wall time, CPU time and their own peak RSS.
 *
 * The default checkout is generated (bench/manifests.ts's generator: 2,400 files, 7,200 documents) in a git
 * repository with a base commit and a head commit changing 20 files, as a routine pull request would.
 * CONTAINERSEC_BENCH_REPO=DIR runs it on a real git checkout instead (base: HEAD~1).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PEAK_RSS_SOURCE, bundleForChild } from './image-catalog.js';
import { generateManifests } from './manifests.js';
import { median, ms } from './measure.js';
import type { BenchResult } from './report.js';

export const FILES = 2_400;
export const DOCUMENTS = 7_200;
const CHANGED = 20;

interface ChildResult {
  ms: number;
  cpuMs: number;
  peakMiB: number;
  loadedMiB: number;
  detail: string;
}

/** Lists and parses every *.yaml / *.yml file outside .git with `parseAllDocuments`, nothing else. */
function parseChildSource(yamlUrl: string): string {
  return `import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
${PEAK_RSS_SOURCE}
const { parseAllDocuments } = await import(${JSON.stringify(yamlUrl)});
const root = process.argv[2];
const loadedMiB = peakRssMiB();
const cpu = process.cpuUsage();
const started = process.hrtime.bigint();
let files = 0;
let documents = 0;
const pending = [''];
while (pending.length > 0) {
  const dir = pending.pop();
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir ? dir + '/' + entry.name : entry.name;
    if (entry.isDirectory()) { if (entry.name !== '.git') pending.push(rel); continue; }
    if (!entry.isFile() || !/\\.ya?ml$/i.test(entry.name)) continue;
    documents += parseAllDocuments(readFileSync(path.join(root, rel), 'utf8')).length;
    files++;
  }
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const { user, system } = process.cpuUsage(cpu);
console.log(JSON.stringify({ ms, cpuMs: (user + system) / 1000, peakMiB: peakRssMiB(), loadedMiB, detail: files + ' files, ' + documents + ' documents' }));
`;
}

/** Runs the CLI from the bundle with the given arguments; output goes to a JSON file, not the terminal. */
function checkChildSource(bundle: string): string {
  return `import { readFileSync } from 'node:fs';
${PEAK_RSS_SOURCE}
const { cli } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
const args = JSON.parse(process.argv[2]);
const sink = { write: () => true };
const loadedMiB = peakRssMiB();
const cpu = process.cpuUsage();
const started = process.hrtime.bigint();
const code = await cli(args, { stdout: sink, stderr: sink, env: { PATH: process.env.PATH }, cwd: process.cwd() });
const ms = Number(process.hrtime.bigint() - started) / 1e6;
const { user, system } = process.cpuUsage(cpu);
const report = JSON.parse(readFileSync(args[args.indexOf('--output') + 1], 'utf8'));
const findings = report.checks.reduce((n, c) => n + c.findings.length, 0);
const blocking = report.checks.reduce((n, c) => n + c.findings.filter((f) => f.blocking).length, 0);
console.log(JSON.stringify({ ms, cpuMs: (user + system) / 1000, peakMiB: peakRssMiB(), loadedMiB, detail: 'exit ' + code + ', ' + findings + ' findings, ' + blocking + ' blocking' }));
`;
}

function runChild(script: string, args: string[]): ChildResult {
  const result = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${path.basename(script)} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as ChildResult;
}

function git(dir: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', '-c', 'commit.gpgsign=false', ...args],
    { cwd: dir, encoding: 'utf8' },
  ).trim();
}

/** The generated checkout: base commit with every file, head commit changing CHANGED of them. */
export function generatedRepository(dir: string): { base: string; label: string } {
  const files = generateManifests(7, DOCUMENTS, FILES);
  const write = (file: { path: string; text: string }): void => {
    mkdirSync(path.join(dir, path.dirname(file.path)), { recursive: true });
    writeFileSync(path.join(dir, file.path), file.text);
  };
  files.forEach(write);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  const base = git(dir, 'rev-parse', 'HEAD');
  for (let i = 0; i < CHANGED; i++) {
    const file = files[Math.floor((i * files.length) / CHANGED)]!;
    write({ path: file.path, text: file.text.replace(/:1\.(\d+)\.(\d+)/, ':2.$1.$2') });
  }
  git(dir, 'commit', '-qam', 'head: bump 20 image tags');
  const bytes = files.reduce((sum, f) => sum + Buffer.byteLength(f.text), 0);
  return {
    base,
    label: `generated: ${FILES.toLocaleString('en-US')} files, ${DOCUMENTS.toLocaleString('en-US')} documents, ${(bytes / 1024 / 1024).toFixed(1)} MiB; the head commit changes ${CHANGED} files`,
  };
}

export async function repository(repetitions = 3): Promise<BenchResult> {
  const temp = mkdtempSync(path.join(os.tmpdir(), 'containersec-bench-repo-'));
  try {
    const real = process.env.CONTAINERSEC_BENCH_REPO;
    const repo = real ? path.resolve(real) : path.join(temp, 'repo');
    if (!real) mkdirSync(repo);
    const { base, label } = real
      ? { base: git(repo, 'rev-parse', 'HEAD~1'), label: `${path.basename(repo)} at ${git(repo, 'rev-parse', 'HEAD')}` }
      : generatedRepository(repo);
    const bundle = await bundleForChild("export { cli } from './src/cli/main.ts';", path.join(temp, 'cli.mjs'));
    const parseScript = path.join(temp, 'parse.mjs');
    const checkScript = path.join(temp, 'check.mjs');
    writeFileSync(parseScript, parseChildSource(pathToFileURL(createRequire(import.meta.url).resolve('yaml')).href));
    writeFileSync(checkScript, checkChildSource(bundle));
    const check = (extra: string[]): string[] => [
      JSON.stringify([
        'check',
        repo,
        '--only',
        'hardening,manifests',
        ...extra,
        '--format',
        'json',
        '--output',
        path.join(temp, 'report.json'),
      ]),
    ];
    const subjects: { label: string; run: () => ChildResult }[] = [
      { label: 'parse', run: () => runChild(parseScript, [repo]) },
      { label: 'check', run: () => runChild(checkScript, check([])) },
      { label: 'base', run: () => runChild(checkScript, check(['--base', base])) },
    ];
    const results = new Map<string, ChildResult[]>(subjects.map((s) => [s.label, []]));
    for (let round = 0; round < repetitions; round++) {
      for (let i = 0; i < subjects.length; i++) {
        const subject = subjects[(round + i) % subjects.length]!;
        results.get(subject.label)!.push(subject.run());
      }
    }
    const stat = (label: string, key: 'ms' | 'cpuMs' | 'peakMiB'): number =>
      median(results.get(label)!.map((r) => r[key]));
    const detail = (label: string): string => results.get(label)![0]!.detail;
    const loaded = median(results.get('check')!.map((r) => r.loadedMiB));
    const [parse, full, withBase] = ['parse', 'check', 'base'].map((l) => stat(l, 'ms')) as [number, number, number];
    const [parseCpu, fullCpu, baseCpu] = ['parse', 'check', 'base'].map((l) => stat(l, 'cpuMs')) as [
      number,
      number,
      number,
    ];
    const [parsePeak, fullPeak, basePeak] = ['parse', 'check', 'base'].map((l) => stat(l, 'peakMiB')) as [
      number,
      number,
      number,
    ];
    const row = (name: string, wall: number, cpu: number, peak: number, what: string): string =>
      `| ${name} | ${ms(wall)} | ${ms(cpu)} | ${peak.toFixed(0)} | ${what} |`;
    const ratio = fullCpu / parseCpu;
    const baseExtra = baseCpu / fullCpu - 1;
    const baseMiB = basePeak - fullPeak;
    return {
      name: 'repository',
      title: 'Large repository: check --only hardening,manifests against parsing every YAML file',
      markdown: [
        `Checkout: ${label}. Median of ${repetitions} alternating runs, each subject in its own child process (esbuild bundle of src/, plain Node ${process.version}); times exclude Node start-up and loading the bundle (${loaded.toFixed(0)} MiB RSS once loaded). The machine is shared (2 cores, other jobs running): compare the ratios of the same run, and prefer CPU time, which other jobs disturb less than wall time.`,
        '',
        '| subject | wall ms | CPU ms | peak RSS MiB | result |',
        '| :-- | --: | --: | --: | :-- |',
        row(
          'read + `parseAllDocuments` every `*.yaml`/`*.yml` (reference)',
          parse,
          parseCpu,
          parsePeak,
          detail('parse'),
        ),
        row('`check --only hardening,manifests`', full, fullCpu, fullPeak, detail('check')),
        row(`\`check … --base\` (${CHANGED} files changed)`, withBase, baseCpu, basePeak, detail('base')),
        '',
        `- full check / parse: **${ratio.toFixed(2)}×** CPU time (${(full / parse).toFixed(2)}× wall). Aim ≤ 3×: ${ratio <= 3 ? 'met' : 'NOT met'}.`,
        `- peak RSS of the full check: **${fullPeak.toFixed(0)} MiB**. Aim ≤ 200 MB: ${fullPeak * 1.048576 <= 200 ? 'met' : 'NOT met'}.`,
        `- \`--base\` adds **${(baseExtra * 100).toFixed(0)}%** CPU time (${((withBase / full - 1) * 100).toFixed(0)}% wall) and **${baseMiB.toFixed(0)} MiB** peak RSS. Aims ≤ 30% and ≤ 50 MB: ${baseExtra <= 0.3 && baseMiB * 1.048576 <= 50 ? 'met' : 'NOT met'}.`,
      ].join('\n'),
    };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
