import { describe, expect, it } from 'vitest';
import { PINNED_FROM, dockerfile, locations, ofRule } from './helpers.js';

const RULE = 'dockerfile/unpinned-package';

describe('dockerfile/unpinned-package', () => {
  it('apt-get (DL3008): reports each unpinned package at its token', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN apt-get update && apt-get install -y --no-install-recommends \\',
      '      curl \\',
      '      ca-certificates=20230311 wget',
    );
    expect(locations(text, RULE)).toEqual(['3:7', '4:32']);
    expect(ofRule(text, RULE).map((finding) => finding.key)).toEqual(['apt-get:curl', 'apt-get:wget']);
    expect(ofRule(text, RULE)[0]!.severity).toBe('low');
  });

  it('apt-get: accepts =version, /release, .deb files, -t values and variables', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN apt-get install -y -t bookworm-backports git=1:2.39 ./pkg.deb nginx/bookworm $EXTRA',
      'RUN apt-get -o Dpkg::Options::=--force-confold install -y vim=2:9.0',
    );
    expect(locations(text, RULE)).toEqual([]);
  });

  it('apk (DL3018)', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN apk add --no-cache --virtual .build-deps gcc musl-dev=1.2.4-r2 bash~5.2 ./local.apk',
    );
    expect(locations(text, RULE)).toEqual(['2:46']);
  });

  it('pip (DL3013)', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN pip install --no-cache-dir -i https://pypi.example/simple requests "flask>=3" django==5.0 ./wheels/x.whl',
      'RUN python3 -m pip install --upgrade pip',
      'RUN pip3 install "git+https://github.com/acme/lib.git@v1.2" git+https://github.com/acme/other.git',
    );
    expect(locations(text, RULE)).toEqual(['2:63', '3:38', '4:61']);
  });

  it('pip: skips requirement files, constraints and the local project', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN pip install -r requirements.txt',
      'RUN pip install -c constraints.txt requests',
      'RUN pip install .',
    );
    expect(locations(text, RULE)).toEqual([]);
  });

  it('npm (DL3016), including -g; a bare npm install is fine', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN npm install -g pnpm @angular/cli@17.3.0 @scope/tool typescript@5.6.3',
      'RUN npm install && npm ci && npm i ./local-dir git+https://github.com/a/b.git#v1 x.tgz',
    );
    expect(locations(text, RULE)).toEqual(['2:20', '2:45']);
  });

  it('gem (DL3028)', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN gem install bundler rake:13.2.1',
      'RUN gem install rails -v 7.1.0',
      'RUN gem install --version=1.0 x',
    );
    expect(locations(text, RULE)).toEqual(['2:17']);
  });
});
