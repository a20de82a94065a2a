import { describe, expect, it } from 'vitest';
import { RuleRegistry } from '../../../../src/core/rules.js';
import type { Policy } from '../../../../src/policy/types.js';
import type { LintContext } from '../../../../src/checks/linter.js';
import type { FileTree } from '../../../../src/core/tree.js';
import { githubActionsLinter } from '../../../../src/checks/hardening/github-actions/index.js';
import { hardeningCommonRules } from '../../../../src/checks/hardening/common-rules.js';
import { parseAllDocuments } from 'yaml';
import { at, yaml } from './helpers.js';

const AUDITS = [
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
  'curl-pipe-shell',
  'privileged-build',
  'unsound-condition',
];

const emptyTree: FileTree = {
  label: 'test',
  list: () => Promise.resolve([]),
  read: () => Promise.resolve(undefined),
  size: () => Promise.resolve(undefined),
};

function context(allowedUnpinned: string[]): LintContext {
  // Only the hardening policy is read by this linter.
  const policy = { checks: { hardening: { 'allowed-unpinned': allowedUnpinned } } } as unknown as Policy;
  return { policy, tree: emptyTree, isBase: false, env: {} };
}

describe('githubActionsLinter', () => {
  it('declares one documented rule per audit, all registrable next to the common rules', () => {
    expect(githubActionsLinter.rules.map((r) => r.id)).toEqual(AUDITS.map((a) => `gha/${a}`));
    const registry = new RuleRegistry([...hardeningCommonRules, ...githubActionsLinter.rules]);
    expect(registry.families()).toEqual(['gha', 'hardening']);
    for (const rule of registry.all()) {
      expect(rule.check).toBe('hardening');
      expect(rule.description.length, rule.id).toBeGreaterThan(80);
      expect(rule.rationale.length, rule.id).toBeGreaterThan(80);
      if (rule.id.startsWith('gha/')) {
        expect(rule.fix, rule.id).toContain('```yaml');
        expect(rule.references?.length, rule.id).toBeGreaterThan(0);
      }
    }
    expect(githubActionsLinter.rules.find((r) => r.id === 'gha/template-injection')?.fix).toContain('PR_TITLE: ${{');
  });

  it('matches workflows and action metadata files only', () => {
    const m = (path: string): boolean => githubActionsLinter.matches(path);
    expect(m('.github/workflows/ci.yml')).toBe(true);
    expect(m('.github/workflows/release.yaml')).toBe(true);
    expect(m('.github/actions/setup/action.yml')).toBe(true);
    expect(m('tools/lint/action.yaml')).toBe(true);
    expect(m('.github/dependabot.yml')).toBe(false);
    expect(m('.gitlab-ci.yml')).toBe(false);
    expect(m('deploy/workflow.yml')).toBe(false);
  });

  it('lints every file, reads allowed-unpinned from the policy, and keeps going past broken files', async () => {
    const files = [
      { path: '.github/workflows/broken.yml', text: 'jobs: [\n' },
      {
        path: '.github/workflows/ci.yml',
        text: yaml(
          'on: push',
          'permissions: {}',
          'jobs:',
          '  a:',
          '    runs-on: x',
          '    steps:',
          '      - uses: actions/checkout@v4',
          '        with: { persist-credentials: false }',
          '      - uses: other/x@v1',
        ),
      },
      { path: '.github/workflows/notes.yml', text: yaml('title: not a workflow') },
    ];
    const findings = await githubActionsLinter.lint(files, context(['actions/*']));
    expect(findings.map((f) => [f.ruleId, (f.location as { path: string }).path])).toEqual([
      ['hardening/parse-error', '.github/workflows/broken.yml'],
      ['gha/unpinned-uses', '.github/workflows/ci.yml'],
    ]);
    expect(at(findings, 'gha/unpinned-uses')).toEqual(['9:15']);
  });

  it('gives every finding a key without line numbers and a location with path, line and column', async () => {
    const text = yaml(
      'on: pull_request_target',
      'jobs:',
      '  a:',
      '    runs-on: self-hosted',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '        with: { ref: "${{ github.head_ref }}" }',
      '      - run: echo "${{ github.event.issue.title }}" >> $GITHUB_ENV',
    );
    const findings = await githubActionsLinter.lint([{ path: '.github/workflows/x.yml', text }], context([]));
    expect(findings.length).toBeGreaterThan(5);
    for (const f of findings) {
      expect(f.key, f.ruleId).toBeTruthy();
      expect(f.key, f.ruleId).not.toMatch(/\b(line|L)\s*\d/);
      expect(f.location).toMatchObject({ path: '.github/workflows/x.yml' });
      expect((f.location as { startLine: number }).startLine).toBeGreaterThan(0);
      expect((f.location as { startColumn: number }).startColumn).toBeGreaterThan(0);
    }
    const keys = findings.map((f) => `${f.ruleId} ${f.key}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('gives the same keys when unrelated lines move', async () => {
    const body = ['jobs:', '  a:', '    runs-on: x', '    steps:', '      - run: echo "${{ github.head_ref }}"'];
    const before = await githubActionsLinter.lint(
      [{ path: '.github/workflows/x.yml', text: yaml('on: pull_request_target', ...body) }],
      context([]),
    );
    const after = await githubActionsLinter.lint(
      [
        {
          path: '.github/workflows/x.yml',
          text: yaml('# a comment', 'name: moved', '', 'on: pull_request_target', ...body),
        },
      ],
      context([]),
    );
    expect(after.map((f) => f.key)).toEqual(before.map((f) => f.key));
    expect(at(after, 'gha/template-injection')).toEqual(['9:20']);
  });

  it('has YAML examples in every fix text that are themselves valid YAML', () => {
    for (const rule of githubActionsLinter.rules) {
      const blocks = [...rule.fix.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
      expect(blocks.length, rule.id).toBeGreaterThan(0);
      for (const block of blocks) {
        const errors = parseAllDocuments(block).flatMap((d) => ('errors' in d ? d.errors : []));
        expect(
          errors.map((e) => e.message),
          `${rule.id}:\n${block}`,
        ).toEqual([]);
      }
    }
  });
});
