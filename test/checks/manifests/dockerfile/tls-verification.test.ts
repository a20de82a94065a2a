import { describe, expect, it } from 'vitest';
import { PINNED_FROM, dockerfile, locations, ofRule } from './helpers.js';

const RULE = 'dockerfile/tls-verification-disabled';

describe('dockerfile/tls-verification-disabled', () => {
  it('reports curl -k/--insecure (also inside combined flags) and wget --no-check-certificate', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN curl -k https://x -o /x',
      'RUN curl -fsSLk https://x -o /x && curl --insecure https://y',
      'RUN wget --no-check-certificate https://z',
    );
    expect(locations(text, RULE)).toEqual(['2:10', '3:10', '3:41', '4:10']);
    expect(ofRule(text, RULE)[0]).toMatchObject({ severity: 'high', key: 'curl -k' });
  });

  it('does not mistake a value letter for -k', () => {
    // In -ok, "k" is the file name given to -o.
    expect(locations(dockerfile(PINNED_FROM, 'RUN curl -ok https://x', 'RUN curl -fsSL https://x'), RULE)).toEqual([]);
  });

  it('reports apt, rpm-family, apk and repository settings that skip signatures', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN apt-get install -y --allow-unauthenticated x=1',
      'RUN apt-get -o Acquire::https::Verify-Peer=false update',
      'RUN apt-get update --allow-insecure-repositories',
      'RUN dnf install -y --nogpgcheck x-1.0 && yum --setopt=sslverify=false install y',
      'RUN apk add --allow-untrusted /tmp/x.apk',
      'RUN echo "deb [trusted=yes] http://repo.example/ ./" > /etc/apt/sources.list.d/x.list',
    );
    expect(locations(text, RULE)).toEqual(['2:24', '3:16', '4:20', '5:20', '5:46', '6:13', '7:10']);
  });

  it('reports gpgcheck=0 and apt.conf settings written to files, judging only what sed writes', () => {
    const text = dockerfile(
      PINNED_FROM,
      `RUN echo 'Acquire::https::Verify-Peer "false";' > /etc/apt/apt.conf.d/99insecure`,
      'RUN sed -i "s/gpgcheck=1/gpgcheck=0/" /etc/yum.repos.d/x.repo',
      'RUN printf "[x]\\nbaseurl=https://repo\\ngpgcheck=0\\n" | tee /etc/yum.repos.d/x.repo',
      `RUN echo 'APT::Get::AllowUnauthenticated "true";' >> /etc/apt/apt.conf`,
      'RUN sed -i -e "s|gpgcheck=0|gpgcheck=1|" -e "s/sslverify=false/sslverify=true/" /etc/dnf/dnf.conf',
      `RUN echo 'Acquire::https::Verify-Peer "true";' > /etc/apt/apt.conf.d/99`,
    );
    expect(locations(text, RULE)).toEqual(['2:10', '3:12', '4:12', '5:10']);
    expect(ofRule(text, RULE).map((finding) => finding.message)).toEqual([
      expect.stringContaining('apt.conf Verify-Peer false'),
      expect.stringContaining('repo gpgcheck=0'),
      expect.stringContaining('repo gpgcheck=0'),
      expect.stringContaining('apt.conf allows unauthenticated packages'),
    ]);
  });

  it('reports pip --trusted-host, npm strict-ssl false and git sslVerify false', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN pip install --trusted-host pypi.example -r req.txt',
      'RUN npm config set strict-ssl false',
      'RUN git -c http.sslVerify=false clone https://x && git config --global http.sslverify false',
      'RUN python3 -m pip install --trusted-host=x -r r.txt',
    );
    expect(locations(text, RULE)).toEqual(['2:17', '3:20', '4:12', '4:72', '5:28']);
  });

  it('reports insecure variables in ENV, ARG, export and command prefixes', () => {
    const text = dockerfile(
      'ARG NODE_TLS_REJECT_UNAUTHORIZED=0',
      PINNED_FROM,
      'ENV GIT_SSL_NO_VERIFY=true PYTHONHTTPSVERIFY=0',
      'RUN export NPM_CONFIG_STRICT_SSL=false && GIT_SSL_NO_VERIFY=1 git clone https://x',
    );
    expect(locations(text, RULE)).toEqual(['1:5', '3:5', '3:28', '4:12', '4:43']);
  });

  it('judges variable values after quote removal: `"0\\""` is `0"`, which disables nothing', () => {
    const text = dockerfile(
      PINNED_FROM,
      'ENV NODE_TLS_REJECT_UNAUTHORIZED="0\\""',
      "ENV NPM_CONFIG_STRICT_SSL='false\\''",
      'ARG PYTHONHTTPSVERIFY="0\\""',
      'RUN NODE_TLS_REJECT_UNAUTHORIZED="0\\"" node x && export PYTHONHTTPSVERIFY="0\\""',
      // Quoted values that do disable verification are still reported, continuations joined.
      'ENV PYTHONHTTPSVERIFY="0" NPM_CONFIG_STRICT_SSL=\'false\' GIT_SSL_NO_VERIFY="t\\',
      'rue"',
      'RUN NODE_TLS_REJECT_UNAUTHORIZED="0" node x',
    );
    expect(locations(text, RULE)).toEqual(['6:5', '6:27', '6:57', '8:5']);
    expect(ofRule(text, RULE).map((f) => f.key)).toEqual([
      'ENV PYTHONHTTPSVERIFY=0',
      'ENV NPM_CONFIG_STRICT_SSL=false',
      'ENV GIT_SSL_NO_VERIFY=true',
      'NODE_TLS_REJECT_UNAUTHORIZED=0',
    ]);
  });

  it('attributes an option to the command it is passed to: echo "--setopt=…sslverify=0" configures nothing', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN yum-config-manager --add-repo https://repo.example/x.repo && echo "--setopt=main.sslverify=0"',
      'RUN echo "--setopt=gpgcheck=0" && echo "-o Acquire::https::Verify-Peer=false"',
      'RUN yum-config-manager --save --setopt=main.sslverify=0',
      'RUN dnf-config-manager --setopt=sslverify=False --save && rpm -i --noverify a.rpm && rpm -i --nofiledigest b.rpm',
      "RUN echo 'sslverify=0' >> /etc/yum.conf && sed -i '/^\\[main\\]/a gpgcheck=0' /etc/dnf/dnf.conf",
    );
    expect(locations(text, RULE)).toEqual(['4:31', '5:24', '5:66', '5:93', '6:10', '6:51']);
  });

  it('accepts verification that stays on', () => {
    const text = dockerfile(
      PINNED_FROM,
      'ENV NODE_TLS_REJECT_UNAUTHORIZED=1 PYTHONHTTPSVERIFY=1',
      'RUN curl --cacert /etc/ssl/corp.pem https://x && npm config set strict-ssl true',
      'RUN git config --global http.sslVerify true && dnf install -y x-1.0',
      'RUN echo insecure-mode > /tmp/notes',
    );
    expect(locations(text, RULE)).toEqual([]);
  });
});
