import { describe, expect, it } from 'vitest';
import { atSev, lint, only, yaml } from './helpers.js';

const RULE = 'gha/privileged-build';

describe('gha/privileged-build', () => {
  it('reports host-level docker flags in run: steps at the flag', () => {
    const findings = lint(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: |',
        '          docker run --rm --privileged img',
        '          docker run -v /var/run/docker.sock:/var/run/docker.sock img',
        '          docker run --volume=/var/run/docker.sock:/sock img',
        '          docker run --mount type=bind,source=/var/run/docker.sock,target=/sock img',
        '          docker run --cap-add=SYS_ADMIN --cap-add ALL img',
        '          podman run --security-opt seccomp=unconfined img',
        '          docker run --pid=host --net=host img',
        '          docker container run \\',
        '            --network host img',
      ),
    );
    expect(atSev(findings, RULE)).toEqual([
      '7:27 high',
      '8:22 high',
      '9:22 high',
      '10:22 high',
      '11:22 high',
      '12:22 medium',
      '13:22 medium',
      '13:33 medium',
      '15:13 medium',
    ]);
  });

  it('reports container and service options', () => {
    const findings = lint(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    container:',
        '      image: x',
        '      options: --cpus 1 --privileged',
        '    services:',
        '      dind:',
        '        image: docker:dind',
        '        options: -v /var/run/docker.sock:/var/run/docker.sock',
        '    steps: []',
      ),
    );
    expect(atSev(findings, RULE)).toEqual(['7:25 high', '11:18 high']);
  });

  it('ignores flags outside container commands and safe options', () => {
    const findings = lint(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: |',
        '          echo "--privileged is dangerous"',
        '          docker run --rm -v "$PWD:/src" --network none img',
        '          docker build --network=host .',
        '          sudo systemctl restart docker',
      ),
    );
    expect(only(findings, RULE)).toEqual([]);
  });
});
