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
});
