import { describe, expect, it } from 'vitest';
import { atSev, lint, yaml } from './helpers.js';

const RULE = 'gha/unpinned-uses';
const SHA = '08eba0b27e820071cde6df949e0beb9ba4906955';

describe('gha/unpinned-uses severity when the code is handed secrets', () => {
  it('is high for a movable reference that gets secrets through with:, env: or secrets:, medium otherwise', () => {
    const text = yaml(
      'on: push',
      'permissions: {}',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: acme/deploy@v2',
      '        with:',
      '          token: ${{ secrets.DEPLOY_TOKEN }}',
      '      - uses: acme/notify@v1',
      '        env:',
      '          SLACK_WEBHOOK: ${{ secrets.SLACK_WEBHOOK }}',
      '      - uses: acme/lint@v3',
      '        with:',
      '          strict: true',
      `      - uses: acme/pinned@${SHA}`,
      '        with:',
      '          token: ${{ secrets.DEPLOY_TOKEN }}',
      '  call:',
      '    uses: org/shared/.github/workflows/release.yml@v1',
      '    secrets: inherit',
      '  call2:',
      '    uses: org/shared/.github/workflows/build.yml@v1',
    );
    expect(atSev(lint(text), RULE)).toEqual(['7:15 high', '10:15 high', '13:15 medium', '20:11 high', '23:11 medium']);
    const deploy = lint(text).find((f) => f.ruleId === RULE)!;
    expect(deploy.message).toContain('handed secrets');
  });
});
