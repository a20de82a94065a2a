import { describe, expect, it } from 'vitest';
import { lintFile } from '../../../../src/checks/hardening/github-actions/index.js';
import type { PinLevel } from '../../../../src/policy/types.js';
import { validatePolicyData } from '../../../../src/policy/validate.js';
import { at, atSev, lint, only, yaml } from './helpers.js';

const RULE = 'gha/unpinned-uses';
const SHA = '08eba0b27e820071cde6df949e0beb9ba4906955';

const WF = yaml(
  'on: push',
  'permissions: {}',
  'jobs:',
  '  a:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: actions/checkout@v4',
  `      - uses: actions/setup-node@${SHA} # v4`,
  '      - uses: docker/login-action@main',
  '      - uses: ./.github/actions/local',
  '      - uses: docker://alpine:3.20',
  '      - uses: docker://alpine',
  `      - uses: docker://alpine@sha256:${'a'.repeat(64)}`,
  '      - uses: github/codeql-action/init@v3',
  `      - uses: owner/repo@${SHA.slice(0, 7)}`,
  '  call:',
  '    uses: org/shared/.github/workflows/build.yml@v1',
  '  local:',
  '    uses: ./.github/workflows/build.yml',
  '  pinned:',
  `    uses: org/shared/.github/workflows/build.yml@${SHA}`,
);

describe('gha/unpinned-uses', () => {
  it('reports tags, branches, short SHAs and undigested docker:// images', () => {
    expect(atSev(lint(WF), RULE)).toEqual([
      '7:15 medium',
      '9:15 medium',
      '11:15 medium',
      '12:15 high',
      '14:15 medium',
      '15:15 medium',
      '17:11 medium',
    ]);
  });

  it('lets the policy allow tags for trusted owners and repositories', () => {
    const findings = lint(WF, '.github/workflows/ci.yml', ['actions/*', 'github/codeql-action']);
    expect(atSev(findings, RULE)).toEqual([
      '9:15 medium',
      '11:15 medium',
      '12:15 high',
      '15:15 medium',
      '17:11 medium',
    ]);
  });

  it('reports a uses: with no ref at all as high', () => {
    const findings = lint(
      yaml('on: push', 'jobs:', '  a:', '    runs-on: x', '    steps:', '      - uses: some/action'),
    );
    expect(atSev(findings, RULE)).toEqual(['6:15 high']);
  });

  it('checks composite action steps', () => {
    const findings = lint(
      yaml('runs:', '  using: composite', '  steps:', '    - uses: some/action@v1', `    - uses: some/action@${SHA}`),
      'action.yaml',
    );
    expect(atSev(findings, RULE)).toEqual(['4:13 medium']);
    expect(only(findings, RULE)[0]!.fix).toContain('some/action@<40-character commit SHA> # v1');
  });
});

describe('gha/unpinned-uses: pin levels', () => {
  const RULE = 'gha/unpinned-uses';
  const wf = yaml(
    'on: push',
    'jobs:',
    '  a:',
    '    runs-on: x',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - uses: my-org/build@v1',
    '      - uses: my-org/sandbox',
    '      - uses: other/tool@main',
    '  slsa:',
    '    uses: slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v2.1.0',
    '  slsa-branch:',
    '    uses: slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@main',
  );
  const run = (allowed: string[], pinLevels: Record<string, PinLevel>): string[] =>
    at(lintFile({ path: '.github/workflows/ci.yml', text: wf }, { allowedUnpinned: allowed, pinLevels }), RULE);

  it('asks for SHAs everywhere by default, except SLSA generators called by a release tag', () => {
    expect(run([], {})).toEqual(['6:15', '7:15', '8:15', '9:15', '13:11']);
  });

  it('applies the most specific pattern: owner/repo over owner/* over allowed-unpinned over *', () => {
    const levels: Record<string, PinLevel> = { '*': 'any', 'my-org/*': 'ref-pin', 'My-Org/Sandbox': 'hash-pin' };
    // my-org/build is ref-pinned (ok), my-org/sandbox has no ref at all, the rest is `any`.
    expect(run([], levels)).toEqual(['8:15']);
    // allowed-unpinned (ref-pin) beats `*`, but an explicit owner pattern beats allowed-unpinned.
    expect(run(['actions/*'], { '*': 'hash-pin', 'actions/*': 'hash-pin' })).toEqual([
      '6:15',
      '7:15',
      '8:15',
      '9:15',
      '13:11',
    ]);
    expect(run(['actions/*', 'other/*'], {})).toEqual(['7:15', '8:15', '13:11']);
  });

  it('is a policy key the schema accepts with the three levels only', () => {
    expect(
      validatePolicyData({
        version: 1,
        checks: { hardening: { 'unpinned-uses': { '*': 'hash-pin', 'a/*': 'ref-pin', 'a/b/c': 'any' } } },
      }),
    ).toEqual([]);
    expect(validatePolicyData({ version: 1, checks: { hardening: { 'unpinned-uses': { '*': 'tag' } } } })).not.toEqual(
      [],
    );
    expect(validatePolicyData({ version: 1, checks: { hardening: { 'unpinned-uses': { 'a*': 'any' } } } })).not.toEqual(
      [],
    );
  });
});
