import { describe, expect, it } from 'vitest';
import { lint, of, places, yaml } from './helpers.js';

const RULE = 'gitlab-ci/unpinned-image';
const DIGEST = 'sha256:' + '0123456789abcdef'.repeat(4);

describe('gitlab-ci/unpinned-image', () => {
  it('reports tags and implicit latest in string and name: forms, default: and job level', async () => {
    const findings = await lint(
      yaml(
        'default:',
        '  image: ruby:3.3',
        'test:',
        '  image:',
        '    name: registry.example.com/tools/linter',
        '    entrypoint: [""]',
        '  services:',
        '    - postgres:17',
        '    - name: redis:7',
        '      alias: cache',
        '  script: [x]',
        'build:',
        '  script: [x]',
      ),
    );
    expect(places(findings, RULE)).toEqual([
      `${RULE} .gitlab-ci.yml:2:10 build`,
      `${RULE} .gitlab-ci.yml:5:11 test`,
      `${RULE} .gitlab-ci.yml:8:7 test`,
      `${RULE} .gitlab-ci.yml:9:13 test`,
    ]);
    const linter = of(findings, RULE).find((f) => f.message.includes('linter'));
    expect(linter?.message).toContain('implicit `latest`');
    expect(of(findings, RULE).find((f) => f.message.includes('ruby'))?.message).toContain(
      'Inherited from `default:` in .gitlab-ci.yml',
    );
  });

  it('does not report digest-pinned references, with or without a tag', async () => {
    const findings = await lint(
      yaml(
        'default:',
        `  image: ruby:3.3@${DIGEST}`,
        'test:',
        '  services:',
        `    - name: postgres@${DIGEST}`,
        '  script: [x]',
      ),
    );
    expect(of(findings, RULE)).toEqual([]);
  });

  it('expands variables the file sets, and skips names or tags it cannot know', async () => {
    const findings = await lint(
      yaml(
        'variables:',
        '  NODE_IMAGE: node:20',
        `  PINNED: alpine@${DIGEST}`,
        'a:',
        '  image: $NODE_IMAGE',
        '  script: [x]',
        'b:',
        '  image: ${PINNED}',
        '  script: [x]',
        'c:',
        '  image: $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA',
        '  script: [x]',
        'd:',
        '  image: ${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/node:20',
        '  script: [x]',
      ),
    );
    expect(places(findings, RULE)).toEqual([`${RULE} .gitlab-ci.yml:14:10 d`, `${RULE} .gitlab-ci.yml:5:10 a`]);
  });

  it('reports a job overriding a pinned default with a tag, and not the unused default', async () => {
    const findings = await lint(
      yaml('default:', `  image: ruby@${DIGEST}`, 'a:', '  image: ruby:3.3', '  script: [x]'),
    );
    expect(places(findings, RULE)).toEqual([`${RULE} .gitlab-ci.yml:4:10 a`]);
  });
});
