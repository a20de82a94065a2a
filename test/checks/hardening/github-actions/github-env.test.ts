import { describe, expect, it } from 'vitest';
import { atSev, lint, only, yaml } from './helpers.js';

const RULE = 'gha/github-env';

describe('gha/github-env', () => {
  it('reports writes to GITHUB_ENV / GITHUB_PATH in privileged workflows, at the variable', () => {
    const findings = lint(
      yaml(
        'on: workflow_run',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: |',
        '          echo "setting"',
        '          echo "VERSION=$(cat artifact/version)" >> "$GITHUB_ENV"',
        '          echo "$PWD/bin" | tee -a $GITHUB_PATH',
        '      - shell: pwsh',
        '        run: Add-Content -Path $env:GITHUB_ENV -Value "X=1"',
        '      - run: echo "x" > ${GITHUB_OUTPUT}',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['8:55 high', '9:37 high', '11:37 high']);
  });

  it('reports attacker-controlled data written to GITHUB_ENV in any workflow', () => {
    const findings = lint(
      yaml(
        'on: pull_request',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: echo "BRANCH=${{ github.head_ref }}" >> $GITHUB_ENV',
        '      - run: echo "SHA=${{ github.sha }}" >> $GITHUB_ENV',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['6:55 high']);
    expect(only(findings, RULE)[0]!.message).toContain('github.head_ref');
  });

  it('ignores comments and unrelated mentions', () => {
    const findings = lint(
      yaml(
        'on: pull_request_target',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: |',
        '          # echo X=1 >> $GITHUB_ENV',
        '          cat "$GITHUB_ENV"',
      ),
    );
    expect(only(findings, RULE)).toEqual([]);
  });
});
