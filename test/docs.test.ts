import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectedDocs } from '../scripts/generate-docs.js';
import { ruleRegistry } from '../src/checks/index.js';

describe('generated docs', () => {
  it('docs/rules, docs/policy.md and the README inputs table match their sources (run `npm run docs`)', async () => {
    const stale: string[] = [];
    for (const [file, content] of await expectedDocs()) {
      let current: string | undefined;
      try {
        current = readFileSync(file, 'utf8');
      } catch {
        current = undefined;
      }
      if (current !== content) stale.push(file);
    }
    expect(stale).toEqual([]);
  });

  it('every rule has a title, a description, a rationale and a fix', () => {
    for (const rule of ruleRegistry().all()) {
      expect(rule.title.length, rule.id).toBeGreaterThan(3);
      expect(rule.description.length, rule.id).toBeGreaterThan(20);
      expect(rule.rationale.length, rule.id).toBeGreaterThan(20);
      expect(rule.fix.length, rule.id).toBeGreaterThan(10);
    }
  });
});
