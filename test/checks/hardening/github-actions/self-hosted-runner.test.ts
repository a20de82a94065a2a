import { describe, expect, it } from 'vitest';
import { atSev, lint, only, yaml } from './helpers.js';

const RULE = 'gha/self-hosted-runner';

describe('gha/self-hosted-runner', () => {
  it('reports self-hosted labels in string, list, labels: and matrix forms on fork-triggerable workflows', () => {
    const findings = lint(
      yaml(
        'on: [pull_request, push]',
        'jobs:',
        '  a:',
        '    runs-on: self-hosted',
        '    steps: []',
        '  b:',
        '    runs-on: [self-hosted, linux, x64]',
        '    steps: []',
        '  c:',
        '    runs-on:',
        '      group: build',
        '      labels: [linux, self-hosted]',
        '    steps: []',
        '  d:',
        '    strategy:',
        '      matrix:',
        '        runner: [ubuntu-latest, self-hosted]',
        '    runs-on: ${{ matrix.runner }}',
        '    steps: []',
        '  e:',
        '    runs-on: ubuntu-latest',
        '    steps: []',
        '  f:',
        '    runs-on: { group: larger-runners }',
        '    steps: []',
        '  g:',
        "    runs-on: ${{ github.repository == 'acme/x' && 'self-hosted' || 'ubuntu-latest' }}",
        '    steps: []',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['4:14 high', '7:15 high', '12:23 high', '17:33 high', '27:14 high']);
  });

  it('rates comment and issue triggers medium', () => {
    const findings = lint(yaml('on: issue_comment', 'jobs:', '  a:', '    runs-on: [self-hosted]', '    steps: []'));
    expect(atSev(findings, RULE)).toEqual(['4:15 medium']);
  });

  it('does not report workflows only maintainers can trigger', () => {
    const findings = lint(
      yaml('on: [push, workflow_dispatch, schedule]', 'jobs:', '  a:', '    runs-on: self-hosted', '    steps: []'),
    );
    expect(only(findings, RULE)).toEqual([]);
  });
});
