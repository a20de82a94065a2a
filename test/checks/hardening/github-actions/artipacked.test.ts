import { describe, expect, it } from 'vitest';
import { atSev, lint, yaml } from './helpers.js';

const RULE = 'gha/artipacked';
const SHA = '08eba0b27e820071cde6df949e0beb9ba4906955';

describe('gha/artipacked', () => {
  it('grades every persisting checkout by the workspace upload that follows it in the same job', () => {
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
        `      - uses: actions/checkout@${SHA} # v6.0.1`,
        `      - uses: actions/upload-artifact@${SHA}`,
        '        with: { path: . }',
        `      - uses: actions/checkout@${SHA}`,
        '  b:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: actions/checkout@${SHA}`,
        '        with: { persist-credentials: true }',
        `      - uses: actions/checkout@v6`,
        `      - uses: actions/upload-artifact@${SHA}`,
        '        with: { path: dist/ }',
      ),
    );
    // Job a: before the upload high (v6: medium); after it, and in job b (no workspace upload), medium or low;
    // an explicit `true` only where an upload follows.
    expect(atSev(findings, RULE)).toEqual(['6:15 high', '9:32 high', '13:15 medium', '16:15 medium', '22:15 low']);
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

  it('reports a persisting checkout in any workflow, medium without an upload, and skips expressions', () => {
    const findings = lint(
      yaml(
        'on: pull_request',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: actions/checkout@${SHA}`,
        `      - uses: actions/checkout@${SHA}`,
        '        with: { persist-credentials: "${{ inputs.push }}" }',
        '      - run: make',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['6:15 medium']);
  });

  // zizmor anchors/dummy-job-anchors, rewritten: an aliased step is reported where the alias is used.
  it('reports a checkout reached through an alias at the alias', () => {
    const findings = lint(
      yaml(
        'on: pull_request',
        'jobs:',
        '  anchors:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - &checkout { uses: actions/checkout@v4 }',
        '  real:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - *checkout',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['6:27 medium', '10:9 medium']);
  });
});
