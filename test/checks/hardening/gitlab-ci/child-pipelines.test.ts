import { describe, expect, it } from 'vitest';
import { lint, places, where, yaml } from './helpers.js';

describe('child pipelines (trigger: include:)', () => {
  it('lints local child configurations as pipelines of their own, at their own lines', async () => {
    const findings = await lint(
      yaml(
        'docs:',
        '  trigger:',
        '    include: ci/docs.yml',
        'backend:',
        '  trigger:',
        '    include:',
        '      - local: /ci/services.yml',
        '      - artifact: generated.yml',
        '        job: generate',
        '    strategy: depend',
      ),
      {
        'ci/docs.yml': yaml(
          'build-docs:',
          '  services: [docker:dind]',
          `  image: alpine@sha256:${'1'.repeat(64)}`,
          '  script: [x]',
        ),
        'ci/services.yml': yaml(
          'api:',
          `  image: alpine@sha256:${'1'.repeat(64)}`,
          '  variables:',
          '    CI_DEBUG_TRACE: "true"',
          '  script: [x]',
        ),
      },
    );
    expect(findings.map(where).sort()).toEqual([
      'gitlab-ci/debug-trace ci/services.yml:4:21 api',
      'gitlab-ci/docker-in-docker ci/docs.yml:2:14 build-docs',
      'gitlab-ci/unpinned-image ci/docs.yml:2:14 build-docs',
    ]);
  });

  it('audits non-local child includes and reports a missing child file at the trigger', async () => {
    const findings = await lint(
      yaml(
        'child:',
        '  trigger:',
        '    include:',
        '      - project: group/pipelines',
        '        file: /child.yml',
        '      - local: ci/missing.yml',
      ),
    );
    expect(places(findings, 'gitlab-ci/unpinned-project-include')).toEqual([
      'gitlab-ci/unpinned-project-include .gitlab-ci.yml:4:18 include',
    ]);
    expect(places(findings, 'gitlab-ci/unresolvable-config')).toEqual([
      'gitlab-ci/unresolvable-config .gitlab-ci.yml:6:16 child',
    ]);
  });

  it('follows a child that triggers its parent only once', async () => {
    const findings = await lint(yaml('a:', '  trigger:', '    include: ci/b.yml'), {
      'ci/b.yml': yaml('b:', '  trigger:', '    include: .gitlab-ci.yml', 'c:', '  trigger:', '    include: ci/b.yml'),
    });
    expect(findings).toEqual([]);
  });
});
