import { describe, expect, it } from 'vitest';
import { atSev, lint, only, yaml } from './helpers.js';

const RULE = 'gha/artipacked';
const SHA = '08eba0b27e820071cde6df949e0beb9ba4906955';

describe('gha/artipacked', () => {
  it('reports persisted credentials in workflows that upload artifacts', () => {
    const findings = lint(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: actions/checkout@${SHA}`,
        `      - uses: actions/checkout@${SHA}`,
        '        with:',
        '          persist-credentials: true',
        `      - uses: actions/checkout@${SHA}`,
        '        with:',
        '          persist-credentials: false',
        `      - uses: actions/upload-artifact@${SHA}`,
        '        with: { path: . }',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['6:15 medium', '9:32 medium']);
  });

  it('is high in privileged-trigger workflows even without uploads', () => {
    const findings = lint(
      yaml(
        'on: workflow_run',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: actions/checkout@${SHA}`,
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['6:15 high']);
  });

  it('does not report workflows that neither upload nor run privileged', () => {
    const findings = lint(
      yaml(
        'on: pull_request',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: actions/checkout@${SHA}`,
        '      - run: make',
      ),
    );
    expect(only(findings, RULE)).toEqual([]);
  });
});
