import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { FileTree } from '../core/tree.js';
import { MAX_FILE_BYTES } from '../core/tree.js';

/** Git is only ever asked to read objects: no checkout, no hooks, no filters, nothing from the repo runs. */
function gitArgs(root: string, args: string[]): string[] {
  return ['-c', `safe.directory=${root}`, '-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', ...args];
}

export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export function git(root: string, args: string[], maxBytes = 256 * 1024 * 1024): Promise<GitResult> {
  return new Promise((resolve) => {
    const child = spawn('git', gitArgs(root, args), {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) child.kill();
      else chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 8192) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => resolve({ code: -1, stdout: Buffer.alloc(0), stderr: error.message }));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(chunks), stderr }));
  });
}

/** The full commit id of `rev` in the repository at `root`, or undefined when git or the commit is missing. */
export async function resolveCommit(root: string, rev: string): Promise<string | undefined> {
  if (!/^[\w./@^~{}-]+$/.test(rev) || rev.startsWith('-')) return undefined;
  const result = await git(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  return result.code === 0 ? result.stdout.toString('utf8').trim() : undefined;
}

/** Whether `root` is in a git repository, and whether that clone is shallow (history cut off). */
export async function cloneKind(root: string): Promise<'none' | 'shallow' | 'full'> {
  const result = await git(root, ['rev-parse', '--is-shallow-repository']);
  if (result.code !== 0) return 'none';
  return result.stdout.toString('utf8').trim() === 'true' ? 'shallow' : 'full';
}

/** Paths that differ between `base` and the working tree (committed or not). */
/**
 * Shallow clones (actions/checkout's default, GitLab's GIT_DEPTH) often lack the base commit: fetch just that
 * commit, read-only, over the checkout's own remote. Returns why it is still missing, or undefined when present.
 */
export async function ensureCommit(root: string, sha: string): Promise<string | undefined> {
  if (await resolveCommit(root, sha)) return undefined;
  const fetched = await git(root, ['fetch', '--no-tags', '--no-recurse-submodules', '--depth=1', 'origin', sha]);
  if (fetched.code === 0) return undefined;
  // A CI remote URL can carry the job token as userinfo (GitLab's CI_JOB_TOKEN): keep it out of the message.
  return (
    (fetched.stderr.trim().split('\n')[0] ?? '').replace(/\/\/[^/@\s]+@/g, '//') || `git fetch exited ${fetched.code}`
  );
}

export async function changedPaths(root: string, base: string): Promise<Set<string> | undefined> {
  // --relative: paths relative to `root`, which may be a subdirectory of the repository.
  const result = await git(root, ['diff', '--name-only', '-z', '--no-renames', '--relative', base, '--']);
  if (result.code !== 0) return undefined;
  return new Set(result.stdout.toString('utf8').split('\0').filter(Boolean));
}

interface Entry {
  oid: string;
  size: number;
}

/** A revision's files, read with `git ls-tree` and one long-lived `git cat-file --batch`. */
export class GitTree implements FileTree {
  readonly label: string;
  private entries?: Promise<Map<string, Entry>>;
  private batch?: ChildProcessWithoutNullStreams;
  private queue: Promise<unknown> = Promise.resolve();
  private buffered = Buffer.alloc(0);
  private waiter?: () => void;

  constructor(
    readonly root: string,
    readonly commit: string,
  ) {
    this.label = `git:${commit.slice(0, 12)}`;
  }

  private load(): Promise<Map<string, Entry>> {
    // Without --full-tree, ls-tree lists the subtree of `root` with paths relative to it, like the working tree.
    this.entries ??= git(this.root, ['ls-tree', '-r', '-z', '--long', this.commit]).then((result) => {
      const entries = new Map<string, Entry>();
      if (result.code !== 0) throw new Error(`git ls-tree ${this.commit} failed: ${result.stderr.trim()}`);
      for (const record of result.stdout.toString('utf8').split('\0')) {
        const tab = record.indexOf('\t');
        if (tab < 0) continue;
        const [mode, type, oid, size] = record.slice(0, tab).split(/\s+/);
        // Regular files only: symlinks (120000) and submodules (commit) are not followed.
        if (type !== 'blob' || !mode?.startsWith('100') || !oid) continue;
        const path = record.slice(tab + 1);
        if (path.split('/').some((part) => part === '.git' || part === 'node_modules')) continue;
        entries.set(path, { oid, size: Number(size) });
      }
      return entries;
    });
    return this.entries;
  }

  async list(): Promise<string[]> {
    return [...(await this.load()).keys()].sort();
  }

  async size(path: string): Promise<number | undefined> {
    return (await this.load()).get(path)?.size;
  }

  async read(path: string, maxBytes = MAX_FILE_BYTES): Promise<Buffer | undefined> {
    const entry = (await this.load()).get(path);
    if (!entry || entry.size > maxBytes) return undefined;
    const next = this.queue.then(() => this.catFile(entry.oid));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private startBatch(): ChildProcessWithoutNullStreams {
    if (this.batch) return this.batch;
    const child = spawn('git', gitArgs(this.root, ['cat-file', '--batch']), {
      cwd: this.root,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.waiter?.();
    });
    child.on('close', () => this.waiter?.());
    child.on('error', () => this.waiter?.());
    this.batch = child;
    return child;
  }

  private async until(predicate: () => boolean): Promise<void> {
    while (!predicate()) {
      if (this.batch?.exitCode !== null && this.batch?.exitCode !== undefined) throw new Error('git cat-file exited');
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  private async catFile(oid: string): Promise<Buffer | undefined> {
    const child = this.startBatch();
    child.stdin.write(`${oid}\n`);
    await this.until(() => this.buffered.includes(10));
    const newline = this.buffered.indexOf(10);
    const header = this.buffered.subarray(0, newline).toString('utf8');
    this.buffered = this.buffered.subarray(newline + 1);
    const match = /^[0-9a-f]+ blob (\d+)$/.exec(header);
    if (!match) return undefined;
    const size = Number(match[1]);
    await this.until(() => this.buffered.length >= size + 1);
    const content = Buffer.from(this.buffered.subarray(0, size));
    this.buffered = this.buffered.subarray(size + 1);
    return content;
  }

  close(): void {
    this.batch?.stdin.end();
    this.batch?.kill();
    this.batch = undefined;
  }
}
