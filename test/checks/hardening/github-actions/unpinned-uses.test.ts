import { describe, expect, it } from 'vitest';
import { atSev, lint, only, yaml } from './helpers.js';

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
