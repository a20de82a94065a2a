import { describe, expect, it } from 'vitest';
import { isUnsound } from '../../../../src/checks/hardening/github-actions/unsound-condition.js';
import { atSev, lint, only, yaml } from './helpers.js';

const RULE = 'gha/unsound-condition';

describe('isUnsound', () => {
  it('is true when text surrounds the fence', () => {
    expect(isUnsound('${{ a }}\n')).toBe(true);
    expect(isUnsound('${{ a }} && ${{ b }}')).toBe(true);
    expect(isUnsound(' ${{ a }}')).toBe(true);
    expect(isUnsound('${{ a }}')).toBe(false);
    expect(isUnsound("github.event_name == 'push'")).toBe(false);
  });
});

describe('gha/unsound-condition', () => {
  it('reports block scalars and mixed text on jobs and steps', () => {
    const findings = lint(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    if: |',
        "      ${{ github.actor == 'dependabot[bot]' }}",
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - if: >',
        "          ${{ github.ref == 'refs/heads/main' }}",
        '        run: deploy',
        "      - if: ${{ github.event_name == 'push' }} && ${{ github.ref == 'refs/heads/main' }}",
        '        run: deploy',
        '  b:',
        '    uses: ./.github/workflows/x.yml',
        '    if: |',
        '      ${{ false }}',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['4:9 high', '8:13 high', '11:13 high', '15:9 high']);
  });

  it('accepts bare expressions, |- blocks and booleans', () => {
    const findings = lint(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    if: |-',
        "      ${{ github.actor == 'x' }}",
        '    runs-on: ubuntu-latest',
        '    steps:',
        "      - if: github.ref == 'refs/heads/main'",
        '        run: a',
        "      - if: ${{ github.ref == 'refs/heads/main' }}",
        '        run: b',
        '      - if: false',
        '        run: c',
        '      - if: |',
        "          github.ref == 'refs/heads/main'",
        '        run: d',
      ),
    );
    expect(only(findings, RULE)).toEqual([]);
  });
});
