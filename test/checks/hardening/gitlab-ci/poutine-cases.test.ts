import { describe, expect, it } from 'vitest';
import { lint, of, places, where, yaml } from './helpers.js';

/*
 * poutine's GitLab scanner expectations (scanner/inventory_test.go on its testdata/.gitlab-ci.yml), rewritten
 * as our own file: a component-style config with `spec:inputs`, a local include given inputs, an input
 * pasted into `default:before_script` through `| expand_vars` (poutine: injection at that line), and debug
 * logging switched on globally and in a job that extends a template (poutine: debug_enabled, no line).
 */
describe('poutine GitLab cases', () => {
  const main = yaml(
    'spec:',
    '  inputs:',
    '    app_name:',
    '    app_dir:',
    '      default: "apps/"',
    '---',
    'include:',
    "  - local: '/ci/common.yml'",
    '    inputs:',
    '      level: debug',
    'variables:',
    '  NODE_VERSION: "22"',
    "  CI_DEBUG_SERVICES: 'true'",
    'default:',
    '  image: node:22',
    '  before_script:',
    '    - cd $[[inputs.app_dir]]$[[ inputs.app_name | expand_vars ]]',
    '    - npm ci',
    '.matrix:',
    '  parallel:',
    '    matrix:',
    '      - NODE_VERSION: ["20", "22"]',
    'lint:',
    '  extends: .matrix',
    '  variables:',
    "    CI_DEBUG_TRACE: 'TRUE'",
    '  script:',
    '    - npm run lint',
  );
  const common = yaml('spec:', '  inputs:', '    level:', '---', 'test:', '  script: [npm test]');

  it('reports the expand_vars injection at its line and both debug switches at theirs', async () => {
    const findings = await lint(main, { 'ci/common.yml': common });
    // Written once in `default:`, reported for each job that inherits it (the report groups them). The plain
    // `$[[inputs.app_dir]]` is an injection point too, one poutine does not report.
    const injections = of(findings, 'gitlab-ci/script-injection')
      .map((f) => `${where(f)} ${f.severity}`)
      .sort();
    expect(injections).toEqual([
      'gitlab-ci/script-injection .gitlab-ci.yml:17:10 lint medium',
      'gitlab-ci/script-injection .gitlab-ci.yml:17:10 test medium',
      'gitlab-ci/script-injection .gitlab-ci.yml:17:29 lint high',
      'gitlab-ci/script-injection .gitlab-ci.yml:17:29 test high',
    ]);
    expect(places(findings, 'gitlab-ci/debug-trace')).toEqual([
      'gitlab-ci/debug-trace .gitlab-ci.yml:13:22 lint',
      'gitlab-ci/debug-trace .gitlab-ci.yml:13:22 test',
      'gitlab-ci/debug-trace .gitlab-ci.yml:26:21 lint',
    ]);
  });
});
