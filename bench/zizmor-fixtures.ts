/**
 * Our GitHub Actions audits against zizmor's own integration expectations. Reads the inline snapshots of
 * `crates/zizmor/tests/integration/audit/*.rs` in a zizmor checkout given on the command line, keeps the
 * runs made as a user runs zizmor by default (one input file, regular persona, offline, no config, no
 * fixes), lints the same input files with our audits and compares, for the audits both tools have:
 *
 * - recall: zizmor findings we report under the same audit within LINE_SLACK lines;
 * - clean files: inputs where zizmor reports nothing (any audit) but we report high or critical.
 *
 *   node --import tsx bench/zizmor-fixtures.ts /path/to/zizmor [--verbose]
 *
 * Nothing from zizmor is stored in this repository; the script reads the checkout in place.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { lintFile } from '../src/checks/hardening/github-actions/index.js';
import type { FileLocation, RawFinding } from '../src/core/finding.js';

/** zizmor audits that have a `gha/<same name>` rule here. */
const SHARED = new Set([
  'template-injection',
  'dangerous-triggers',
  'excessive-permissions',
  'unpinned-uses',
  'unpinned-images',
  'artipacked',
  'cache-poisoning',
  'github-env',
  'secrets-inherit',
  'overprovisioned-secrets',
  'hardcoded-container-credentials',
  'insecure-commands',
  'self-hosted-runner',
  'unsound-condition',
]);
const LINE_SLACK = 3;
const SKIPPED_ARGS = /--persona|--pedantic|--fix|--min-|--format|--no-/;

interface Expected {
  audit: string;
  level: string;
  line: number;
  /** Lines zizmor's finding shows besides its primary one (e.g. the `with:` input that enables a cache): exact matches count. */
  related: number[];
}

interface Case {
  test: string;
  input: string;
  expected: Expected[];
  clean: boolean;
}

export function parseCases(rsText: string, file: string): Case[] {
  const cases: Case[] = [];
  const marker = 'insta::assert_snapshot!(';
  for (let at = rsText.indexOf(marker); at >= 0; at = rsText.indexOf(marker, at + marker.length)) {
    const snapStart = rsText.indexOf('@', at);
    if (snapStart < 0) break;
    const call = rsText.slice(at, snapStart);
    const inputs = [...call.matchAll(/input_under_test\(\s*"([^"]+)"/g)].map((m) => m[1]!);
    if (inputs.length !== 1 || /\.input\(/g.exec(call.replace(/\.input\(input_under_test/, '')) !== null) continue;
    if (SKIPPED_ARGS.test(call) || /\.config\(|AssertOnline|gh_token\(true\)|WorkspaceBuilder|stdin\(/.test(call))
      continue;
    const body = snapshotBody(rsText, snapStart);
    if (body === undefined) continue;
    const expected: Expected[] = [];
    const re = /^\s*(error|warning|help|info|note)\[([a-z-]+)\]:[^\n]*\n\s*--> @@INPUT@@:(\d+):\d+/gm;
    const headers = [...body.matchAll(re)];
    headers.forEach((m, i) => {
      const block = body.slice(m.index, headers[i + 1]?.index ?? body.length);
      const annotated = [...block.matchAll(/^\s*(\d+) \|/gm)].map((a) => Number(a[1]));
      expected.push({ level: m[1]!, audit: m[2]!, line: Number(m[3]), related: annotated });
    });
    const clean = /No findings to report/.test(body);
    if (expected.length === 0 && !clean) continue; // errors, other output formats
    const test = /fn (\w+)\(/g;
    let name = '?';
    for (const m of rsText.slice(0, at).matchAll(test)) name = m[1]!;
    cases.push({ test: `${file}::${name}`, input: inputs[0]!, expected, clean });
  }
  return cases;
}

function snapshotBody(text: string, atSign: number): string | undefined {
  const rest = text.slice(atSign + 1);
  const raw = /^r(#*)"/.exec(rest);
  if (raw) {
    const close = `"${raw[1]}`;
    const start = raw[0].length;
    const end = rest.indexOf(close, start);
    return end < 0 ? undefined : rest.slice(start, end);
  }
  if (!rest.startsWith('"')) return undefined;
  for (let i = 1; i < rest.length; i++) {
    if (rest[i] === '\\') i++;
    else if (rest[i] === '"') return rest.slice(1, i).replace(/\\"/g, '"');
  }
  return undefined;
}

const lineOf = (f: RawFinding): number => (f.location as FileLocation).startLine ?? 0;

const HIGH = new Set(['high', 'critical']);

function main(): void {
  const root = process.argv[2];
  if (!root) throw new Error('usage: bench/zizmor-fixtures.ts ZIZMOR_CHECKOUT [--verbose]');
  const verbose = process.argv.includes('--verbose');
  const integration = path.join(root, 'crates/zizmor/tests/integration');
  const data = path.join(integration, 'test-data');
  const cases = ['audit', 'e2e', '.'].flatMap((dir) =>
    readdirSync(path.join(integration, dir))
      .filter((f) => f.endsWith('.rs'))
      .flatMap((f) => parseCases(readFileSync(path.join(integration, dir, f), 'utf8'), `${dir}/${f}`)),
  );

  let expectedShared = 0;
  let found = 0;
  const cleanInputs = new Map<string, RawFinding[]>();
  const misses: string[] = [];
  const seen = new Set<string>();
  for (const c of cases) {
    const key = `${c.input}|${c.expected.map((e) => `${e.audit}:${e.line}`).join(',')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const text = readFileSync(path.join(data, c.input), 'utf8');
    const file =
      c.input.endsWith('action.yml') || c.input.endsWith('action.yaml')
        ? c.input
        : `.github/workflows/${path.basename(c.input)}`;
    const ours = lintFile({ path: file, text }, { allowedUnpinned: [] });
    for (const e of c.expected.filter((x) => SHARED.has(x.audit))) {
      expectedShared++;
      const hit = ours.some(
        (f) =>
          f.ruleId === `gha/${e.audit}` &&
          (Math.abs(lineOf(f) - e.line) <= LINE_SLACK || e.related.includes(lineOf(f))),
      );
      if (hit) found++;
      else misses.push(`${c.input}:${e.line} ${e.level}[${e.audit}] (${c.test})`);
    }
    if (c.clean)
      cleanInputs.set(
        c.input,
        ours.filter((f) => HIGH.has(f.severity)),
      );
  }
  const dirtyClean = [...cleanInputs].filter(([, f]) => f.length > 0);
  console.log(`runs compared: ${seen.size} (${cases.length} default-persona snapshots)`);
  console.log(
    `shared-audit findings: ${found}/${expectedShared} = ${((100 * found) / Math.max(1, expectedShared)).toFixed(1)}%`,
  );
  console.log(`clean inputs with high/critical from us: ${dirtyClean.length}/${cleanInputs.size}`);
  if (verbose) {
    for (const m of misses) console.log(`  miss ${m}`);
    for (const [input, f] of dirtyClean)
      for (const x of f)
        console.log(`  clean ${input}:${(x.location as FileLocation).startLine} ${x.severity} ${x.ruleId}`);
  }
}

main();
