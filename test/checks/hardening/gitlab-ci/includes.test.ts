import { describe, expect, it } from 'vitest';
import { lint, of, places, yaml } from './helpers.js';

const REMOTE = 'gitlab-ci/remote-include-without-integrity';
const PROJECT = 'gitlab-ci/unpinned-project-include';
const COMPONENT = 'gitlab-ci/unpinned-component';
const EXTERNAL = 'gitlab-ci/external-include-not-checked';
const SHA = '787123b47f14b552955ca2786bc9542ae66fee5b';

describe('gitlab-ci/remote-include-without-integrity', () => {
  it('reports bare URLs and remote: entries without a valid integrity', async () => {
    const findings = await lint(
      yaml(
        'include:',
        '  - https://example.com/a.yml',
        '  - remote: https://example.com/b.yml',
        '  - remote: https://example.com/c.yml',
        '    integrity: md5-abc',
      ),
    );
    expect(places(findings, REMOTE)).toEqual([
      `${REMOTE} .gitlab-ci.yml:2:5 include`,
      `${REMOTE} .gitlab-ci.yml:3:13 include`,
      `${REMOTE} .gitlab-ci.yml:4:13 include`,
    ]);
    expect(of(findings, REMOTE)[0]?.severity).toBe('high');
  });

  it('accepts a sha256 integrity, and also checks includes written in included files', async () => {
    const findings = await lint(
      yaml(
        'include:',
        '  - remote: https://example.com/b.yml',
        '    integrity: sha256-L3/GAoKaw0Arw6hDCKeKQlV1QPEgHYxGBHsH4zG1IY8=',
        '  - local: ci/more.yml',
      ),
      { 'ci/more.yml': yaml("include: 'https://example.com/nested.yml'") },
    );
    expect(places(findings, REMOTE)).toEqual([`${REMOTE} ci/more.yml:1:10 include`]);
  });
});

describe('gitlab-ci/unpinned-project-include', () => {
  it('reports a missing ref at the project line and a branch or tag ref at the ref line', async () => {
    const findings = await lint(
      yaml(
        'include:',
        '  - project: my-group/templates',
        '    file: /build.yml',
        '  - project: my-group/templates',
        '    ref: v1.0.0',
        '    file: [/a.yml, /b.yml]',
        '  - project: my-group/templates',
        '    ref: 787123b4',
        '    file: /c.yml',
      ),
    );
    expect(places(findings, PROJECT)).toEqual([
      `${PROJECT} .gitlab-ci.yml:2:14 include`,
      `${PROJECT} .gitlab-ci.yml:5:10 include`,
      `${PROJECT} .gitlab-ci.yml:8:10 include`,
    ]);
  });

  it('accepts a full 40-character SHA', async () => {
    const findings = await lint(
      yaml('include:', '  - project: my-group/templates', `    ref: ${SHA}`, '    file: /build.yml'),
    );
    expect(of(findings, PROJECT)).toEqual([]);
  });
});

describe('gitlab-ci/unpinned-component', () => {
  it('reports ~latest, branches, partial versions and missing versions', async () => {
    const findings = await lint(
      yaml(
        'include:',
        '  - component: $CI_SERVER_FQDN/org/sec/secret-detection@~latest',
        '  - component: gitlab.com/org/sec/sast@main',
        '  - component: gitlab.com/org/sec/deps@1.2',
        '  - component: gitlab.com/org/sec/lint',
      ),
    );
    expect(places(findings, COMPONENT)).toEqual([
      `${COMPONENT} .gitlab-ci.yml:2:16 include`,
      `${COMPONENT} .gitlab-ci.yml:3:16 include`,
      `${COMPONENT} .gitlab-ci.yml:4:16 include`,
      `${COMPONENT} .gitlab-ci.yml:5:16 include`,
    ]);
  });

  it('accepts exact versions and commit SHAs', async () => {
    const findings = await lint(
      yaml(
        'include:',
        '  - component: $CI_SERVER_FQDN/org/sec/secret-detection@1.4.2',
        `  - component: gitlab.com/org/sec/sast@${SHA}`,
        '  - component: gitlab.com/org/sec/deps@2.0.0-rc.1',
      ),
    );
    expect(of(findings, COMPONENT)).toEqual([]);
  });
});

describe('gitlab-ci/external-include-not-checked', () => {
  it('lists every non-local include as info, and no local one', async () => {
    const findings = await lint(
      yaml(
        'include:',
        '  - local: ci/a.yml',
        '  - template: Auto-DevOps.gitlab-ci.yml',
        `  - component: gitlab.com/org/c@${SHA}`,
        `  - project: g/p`,
        `    ref: ${SHA}`,
        '    file: /x.yml',
      ),
      { 'ci/a.yml': yaml('a:', '  script: [x]') },
    );
    expect(places(findings, EXTERNAL)).toEqual([
      `${EXTERNAL} .gitlab-ci.yml:3:15 include`,
      `${EXTERNAL} .gitlab-ci.yml:4:16 include`,
      `${EXTERNAL} .gitlab-ci.yml:5:14 include`,
    ]);
    expect(of(findings, EXTERNAL).every((f) => f.severity === 'info')).toBe(true);
    expect(findings.filter((f) => f.ruleId !== EXTERNAL)).toEqual([]);
  });
});
