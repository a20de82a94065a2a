import { describe, expect, it } from 'vitest';
import { atSev, lint, yaml } from './helpers.js';

const SHA = '11bd71901bbe5b1630ceea73d27597364c9af683';

function summary(findings: ReturnType<typeof lint>): string[] {
  return findings.map((f) => {
    const l = f.location as { startLine: number; startColumn: number };
    return `${f.ruleId} ${l.startLine}:${l.startColumn} ${f.severity}`;
  });
}

describe('real-world shapes', () => {
  it('a hardened CI workflow with a matrix, a reusable workflow call and a guarded deploy has no findings', () => {
    const findings = lint(
      yaml(
        'name: CI',
        'on:',
        '  push:',
        '    branches: [main]',
        '  pull_request:',
        'permissions:',
        '  contents: read',
        'concurrency:',
        '  group: ${{ github.workflow }}-${{ github.ref }}',
        '  cancel-in-progress: true',
        'jobs:',
        '  test:',
        '    name: test (${{ matrix.os }}, node ${{ matrix.node }})',
        '    runs-on: ${{ matrix.os }}',
        '    strategy:',
        '      fail-fast: false',
        '      matrix:',
        '        os: [ubuntu-latest, windows-latest, macos-latest]',
        '        node: [20, 22, 24]',
        '        include:',
        '          - os: ubuntu-latest',
        '            node: 24',
        '            coverage: true',
        '    steps:',
        `      - uses: actions/checkout@${SHA} # v4.2.2`,
        '        with:',
        '          persist-credentials: false',
        `      - uses: actions/setup-node@${SHA} # v4`,
        '        with:',
        '          node-version: ${{ matrix.node }}',
        '          cache: npm',
        '      - run: npm ci',
        '      - run: npm test -- --node ${{ matrix.node }}',
        '      - if: matrix.coverage',
        '        run: npm run coverage',
        `      - uses: actions/upload-artifact@${SHA} # v4`,
        "        if: ${{ matrix.coverage && github.event_name == 'push' }}",
        '        with:',
        '          name: coverage',
        '          path: coverage/',
        '  container-test:',
        '    runs-on: ubuntu-latest',
        `    container: node:22@sha256:${'c'.repeat(64)}`,
        '    services:',
        '      postgres:',
        `        image: postgres:16@sha256:${'d'.repeat(64)}`,
        '        env:',
        '          POSTGRES_PASSWORD: postgres',
        '    steps:',
        `      - uses: actions/checkout@${SHA}`,
        '        with: { persist-credentials: false }',
        '      - run: npm ci && npm run test:db',
        '  security:',
        '    needs: test',
        `    uses: acme/workflows/.github/workflows/scan.yml@${SHA}`,
        '    permissions:',
        '      contents: read',
        '      security-events: write',
        '    with:',
        '      ref: ${{ github.sha }}',
        '    secrets:',
        '      SCAN_TOKEN: ${{ secrets.SCAN_TOKEN }}',
        '  deploy:',
        "    if: github.event_name == 'push' && github.ref == 'refs/heads/main'",
        '    needs: [test, security]',
        '    runs-on: ubuntu-latest',
        '    environment: production',
        '    permissions:',
        '      contents: read',
        '      id-token: write',
        '    steps:',
        `      - uses: aws-actions/configure-aws-credentials@${SHA}`,
        '        with:',
        '          role-to-assume: ${{ vars.DEPLOY_ROLE }}',
        '      - env:',
        '          TITLE: ${{ github.event.head_commit.message }}',
        '        run: ./deploy.sh "$TITLE"',
      ),
    );
    expect(summary(findings)).toEqual([]);
  });

  it('a hardened tag release that publishes without caches has no findings', () => {
    const findings = lint(
      yaml(
        'on:',
        '  push:',
        "    tags: ['v*.*.*']",
        'permissions: {}',
        'jobs:',
        '  release:',
        '    runs-on: ubuntu-latest',
        '    permissions:',
        '      contents: write',
        '      id-token: write',
        '    steps:',
        `      - uses: actions/checkout@${SHA}`,
        '        with:',
        '          persist-credentials: false',
        `      - uses: actions/setup-go@${SHA}`,
        '        with:',
        '          go-version-file: go.mod',
        '          cache: false',
        `      - uses: goreleaser/goreleaser-action@${SHA}`,
        '        with:',
        '          args: release --clean',
        '        env:',
        '          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}',
      ),
    );
    expect(summary(findings)).toEqual([]);
  });

  it('a composite action that passes inputs through env has no findings', () => {
    const findings = lint(
      yaml(
        'name: Setup toolchain',
        'description: installs the pinned toolchain',
        'inputs:',
        '  version:',
        '    description: toolchain version',
        '    required: true',
        'outputs:',
        '  path:',
        '    value: ${{ steps.install.outputs.path }}',
        'runs:',
        '  using: composite',
        '  steps:',
        '    - id: install',
        '      shell: bash',
        '      env:',
        '        VERSION: ${{ inputs.version }}',
        '      run: |',
        '        curl -fsSLo tool.tgz "https://example.com/tool-${VERSION}.tgz"',
        '        echo "$EXPECTED_SHA  tool.tgz" | sha256sum -c -',
        '        echo "path=$PWD/tool" >> "$GITHUB_OUTPUT"',
        `    - uses: actions/cache@${SHA}`,
        '      with:',
        '        path: ~/.tool',
        '        key: tool-${{ inputs.version }}',
      ),
      '.github/actions/setup-toolchain/action.yml',
    );
    expect(summary(findings)).toEqual([]);
  });

  it('a vulnerable "PR bot" workflow reports each problem where it is', () => {
    const findings = lint(
      yaml(
        'name: PR bot',
        'on:',
        '  pull_request_target:',
        '    types: [opened, synchronize]',
        '  issue_comment:',
        '    types: [created]',
        'jobs:',
        '  build:',
        "    if: contains(github.event.comment.body, '/build') || github.event_name == 'pull_request_target'",
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: actions/checkout@v4',
        '        with:',
        '          ref: ${{ github.event.pull_request.head.sha }}',
        '      - uses: actions/setup-node@v4',
        '        with:',
        '          cache: npm',
        '      - run: npm install',
        '      - name: Comment',
        '        uses: actions/github-script@v7',
        '        with:',
        '          script: |',
        '            github.rest.issues.createComment({',
        '              issue_number: context.issue.number, owner: context.repo.owner, repo: context.repo.repo,',
        '              body: `Built ${{ github.event.pull_request.title }}`',
        '            })',
      ),
    );
    expect(summary(findings)).toEqual([
      'gha/template-injection 25:28 high',
      'gha/dangerous-triggers 3:3 medium',
      'gha/dangerous-triggers 8:3 medium',
      'gha/dangerous-triggers 14:16 critical',
      'gha/excessive-permissions 8:3 medium',
      'gha/unpinned-uses 12:15 medium',
      'gha/unpinned-uses 15:15 medium',
      'gha/unpinned-uses 20:15 medium',
      'gha/artipacked 12:15 high',
    ]);
    expect(atSev(lint(yaml('on: pull_request', 'jobs: {}')), 'gha/excessive-permissions')).toEqual([]);
  });
});
