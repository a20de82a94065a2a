import { lstat, open, opendir } from 'node:fs/promises';
import path from 'node:path';
import type { FileTree } from '../core/tree.js';
import { MAX_FILE_BYTES } from '../core/tree.js';

/** Directories never walked: version-control internals and installed dependencies. */
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);
/** A checkout with more files than this is listed partially, with a note. */
export const MAX_TREE_FILES = 200_000;

/**
 * The working tree of a checkout. Symlinks are never followed (a hostile repository could point one at
 * /etc/shadow), and every path is checked to stay inside the root.
 */
export class FsTree implements FileTree {
  readonly label: string;
  private listing?: Promise<string[]>;
  /** Set when the listing hit MAX_TREE_FILES. */
  truncated = false;

  constructor(readonly root: string) {
    this.label = root;
  }

  list(): Promise<string[]> {
    this.listing ??= this.walk();
    return this.listing;
  }

  private async walk(): Promise<string[]> {
    const files: string[] = [];
    const pending = [''];
    while (pending.length > 0) {
      const relative = pending.pop()!;
      let dir;
      try {
        dir = await opendir(path.join(this.root, relative));
      } catch {
        continue;
      }
      for await (const entry of dir) {
        const child = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!SKIPPED_DIRS.has(entry.name)) pending.push(child);
        } else if (entry.isFile()) {
          if (files.length >= MAX_TREE_FILES) {
            this.truncated = true;
            continue;
          }
          files.push(child);
        }
      }
    }
    return files.sort();
  }

  private resolve(relative: string): string | undefined {
    const absolute = path.resolve(this.root, relative);
    const inside = path.relative(this.root, absolute);
    if (inside.startsWith('..') || path.isAbsolute(inside)) return undefined;
    return absolute;
  }

  async size(relative: string): Promise<number | undefined> {
    const absolute = this.resolve(relative);
    if (!absolute) return undefined;
    try {
      const info = await lstat(absolute);
      return info.isFile() ? info.size : undefined;
    } catch {
      return undefined;
    }
  }

  async read(relative: string, maxBytes = MAX_FILE_BYTES): Promise<Buffer | undefined> {
    const absolute = this.resolve(relative);
    if (!absolute) return undefined;
    try {
      const info = await lstat(absolute);
      if (!info.isFile() || info.size > maxBytes) return undefined;
      // O_NOFOLLOW-equivalent: lstat said regular file; read at most maxBytes + 1 in case it grew.
      const handle = await open(absolute, 'r');
      try {
        const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        return bytesRead > maxBytes ? undefined : buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    } catch {
      return undefined;
    }
  }
}
