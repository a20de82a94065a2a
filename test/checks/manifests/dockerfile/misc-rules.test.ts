import { describe, expect, it } from 'vitest';
import { grantsWorldWrite } from '../../../../src/checks/manifests/dockerfile/world-writable.js';
import { PINNED_FROM, dockerfile, locations, ofRule } from './helpers.js';

describe('dockerfile/apt-upgrade', () => {
  const RULE = 'dockerfile/apt-upgrade';

  it('reports upgrade, dist-upgrade and full-upgrade at the subcommand', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN apt-get update && apt-get -y upgrade',
      'RUN apt-get dist-upgrade -y && apt full-upgrade',
    );
    expect(locations(text, RULE)).toEqual(['2:34', '3:13', '3:36']);
    expect(ofRule(text, RULE)[0]).toMatchObject({ severity: 'low', key: 'apt-get upgrade' });
  });

  it('accepts --only-upgrade installs and the word upgrade as an argument', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN apt-get install --only-upgrade openssl=3.0.15',
      'RUN echo upgrade',
      'RUN pip install --upgrade pip==24.2',
    );
    expect(locations(text, RULE)).toEqual([]);
  });
});

describe('dockerfile/world-writable', () => {
  const RULE = 'dockerfile/world-writable';

  it('classifies modes', () => {
    for (const mode of ['777', '0777', '666', '0002', 'a+rwx', 'o+w', 'a=rwx', 'u+x,o+w'])
      expect(grantsWorldWrite(mode), mode).toBe(true);
    for (const mode of ['755', '1777', '0644', 'u+w', 'g+w', '+x', 'o-w', 'a+rx', '+w'])
      expect(grantsWorldWrite(mode), mode).toBe(false);
  });

  it('reports chmod 777, chmod -R 777 and symbolic world-write at the mode', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN chmod 777 /app',
      'RUN mkdir -p /data && chmod -R a+rwx /data',
      'RUN chmod --recursive o+w /etc',
    );
    expect(locations(text, RULE)).toEqual(['2:11', '3:32', '4:23']);
    expect(ofRule(text, RULE)[0]).toMatchObject({ severity: 'medium', key: 'chmod 777 /app' });
  });

  it('accepts tight modes, sticky /tmp and --reference', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN chmod 755 /app && chmod 1777 /tmp && chmod u+x /entry.sh',
      'RUN chmod --reference=/a /b',
    );
    expect(locations(text, RULE)).toEqual([]);
  });

  it('reports COPY --chmod and ADD --chmod with a world-writable mode at the mode', () => {
    const text = dockerfile(
      PINNED_FROM,
      'COPY --chown=app --chmod=777 app /app',
      'ADD --chmod=0666 conf.tar.gz /etc/app/',
      'COPY --chmod=755 --link bin /usr/local/bin',
      'COPY --chmod=1777 tmp /scratch',
    );
    expect(locations(text, RULE)).toEqual(['2:26', '3:13']);
    expect(ofRule(text, RULE).map((finding) => finding.key)).toEqual(['COPY --chmod=777', 'ADD --chmod=0666']);
  });
});

describe('dockerfile/expose-ssh', () => {
  const RULE = 'dockerfile/expose-ssh';

  it('reports 22, 22/tcp and ranges containing 22', () => {
    const text = dockerfile(PINNED_FROM, 'EXPOSE 80 22', 'EXPOSE 22/tcp', 'EXPOSE 20-25/tcp');
    expect(locations(text, RULE)).toEqual(['2:11', '3:8', '4:8']);
    expect(ofRule(text, RULE)[0]!.severity).toBe('medium');
  });

  it('accepts other ports', () => {
    expect(locations(dockerfile(PINNED_FROM, 'EXPOSE 80 443/tcp 2222 220', 'EXPOSE $PORT'), RULE)).toEqual([]);
  });

  it('resolves ARG and ENV values, and quotes', () => {
    const text = dockerfile(
      'ARG SSH_PORT=22',
      PINNED_FROM,
      'ARG SSH_PORT',
      'ENV ADMIN_PORT=8022',
      'EXPOSE $SSH_PORT/tcp ${ADMIN_PORT} "22"',
    );
    expect(locations(text, RULE)).toEqual(['5:8', '5:36']);
  });
});

describe('dockerfile/missing-healthcheck', () => {
  const RULE = 'dockerfile/missing-healthcheck';

  it('reports a final stage without HEALTHCHECK at its FROM', () => {
    const text = dockerfile(`${PINNED_FROM} AS build`, 'HEALTHCHECK CMD true', PINNED_FROM, 'USER app');
    expect(locations(text, RULE)).toEqual(['3:1']);
    expect(ofRule(text, RULE)[0]!.severity).toBe('low');
  });

  it('accepts HEALTHCHECK, HEALTHCHECK NONE and a HEALTHCHECK inherited from an earlier stage', () => {
    expect(
      locations(dockerfile(PINNED_FROM, 'HEALTHCHECK --interval=30s CMD wget -qO- http://localhost/ || exit 1'), RULE),
    ).toEqual([]);
    expect(locations(dockerfile(PINNED_FROM, 'HEALTHCHECK NONE'), RULE)).toEqual([]);
    expect(locations(dockerfile(`${PINNED_FROM} AS base`, 'HEALTHCHECK CMD true', 'FROM base'), RULE)).toEqual([]);
  });
});
