import { describe, expect, it } from 'vitest';
import { at, atSev, lint, only, yaml } from './helpers.js';

/*
 * Shapes where a peer's test suite (zizmor, OpenSSF Scorecard, poutine) and this linter disagreed. Each
 * workflow here is written for the purpose; the comment says which peer case it reproduces and why the
 * expected result follows GitHub's documentation.
 */

const HEAD = ['on: pull_request_target', 'permissions: {}', 'jobs:', '  a:', '    runs-on: ubuntu-latest'];

describe('gha/template-injection: peer cases', () => {
  const RULE = 'gha/template-injection';

  // zizmor codeql-sinks / pr-425-backstop: CodeQL's sink models list inputs of these actions as code.
  it('reports code inputs of CodeQL-modelled sink actions, matching input names case-insensitively', () => {
    const findings = lint(
      yaml(
        ...HEAD,
        '    steps:',
        '      - uses: mikefarah/yq@b534aa9ee5d38001fba3cd8fe254a037e4847b37',
        '        with:',
        '          cmd: ${{ github.event.pull_request.title }}',
        '      - uses: azure/cli@089eac9d8cc39f5d003e94f8b65efc51076c9cbd',
        '        with:',
        '          InlineScript: |',
        '            az group list',
        '            echo "${{ github.head_ref }}"',
        '      - uses: appleboy/ssh-action@029f5b4aeeeb58fdfe1410a5d17f967dacf36262',
        '        with:',
        '          script: deploy ${{ github.event.comment.body }}',
        '      - uses: mikefarah/yq@b534aa9ee5d38001fba3cd8fe254a037e4847b37',
        '        with:',
        '          expression: ${{ github.event.pull_request.title }}',
        '      - uses: addnab/docker-run-action@4f65fabd2431ebc8d299f8e5a018d79a769ae185',
        '        with:',
        '          image: ubuntu:24.04',
        '          run: echo "${{ github.head_ref }}"',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['9:16 high', '14:19 high', '17:26 high', '24:22 high']);
    expect(only(findings, RULE)[1]!.message).toContain('`with.InlineScript` code input of azure/cli');
  });

  // zizmor issue-1903: `(a || b).number` reads `.number` of either operand, a fixed value.
  it('pushes a property access down into || and && operands', () => {
    const findings = lint(
      yaml(
        ...HEAD,
        '    steps:',
        '      - run: echo "${{ (github.event.pull_request || github.event.issue).number }}"',
        '      - run: echo "${{ (github.event.pull_request || github.event.issue).title }}"',
        '      - run: echo "${{ fromJSON(steps.meta.outputs.json).title }}"',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['8:20 high', '9:20 low']);
    expect(only(findings, RULE)[0]!.message).toContain('`github.event.pull_request.title`');
  });

  // zizmor treats every `inputs.*` as injectable; GitHub fills `inputs` only for workflow_dispatch and
  // workflow_call runs, so a push-only workflow's `inputs.x` is always empty.
  it('reports inputs only when a dispatch or call trigger can set them', () => {
    const steps = ['    steps:', '      - run: echo "${{ inputs.name }} ${{ github.event.inputs.name }}"'];
    const job = ['jobs:', '  a:', '    runs-on: ubuntu-latest', ...steps];
    expect(at(lint(yaml('on: push', 'permissions: {}', ...job)), RULE)).toEqual([]);
    expect(atSev(lint(yaml('on: [push, workflow_dispatch]', 'permissions: {}', ...job)), RULE)).toEqual([
      '7:20 medium',
      '7:39 medium',
    ]);
  });

  // zizmor issue-22: an expression under another key of an `include` entry does not make `matrix.llvm`
  // dynamic; an expression under the same key does.
  it('judges a matrix key static from its own include values only', () => {
    const findings = lint(
      yaml(
        'on: pull_request',
        'permissions: {}',
        'jobs:',
        '  jit:',
        '    runs-on: ${{ matrix.runner }}',
        '    strategy:',
        '      matrix:',
        '        llvm: [19]',
        '        include:',
        '          - llvm: 18',
        "            runner: ${{ github.repository_owner == 'python' && 'big' || 'small' }}",
        '          - target: x',
        '            flavour: ${{ github.event.pull_request.title }}',
        '    steps:',
        '      - run: ./llvm.sh ${{ matrix.llvm }}',
        '      - run: ./build.sh ${{ matrix.flavour }}',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['16:25 low']);
  });
});

describe('gha/excessive-permissions: peer cases', () => {
  const RULE = 'gha/excessive-permissions';

  // zizmor reusable-workflow-call: the called workflow receives the caller's token, so a caller without any
  // `permissions:` hands it the repository default.
  it('counts a reusable workflow call as a job using the default token', () => {
    const findings = lint(yaml('on: push', 'jobs:', '  call:', '    uses: ./.github/workflows/child.yml'));
    expect(atSev(findings, RULE)).toEqual(['3:3 medium']);
    expect(only(findings, RULE)[0]!.message).toContain('the called workflow gets the default token permissions');
    const scoped = lint(
      yaml('on: push', 'jobs:', '  call:', '    permissions: {}', '    uses: ./.github/workflows/child.yml'),
    );
    expect(at(scoped, RULE)).toEqual([]);
  });

  // zizmor issue-472: a workflow only reachable through workflow_call runs with its caller's token, which it
  // can only narrow (GitHub: "permissions passed from the caller workflow can be only downgraded").
  it('does not ask a workflow_call-only workflow for permissions on jobs it runs, but does for its calls and with other triggers', () => {
    const jobs = ['jobs:', '  a:', '    runs-on: ubuntu-latest', '    steps:', '      - run: echo hi'];
    expect(at(lint(yaml('on:', '  workflow_call:', ...jobs)), RULE)).toEqual([]);
    expect(at(lint(yaml('on: [workflow_call, push]', ...jobs)), RULE)).toEqual(['3:3']);
    // Its own calls to other reusable workflows are still its decision.
    const call = ['  b:', '    uses: ./.github/workflows/other.yml'];
    expect(at(lint(yaml('on:', '  workflow_call:', ...jobs, ...call)), RULE)).toEqual(['8:3']);
  });

  // zizmor workflow-read-all / jobs-broaden-permissions: `read-all` reads every scope; Scorecard accepts it,
  // so it is reported low, where zizmor says medium.
  it('reports read-all at the top and on a job at low severity', () => {
    const findings = lint(
      yaml(
        'on: push',
        'permissions: read-all',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    permissions: read-all',
        '    steps:',
        '      - run: echo hi',
        '  b:',
        '    runs-on: ubuntu-latest',
        '    permissions:',
        '      contents: read',
        '    steps:',
        '      - run: echo hi',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['2:14 low', '6:18 low']);
  });
});

describe('gha/dangerous-triggers: peer cases', () => {
  const RULE = 'gha/dangerous-triggers';

  // zizmor issue-comment-with-guard / -weak-guard / -step-guard-only / -events: anyone can comment, and the
  // workflow runs with the repository's secrets; only a job-level check of the commenter closes that.
  it('reports issue_comment jobs without a job-level OWNER/MEMBER/COLLABORATOR guard', () => {
    const findings = lint(
      yaml(
        'on: issue_comment',
        'permissions: {}',
        'jobs:',
        '  strong:',
        '    runs-on: ubuntu-latest',
        "    if: github.event.comment.author_association == 'MEMBER'",
        '    steps: [{ run: echo }]',
        '  weak:',
        '    runs-on: ubuntu-latest',
        "    if: github.event.comment.author_association == 'CONTRIBUTOR'",
        '    steps: [{ run: echo }]',
        '  step-only:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        "      - if: github.event.comment.author_association == 'MEMBER'",
        '        run: echo',
        '  listed:',
        '    runs-on: ubuntu-latest',
        '    if: ${{ contains(fromJSON(\'["OWNER", "MEMBER"]\'), github.event.comment.author_association) && startsWith(github.event.comment.body, \'/run\') }}',
        '    steps: [{ run: echo }]',
        '  either:',
        '    runs-on: ubuntu-latest',
        "    if: github.event.comment.author_association == 'OWNER' || contains(github.event.comment.body, '/run')",
        '    steps: [{ run: echo }]',
        '  negated:',
        '    runs-on: ubuntu-latest',
        "    if: github.event.comment.author_association != 'NONE'",
        '    steps: [{ run: echo }]',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['8:3 medium', '12:3 medium', '21:3 medium', '25:3 medium']);
    expect(at(lint(yaml('on: push', 'jobs:', '  a:', '    runs-on: x', '    steps: [{ run: echo }]')), RULE)).toEqual(
      [],
    );
  });

  it('accepts a guard that only applies to comment runs in a multi-trigger workflow', () => {
    const job = (condition: string): string =>
      yaml(
        'on: [push, issue_comment]',
        'permissions: {}',
        'jobs:',
        '  a:',
        '    runs-on: x',
        `    if: ${condition}`,
        '    steps: [{ run: echo }]',
      );
    expect(
      at(lint(job("github.event_name != 'issue_comment' || github.event.comment.author_association == 'OWNER'")), RULE),
    ).toEqual([]);
    expect(
      at(lint(job("github.event_name == 'push' || github.event.comment.author_association == 'OWNER'")), RULE),
    ).toEqual([]);
    expect(
      at(lint(job("github.event_name == 'issue_comment' || github.event.comment.author_association == 'OWNER'")), RULE),
    ).toEqual(['4:3']);
  });

  // zizmor actions-labeler: one job whose only step is actions/labeler is the documented use of the trigger.
  it('accepts pull_request_target for a lone actions/labeler step, not once anything else runs', () => {
    const SHA = '634933edcd8ababfe52f92936142cc22ac488b1b';
    const head = ['on:', '  pull_request_target:', 'permissions: {}', 'jobs:', '  label:', '    runs-on: x'];
    expect(at(lint(yaml(...head, '    steps:', `      - uses: actions/labeler@${SHA}`)), RULE)).toEqual([]);
    const more = lint(yaml(...head, '    steps:', `      - uses: actions/labeler@${SHA}`, '      - run: make'));
    expect(at(more, RULE)).toEqual(['2:3']);
  });
});

describe('gha/unpinned-uses and gha/unpinned-images: peer cases', () => {
  // zizmor issue-1543: `uses: |` puts the reference on the next line; the finding points there.
  it('locates a block-scalar uses: at the reference, and accepts a block-scalar SHA pin', () => {
    const findings = lint(
      yaml(
        'on: push',
        'permissions: {}',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: |',
        '          actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683',
        '      - uses: >-',
        '          actions/checkout@v4',
      ),
    );
    expect(atSev(findings, 'gha/unpinned-uses')).toEqual(['10:11 medium']);
  });

  // zizmor unpinned-images/docker-action: a Docker container action runs `runs.image` like a job container.
  it('checks runs.image of a Docker container action', () => {
    const action = (image: string): string =>
      yaml('name: lint', 'description: d', 'runs:', '  using: docker', `  image: ${image}`, '  args: [x]');
    expect(
      atSev(lint(action('"docker://ghcr.io/acme/linter:v8" # pinned?'), 'action.yml'), 'gha/unpinned-images'),
    ).toEqual(['5:10 medium']);
    expect(atSev(lint(action('docker://alpine'), 'tools/lint/action.yml'), 'gha/unpinned-images')).toEqual([
      '5:10 high',
    ]);
    const digest = `docker://alpine:3@sha256:${'a'.repeat(64)}`;
    expect(at(lint(action(digest), 'action.yml'), 'gha/unpinned-images')).toEqual([]);
    expect(at(lint(action('Dockerfile'), 'action.yml'), 'gha/unpinned-images')).toEqual([]);
  });
});

describe('gha/github-env: peer cases', () => {
  const RULE = 'gha/github-env';

  // zizmor github-env/action.yml true-negative-4: a literal `echo foo=bar` cannot be steered by anyone.
  it('does not report writes of literal text, even under pull_request_target', () => {
    const findings = lint(
      yaml(
        ...HEAD,
        '    steps:',
        '      - run: |',
        '          echo foo=bar >> $GITHUB_ENV',
        '          echo "FOO=bar" >> "$GITHUB_ENV"',
        '          echo "ref=$(git rev-parse HEAD)" >> "$GITHUB_ENV"',
        '          cat pr.env >> $GITHUB_ENV',
        '          {',
        '            echo "BODY<<EOF"; cat body.txt; echo EOF',
        '          } >> "$GITHUB_ENV"',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['10:49 high', '11:26 high', '14:18 high']);
  });

  // zizmor github-env/action.yml true-positive-1..3: a composite action runs inside its caller's workflow,
  // which may be privileged; computed writes are reported (low, where zizmor says high at low confidence).
  it('reports computed writes in composite actions at low severity', () => {
    const findings = lint(
      yaml(
        'name: x',
        'description: y',
        'runs:',
        '  using: composite',
        '  steps:',
        '    - run: echo "foo=$(bar)" >> $GITHUB_ENV',
        '      shell: bash',
        '    - run: echo "foo=$env:BAR" >> $env:GITHUB_ENV',
        '      shell: pwsh',
        '    - run: echo LIBRARY=%LIBRARY% >> %GITHUB_ENV%',
        '      shell: cmd',
        '    - run: echo foo=bar >> $GITHUB_ENV',
        '      shell: bash',
      ),
      'action.yml',
    );
    expect(atSev(findings, RULE)).toEqual(['6:34 low', '8:40 low', '10:39 low']);
  });
});

describe('gha/self-hosted-runner: peer cases', () => {
  const RULE = 'gha/self-hosted-runner';
  const job = (...lines: string[]): string =>
    yaml('on: pull_request', 'permissions: {}', 'jobs:', '  a:', ...lines, '    steps: [{ run: echo }]');

  // zizmor self-hosted.yml line 59: the label list can come from a literal fromJSON inside the expression.
  it('reads labels from a literal fromJSON(...) inside runs-on', () => {
    const findings = lint(
      job(
        "    runs-on: ${{ github.repository_owner == 'acme' && fromJSON('[\"self-hosted\",\"linux\"]') || 'ubuntu-24.04' }}",
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['5:14 high']);
    const hosted = lint(job('    runs-on: ${{ fromJSON(\'["ubuntu-24.04"]\') }}'));
    expect(at(hosted, RULE)).toEqual([]);
    const broken = lint(job('    runs-on: ${{ fromJSON(\'["self-hosted", oops\') }}'));
    expect(at(broken, RULE)).toEqual([]);
  });

  // zizmor self-hosted-matrix-exclusion: `exclude: [{ os: self-hosted }]` removes that runner from every
  // combination; an exclude entry with more keys only removes some combinations.
  it('follows matrix exclude entries that remove a value from every combination', () => {
    const matrix = (...exclude: string[]): string =>
      job(
        '    runs-on: ${{ matrix.os }}',
        '    strategy:',
        '      matrix:',
        '        os: [self-hosted, ubuntu-latest]',
        '        node: [20, 22]',
        '        exclude:',
        ...exclude,
      );
    expect(at(lint(matrix('          - os: self-hosted')), RULE)).toEqual([]);
    expect(at(lint(matrix('          - os: self-hosted', '            node: 20')), RULE)).toEqual(['8:14']);
  });
});

describe('gha/cache-poisoning: peer cases', () => {
  const RULE = 'gha/cache-poisoning';
  const SHA = '395ad3262231945c25e8478fd5baf05154b1d79f';
  const release = (...steps: string[]): string =>
    yaml('on: release', 'permissions: {}', 'jobs:', '  r:', '    runs-on: ubuntu-latest', '    steps:', ...steps);

  // zizmor issue-1152: setup-node v5+ caches npm's store by default (when package.json names npm); the version comes from
  // the ref or, for a SHA pin, from its version comment.
  it('treats setup-node v5+ as caching unless package-manager-cache: false', () => {
    const findings = lint(
      release(
        `      - uses: actions/setup-node@${SHA} # v6.1.0`,
        `      - uses: actions/setup-node@${SHA} # v6.1.0`,
        '        with:',
        '          package-manager-cache: true',
        `      - uses: actions/setup-node@${SHA} # v6.1.0`,
        '        with:',
        '          package-manager-cache: false',
        `      - uses: actions/setup-node@${SHA} # v4.4.0`,
        '      - uses: actions/setup-node@v5',
        '      - uses: actions/setup-node@v4',
        '      - uses: actions/setup-node@v6',
        "        with: { cache: '' }",
      ),
    );
    // Automatic caching depends on package.json's `packageManager`, which the workflow does not show: medium.
    expect(atSev(findings, RULE)).toEqual(['7:15 medium', '10:34 high', '15:15 medium']);
  });

  // zizmor workflow-release-branch-trigger: pushes to release branches build what ships.
  it('counts pushes to release branches as release triggers', () => {
    const on = (branch: string): string =>
      yaml(
        'on:',
        '  push:',
        `    branches: ["${branch}"]`,
        'permissions: {}',
        'jobs:',
        '  r:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: Swatinem/rust-cache@${SHA}`,
      );
    expect(atSev(lint(on('release-v2.0.0')), RULE)).toEqual(['9:15 high']);
    expect(only(lint(on('releases/**')), RULE)[0]!.message).toContain('push to release branch `releases/**`');
    expect(at(lint(on('main')), RULE)).toEqual([]);
    expect(at(lint(on('prerelease-notes')), RULE)).toEqual([]);
  });

  // zizmor caching-opt-in-boolish-toggle, issue-642, ramsey-composer-install: more cache-aware actions.
  it('knows maturin sccache, setup-buildx binary caching and composer-install', () => {
    const findings = lint(
      release(
        `      - uses: PyO3/maturin-action@${SHA}`,
        '        with:',
        '          sccache: "true"',
        `      - uses: PyO3/maturin-action@${SHA}`,
        `      - uses: docker/setup-buildx-action@${SHA}`,
        '        with:',
        '          version: latest',
        `      - uses: docker/setup-buildx-action@${SHA}`,
        '        with: { version: latest, cache-binary: false }',
        `      - uses: docker/setup-buildx-action@${SHA}`,
        `      - uses: ramsey/composer-install@${SHA}`,
        `      - uses: ramsey/composer-install@${SHA}`,
        '        with:',
        '          ignore-cache: true',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['9:20 high', '13:20 high', '17:15 high']);
  });
});

describe('gha/dangerous-triggers: Scorecard Dangerous-Workflow cases', () => {
  const RULE = 'gha/dangerous-triggers';
  const checkout = (trigger: string, ref: string): string =>
    yaml(
      `on: ${trigger}`,
      'permissions: {}',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/Checkout@v2',
      '        with:',
      `          ref: ${ref}`,
      '      - run: npm install',
    );

  // Scorecard untrusted-checkout-index: the bracket spelling and any case name the same context.
  it('recognizes head refs written with index syntax or odd case', () => {
    expect(atSev(lint(checkout('pull_request_target', "${{ github.event['pull_request'].head.sha }}")), RULE)).toEqual([
      '1:5 medium',
      '9:16 critical',
    ]);
    expect(at(lint(checkout('pull_request_target', '${{ GitHub.Head_Ref }}')), RULE)).toEqual(['1:5', '9:16']);
    expect(at(lint(checkout('pull_request_target', '${{ github.event.pull_request.base.sha }}')), RULE)).toEqual([
      '1:5',
    ]);
  });

  // Scorecard untrusted-checkout-workflow_run: any ref derived from the triggering run is its head.
  it('treats any workflow_run data but its base and ids as the head', () => {
    expect(at(lint(checkout('workflow_run', '${{ github.event.workflow_run }}')), RULE)).toEqual(['1:5', '9:16']);
    expect(at(lint(checkout('workflow_run', '${{ github.event.workflow_run.head_commit.id }}')), RULE)).toEqual([
      '1:5',
      '9:16',
    ]);
    expect(
      at(lint(checkout('workflow_run', '${{ github.event.workflow_run.pull_requests[0].base.ref }}')), RULE),
    ).toEqual(['1:5']);
  });
});

describe('gha/curl-pipe-shell: poutine unverified_script_exec cases', () => {
  const RULE = 'gha/curl-pipe-shell';
  it('reports downloads made executable and deno -A of a URL; accepts commit-pinned GitHub raw URLs', () => {
    const PIN = '0123456789abcdef0123456789abcdef01234567';
    const findings = lint(
      yaml(
        ...HEAD,
        '    steps:',
        '      - run: |',
        '          curl -fsSLo tool https://dl.example/tool && chmod +x tool && ./tool',
        '          deno run -A https://dl.example/mod.ts',
        `          curl -fsSL https://raw.githubusercontent.com/acme/t/${PIN}/i.sh | bash`,
        '          curl -fsSLo tool https://dl.example/tool && sha256sum -c sums && chmod +x tool',
        '          curl -fsSL https://raw.githubusercontent.com/acme/t/main/i.sh | bash',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['8:11 medium', '9:11 medium', '12:11 medium']);
  });
});
