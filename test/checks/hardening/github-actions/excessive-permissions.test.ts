import { describe, expect, it } from 'vitest';
import { atSev, lint, only, yaml } from './helpers.js';

const RULE = 'gha/excessive-permissions';
const SHA = '08eba0b27e820071cde6df949e0beb9ba4906955';

describe('gha/excessive-permissions', () => {
  it('reports a job without permissions at the job, and the workflow too when two or more jobs have none', () => {
    const findings = lint(
      yaml('name: ci', 'on: push', 'jobs:', '  a:', '    runs-on: ubuntu-latest', '    steps:', '      - run: make'),
    );
    expect(atSev(findings, RULE)).toEqual(['4:3 medium']);
    const two = lint(
      yaml(
        'name: ci',
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps: [{ run: make }]',
        '  b:',
        '    runs-on: ubuntu-latest',
        '    steps: [{ run: make }]',
        '  c:',
        '    permissions: { contents: read }',
        '    runs-on: ubuntu-latest',
        '    steps: [{ run: make }]',
      ),
    );
    expect(atSev(two, RULE)).toEqual(['1:1 medium', '4:3 medium', '7:3 medium']);
  });

  it('accepts a missing top-level block when every job sets its own permissions', () => {
    const findings = lint(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    permissions: { contents: read }',
        '    steps: [{ run: make }]',
        '  b:',
        '    permissions: { contents: read }',
        '    uses: ./.github/workflows/x.yml',
      ),
    );
    expect(only(findings, RULE)).toEqual([]);
  });

  it('reports write-all (high at the top, medium on a job) and top-level write scopes', () => {
    const top = lint(yaml('on: push', 'permissions: write-all', 'jobs: { a: { runs-on: x, steps: [] } }'));
    expect(atSev(top, RULE)).toEqual(['2:14 high']);
    const job = lint(
      yaml(
        'on: push',
        'permissions: {}',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    permissions: write-all',
        '    steps: []',
      ),
    );
    expect(atSev(job, RULE)).toEqual(['6:18 medium']);
    const scopes = lint(
      yaml(
        'on: push',
        'permissions:',
        '  contents: write',
        '  id-token: write',
        '  issues: read',
        'jobs: { a: { runs-on: x, steps: [] } }',
      ),
    );
    expect(atSev(scopes, RULE)).toEqual(['3:13 medium', '4:13 medium']);
  });

  it('accepts read-only and empty top-level permissions', () => {
    for (const p of ['permissions: {}', 'permissions:\n  contents: read']) {
      expect(only(lint(yaml('on: push', p, 'jobs: { a: { runs-on: x, steps: [{ run: make }] } }')), RULE)).toEqual([]);
    }
  });

  it('reports job write scopes only when no step can use the token', () => {
    const findings = lint(
      yaml(
        'on: push',
        'permissions: {}',
        'jobs:',
        '  unused:',
        '    runs-on: ubuntu-latest',
        '    permissions:',
        '      contents: write',
        '    steps:',
        `      - uses: actions/checkout@${SHA}`,
        `      - uses: actions/setup-node@${SHA}`,
        '      - run: npm test',
        '  pushes:',
        '    runs-on: ubuntu-latest',
        '    permissions:',
        '      contents: write',
        '    steps:',
        '      - run: git push origin HEAD:gh-pages',
        '  action:',
        '    runs-on: ubuntu-latest',
        '    permissions:',
        '      pull-requests: write',
        '    steps:',
        `      - uses: some/labeler@${SHA}`,
        '  token:',
        '    runs-on: ubuntu-latest',
        '    permissions:',
        '      issues: write',
        '    steps:',
        '      - run: ./comment.sh',
        '        env: { GH_TOKEN: "${{ github.token }}" }',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['7:17 low']);
  });
});
