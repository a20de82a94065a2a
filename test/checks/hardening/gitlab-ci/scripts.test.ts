import { describe, expect, it } from 'vitest';
import { isReparsed, remoteExecutions, variableUses } from '../../../../src/checks/hardening/gitlab-ci/scripts.js';
import { lint, of, places, yaml } from './helpers.js';

const CURL = 'gitlab-ci/curl-pipe-shell';
const INJECTION = 'gitlab-ci/script-injection';
const UNQUOTED = 'gitlab-ci/unquoted-untrusted-variable';

describe('remoteExecutions', () => {
  it.each([
    'curl -sSL https://get.example.com | sh',
    'curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -E bash -',
    'wget -qO- https://example.com/i.sh | bash -s -- --yes',
    'curl https://x | tee /tmp/log | sh',
    'curl -s https://x | python3 -',
    'curl -s https://x | /bin/bash',
    'sh -c "$(curl -fsSL https://raw.example.com/install.sh)"',
    'bash -c "$(wget -qO- https://x)"',
    'eval "$(curl -s https://x)"',
    'source <(curl -s https://x)',
    'bash <(curl -s https://x)',
  ])('finds %s', (line) => {
    expect(remoteExecutions(line)).toHaveLength(1);
  });

  it.each([
    'curl -fsSLo install.sh https://x && sha256sum -c sums && sh install.sh',
    'curl -s https://api.example.com | python3 -m json.tool',
    'curl -s https://api.example.com | jq .',
    'curl -fsSL https://x.gpg | sudo tee /etc/apt/keyrings/x.gpg',
    'echo curl | sh',
  ])('ignores %s', (line) => {
    expect(remoteExecutions(line)).toEqual([]);
  });
});

describe('variableUses', () => {
  it('tracks quoting, escapes and comments', () => {
    const uses = variableUses(`echo $A "$B" '$C' \\$D \${E:-x} # $F\necho "\${G}"`);
    expect(uses.map((u) => `${u.name}:${u.quote}`)).toEqual(['A:none', 'B:double', 'E:none', 'G:double']);
  });

  it('reads here-documents as expanded but unsplit, or not expanded when the delimiter is quoted', () => {
    const script = [
      'cat <<EOF > notes.md # $COMMENTED',
      'Title: $A',
      'EOF',
      "cat <<-'RAW'",
      '\t$B',
      '\tRAW',
      'echo $C',
    ].join('\n');
    expect(variableUses(script).map((u) => `${u.name}:${u.quote}`)).toEqual(['A:double', 'C:none']);
  });

  it('knows which commands parse their argument again', () => {
    expect(isReparsed('eval "echo ')).toBe(true);
    expect(isReparsed('bash -c "echo ')).toBe(true);
    expect(isReparsed('sh -ec "echo ')).toBe(true);
    expect(isReparsed('python3 -c "print(')).toBe(true);
    expect(isReparsed('echo "run sh -c later" ')).toBe(true);
    expect(isReparsed('echo ')).toBe(false);
    expect(isReparsed('evaluate ')).toBe(false);
  });
});

describe('gitlab-ci/curl-pipe-shell', () => {
  it('reports in script, before_script, after_script and hooks, at the curl/wget word', async () => {
    const findings = await lint(
      yaml(
        'default:',
        '  before_script:',
        '    - wget -qO- https://example.com/setup | sh',
        'job:',
        '  hooks:',
        '    pre_get_sources_script:',
        '      - curl -s https://x | bash',
        '  script:',
        '    - |',
        '      echo start',
        '      curl -fsSL \\',
        '        https://get.example.com | sudo sh',
        '  after_script:',
        '    - echo done && eval "$(curl -s https://x)"',
      ),
    );
    expect(places(findings, CURL)).toEqual([
      `${CURL} .gitlab-ci.yml:11:7 job`,
      `${CURL} .gitlab-ci.yml:14:28 job`,
      `${CURL} .gitlab-ci.yml:3:7 job`,
      `${CURL} .gitlab-ci.yml:7:9 job`,
    ]);
  });

  it('does not report a verified download', async () => {
    const findings = await lint(
      yaml(
        'job:',
        '  script:',
        '    - curl -fsSLo install.sh https://example.com/install-1.4.2.sh',
        '    - echo "3b0c7e  install.sh" | sha256sum -c -',
        '    - sh install.sh',
      ),
    );
    expect(of(findings, CURL)).toEqual([]);
  });
});

describe('gitlab-ci/script-injection and gitlab-ci/unquoted-untrusted-variable', () => {
  it('reports untrusted variables in eval / sh -c, and unquoted ones, at the variable', async () => {
    const findings = await lint(
      yaml(
        'job:',
        '  script:',
        '    - eval "echo $CI_COMMIT_MESSAGE"',
        `    - sh -c "git checkout \${CI_MERGE_REQUEST_SOURCE_BRANCH_NAME}"`,
        '    - echo $CI_MERGE_REQUEST_TITLE',
        '    - |',
        '      git tag -a v1 -m "$CI_COMMIT_TAG_MESSAGE"',
        '      ./notify $CI_COMMIT_TITLE',
      ),
    );
    expect(places(findings, INJECTION)).toEqual([
      `${INJECTION} .gitlab-ci.yml:3:18 job`,
      `${INJECTION} .gitlab-ci.yml:4:27 job`,
    ]);
    expect(places(findings, UNQUOTED)).toEqual([
      `${UNQUOTED} .gitlab-ci.yml:5:12 job`,
      `${UNQUOTED} .gitlab-ci.yml:8:16 job`,
    ]);
  });

  it('does not report quoted, single-quoted, assigned, [[ ]] or trusted uses', async () => {
    const findings = await lint(
      yaml(
        'job:',
        '  script:',
        '    - echo "$CI_COMMIT_MESSAGE"',
        `    - sh -c 'echo "$CI_COMMIT_MESSAGE"'`,
        '    - TITLE=$CI_MERGE_REQUEST_TITLE',
        '    - export A=1 BRANCH=$CI_COMMIT_BRANCH',
        '    - if [[ $CI_COMMIT_BRANCH == main ]]; then echo ok; fi',
        '    - echo $CI_COMMIT_SHA $CI_COMMIT_REF_SLUG',
        '    - echo \\$CI_COMMIT_TITLE',
        '    - git checkout $CI_COMMIT_BRANCH && git tag $CI_COMMIT_TAG',
      ),
    );
    expect(of(findings, INJECTION)).toEqual([]);
    expect(of(findings, UNQUOTED)).toEqual([]);
  });

  it('reports $[[ inputs ]] in scripts unless the input is constrained', async () => {
    const findings = await lint(
      yaml(
        'spec:',
        '  inputs:',
        '    message:',
        '      default: hello',
        '    env:',
        '      options: [staging, production]',
        '    dry_run:',
        '      type: boolean',
        '    version:',
        '      regex: ^v\\d+\\.\\d+$',
        '---',
        'job:',
        '  variables:',
        '    MESSAGE: $[[ inputs.message ]]',
        '  script:',
        '    - echo "$[[ inputs.message | expand_vars ]]"',
        '    - ./deploy --env $[[ inputs.env ]] --dry-run=$[[ inputs.dry_run ]] $[[ inputs.version ]]',
        '    - echo "$MESSAGE"',
      ),
    );
    expect(places(findings, INJECTION)).toEqual([`${INJECTION} .gitlab-ci.yml:16:13 job`]);
  });

  it('reports an input used in a template of an included file, at that file', async () => {
    const findings = await lint(
      yaml('include:', '  - local: ci/t.yml', '    inputs:', '      name: x', 'job:', '  extends: .t'),
      {
        'ci/t.yml': yaml('spec:', '  inputs:', '    name:', '---', '.t:', '  script:', '    - echo $[[ inputs.name ]]'),
      },
    );
    expect(places(findings, INJECTION)).toEqual([`${INJECTION} ci/t.yml:7:12 job`]);
    expect(of(findings, INJECTION)[0]?.message).toContain('(Inherited from `.t` in ci/t.yml.)');
  });
});

// Issue #14: a script downloaded with wget on one line and executed on a later line of the same job.
describe('gitlab-ci/curl-pipe-shell: download now, run later', () => {
  it('reports the execution line, unless a checksum tool checked the file in between', async () => {
    const findings = await lint(
      yaml(
        'install:',
        '  before_script:',
        '    - wget -O /tmp/setup.sh https://example.com/setup.sh',
        '  script:',
        '    - bash /tmp/setup.sh',
        'verified:',
        '  script:',
        '    - curl -fsSLO https://example.com/get.sh',
        '    - sha256sum -c get.sh.sha256',
        '    - sh ./get.sh',
      ),
    );
    expect(places(findings, CURL)).toEqual([`${CURL} .gitlab-ci.yml:5:12 install`]);
  });
});
