import { describe, expect, it } from 'vitest';
import { PINNED_FROM, dockerfile, locations, ofRule } from './helpers.js';

const RULE = 'dockerfile/root-user';

describe('dockerfile/root-user', () => {
  it('reports a final stage without USER at its FROM', () => {
    expect(locations(dockerfile(PINNED_FROM, 'RUN ls'), RULE)).toEqual(['1:1']);
    const [finding] = ofRule(dockerfile(PINNED_FROM), RULE);
    expect(finding).toMatchObject({ severity: 'medium', key: 'no-user', location: { object: 'stage/0' } });
  });

  it('reports the last USER when it is root, 0, root:group or 0:group', () => {
    for (const user of ['root', '0', 'root:root', '0:0']) {
      expect(locations(dockerfile(PINNED_FROM, 'USER app', `  USER ${user}`), RULE)).toEqual(['3:8']);
    }
  });

  it('only looks at the final stage', () => {
    const text = dockerfile(
      `FROM golang:1.23@sha256:${'b'.repeat(64)} AS build`,
      'USER app',
      'RUN go build',
      PINNED_FROM,
      'COPY --from=build /out /app',
    );
    expect(locations(text, RULE)).toEqual(['4:1']);
    expect(ofRule(text, RULE)[0]!.location).toMatchObject({ object: 'stage/1' });
  });

  it('accepts a non-root USER, also inherited from an earlier stage', () => {
    expect(locations(dockerfile(PINNED_FROM, 'USER root', 'RUN ls', 'USER 10001:10001'), RULE)).toEqual([]);
    expect(locations(dockerfile(`${PINNED_FROM} AS base`, 'USER app', 'FROM base', 'RUN ls'), RULE)).toEqual([]);
  });

  it('trusts nonroot base images', () => {
    expect(
      locations(dockerfile(`FROM gcr.io/distroless/static-debian12:nonroot@sha256:${'c'.repeat(64)}`), RULE),
    ).toEqual([]);
  });

  it('resolves USER variables and skips unknown ones', () => {
    expect(locations(dockerfile(PINNED_FROM, 'ARG RUN_AS=root', 'USER ${RUN_AS}'), RULE)).toEqual(['3:6']);
    expect(locations(dockerfile(PINNED_FROM, 'ARG RUN_AS', 'USER ${RUN_AS}'), RULE)).toEqual([]);
    expect(locations(dockerfile(PINNED_FROM, 'USER ${RUN_AS:-0}'), RULE)).toEqual(['2:6']);
  });

  it('removes quotes like BuildKit and reads 00 as UID 0', () => {
    for (const user of ['"root"', "'0:0'", '00', '"0"0']) {
      expect(locations(dockerfile(PINNED_FROM, `USER ${user}`), RULE), user).toEqual(['2:6']);
    }
    for (const user of ['"app"', '1000:0', 'ROOT', '"10001"']) {
      expect(locations(dockerfile(PINNED_FROM, `USER ${user}`), RULE), user).toEqual([]);
    }
  });
});
