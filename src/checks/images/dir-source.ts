import { createReadStream } from 'node:fs';
import { lstat, opendir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { LayerSource } from '../../images/index.js';

/** Bounds on an unpacked root filesystem given as `dir:PATH`. */
export const DIR_LIMITS = { maxEntries: 1_000_000, maxDepth: 128 };

/**
 * An unpacked root filesystem (`dir:PATH`) as one synthetic, uncompressed layer: its tar is generated on
 * the fly each time the layer is opened, so the same merge and catalogers run as for an image and nothing
 * is copied. Symlinks are stored as symlinks (never followed on the host), special files are skipped, and
 * the walk stops at DIR_LIMITS with a note inside the stream's consumer (missing files, never a crash).
 */
export function directoryLayer(root: string, notes: string[]): LayerSource {
  return {
    digest: `dir:${root}`,
    mediaType: 'application/vnd.oci.image.layer.v1.tar',
    size: 0,
    open: async () => {
      const info = await lstat(root);
      if (!info.isDirectory()) throw new Error(`${root} is not a directory`);
      const pack = tar.pack();
      void fill(pack, root, notes).then(
        () => pack.finalize(),
        (error: unknown) => pack.destroy(error instanceof Error ? error : new Error(String(error))),
      );
      return pack as unknown as NodeJS.ReadableStream;
    },
  };
}

async function fill(pack: tar.Pack, root: string, notes: string[]): Promise<void> {
  let entries = 0;
  const walk = async (relative: string, depth: number): Promise<boolean> => {
    const names: string[] = [];
    try {
      for await (const entry of await opendir(join(root, relative))) names.push(entry.name);
    } catch (error) {
      notes.push(`dir: ${relative || '.'} could not be read: ${(error as Error).message}`);
      return true;
    }
    names.sort();
    for (const name of names) {
      if (++entries > DIR_LIMITS.maxEntries) {
        notes.push(`dir: more than ${DIR_LIMITS.maxEntries} entries; the rest were not read`);
        return false;
      }
      const path = relative ? `${relative}/${name}` : name;
      const full = join(root, path);
      let info;
      try {
        info = await lstat(full);
      } catch {
        continue;
      }
      const base = { name: path, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid, mtime: info.mtime };
      if (info.isDirectory()) {
        pack.entry({ ...base, type: 'directory' });
        if (depth >= DIR_LIMITS.maxDepth)
          notes.push(`dir: ${path} is nested deeper than ${DIR_LIMITS.maxDepth}; not read`);
        else if (!(await walk(path, depth + 1))) return false;
      } else if (info.isSymbolicLink()) {
        pack.entry({ ...base, type: 'symlink', linkname: await readlink(full).catch(() => '') });
      } else if (info.isFile()) {
        const sink = pack.entry({ ...base, type: 'file', size: info.size });
        try {
          await pipeline(
            createReadStream(full, { start: 0, end: Math.max(0, info.size - 1) }),
            sink as unknown as NodeJS.WritableStream,
          );
        } catch (error) {
          throw new Error(`dir: ${path} changed or could not be read while scanning: ${(error as Error).message}`);
        }
      }
    }
    return true;
  };
  await walk('', 0);
}
