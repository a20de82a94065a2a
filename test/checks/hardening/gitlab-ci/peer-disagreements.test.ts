import { describe, expect, it } from 'vitest';
import { remoteExecutions } from '../../../../src/checks/hardening/gitlab-ci/scripts.js';
import { lint, of, places, yaml } from './helpers.js';

/*
 * Shapes where poutine's GitLab rules (opa/rego/rules/*.rego, scanner/testdata/.gitlab-ci.yml) and this linter
 * disagreed; each is written for the purpose, and the expectation follows GitLab's documentation.
 */

const INJECTION = 'gitlab-ci/script-injection';
const CURL = 'gitlab-ci/curl-pipe-shell';

describe('gitlab-ci/script-injection: peer cases', () => {
  // poutine injection.rego reports only `| expand_vars` inputs: with it, `$CI_MERGE_REQUEST_TITLE` and other
  // variables named in the value are expanded, so any merge request author writes the script. Without it,
  // only whoever sets the input does: still code injection, reported medium.
  it('rates expand_vars inputs high and plain string inputs medium', async () => {
    const findings = await lint(
      yaml(
        'spec:',
        '  inputs:',
        '    gem_name:',
        '    prefix:',
        '      default: gems/',
        '---',
        'build:',
        '  script:',
        '    - cd $[[ inputs.prefix ]]$[[ inputs.gem_name | expand_vars ]]',
      ),
    );
    expect(places(findings, INJECTION)).toEqual([
      `${INJECTION} .gitlab-ci.yml:9:10 build`,
      `${INJECTION} .gitlab-ci.yml:9:30 build`,
    ]);
    expect(of(findings, INJECTION).map((f) => f.severity)).toEqual(['medium', 'high']);
    expect(of(findings, INJECTION)[1]!.message).toContain('`expand_vars` also pastes the CI/CD variables');
  });
});

describe('gitlab-ci/curl-pipe-shell: peer cases (poutine unverified_script_exec)', () => {
  it.each([
    ['curl -fsSLo tool https://x.example/tool && chmod +x tool && ./tool', 'curl'],
    ['wget -O /usr/local/bin/tool https://x.example/tool; chmod 755 /usr/local/bin/tool', 'wget'],
    ['deno run -A https://x.example/mod.ts', 'deno'],
    ['deno run --allow-net --allow-all https://x.example/mod.ts', 'deno'],
  ])('finds %s', (line, tool) => {
    expect(remoteExecutions(line).map((r) => r.tool)).toEqual([tool]);
  });

  it.each([
    'curl -fsSL https://raw.githubusercontent.com/acme/tools/0123456789abcdef0123456789abcdef01234567/install.sh | sh',
    'curl -fsSLo tool https://x.example/tool && sha256sum -c tool.sha256 && chmod +x tool',
    'curl -fsSLo tool https://github.com/acme/tools/raw/0123456789abcdef0123456789abcdef01234567/tool && chmod +x tool',
    'deno run https://x.example/mod.ts',
    'chmod +x ./build.sh && curl -s https://api.example.com',
  ])('accepts %s', (line) => {
    expect(remoteExecutions(line)).toEqual([]);
  });

  it('locates a download made executable in a job script', async () => {
    const findings = await lint(
      yaml('job:', '  script:', '    - echo start', '    - curl -Lo k https://dl.example/k && chmod +x k && ./k'),
    );
    expect(places(findings, CURL)).toEqual([`${CURL} .gitlab-ci.yml:4:7 job`]);
  });
});
