import { createReadStream, promises as fs } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ociError } from './errors.js';

/** Read access to the files of an image layout or archive, by slash-separated relative name. */
export interface FileStore {
  /** For messages: "OCI layout /x", "docker-archive /y.tar". */
  readonly description: string;
  /** Size of a regular file, or undefined when there is none of that name. */
  size(name: string): Promise<number | undefined>;
  /** The raw bytes of a file; callers verify them. */
  open(name: string): Promise<NodeJS.ReadableStream>;
  close(): Promise<void>;
}

/** "./a//b" → "a/b"; names that climb out ("..") or are absolute are refused. */
export function normalizeEntryName(name: string): string | undefined {
  const parts: string[] = [];
  for (const part of name.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return undefined;
    parts.push(part);
  }
  return parts.length === 0 ? undefined : parts.join('/');
}

export async function readStoreFile(
  store: FileStore,
  name: string,
  limit: number,
  what: string,
): Promise<Buffer | undefined> {
  const size = await store.size(name);
  if (size === undefined) return undefined;
  if (size > limit) {
    throw ociError(
      'INVALID_LAYOUT',
      `${what} (${name} in ${store.description}) is ${size} bytes, over the limit of ${limit} bytes`,
    );
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of await store.open(name)) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    total += buffer.length;
    if (total > limit) throw ociError('INVALID_LAYOUT', `${what} grew past ${limit} bytes while being read`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * An image layout directory. Files must be regular files whose real path stays inside the directory, so a
 * hostile layout cannot make us read (and hash) /etc/shadow through a symlink.
 */
export class DirectoryStore implements FileStore {
  readonly description: string;
  readonly #root: string;

  private constructor(root: string, description: string) {
    this.#root = root;
    this.description = description;
  }

  static async open(path: string, kind: string): Promise<DirectoryStore> {
    let root: string;
    try {
      root = await fs.realpath(path);
      if (!(await fs.stat(root)).isDirectory()) throw new Error('not a directory');
    } catch (error) {
      throw ociError('NOT_FOUND', `${kind} ${path} is not a readable directory`, error);
    }
    return new DirectoryStore(root, `${kind} ${path}`);
  }

  async #resolve(name: string): Promise<string | undefined> {
    const normalized = normalizeEntryName(name);
    if (normalized === undefined) return undefined;
    try {
      const real = await fs.realpath(join(this.#root, normalized));
      const rel = relative(this.#root, real);
      if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return undefined;
      return (await fs.stat(real)).isFile() ? real : undefined;
    } catch {
      return undefined;
    }
  }

  async size(name: string): Promise<number | undefined> {
    const path = await this.#resolve(name);
    return path === undefined ? undefined : (await fs.stat(path)).size;
  }

  async open(name: string): Promise<NodeJS.ReadableStream> {
    const path = await this.#resolve(name);
    if (path === undefined) throw ociError('NOT_FOUND', `${name} not found in ${this.description}`);
    return createReadStream(resolve(path));
  }

  async close(): Promise<void> {}
}
