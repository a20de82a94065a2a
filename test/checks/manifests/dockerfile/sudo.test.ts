import { describe, expect, it } from 'vitest';
import { PINNED_FROM, dockerfile, locations, ofRule } from './helpers.js';

const RULE = 'dockerfile/sudo';

describe('dockerfile/sudo', () => {
  it('reports sudo anywhere in a RUN, at the sudo token', () => {
    const text = dockerfile(
      PINNED_FROM,
      'RUN apt-get update && sudo apt-get install -y x=1',
      'RUN echo a | \\',
      '  sudo tee /etc/x',
      'RUN ["sudo", "ls"]',
    );
    expect(locations(text, RULE)).toEqual(['2:23', '4:3', '5:6']);
    expect(ofRule(text, RULE)[0]).toMatchObject({ severity: 'medium', key: 'sudo apt-get' });
  });

  it('does not report the word sudo as an argument or in a package name', () => {
    const text = dockerfile(PINNED_FROM, 'RUN apt-get install -y sudo=1.9', 'RUN echo sudo', 'RUN visudo -c');
    expect(locations(text, RULE)).toEqual([]);
  });
});
