import { describe, expect, it } from 'vitest';
import { atSev, lint, only, yaml } from './helpers.js';

const RULE = 'gha/cache-poisoning';
const SHA = '08eba0b27e820071cde6df949e0beb9ba4906955';

const STEPS = [
  `      - uses: actions/cache@${SHA}`,
  '        with: { path: ~/.npm, key: npm }',
  `      - uses: actions/setup-node@${SHA}`,
  '        with:',
  '          cache: npm',
  `      - uses: actions/setup-node@${SHA} # v4.4.0: no automatic caching before v5`,
  `      - uses: actions/setup-go@${SHA} # v5`,
  `      - uses: actions/setup-go@${SHA}`,
  '        with: { cache: false }',
  `      - uses: astral-sh/setup-uv@${SHA}`,
  `      - uses: Swatinem/rust-cache@${SHA}`,
  `      - uses: docker/build-push-action@${SHA}`,
  '        with:',
  '          cache-from: type=gha',
];

describe('gha/cache-poisoning', () => {
  it('reports cache restores in tag-triggered release workflows', () => {
    const findings = lint(
      yaml(
        'on:',
        '  push:',
        '    tags: ["v*"]',
        'jobs:',
        '  release:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        ...STEPS,
      ),
    );
    expect(atSev(findings, RULE)).toEqual([
      '8:15 high',
      '12:18 high',
      '14:15 high',
      '17:15 high',
      '18:15 high',
      '21:23 high',
    ]);
  });

  it('reports workflows that publish, even without a release trigger', () => {
    const findings = lint(
      yaml(
        'on: workflow_dispatch',
        'jobs:',
        '  publish:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: actions/setup-python@${SHA}`,
        '        with: { cache: pip }',
        '      - run: |',
        '          python -m build',
        '          twine upload dist/*',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['7:24 high']);
  });

  it('reports release: triggers', () => {
    const findings = lint(
      yaml(
        'on:',
        '  release:',
        '    types: [published]',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    steps:',
        `      - uses: actions/cache/restore@${SHA}`,
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['8:15 high']);
  });

  it('does not report caches in ordinary CI workflows', () => {
    const findings = lint(
      yaml(
        'on: [push, pull_request]',
        'jobs:',
        '  test:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        ...STEPS,
        '      - run: npm test',
      ),
    );
    expect(only(findings, RULE)).toEqual([]);
  });

  it('detects Maven and Gradle publishing goals anywhere on the command line', () => {
    const wf = (cmd: string): string =>
      yaml(
        'on: workflow_dispatch',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    steps:',
        `      - uses: actions/cache@${SHA}`,
        `      - run: ${cmd}`,
      );
    expect(atSev(lint(wf('./mvnw -B -DskipTests clean deploy')), RULE)).toEqual(['6:15 high']);
    expect(atSev(lint(wf('./gradlew build publishToSonatype')), RULE)).toEqual(['6:15 high']);
    expect(only(lint(wf('./gradlew build test')), RULE)).toEqual([]);
    expect(only(lint(wf('echo deploy later')), RULE)).toEqual([]);
  });

  // zizmor caching-opt-out / trigger-heuristics cases, rewritten: opt-outs and expressions decided for a tag run.
  it('honours opt-outs and decides tag-only expressions as a tag push would', () => {
    const wf = (on: string[], ...steps: string[]): string =>
      yaml(...on, 'jobs:', '  release:', '    runs-on: x', '    steps:', ...steps);
    const tags = ['on:', '  push:', '    branches: [main]', '    tags: ["*"]'];
    const maturin = (sccache: string): string[] => [
      `      - uses: PyO3/maturin-action@${SHA} # v1.51.0`,
      `        with: { sccache: "${sccache}" }`,
    ];
    expect(
      only(
        lint(wf(['on: release'], `      - uses: Swatinem/rust-cache@${SHA}`, '        with: { lookup-only: true }')),
        RULE,
      ),
    ).toEqual([]);
    expect(
      only(
        lint(wf(['on: release'], `      - uses: actions/cache@${SHA}`, '        with: { lookup-only: "True" }')),
        RULE,
      ),
    ).toEqual([]);
    expect(only(lint(wf(['on: release'], `      - uses: actions/cache/save@${SHA}`)), RULE)).toEqual([]);
    expect(
      only(
        lint(wf(['on: release'], `      - uses: oven-sh/setup-bun@${SHA}`, '        with: { no-cache: true }')),
        RULE,
      ),
    ).toEqual([]);
    expect(atSev(lint(wf(['on: release'], `      - uses: oven-sh/setup-bun@${SHA}`)), RULE)).toEqual(['6:15 high']);
    expect(atSev(lint(wf(['on: release'], `      - uses: jdx/mise-action@${SHA}`)), RULE)).toEqual(['6:15 high']);
    expect(
      only(lint(wf(['on: release'], `      - uses: jdx/mise-action@${SHA}`, '        with: { cache: false }')), RULE),
    ).toEqual([]);
    expect(atSev(lint(wf(['on: release'], ...maturin('true'))), RULE)).toEqual(['7:26 high']);
    // Not a tag push: caching is off in the release run.
    const notTag = "${{ !startsWith(github.ref, 'refs/tags/') }}";
    const notTagPush = "${{ !(github.event_name == 'push' && github.ref_type == 'tag') }}";
    expect(only(lint(wf(tags, ...maturin(notTag), ...maturin(notTagPush))), RULE)).toEqual([]);
    // On for tag pushes, or undecidable because a release branch also publishes: reported.
    expect(atSev(lint(wf(tags, ...maturin("${{ startsWith(github.ref, 'refs/tags/') }}"))), RULE)).toEqual([
      '10:26 high',
    ]);
    const branchToo = ['on:', '  push:', '    branches: [release]', '    tags: ["*"]'];
    expect(atSev(lint(wf(branchToo, ...maturin(notTag))), RULE)).toEqual(['10:26 high']);
    expect(atSev(lint(wf(['on: release'], ...maturin('${{ inputs.cache }}'))), RULE)).toEqual(['7:26 high']);
  });

  it('counts setup-uv v10+ as caching only with enable-cache: true', () => {
    const wf = (...steps: string[]): string =>
      yaml('on: release', 'jobs:', '  a:', '    runs-on: x', '    steps:', ...steps);
    expect(only(lint(wf(`      - uses: astral-sh/setup-uv@${SHA} # v10.0.0`)), RULE)).toEqual([]);
    expect(
      atSev(
        lint(wf(`      - uses: astral-sh/setup-uv@${SHA} # v10.0.0`, '        with: { enable-cache: true }')),
        RULE,
      ),
    ).toEqual(['7:31 high']);
    expect(atSev(lint(wf(`      - uses: astral-sh/setup-uv@${SHA} # v6.7.0`)), RULE)).toEqual(['6:15 high']);
  });

  it('scopes a publishing step to its own job', () => {
    const findings = lint(
      yaml(
        'on: push',
        'jobs:',
        '  test:',
        '    runs-on: x',
        '    steps:',
        `      - uses: actions/cache@${SHA}`,
        '  publish:',
        '    runs-on: x',
        '    steps:',
        `      - uses: actions/setup-python@${SHA}`,
        '        with: { cache: pip }',
        `      - uses: pypa/gh-action-pypi-publish@${SHA}`,
        `      - uses: docker/build-push-action@${SHA}`,
        '        with: { cache-from: type=gha }',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['11:24 high', '14:29 high']);
    // build-push-action pushes only with `push: true` (its default is false).
    const local = yaml(
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: x',
      '    steps:',
      `      - uses: docker/setup-buildx-action@${SHA}`,
      '        with: { version: latest }',
      `      - uses: docker/build-push-action@${SHA}`,
    );
    expect(only(lint(local), RULE)).toEqual([]);
    expect(
      atSev(
        lint(local.replace(`build-push-action@${SHA}`, `build-push-action@${SHA}\n        with: { push: true }`)),
        RULE,
      ),
    ).toEqual(['7:26 high']);
  });
});
