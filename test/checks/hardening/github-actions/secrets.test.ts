import { describe, expect, it } from 'vitest';
import { atSev, lint, only, yaml } from './helpers.js';

describe('gha/secrets-inherit', () => {
  const RULE = 'gha/secrets-inherit';
  it('reports secrets: inherit on reusable workflow calls', () => {
    const findings = lint(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    uses: ./.github/workflows/deploy.yml',
        '    secrets: inherit',
        '  b:',
        '    uses: ./.github/workflows/deploy.yml',
        '    secrets:',
        '      TOKEN: ${{ secrets.TOKEN }}',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['5:14 medium']);
  });
});

describe('gha/overprovisioned-secrets', () => {
  const RULE = 'gha/overprovisioned-secrets';
  it('reports toJSON(secrets) and computed secret indices anywhere', () => {
    const findings = lint(
      yaml(
        'on: push',
        'env:',
        '  ALL: ${{ toJSON(secrets) }}',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: |',
        '          echo start',
        "          echo '${{ tojson( secrets ) }}' | jq .",
        '        env:',
        '          ONE: ${{ secrets[inputs.name] }}',
        '          FINE: ${{ secrets.TOKEN }}',
        "          ALSO_FINE: ${{ secrets['TOKEN'] }}",
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['3:8 medium', '10:17 medium', '12:16 medium']);
    expect(only(findings, RULE)[2]!.location).toMatchObject({ object: 'a' });
    // The region is the whole expression, not only its `${{`.
    expect(only(findings, RULE)[0]!.location).toMatchObject({
      endLine: 3,
      endColumn: 8 + '${{ toJSON(secrets) }}'.length,
    });
  });
});

describe('gha/hardcoded-container-credentials', () => {
  const RULE = 'gha/hardcoded-container-credentials';
  it('reports literal passwords of containers and services, not expressions', () => {
    const findings = lint(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    container:',
        '      image: ghcr.io/acme/x:1',
        '      credentials:',
        '        username: bot',
        '        password: hunter2',
        '    services:',
        '      db:',
        '        image: ghcr.io/acme/db:1',
        '        credentials:',
        '          username: bot',
        '          password: pw-${{ secrets.SUFFIX }}',
        '      ok:',
        '        image: ghcr.io/acme/db:1',
        '        credentials: { username: bot, password: "${{ secrets.REGISTRY }}" }',
        '    steps: []',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['9:19 high', '15:21 high']);
  });
});

describe('gha/insecure-commands', () => {
  const RULE = 'gha/insecure-commands';
  it('reports ACTIONS_ALLOW_UNSECURE_COMMANDS in env blocks and scripts unless false', () => {
    const findings = lint(
      yaml(
        'on: push',
        'env:',
        '  ACTIONS_ALLOW_UNSECURE_COMMANDS: true',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    env: { ACTIONS_ALLOW_UNSECURE_COMMANDS: "false" }',
        '    steps:',
        '      - run: echo hi',
        '        env:',
        '          ACTIONS_ALLOW_UNSECURE_COMMANDS: 1',
        '      - run: |',
        '          echo "ACTIONS_ALLOW_UNSECURE_COMMANDS=true" >> $GITHUB_ENV',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['3:3 high', '11:11 high', '13:17 high']);
  });
});
