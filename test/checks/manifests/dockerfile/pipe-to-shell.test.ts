import { describe, expect, it } from 'vitest';
import { PINNED_FROM, dockerfile, locations, ofRule } from './helpers.js';

const RULE = 'dockerfile/curl-pipe-shell';

describe('dockerfile/curl-pipe-shell', () => {
  it('reports curl|sh and wget|sudo bash at the download command', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN curl -fsSL https://x.sh | sh',
      'RUN apt-get update && wget -qO- https://y | sudo -E bash -s -- -v',
    );
    expect(locations(text, RULE)).toEqual(['2:5', '3:23']);
    expect(ofRule(text, RULE)[0]).toMatchObject({ severity: 'medium', key: 'curl|sh' });
  });

  it('points at the real line of a multi-line RUN', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN set -e; \\',
      '    apk add --no-cache bash=5.2 && \\',
      '    curl -sSL https://x \\',
      '      | bash',
    );
    expect(locations(text, RULE)).toEqual(['4:5']);
  });

  it('finds it in exec form, heredoc scripts and nested sh -c', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN ["/bin/sh", "-c", "curl https://x | sh"]',
      'RUN <<EOF',
      'set -e',
      '  wget -O - https://y | sh',
      'EOF',
      `RUN bash -c 'curl https://z | bash'`,
    );
    expect(locations(text, RULE)).toEqual(['2:24', '5:3', '7:14']);
  });

  it('checks ONBUILD RUN triggers like RUN', () => {
    const text = dockerfile(PINNED_FROM, 'ONBUILD RUN wget -qO- https://x \\', '  | sh');
    expect(locations(text, RULE)).toEqual(['2:13']);
  });

  it('finds sh -c "$(curl …)", bash <(curl …) and source <(wget …)', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN sh -c "$(curl -fsSL https://x)"',
      'RUN bash <(curl -s https://y)',
      'RUN . <(wget -qO- https://z)',
    );
    expect(locations(text, RULE)).toEqual(['2:14', '3:12', '4:9']);
  });

  it('accepts verified downloads and pipes into non-shells', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN curl -fsSLo /tmp/i.sh https://x && echo "abc  /tmp/i.sh" | sha256sum -c - && sh /tmp/i.sh',
      'RUN curl -fsSL https://x/key.asc | gpg --dearmor -o /usr/share/keyrings/x.gpg',
      'RUN curl https://x | tar -xz -C /opt',
      'RUN echo "curl x | sh" > /notes.txt',
      'RUN sh -c "echo $(date)"',
    );
    expect(locations(text, RULE)).toEqual([]);
  });

  it('reports interpreters that read their program from stdin, not those given code or a file', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN curl -sSL https://install.python-poetry.org | python3 -',
      'RUN wget -qO- https://x/install.pl | perl -w',
      'RUN curl -fsSL https://x/setup.js | node',
      'RUN curl -s https://api.example/v1 | python3 -c "import json,sys; print(json.load(sys.stdin))"',
      'RUN curl -s https://api.example/v1 | node -e "process.stdin.pipe(process.stdout)" | python3 parse.py',
      'RUN curl -s https://x | python3 -W ignore -',
    );
    expect(locations(text, RULE)).toEqual(['2:5', '3:5', '4:5', '7:5']);
    expect(ofRule(text, RULE).map((finding) => finding.key)).toEqual([
      'curl|python3',
      'wget|perl',
      'curl|node',
      'curl|python3#2',
    ]);
  });
});
