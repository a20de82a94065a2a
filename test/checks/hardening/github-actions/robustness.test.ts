import { describe, expect, it } from 'vitest';
import type { FileLocation } from '../../../../src/core/finding.js';
import { lint, yaml } from './helpers.js';

/** Deterministic PRNG so a failure reproduces. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED_WORKFLOW = yaml(
  'on:',
  '  pull_request_target:',
  '  workflow_dispatch:',
  '    inputs: { name: { type: string } }',
  'permissions: write-all',
  'env: &env',
  '  ACTIONS_ALLOW_UNSECURE_COMMANDS: true',
  'jobs:',
  '  build:',
  '    if: |',
  "      ${{ github.actor != 'x' }}",
  '    runs-on: [self-hosted, linux]',
  '    strategy:',
  '      matrix:',
  '        image: [node:20, node:22]',
  '    container:',
  '      image: ${{ matrix.image }}',
  '      options: --privileged',
  '      credentials: { username: u, password: p }',
  '    env: *env',
  '    steps:',
  '      - uses: actions/checkout@v4',
  '        with: { ref: "${{ github.event.pull_request.head.sha }}" }',
  '      - run: |',
  '          echo "${{ github.event.pull_request.title }}" >> $GITHUB_ENV',
  '          curl -s https://x | sh',
  '          docker run -v /var/run/docker.sock:/s img ${{ toJSON(secrets) }}',
  '  call:',
  '    uses: org/repo/.github/workflows/x.yml@main',
  '    secrets: inherit',
);

const ALPHABET = [
  ' ',
  '\n',
  ':',
  '-',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '|',
  '>',
  '&',
  '*',
  '#',
  '$',
  '{{',
  '}}',
  '\t',
  '!',
  '%',
];

function mutate(text: string, random: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(random() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * out.length);
    const kind = random();
    if (kind < 0.4) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 5));
    else if (kind < 0.8) out = out.slice(0, at) + ALPHABET[Math.floor(random() * ALPHABET.length)]! + out.slice(at);
    else {
      const len = Math.floor(random() * 40);
      out = out.slice(0, at) + out.slice(at, at + len) + out.slice(at);
    }
  }
  return out;
}

describe('robustness', () => {
  it('the seed workflow triggers most audits', () => {
    const ids = new Set(lint(SEED_WORKFLOW).map((f) => f.ruleId));
    expect(ids.size).toBeGreaterThanOrEqual(14);
  });

  it('never throws on mutated workflows and always returns located findings inside the file', () => {
    const random = mulberry32(20261128);
    for (let i = 0; i < 400; i++) {
      const text = mutate(SEED_WORKFLOW, random);
      const lines = text.split('\n').length;
      let findings: ReturnType<typeof lint> = [];
      expect(() => {
        findings = lint(text);
      }, `mutation ${i}:\n${text}`).not.toThrow();
      for (const f of findings) {
        const l = f.location as FileLocation;
        expect(l.path).toBe('.github/workflows/ci.yml');
        expect(l.startLine, `${f.ruleId} in mutation ${i}`).toBeGreaterThanOrEqual(1);
        expect(l.startLine, `${f.ruleId} in mutation ${i}`).toBeLessThanOrEqual(lines);
        expect(l.startColumn).toBeGreaterThanOrEqual(1);
        expect(f.key).toBeTruthy();
        // lintFile turns an audit crash into a finding keyed `audit:<rule>`; none may happen.
        expect(f.key, `${f.message} in mutation ${i}`).not.toMatch(/^audit:/);
      }
    }
  });
});
