import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FileTree } from '../../../core/tree.js';
import { documentToJS, parseYaml } from '../../../core/yaml.js';
import type { RenderLimits } from './limits.js';

/**
 * A temporary copy of part of the repository that a tool renders, so the user's tree is never modified and
 * the tools never see symlinks (the tree only yields regular files) or anything outside the copied paths.
 */
export interface StagedTree {
  dir: string;
  /** Absolute path in the copy of a repository-relative path. */
  at(relative: string): string;
  write(relative: string, content: string | Buffer): Promise<void>;
  remove(): Promise<void>;
  /** A digest of every staged path and content, for caching renders of identical inputs. */
  digest(): string;
}

export class StagingLimitError extends Error {}

export async function stageFiles(tree: FileTree, files: Iterable<string>, limits: RenderLimits): Promise<StagedTree> {
  const dir = await mkdtemp(path.join(tmpdir(), 'containersec-render-'));
  const root = path.join(dir, 'repo');
  const contents = new Map<string, string>();
  const staged: StagedTree = {
    dir: root,
    at: (relative) => path.join(root, ...relative.split('/')),
    async write(relative, content) {
      const target = staged.at(relative);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
      contents.set(relative, createHash('sha256').update(content).digest('hex'));
    },
    remove: () => rm(dir, { recursive: true, force: true }),
    digest: () => {
      const hash = createHash('sha256');
      for (const key of [...contents.keys()].sort()) hash.update(`${key}\u0000${contents.get(key)}\n`);
      return hash.digest('hex');
    },
  };
  try {
    await mkdir(root, { recursive: true });
    let count = 0;
    let bytes = 0;
    for (const file of files) {
      if (++count > limits.maxStagedFiles)
        throw new StagingLimitError(`it has more than ${limits.maxStagedFiles} files`);
      const content = await tree.read(file, limits.maxStagedBytes - bytes);
      if (!content) {
        if ((await tree.size(file)) !== undefined)
          throw new StagingLimitError(`its files are larger than ${limits.maxStagedBytes} bytes in total`);
        continue;
      }
      bytes += content.length;
      await staged.write(file, content);
    }
  } catch (error) {
    await staged.remove();
    throw error;
  }
  return staged;
}

/** Every listed file under `dir` (repository-relative, `''` for the root). */
export function filesUnder(all: string[], dir: string): string[] {
  if (dir === '') return all;
  const prefix = `${dir}/`;
  return all.filter((file) => file.startsWith(prefix));
}

/** Parent directory of a repository-relative path (`''` for the root). */
export function dirOf(file: string): string {
  const index = file.lastIndexOf('/');
  return index < 0 ? '' : file.slice(0, index);
}

/** `a/b` joined with `../c` → `a/c`; undefined when it leaves the repository. */
export function joinRelative(dir: string, reference: string): string | undefined {
  const joined = path.posix.normalize(path.posix.join(dir || '.', reference));
  if (joined === '..' || joined.startsWith('../') || path.posix.isAbsolute(joined)) return undefined;
  return joined === '.' ? '' : joined.replace(/\/$/, '');
}

/** The first YAML document of a small repository file as a mapping (Chart.yaml, kustomization.yaml). */
export async function readYamlMapping(tree: FileTree, file: string): Promise<Record<string, unknown> | undefined> {
  const buffer = await tree.read(file, 1024 * 1024);
  if (!buffer) return undefined;
  try {
    const doc = parseYaml(buffer.toString('utf8')).documents[0];
    if (!doc || doc.errors.length > 0) return undefined;
    const value = documentToJS(doc);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
