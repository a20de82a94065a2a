import { describe, expect, it } from 'vitest';
import { atSev, lint, only, yaml } from './helpers.js';

const RULE = 'gha/dangerous-triggers';
const SHA = '08eba0b27e820071cde6df949e0beb9ba4906955';

describe('gha/dangerous-triggers', () => {
  it('reports pull_request_target and workflow_run in every on: form', () => {
    expect(atSev(lint(yaml('on: pull_request_target', 'jobs: { a: { runs-on: x, steps: [] } }')), RULE)).toEqual([
      '1:5 medium',
    ]);
    expect(atSev(lint(yaml('on: [push, workflow_run]', 'jobs: { a: { runs-on: x, steps: [] } }')), RULE)).toEqual([
      '1:12 medium',
    ]);
    expect(
      atSev(
        lint(yaml('on:', '  workflow_run:', '    workflows: [ci]', 'jobs: { a: { runs-on: x, steps: [] } }')),
        RULE,
      ),
    ).toEqual(['2:3 medium']);
  });

  it('does not report pull_request or push', () => {
    expect(only(lint(yaml('on: [pull_request, push]', 'jobs: { a: { runs-on: x, steps: [] } }')), RULE)).toEqual([]);
  });

  it('is critical when the PR head is checked out and then something runs', () => {
    const findings = lint(
      yaml(
        'on: pull_request_target',
        'jobs:',
        '  build:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: actions/checkout@${SHA}`,
        '        with:',
        '          ref: ${{ github.event.pull_request.head.sha }}',
        '      - run: npm ci && npm test',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['1:5 medium', '8:16 critical']);
    expect(only(findings, RULE)[1]!.location).toMatchObject({ object: 'build' });
  });

  it('recognizes head.ref, refs/pull/…/merge, workflow_run.head_sha and gh pr checkout', () => {
    const findings = lint(
      yaml(
        'on:',
        '  pull_request_target:',
        '  workflow_run:',
        '    workflows: [ci]',
        '  issue_comment:',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: actions/checkout@${SHA}`,
        '        with: { ref: "${{ github.event.pull_request.head.ref }}" }',
        '      - run: make',
        '  b:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: actions/checkout@${SHA}`,
        '        with:',
        '          ref: refs/pull/${{ github.event.number }}/merge',
        '      - uses: ./.github/actions/build',
        '  c:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: actions/checkout@${SHA}`,
        '        with:',
        '          ref: ${{ github.event.workflow_run.head_sha }}',
        '      - run: ./build.sh',
        '  d:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: |',
        '          gh pr checkout "$PR"',
        '          make',
        '      - run: make test',
      ),
    );
    expect(atSev(findings, RULE)).toEqual([
      '2:3 medium',
      '3:3 medium',
      // issue_comment jobs without a commenter guard
      '7:3 medium',
      '13:3 medium',
      '20:3 medium',
      '27:3 medium',
      '11:23 critical',
      '18:16 critical',
      '25:16 critical',
      '31:11 critical',
    ]);
  });

  it('does not escalate when nothing runs after the checkout, or the checkout is the base', () => {
    const findings = lint(
      yaml(
        'on: pull_request_target',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: actions/checkout@${SHA}`,
        '      - run: make',
        '  b:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: echo first',
        `      - uses: actions/checkout@${SHA}`,
        '        with:',
        '          ref: ${{ github.event.pull_request.head.sha }}',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['1:5 medium']);
  });

  it('does not escalate a head checkout in a plain pull_request workflow', () => {
    const findings = lint(
      yaml(
        'on: pull_request',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: actions/checkout@${SHA}`,
        '        with:',
        '          ref: ${{ github.event.pull_request.head.sha }}',
        '      - run: make',
      ),
    );
    expect(only(findings, RULE)).toEqual([]);
  });

  it('recognizes git fetch of a pull ref in a script', () => {
    const findings = lint(
      yaml(
        'on: pull_request_target',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: |',
        '          git fetch origin pull/${{ github.event.number }}/head:pr && git checkout pr',
        '      - run: make',
        '      - run: git fetch origin main',
        '      - run: make',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['1:5 medium', '7:11 critical']);
  });

  it("reports workflow_run jobs that run something after downloading the triggering run's artifacts", () => {
    const findings = lint(
      yaml(
        'on:',
        '  workflow_run:',
        '    workflows: [ci]',
        '    types: [completed]',
        'jobs:',
        '  report:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: actions/download-artifact@${SHA}`,
        '        with:',
        '          run-id: ${{ github.event.workflow_run.id }}',
        '          github-token: ${{ github.token }}',
        '      - run: bash ./results/post.sh',
        '  data-only:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: actions/download-artifact@${SHA}`,
        '        with:',
        '          run-id: ${{ github.event.workflow_run.id }}',
        `      - uses: actions/github-script@${SHA}`,
        '  own-artifacts:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: actions/download-artifact@${SHA}`,
        '      - run: make',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['2:3 medium', '9:15 high']);
  });

  it('reports artifacts extracted outside the workspace at medium: the safe publish pattern does not block', () => {
    const job = (name: string, path: string) => [
      `  ${name}:`,
      '    runs-on: ubuntu-latest',
      '    steps:',
      `      - uses: actions/download-artifact@${SHA}`,
      '        with:',
      '          run-id: ${{ github.event.workflow_run.id }}',
      `          path: ${path}`,
      '      - run: gh pr comment 1 --body-file "$RUNNER_TEMP/report/report.md"',
    ];
    const findings = lint(
      yaml(
        'on:',
        '  workflow_run:',
        '    workflows: [ci]',
        'jobs:',
        ...job('temp', '${{ runner.temp }}/report'),
        ...job('tmp', '/tmp/report'),
        ...job('workspace', 'report'),
        ...job('lookalike', '${{ runner.temp2 }}/report'),
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['2:3 medium', '8:15 medium', '16:15 medium', '24:15 high', '32:15 high']);
  });
});
