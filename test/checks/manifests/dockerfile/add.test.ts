import { describe, expect, it } from 'vitest';
import { PINNED_FROM, dockerfile, locations, ofRule } from './helpers.js';

const REMOTE = 'dockerfile/add-remote-url';
const COPY = 'dockerfile/add-instead-of-copy';

describe('dockerfile/add-remote-url', () => {
  it('reports remote URLs and Git sources without --checksum at the source token', () => {
    const text = dockerfile(
      PINNED_FROM,
      'ADD https://example.com/tool.tar.gz /opt/',
      'ADD --chown=app git@github.com:acme/repo.git /src',
      'ADD ["http://example.com/a b", "/dst/"]',
      'ADD --link \\',
      '    https://example.com/x /x',
    );
    expect(locations(text, REMOTE)).toEqual(['2:5', '3:17', '4:6', '6:5']);
    expect(ofRule(text, REMOTE)[0]).toMatchObject({ severity: 'medium', key: 'https://example.com/tool.tar.gz' });
  });

  it('accepts --checksum', () => {
    expect(locations(dockerfile(PINNED_FROM, 'ADD --checksum=sha256:abc https://example.com/x /x'), REMOTE)).toEqual(
      [],
    );
  });
});

describe('dockerfile/add-instead-of-copy', () => {
  it('reports local non-archive sources', () => {
    const text = dockerfile(PINNED_FROM, 'ADD app.py requirements.txt /app/', 'ADD . /src');
    expect(locations(text, COPY)).toEqual(['2:5', '2:12', '3:5']);
  });

  it('accepts local archives, remote sources, variables and heredocs', () => {
    const text = dockerfile(
      PINNED_FROM,
      'ADD rootfs.tar.xz vendor.tgz layer.tar /',
      'ADD https://example.com/x /x',
      'ADD $SRC /x',
      'ADD <<EOF /etc/motd',
      'hello',
      'EOF',
      'COPY app.py /app/',
    );
    expect(locations(text, COPY)).toEqual([]);
  });

  it('removes quotes from sources before judging them, as BuildKit does', () => {
    const text = dockerfile(
      PINNED_FROM,
      'ADD "vendor.tgz" \'https://example.com/tool\' /opt/',
      'ADD "app.zip" ["x"] /app/',
      'ADD ["site.tar.gz", "data\\".txt", "/srv/"]',
    );
    expect(locations(text, COPY)).toEqual(['3:5', '3:15', '4:21']);
    expect(ofRule(text, COPY).map((finding) => finding.key)).toEqual(['app.zip', '[x]', 'data".txt']);
    expect(locations(text, REMOTE)).toEqual(['2:18']);
    expect(ofRule(text, REMOTE)[0]!.key).toBe('https://example.com/tool');
  });
});
