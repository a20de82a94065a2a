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

  it('uv pip install follows the pip rules', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN uv pip install --system requests httpx==0.27.2 -r requirements.txt',
      'RUN uv pip install --system flask && uv sync --frozen && uv add rich',
    );
    expect(locations(text, RULE)).toEqual(['3:29']);
    expect(ofRule(text, RULE)[0]!.key).toBe('pip:flask');
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

  it('npm: values of --registry, --loglevel, --prefix... are not packages', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN npm install --loglevel verbose --registry https://npm.example sax@0.1.1',
      'RUN npm --prefix /app install express@4.21.1 && npm install --registry=https://npm.example express',
    );
    expect(locations(text, RULE)).toEqual(['3:92']);
  });

  it('gem: flags after `--` and option values are not gems', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN gem install nokogiri:1.16.7 -- --use-system-libraries true',
      'RUN gem install -i /usr/local/bundle --source https://rubygems.org rake:13.2.1 rails',
    );
    expect(locations(text, RULE)).toEqual(['3:80']);
  });

  it('yum, dnf, microdnf (DL3033, DL3041): a version must follow the name', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN yum install -y tomcat rpm-sign-4.16.1.3 openssl-1:1.1.1k gcc-c++-1.1.1 && yum clean all',
      'RUN dnf --setopt install_weak_deps=False install -y rpm-sign python3-devel ./local.rpm "git-core-${GIT_VER}"',
      'RUN microdnf install -y nginx-1.24.0 jq',
      'RUN dnf module install -y nodejs:20 ruby && dnf groupinstall -y "Development Tools" && dnf install -y @core',
      'RUN notdnf install tomcat',
    );
    expect(locations(text, RULE)).toEqual(['2:20', '3:53', '3:62', '4:38', '5:37']);
    expect(ofRule(text, RULE).map((finding) => finding.key)).toEqual([
      'yum:tomcat',
      'dnf:rpm-sign',
      'dnf:python3-devel',
      'microdnf:jq',
      'dnf module:ruby',
    ]);
  });

  it('zypper (DL3037): =version, comparisons and .rpm files are pinned; patterns are not judged', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN zypper --non-interactive install -y tomcat=9.0.39 curl vim\\>=9.0 ./x-1.rpm',
      'RUN zypper in -y -r oss tar && zypper install -t pattern devel_basis',
    );
    expect(locations(text, RULE)).toEqual(['2:55', '3:25']);
  });
});
