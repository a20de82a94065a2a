import { describe, expect, it } from 'vitest';
import { PINNED_FROM, dockerfile, locations, ofRule } from './helpers.js';

describe('dockerfile/chpasswd', () => {
  const CHPASSWD = 'dockerfile/chpasswd';

  it('reports chpasswd (piped, in sh -c), passwd --stdin and useradd/usermod -p, at the command or option', () => {
    const text = dockerfile(
      PINNED_FROM,
      "RUN echo 'root:hunter2' | chpasswd",
      'RUN sh -c "echo app:x | /usr/sbin/chpasswd -e"',
      'RUN echo secret | passwd --stdin app',
      "RUN useradd -m -p '$6$salt$hash' app && usermod --password=abc root",
    );
    expect(locations(text, CHPASSWD)).toEqual(['2:27', '3:25', '4:26', '5:16', '5:49']);
    expect(ofRule(text, CHPASSWD).map((f) => f.key)).toEqual([
      'chpasswd',
      'chpasswd#2',
      'passwd --stdin',
      'useradd -p',
      'usermod --password',
    ]);
    expect(ofRule(text, CHPASSWD)[0]).toMatchObject({ severity: 'medium' });
  });

  it('does not report locking or removing a password, or the word in arguments', () => {
    const text = dockerfile(
      PINNED_FROM,
      "RUN useradd -p '*' app && usermod -p '!' root && passwd -l root && passwd -d app",
      'RUN apt-get install -y passwd=1:4.13 && echo chpasswd',
    );
    expect(locations(text, CHPASSWD)).toEqual([]);
  });
});
