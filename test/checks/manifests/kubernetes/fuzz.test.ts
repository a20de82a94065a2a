import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lint } from './helpers.js';

/** Deterministic PRNG (mulberry32) so a failure is reproducible. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = [
  '\n',
  ' ',
  '-',
  ':',
  '[',
  ']',
  '{',
  '}',
  '&a ',
  '*a',
  '<<: ',
  '"',
  "'",
  '#',
  '---\n',
  '!!str ',
  '~',
  'true',
  '0',
  'x',
];

describe('mutated manifests', () => {
  it('never throw and always return well-formed findings', () => {
    const source = readFileSync(fileURLToPath(new URL('./locations.test.ts', import.meta.url)), 'utf8');
    const start = source.indexOf('`') + 1;
    const base = source.slice(start, source.indexOf('`', start));
    const random = prng(42);
    for (let round = 0; round < 400; round++) {
      let text = base;
      const edits = 1 + Math.floor(random() * 6);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * text.length);
        const cut = Math.floor(random() * 8);
        const insert = ALPHABET[Math.floor(random() * ALPHABET.length)] ?? '';
        text = text.slice(0, at) + insert + text.slice(at + cut);
      }
      const findings = lint(text, { untrusted: ['**'] });
      for (const finding of findings) {
        const location = finding.location as { startLine?: number; startColumn?: number };
        expect(location.startLine).toBeGreaterThanOrEqual(1);
        expect(location.startColumn).toBeGreaterThanOrEqual(1);
        expect(finding.message.length).toBeGreaterThan(0);
      }
    }
  });
});
