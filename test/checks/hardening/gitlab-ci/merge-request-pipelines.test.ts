import { describe, expect, it } from 'vitest';
import { lint, of, places, yaml } from './helpers.js';

const RULE = 'gitlab-ci/merge-request-job-with-secrets';

describe('gitlab-ci/merge-request-job-with-secrets', () => {
  it('reports MR-pipeline jobs that deploy, read vault secrets, get id_tokens or use secret variables', async () => {
    const findings = await lint(
      yaml(
        'deploy-review:',
        '  rules:',
        '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"',
        '  environment: review/$CI_COMMIT_REF_SLUG',
        '  script: [./deploy]',
        'publish:',
        '  stage: publish',
        '  only: [merge_requests]',
        '  script: [npm publish]',
        'vault:',
        '  rules:',
        "    - if: '$CI_MERGE_REQUEST_IID'",
        '  secrets:',
        '    DB:',
        '      vault: prod/db/password@ops',
        '  script: [x]',
        'token:',
        '  only:',
        '    refs: [merge_requests]',
        '  script:',
        `    - 'curl -H "Authorization: Bearer $NPM_TOKEN" https://registry.npmjs.org/'`,
      ),
    );
    expect(places(findings, RULE)).toEqual([
      `${RULE} .gitlab-ci.yml:12:11 vault`,
      `${RULE} .gitlab-ci.yml:19:12 token`,
      `${RULE} .gitlab-ci.yml:3:11 deploy-review`,
      `${RULE} .gitlab-ci.yml:8:10 publish`,
    ]);
    const messages = of(findings, RULE).map((f) => f.message);
    expect(messages.some((m) => m.includes('deploys to environment `review/$CI_COMMIT_REF_SLUG`'))).toBe(true);
    expect(messages.some((m) => m.includes('uses `$NPM_TOKEN`'))).toBe(true);
  });

  it('reports a rule inherited from a template at the template', async () => {
    const findings = await lint(
      yaml(
        '.mr:',
        '  rules:',
        '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"',
        'deploy:',
        '  extends: .mr',
        '  environment:',
        '    name: staging',
        '  script: [./deploy]',
      ),
    );
    expect(places(findings, RULE)).toEqual([`${RULE} .gitlab-ci.yml:3:11 deploy`]);
  });

  it('follows rules and services built from !reference lists', async () => {
    const findings = await lint(
      yaml(
        '.mr-rules:',
        '  rules:',
        '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"',
        'deploy:',
        '  rules:',
        '    - !reference [.mr-rules, rules]',
        '  environment: staging',
        '  script: [./deploy]',
      ),
    );
    expect(places(findings, RULE)).toEqual([`${RULE} .gitlab-ci.yml:3:11 deploy`]);
  });

  it('does not report MR jobs without secrets, never-rules, negations, fork-excluding rules, or branch jobs', async () => {
    const findings = await lint(
      yaml(
        'test:',
        '  rules:',
        '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"',
        '  script: [make test]',
        'excluded:',
        '  rules:',
        '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"',
        '      when: never',
        '    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
        '  environment: production',
        '  script: [./deploy]',
        'not-mr:',
        '  rules:',
        '    - if: $CI_PIPELINE_SOURCE != "merge_request_event"',
        '  environment: production',
        '  script: [./deploy]',
        'same-project:',
        '  rules:',
        '    - if: $CI_PIPELINE_SOURCE == "merge_request_event" && $CI_MERGE_REQUEST_SOURCE_PROJECT_ID == $CI_PROJECT_ID',
        '  environment: review',
        '  script: [./deploy]',
        'stop-review:',
        '  rules:',
        '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"',
        '  environment:',
        '    name: review',
        '    action: stop',
        '  script: [./teardown]',
        'main-deploy:',
        '  environment: production',
        '  script: [./deploy "$DEPLOY_TOKEN"]',
        'uses-job-token:',
        '  only: [merge_requests]',
        `  script: ['curl --header "JOB-TOKEN: $CI_JOB_TOKEN" x']`,
      ),
    );
    expect(of(findings, RULE)).toEqual([]);
  });

  // Issue #14: a merge request job that names no credential must not block.
  it('rates a deploy that names no credential medium, and does not take CACHE_KEY or *_KEY_PATH for secrets', async () => {
    const findings = await lint(
      yaml(
        'review:',
        '  rules:',
        '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"',
        '  environment: review/$CI_COMMIT_REF_SLUG',
        '  script: [./deploy-review]',
        'build:',
        '  rules:',
        '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"',
        '  script:',
        '    - echo "$CACHE_KEY" "$SSH_KEY_PATH"',
        'push:',
        '  rules:',
        '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"',
        '  environment: review',
        '  script: [\'docker login -p "$REGISTRY_PASSWORD" r.example\']',
      ),
    );
    expect(
      of(findings, RULE).map(
        (f) => `${f.location && 'startLine' in f.location ? f.location.startLine : ''} ${f.severity}`,
      ),
    ).toEqual(['3 medium', '13 high']);
    expect(of(findings, RULE)[0]!.message).toContain('names no credential');
  });
});
