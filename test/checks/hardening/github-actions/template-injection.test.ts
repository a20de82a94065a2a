import { describe, expect, it } from 'vitest';
import { at, atSev, lint, only, yaml } from './helpers.js';

const RULE = 'gha/template-injection';
const HEAD = [
  'on: pull_request_target',
  'permissions: {}',
  'jobs:',
  '  a:',
  '    runs-on: ubuntu-latest',
  '    steps:',
];

describe('gha/template-injection', () => {
  it('points inside a run: | block at the whole ${{ … }} expression on its real line', () => {
    const findings = lint(
      yaml(
        ...HEAD,
        '      - name: greet',
        '        run: |',
        '          echo "start"',
        '          echo "Title: ${{ github.event.pull_request.title }}"',
        '            echo "${{github.head_ref}}"   # indented more',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['10:24 high', '11:19 high']);
    const first = only(findings, RULE)[0]!;
    // The region covers the whole expression, `${{` to `}}` (endColumn is the column after the last character).
    const line = '          echo "Title: ${{ github.event.pull_request.title }}"';
    const end = line.indexOf('}}') + 2 + 1;
    expect(first.location).toMatchObject({ startColumn: 24, endLine: 10, endColumn: end, object: 'a' });
    expect(only(findings, RULE)[1]!.location).toMatchObject({
      endLine: 11,
      endColumn: 19 + '${{github.head_ref}}'.length,
    });
    expect(first.fix).toContain('GITHUB_EVENT_PULL_REQUEST_TITLE: ${{ github.event.pull_request.title }}');
    expect(first.message).toContain('github.event.pull_request.title');
  });

  it('locates expressions in plain, quoted and folded scalars', () => {
    const findings = lint(
      yaml(
        ...HEAD,
        '      - run: echo ${{ github.event.issue.body }}',
        '      - run: "echo \\"${{ github.event.comment.body }}\\""',
        '      - run: >',
        '          echo one',
        '          ${{ github.event.review.body }}',
      ),
    );
    expect(at(findings, RULE)).toEqual(['7:19', '8:22', '11:11']);
  });

  it('covers commit messages, author names and e-mails, head refs and labels', () => {
    const contexts = [
      'github.event.head_commit.message',
      'github.event.commits[0].author.email',
      'github.event.head_commit.author.name',
      'github.event.pull_request.head.ref',
      'github.event.pull_request.head.label',
      'github.event.discussion.title',
      'github.event.workflow_run.head_branch',
      'github.event.pages[0].page_name',
      'toJSON(github.event)',
    ];
    const findings = lint(yaml(...HEAD, ...contexts.map((c) => `      - run: echo "\${{ ${c} }}"`)));
    expect(atSev(findings, RULE)).toEqual(contexts.map((_, i) => `${i + 7}:20 high`));
  });

  it('does not report fixed or non-flowing contexts', () => {
    const findings = lint(
      yaml(
        ...HEAD,
        '      - run: echo ${{ github.sha }} ${{ github.event.pull_request.number }} ${{ github.run_id }}',
        '      - run: echo ${{ github.event.pull_request.head.sha }} ${{ github.actor }} ${{ github.repository }}',
        "      - run: echo ${{ github.event.issue.title == 'x' }} ${{ contains(github.event.comment.body, '/ok') }}",
        '      - run: echo ${{ secrets.TOKEN }} ${{ vars.NAME }} ${{ runner.os }} ${{ github.event.pull_request.user.id }}',
        '      - run: echo ${{ github.event.pull_request.created_at }} ${{ github.event.pull_request.draft }}',
        '      - env:',
        '          TITLE: ${{ github.event.pull_request.title }}',
        '        run: echo "$TITLE"',
        '        name: ${{ github.event.pull_request.title }}',
      ),
    );
    expect(only(findings, RULE)).toEqual([]);
  });

  it('rates URLs and ref names medium, outputs low', () => {
    const findings = lint(
      yaml(
        ...HEAD,
        '      - run: echo ${{ github.event.check_run.details_url }}',
        '      - run: echo ${{ github.ref_name }}',
        '      - run: echo ${{ steps.meta.outputs.title }}',
        '      - run: echo ${{ needs.build.outputs.version }}',
        // Not injectable: logins, GitHub-built URLs, repository names (issue #14).
        '      - run: echo ${{ github.event.pull_request.user.login }} ${{ github.event.workflow_run.artifacts_url }}',
        '      - run: echo ${{ github.event.pull_request.head.repo.full_name }} ${{ github.event.issue.html_url }}',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['7:19 medium', '8:19 medium', '9:19 low', '10:19 low']);
  });

  it('reports string inputs of workflow_dispatch / workflow_call but not typed ones', () => {
    const findings = lint(
      yaml(
        'on:',
        '  workflow_dispatch:',
        '    inputs:',
        '      name:',
        '        description: who',
        '      dry-run: { type: boolean }',
        '      env: { type: choice, options: [a, b] }',
        '  workflow_call:',
        '    inputs:',
        '      count: { type: number }',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: ./x ${{ inputs.dry-run }} ${{ inputs.env }} ${{ inputs.count }}',
        '      - run: ./x "${{ inputs.name }}"',
        '      - run: ./x "${{ github.event.inputs.name }}"',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['16:19 medium', '17:19 medium']);
  });

  it('reports actions/github-script script: inputs', () => {
    const findings = lint(
      yaml(
        ...HEAD,
        '      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea',
        '        with:',
        '          script: |',
        '            const body = `${{ github.event.comment.body }}`',
        '      - uses: actions/some-other@60a0d83039c74a4aee543508d2ffcb1c3799cdea',
        '        with:',
        '          script: ${{ github.event.comment.body }}',
      ),
    );
    expect(at(findings, RULE)).toEqual(['10:27']);
    expect(only(findings, RULE)[0]!.fix).toContain('process.env');
  });

  it('reports composite action inputs and steps', () => {
    const findings = lint(
      yaml(
        'name: greet',
        'inputs:',
        '  who:',
        '    description: name',
        'runs:',
        '  using: composite',
        '  steps:',
        '    - shell: bash',
        '      run: |',
        '        echo "hello ${{ inputs.who }}"',
      ),
      '.github/actions/greet/action.yml',
    );
    expect(atSev(findings, RULE)).toEqual(['10:21 medium']);
    expect(only(findings, RULE)[0]!.location).toMatchObject({ object: 'runs' });
  });

  it('flags matrix values only when the matrix is built at run time', () => {
    const base = [
      'on: push',
      'permissions: {}',
      'jobs:',
      '  static:',
      '    runs-on: ubuntu-latest',
      '    strategy:',
      '      matrix:',
      '        name: [a, b]',
      '    steps:',
      '      - run: echo ${{ matrix.name }}',
      '  dynamic:',
      '    runs-on: ubuntu-latest',
      '    strategy:',
      '      matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}',
      '    steps:',
      '      - run: echo ${{ matrix.name }}',
    ];
    expect(atSev(lint(yaml(...base)), RULE)).toEqual(['16:19 low']);
  });

  it('numbers repeated occurrences in the key, without line numbers', () => {
    const findings = only(
      lint(
        yaml(
          ...HEAD,
          '      - id: s',
          '        run: |',
          '          a ${{ github.head_ref }}',
          '          b ${{ github.head_ref }}',
        ),
      ),
      RULE,
    );
    expect(findings.map((f) => f.key)).toEqual(['a/s/run/github.head_ref', 'a/s/run/github.head_ref#2']);
  });

  it('is not fooled by ${{ inside a run: header comment', () => {
    const findings = lint(
      yaml(
        ...HEAD,
        '      - run: | # ${{ github.head_ref }} in a comment is not part of the value',
        '          echo ${{ github.head_ref }}',
      ),
    );
    // The comment makes the occurrence count differ, so the finding falls back to the scalar start.
    expect(at(findings, RULE)).toEqual(['7:14']);
  });

  it('follows ${{ env.X }} back to the env: that set it', () => {
    const findings = lint(
      yaml(
        'on: issues',
        'permissions: {}',
        'env:',
        '  TITLE: ${{ github.event.issue.title }}',
        '  STATIC: hello',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    env:',
        '      REF: ${{ github.ref_name }}',
        '    steps:',
        '      - env:',
        '          STATIC: ${{ github.event.issue.body }}',
        '        run: |',
        '          echo "${{ env.TITLE }}"',
        '          echo "${{ env.REF }}" "${{ env.STATIC }}"',
        '          echo "$TITLE"',
        '      - run: echo "${{ env.STATIC }}" "${{ env.FROM_GITHUB_ENV }}"',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['15:17 high', '16:17 medium', '16:34 high', '18:40 low']);
    expect(only(findings, RULE)[0]!.message).toContain('is set from github.event.issue.title');
  });

  it('keeps exact positions with CRLF line endings and a byte-order mark', () => {
    const lines = [...HEAD, '      - run: |', '          echo hi', '          echo "${{ github.event.issue.title }}"'];
    expect(at(lint(`${lines.join('\r\n')}\r\n`), RULE)).toEqual(['9:17']);
    expect(at(lint(`\uFEFF${lines.join('\n')}\n`), RULE)).toEqual(['9:17']);
  });
});
