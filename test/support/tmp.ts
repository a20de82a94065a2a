import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach } from 'vitest';

const created: string[] = [];

afterEach(() => {
  while (created.length > 0) rmSync(created.pop()!, { recursive: true, force: true });
});

/** A temp directory with the given files; removed after the test. */
export function tempRepo(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'containersec-test-'));
  created.push(dir);
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

export function runGit(dir: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  ).trim();
}

/** `git init` + commit of everything in `dir`; returns the commit id. */
export function commitAll(dir: string, message: string): string {
  if (!runGitSafe(dir, 'rev-parse', '--git-dir')) runGit(dir, 'init', '-q', '-b', 'main');
  runGit(dir, 'add', '-A');
  runGit(dir, 'commit', '-q', '--allow-empty', '-m', message);
  return runGit(dir, 'rev-parse', 'HEAD');
}

function runGitSafe(dir: string, ...args: string[]): boolean {
  try {
    execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
