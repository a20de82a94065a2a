import { describe, expect, it } from 'vitest';
import { lint, where, yaml } from './helpers.js';

const DIGEST = 'sha256:' + '9f'.repeat(32);

/** A pipeline shaped like the ones teams write: includes, templates, anchors, references, review apps. */
const MAIN = yaml(
  'include:', //                                                        1
  '  - local: /.gitlab/ci/*.yml', //                                    2
  '  - template: Jobs/SAST.gitlab-ci.yml', //                           3
  '', //                                                                4
  'stages: [build, test, review, deploy]', //                           5
  '', //                                                                6
  'variables:', //                                                      7
  '  DOCKER_TLS_CERTDIR: "/certs"', //                                  8
  '  IMAGE: $CI_REGISTRY_IMAGE:$CI_COMMIT_SHA', //                      9
  '', //                                                               10
  'default:', //                                                       11
  `  image: node:20.18-bookworm@${DIGEST}`, //                         12
  '', //                                                               13
  '.node-cache: &node-cache', //                                       14
  '  cache:', //                                                       15
  '    key: $CI_COMMIT_REF_SLUG', //                                   16
  '    paths: [node_modules/]', //                                     17
  '', //                                                               18
  'build-image:', //                                                   19
  '  extends: .docker-build', //                                       20
  '  stage: build', //                                                 21
  '', //                                                               22
  'unit-tests:', //                                                    23
  '  <<: *node-cache', //                                              24
  '  stage: test', //                                                  25
  '  rules:', //                                                       26
  '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"', //         27
  '    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH', //              28
  '  script:', //                                                      29
  '    - npm ci', //                                                   30
  '    - npm test', //                                                 31
  '', //                                                               32
  'review-app:', //                                                    33
  '  extends: .deploy', //                                             34
  '  stage: review', //                                                35
  '  rules:', //                                                       36
  '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"', //         37
  '  environment:', //                                                 38
  '    name: review/$CI_COMMIT_REF_SLUG', //                           39
  '  script:', //                                                      40
  '    - !reference [.kube-login, script]', //                         41
  '    - helm upgrade --install "review-$CI_COMMIT_REF_SLUG" chart/ --set title=$CI_MERGE_REQUEST_TITLE', // 42
  '', //                                                               43
  'production:', //                                                    44
  '  extends: .deploy', //                                             45
  '  stage: deploy', //                                                46
  '  environment: production', //                                      47
  '  rules:', //                                                       48
  '    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH', //              49
  '      when: manual', //                                             50
);

const DOCKER = yaml(
  '.docker-build:', //                                                  1
  '  image: docker:27.3-cli', //                                        2
  '  services:', //                                                     3
  '    - name: docker:27.3-dind', //                                    4
  '      alias: docker', //                                             5
  '  variables:', //                                                    6
  '    DOCKER_HOST: tcp://docker:2376', //                              7
  '  before_script:', //                                                8
  '    - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"', // 9
  '  script:', //                                                      10
  '    - docker build -t "$IMAGE" .', //                               11
  '    - docker push "$IMAGE"', //                                     12
);

const DEPLOY = yaml(
  '.kube-login:', //                                                    1
  '  script:', //                                                       2
  '    - curl -sfL https://get.example-kube-tools.sh | sh', //          3
  '    - kubectl config use-context "$KUBE_CONTEXT"', //                4
  '', //                                                                5
  '.deploy:', //                                                        6
  '  image: alpine/helm:3.16.2', //                                     7
  '  variables:', //                                                    8
  '    HELM_REGISTRY_PASSWORD: hunter2-hunter2', //                     9
  '  script:', //                                                      10
  '    - helm upgrade --install app chart/', //                        11
);

describe('a realistic pipeline', () => {
  it('reports exactly these findings, each where its value is written', async () => {
    const findings = await lint(MAIN, { '.gitlab/ci/docker.yml': DOCKER, '.gitlab/ci/deploy.yml': DEPLOY });
    expect(findings.map(where).sort()).toEqual(
      [
        'gitlab-ci/external-include-not-checked .gitlab-ci.yml:3:15 include',
        'gitlab-ci/docker-in-docker .gitlab/ci/docker.yml:4:13 build-image',
        'gitlab-ci/unpinned-image .gitlab/ci/docker.yml:2:10 build-image',
        'gitlab-ci/unpinned-image .gitlab/ci/docker.yml:4:13 build-image',
        'gitlab-ci/unpinned-image .gitlab/ci/deploy.yml:7:10 review-app',
        'gitlab-ci/unpinned-image .gitlab/ci/deploy.yml:7:10 production',
        'gitlab-ci/curl-pipe-shell .gitlab/ci/deploy.yml:3:7 review-app',
        'gitlab-ci/plaintext-secret .gitlab/ci/deploy.yml:9:29 review-app',
        'gitlab-ci/plaintext-secret .gitlab/ci/deploy.yml:9:29 production',
        'gitlab-ci/merge-request-job-with-secrets .gitlab-ci.yml:37:11 review-app',
        'gitlab-ci/unquoted-untrusted-variable .gitlab-ci.yml:42:78 review-app',
      ].sort(),
    );
    const dind = findings.find((f) => f.ruleId === 'gitlab-ci/docker-in-docker');
    expect(dind?.message).toContain('(Inherited from `.docker-build` in .gitlab/ci/docker.yml.)');
    const curl = findings.find((f) => f.ruleId === 'gitlab-ci/curl-pipe-shell');
    expect(curl?.message).toContain('Inherited from `.kube-login` in .gitlab/ci/deploy.yml');
    for (const secret of findings.filter((f) => f.ruleId === 'gitlab-ci/plaintext-secret')) {
      expect(secret.message).not.toContain('hunter2');
    }
  });

  it('gives every finding an identity (rule, path, object, key) that survives unrelated edits', async () => {
    const identity = (findings: Awaited<ReturnType<typeof lint>>) =>
      findings.map((f) => {
        const location = f.location as { path: string; object?: string };
        return `${f.ruleId}|${location.path}|${location.object ?? ''}|${f.key ?? ''}`;
      });
    const before = identity(await lint(MAIN, { '.gitlab/ci/docker.yml': DOCKER, '.gitlab/ci/deploy.yml': DEPLOY }));
    expect(new Set(before).size).toBe(before.length);
    const moved = identity(
      await lint('# build pipeline\n\n' + MAIN.replace('stages:', 'workflow:\n  name: demo\nstages:'), {
        '.gitlab/ci/docker.yml': '# docker\n' + DOCKER,
        '.gitlab/ci/deploy.yml': DEPLOY.replace('.deploy:', '.unused:\n  script: [x]\n.deploy:'),
      }),
    );
    expect(moved.sort()).toEqual([...before].sort());
  });
});
