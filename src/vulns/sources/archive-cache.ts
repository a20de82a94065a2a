import { cp, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A key-value store for directories between CI runs, shaped like `@actions/cache`: `restore` fills the
 * directory from the entry with exactly `key`, else from the most recent entry whose key starts with one of
 * `restoreKeys`, and answers the key it used; `save` stores the directory under `key`. Both may fail
 * (service down, key already taken by a parallel job): the caller treats that as a miss, never an error.
 */
export interface ArchiveCache {
  /** For notes: `GitHub Actions cache`, `cache directory /x`. */
  readonly description: string;
  restore(dir: string, key: string, restoreKeys: readonly string[]): Promise<string | undefined>;
  save(dir: string, key: string): Promise<void>;
}

/**
 * The GitHub Actions cache service through `@actions/cache` (loaded on demand: it is large and only the
 * action needs it). Undefined when the service is not configured: outside GitHub Actions, on GitLab, on
 * GHES without the cache service, or in the CLI. The runner sets ACTIONS_RESULTS_URL (cache service v2) or
 * ACTIONS_CACHE_URL (v1) for JavaScript actions.
 */
export function githubActionsCache(env: Readonly<Record<string, string | undefined>>): ArchiveCache | undefined {
  if (env.GITHUB_ACTIONS !== 'true') return undefined;
  if (!env.ACTIONS_RESULTS_URL && !env.ACTIONS_CACHE_URL) return undefined;
  return {
    description: 'GitHub Actions cache',
    async restore(dir, key, restoreKeys) {
      const cache = await import('@actions/cache');
      if (!cache.isFeatureAvailable()) return undefined;
      return cache.restoreCache([dir], key, [...restoreKeys]);
    },
    async save(dir, key) {
      const cache = await import('@actions/cache');
      if (!cache.isFeatureAvailable()) return;
      await cache.saveCache([dir], key);
    },
  };
}

const SAFE_KEY = /^[\w.:-]{1,200}$/;

/**
 * An ArchiveCache kept in a local directory, one sub-directory per key, with the same restore-key rule as
 * the GitHub service (newest entry whose key has the prefix). Tests use it in place of the service; it is
 * also a plain local store for runners that keep a persistent disk.
 */
export class DirectoryArchiveCache implements ArchiveCache {
  readonly description: string;
  /** Keys restored and saved, in order, for tests and notes. */
  readonly log: { op: 'restore' | 'save'; key: string; hit?: string }[] = [];

  constructor(private readonly root: string) {
    this.description = `cache directory ${root}`;
  }

  async restore(dir: string, key: string, restoreKeys: readonly string[]): Promise<string | undefined> {
    const hit = await this.find(key, restoreKeys);
    this.log.push({ op: 'restore', key, ...(hit ? { hit } : {}) });
    if (!hit) return undefined;
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await cp(join(this.root, hit), dir, { recursive: true, preserveTimestamps: true });
    return hit;
  }

  async save(dir: string, key: string): Promise<void> {
    if (!SAFE_KEY.test(key)) throw new Error(`cache key "${key}" is not valid`);
    this.log.push({ op: 'save', key });
    const target = join(this.root, key);
    // Like the service, an existing key is never overwritten.
    if (
      await stat(target).then(
        () => true,
        () => false,
      )
    )
      return;
    await mkdir(this.root, { recursive: true });
    await cp(dir, target, { recursive: true, preserveTimestamps: true });
  }

  private async find(key: string, restoreKeys: readonly string[]): Promise<string | undefined> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    if (names.includes(key)) return key;
    for (const prefix of restoreKeys) {
      const candidates = await Promise.all(
        names
          .filter((name) => name.startsWith(prefix))
          .map(async (name) => ({ name, time: (await stat(join(this.root, name))).mtimeMs })),
      );
      candidates.sort((a, b) => b.time - a.time || (a.name < b.name ? 1 : -1));
      if (candidates[0]) return candidates[0].name;
    }
    return undefined;
  }
}
