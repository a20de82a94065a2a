import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCustomTemplate } from '../../src/report/markdown.js';
import { localTargetPath, staysInsideRepository } from '../../src/core/repo-path.js';
import { tempRepo } from '../support/tmp.js';

function repoWithOutside(): { root: string; outside: string } {
  const outside = tempRepo({ 'secret.txt': 'runner secret\n', 'dir/file': 'x' });
  const root = tempRepo({ 'inside/file.txt': 'ok\n' });
  symlinkSync(outside, join(root, 'escape'));
  symlinkSync(join(outside, 'secret.txt'), join(root, 'template.hbs'));
  symlinkSync('inside', join(root, 'alias'));
  return { root, outside };
}

describe('staysInsideRepository', () => {
  it('accepts paths inside, existing or not, and symlinks that stay inside', () => {
    const { root } = repoWithOutside();
    expect(staysInsideRepository(root, 'inside/file.txt')).toBe(true);
    expect(staysInsideRepository(root, 'inside/not-yet/there.json')).toBe(true);
    expect(staysInsideRepository(root, 'alias/file.txt')).toBe(true);
    expect(staysInsideRepository(root, '.')).toBe(true);
  });

  it('refuses lexical escapes and symlinks that leave the repository', () => {
    const { root, outside } = repoWithOutside();
    expect(staysInsideRepository(root, '../x')).toBe(false);
    expect(staysInsideRepository(root, outside)).toBe(false);
    expect(staysInsideRepository(root, 'escape')).toBe(false);
    expect(staysInsideRepository(root, 'escape/dir/file')).toBe(false);
    expect(staysInsideRepository(root, 'escape/missing/below')).toBe(false);
    expect(staysInsideRepository(root, 'template.hbs')).toBe(false);
  });

  it('reads the local path of image targets only', () => {
    expect(localTargetPath('oci:layout:v1')).toBe('layout');
    expect(localTargetPath('dir:${HOME}')).toBe('${HOME}');
    expect(localTargetPath('ghcr.io/acme/web:1')).toBeUndefined();
  });
});

describe('a custom comment template', () => {
  it('may not be a symlink to a file outside the repository (it would be posted in the comment)', () => {
    const { root } = repoWithOutside();
    expect(() => readCustomTemplate(root, 'template.hbs')).toThrow('outside the repository');
    writeFileSync(join(root, 'inside/own.hbs'), '{{verdict}}');
    expect(readCustomTemplate(root, 'inside/own.hbs')).toBe('{{verdict}}');
  });
});
