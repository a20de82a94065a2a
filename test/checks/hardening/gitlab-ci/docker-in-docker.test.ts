import { describe, expect, it } from 'vitest';
import { lint, of, places, yaml } from './helpers.js';

const DIND = 'gitlab-ci/docker-in-docker';
const NO_TLS = 'gitlab-ci/docker-daemon-without-tls';

describe('gitlab-ci/docker-in-docker', () => {
  it('reports dind services in string and name: forms, with registry prefixes', async () => {
    const findings = await lint(
      yaml(
        'build:',
        '  image: docker:27.3@sha256:' + 'a'.repeat(64),
        '  services:',
        '    - docker:27.3-dind',
        '    - name: registry.example.com/library/docker:dind-rootless',
        '      alias: docker',
        '    - ${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/docker:24.0.5-dind',
        '  script: [docker build .]',
      ),
    );
    expect(places(findings, DIND)).toEqual([
      `${DIND} .gitlab-ci.yml:4:7 build`,
      `${DIND} .gitlab-ci.yml:5:13 build`,
      `${DIND} .gitlab-ci.yml:7:7 build`,
    ]);
    expect(of(findings, DIND)[0]?.severity).toBe('high');
  });

  it('reports a dind service set in default: for each job, at its line, saying where it comes from', async () => {
    const findings = await lint(
      yaml('default:', '  services:', '    - docker:dind', 'a:', '  script: [x]', 'b:', '  script: [y]'),
    );
    expect(places(findings, DIND)).toEqual([`${DIND} .gitlab-ci.yml:3:7 a`, `${DIND} .gitlab-ci.yml:3:7 b`]);
    expect(of(findings, DIND)[0]?.message).toContain('(Inherited from `default:` in .gitlab-ci.yml.)');
  });

  it('reports a dind service inherited through extends at the template line', async () => {
    const findings = await lint(
      yaml('include: ci/docker.yml', 'build:', '  extends: .docker', '  script: [docker build .]'),
      {
        'ci/docker.yml': yaml(
          '.base:',
          '  tags: [docker]',
          '.docker:',
          '  extends: .base',
          '  services:',
          '    - name: docker:26-dind',
        ),
      },
    );
    expect(places(findings, DIND)).toEqual([`${DIND} ci/docker.yml:6:13 build`]);
    expect(of(findings, DIND)[0]?.message).toContain('Inherited from `.docker` in ci/docker.yml');
  });

  it('reports a dind service spliced in from a !reference list', async () => {
    const findings = await lint(
      yaml(
        '.svc:',
        '  services:',
        '    - docker:dind',
        'build:',
        '  services:',
        '    - !reference [.svc, services]',
        '    - postgres:17',
        '  script: [x]',
      ),
    );
    expect(places(findings, DIND)).toEqual([`${DIND} .gitlab-ci.yml:3:7 build`]);
  });

  it('does not report docker client images, non-docker services, or unused templates', async () => {
    const findings = await lint(
      yaml(
        '.unused:',
        '  services: [docker:dind]',
        'build:',
        '  image: docker:27-cli',
        '  services:',
        '    - postgres:17',
        '    - name: mydind:latest',
        '    - docker:27-cli',
        '  script: [x]',
      ),
    );
    expect(of(findings, DIND)).toEqual([]);
  });
});

describe('gitlab-ci/docker-daemon-without-tls', () => {
  it('reports DOCKER_HOST on port 2375 and an empty DOCKER_TLS_CERTDIR, global and job level', async () => {
    const findings = await lint(
      yaml(
        'variables:',
        '  DOCKER_HOST: tcp://docker:2375',
        'build:',
        '  services: [docker:dind]',
        '  variables:',
        '    DOCKER_TLS_CERTDIR: ""',
        '  script: [docker info]',
      ),
    );
    expect(places(findings, NO_TLS)).toEqual([
      `${NO_TLS} .gitlab-ci.yml:2:16 build`,
      `${NO_TLS} .gitlab-ci.yml:6:25 build`,
    ]);
  });

  it('reports the expanded variable form, service variables, and --tls=false', async () => {
    const findings = await lint(
      yaml(
        'build:',
        '  variables:',
        '    DOCKER_HOST:',
        '      value: tcp://docker:2375/',
        '      description: daemon',
        '  services:',
        '    - name: docker:dind',
        '      command: ["--tls=false"]',
        '      variables:',
        '        DOCKER_TLS_CERTDIR: ""',
        '  script: [docker info]',
      ),
    );
    expect(places(findings, NO_TLS)).toEqual([
      `${NO_TLS} .gitlab-ci.yml:10:29 build`,
      `${NO_TLS} .gitlab-ci.yml:4:14 build`,
      `${NO_TLS} .gitlab-ci.yml:8:17 build`,
    ]);
  });

  it('does not report TLS on port 2376 or the /certs default', async () => {
    const findings = await lint(
      yaml(
        'variables:',
        '  DOCKER_HOST: tcp://docker:2376',
        '  DOCKER_TLS_CERTDIR: "/certs"',
        'build:',
        '  services: [docker:dind]',
        '  script: [docker info]',
      ),
    );
    expect(of(findings, NO_TLS)).toEqual([]);
  });
});
