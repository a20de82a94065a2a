import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli } from '../../src/entry/cli.js';
import { classify, missingPermissions, snippetPolicy, yamlBlocks } from '../../scripts/doc-snippets.js';
import { dogfood } from '../../scripts/dogfood.js';
import type { GateRunner } from '../../scripts/dogfood.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The CLI from the sources, in-process, with no CI environment. */
const sourceCli: GateRunner = async (dir, args) => {
  let output = '';
  const sink = { write: (text: string) => (output += text) };
  const exitCode = await cli(['check', dir, ...args], {
    stdout: sink,
    stderr: sink,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' },
    cwd: dir,
  });
  return { exitCode, output };
};

describe('doc snippets (scripts/doc-snippets.ts)', () => {
  it('finds fenced yaml blocks, indented ones too, with their line', () => {
    const markdown = 'text\n\n```yaml\na: 1\n```\n\n1. step\n\n   ```yml\n   b: 2\n   ```\n\n```sh\nc\n```\n';
    expect(yamlBlocks(markdown)).toEqual([
      { line: 3, text: 'a: 1\n' },
      { line: 9, text: 'b: 2\n' },
    ]);
  });

  it('classifies workflows, steps, GitLab CI, components, policies; skips the rest with a reason', () => {
    expect(classify('on: push\njobs: {}\n').kind).toBe('workflow');
    expect(classify('      - uses: a/b@v1\n        with: { x: 1 }\n      - run: make\n').kind).toBe('steps');
    expect(classify('include:\n  - component: x/y@1\n').kind).toBe('gitlab');
    expect(classify('build:\n  script: [make]\n').kind).toBe('gitlab');
    expect(classify('spec:\n  inputs: { a: {} }\n---\njob:\n  script: [echo]\n').kind).toBe('gitlab');
    expect(classify('exceptions:\n  - rule: k8s/*\n    reason: x\n').kind).toBe('policy');
    expect(classify('version: 1\nextends: strict\n').kind).toBe('policy');
    expect(classify('securityContext:\n  privileged: false\n')).toMatchObject({ kind: 'skip' });
    expect(classify('# containersec:ignore pss/privileged reason\n')).toMatchObject({ kind: 'skip' });
    expect(classify('- apiGroups: [""]\n')).toMatchObject({ kind: 'skip' });
    const broken = classify('a: [\n');
    expect(broken.kind).toBe('skip');
    expect(broken.reason).toContain('not parseable');
  });

  it("lets a rule page show its own rule's pattern, and nothing else", () => {
    const policy = parse(
      snippetPolicy({
        name: 'x',
        files: {},
        sources: {},
        allowed: [{ rule: 'gha/template-injection', file: '.github/workflows/a.yml' }],
      }),
    ) as { exceptions: { rule: string; paths: string[] }[]; checks: { hardening: { 'runner-probe': boolean } } };
    expect(policy.exceptions).toEqual([
      expect.objectContaining({ rule: 'gha/template-injection', paths: ['.github/workflows/a.yml'] }),
    ]);
    expect(policy.checks.hardening['runner-probe']).toBe(false);
  });

  it('flags a SARIF upload without `security-events: write` (the README example lacked it)', () => {
    const workflow = (permissions: string) =>
      `on: pull_request\npermissions:\n${permissions}\njobs:\n  gate:\n    runs-on: x\n    steps:\n      - uses: github/codeql-action/upload-sarif@v3\n`;
    expect(missingPermissions(workflow('  contents: read'))).toEqual([
      'job gate uploads SARIF but its permissions lack `security-events: write`',
    ]);
    expect(missingPermissions(workflow('  contents: read\n  security-events: write'))).toEqual([]);
  });
});

describe('dogfood: the gate on this repository, its GitLab component and every snippet of its docs', () => {
  it('nothing blocks, and every policy snippet loads', async () => {
    const { failures, checked } = await dogfood(ROOT, sourceCli);
    expect(failures).toEqual([]);
    expect(checked.workflows).toBeGreaterThanOrEqual(6);
    expect(checked.gitlab).toBeGreaterThanOrEqual(2);
    expect(checked.policies).toBeGreaterThanOrEqual(2);
  }, 180_000);
});
