import { mkdtemp, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { githubActionsCache, type ArchiveCache } from './archive-cache.js';
import { usableCacheDir } from './cache-dir.js';
import { OsvFileSource } from './osv-files.js';
import { VulnSourceError, type VulnLookup, type VulnQuery, type VulnSource } from './types.js';
import type { OsvRecord } from '../osv.js';
import { splitEcosystem } from '../versions/index.js';
import { verifyZip } from './zip.js';

/** Where OSV publishes one `all.zip` per ecosystem (https://google.github.io/osv.dev/data/). */
export const DEFAULT_OSV_DOWNLOAD = 'https://osv-vulnerabilities.storage.googleapis.com';
/** Largest archive we download. The biggest OSV archives (npm, PyPI) are a few hundred MB. */
export const MAX_DOWNLOAD_BYTES = 4 * 1024 * 1024 * 1024;
/** Data older than this is not used when today's download fails: the gate fails closed instead. */
export const DEFAULT_MAX_AGE_DAYS = 7;
const DOWNLOAD_TIMEOUT_MS = 15 * 60_000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Per-ecosystem download record, next to all.zip. Not `.json`: the directory is also read as OSV files. */
const META_FILE = 'download.info';

/**
 * OSV ecosystem base names (https://ossf.github.io/osv-schema/#affectedpackage-field, ecosystems.json of
 * ossf/osv-schema) as the bucket spells its folders. Release-scoped ecosystems (`Debian:12`,
 * `Alpine:v3.20`, `Ubuntu:22.04:LTS`) live in their base's archive.
 */
const BUCKET_NAMES = [
  'AlmaLinux',
  'Alpaquita',
  'Alpine',
  'Android',
  'Azure Linux',
  'BellSoft Hardened Containers',
  'Bioconductor',
  'Bitnami',
  'Chainguard',
  'ConanCenter',
  'CRAN',
  'crates.io',
  'Debian',
  'GHC',
  'GitHub Actions',
  'Go',
  'Hackage',
  'Hex',
  'Julia',
  'Kubernetes',
  'Linux',
  'Mageia',
  'Maven',
  'MinimOS',
  'npm',
  'NuGet',
  'openEuler',
  'openSUSE',
  'OSS-Fuzz',
  'Packagist',
  'Photon OS',
  'Pub',
  'PyPI',
  'Red Hat',
  'Rocky Linux',
  'RubyGems',
  'SUSE',
  'SwiftURL',
  'Ubuntu',
  'Wolfi',
];
const BY_LOWER = new Map(BUCKET_NAMES.map((name) => [name.toLowerCase(), name]));

/** The bucket folder of a package ecosystem, or undefined for one OSV does not publish. */
export function bucketEcosystem(ecosystem: string): string | undefined {
  return BY_LOWER.get(splitEcosystem(ecosystem).base.toLowerCase());
}

export interface OsvDownloadOptions {
  /** Mirror or test server; `<baseUrl>/<Ecosystem>/all.zip`. */
  baseUrl?: string;
  /** Where archives are kept; false means a fresh temporary directory (nothing reused). */
  cacheDir?: string | false;
  env?: Readonly<Record<string, string | undefined>>;
  /** Cross-run store for the archives (the GitHub Actions cache); default from the environment. */
  archiveCache?: ArchiveCache | false;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  /** Attempts per download (first try included). */
  attempts?: number;
  maxBytes?: number;
  maxAgeDays?: number;
  timeoutMs?: number;
}

interface DownloadInfo {
  url: string;
  /** When the data was last confirmed current (downloaded, or a 304 answer). ISO 8601. */
  fetchedAt: string;
  bytes: number;
  etag?: string;
  lastModified?: string;
}

type Obtained = { ok: true; zip: string; dir: string; save: boolean } | { ok: false; missing: string };

/** `containersec-osv-<ecosystem>-` with the ecosystem made key-safe (`Rocky Linux` → `Rocky_Linux`). */
export function cacheKeyPrefix(ecosystem: string): string {
  return `containersec-osv-${ecosystem.replace(/[^\w.-]+/g, '_')}-`;
}

/**
 * The default archive directory: CONTAINERSEC_OSV_CACHE_DIR when set (the GitLab component points it inside
 * the project so `cache:` can keep it), `$RUNNER_TEMP/containersec-osv` in GitHub Actions, else
 * `$XDG_CACHE_HOME/containersec/osv` or `~/.cache/containersec/osv`.
 */
export function defaultDownloadDir(env: Readonly<Record<string, string | undefined>>): string {
  if (env.CONTAINERSEC_OSV_CACHE_DIR) return env.CONTAINERSEC_OSV_CACHE_DIR;
  if (env.GITHUB_ACTIONS === 'true' && env.RUNNER_TEMP) return join(env.RUNNER_TEMP, 'containersec-osv');
  const xdg = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : undefined;
  return join(xdg ?? join(homedir(), '.cache'), 'containersec', 'osv');
}

function maxAgeFrom(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const raw = env.CONTAINERSEC_OSV_MAX_AGE_DAYS;
  if (raw === undefined || raw === '') return undefined;
  return /^\d{1,4}$/.test(raw) ? Number(raw) : undefined;
}

const utcDay = (date: Date) => date.toISOString().slice(0, 10);

/**
 * OSV's per-ecosystem `all.zip` archives, downloaded on demand and kept for the day. Only the ecosystems of
 * the queried packages are fetched. Each archive is streamed to disk under a byte cap and a timeout, checked
 * to be a zip, and renamed into place atomically; then the offline reader (compact index, record byte
 * ranges) serves the lookup. A copy from today is used without any request. In GitHub Actions the archive
 * directory is restored from and saved to the Actions cache under `containersec-osv-<ecosystem>-<UTC date>`,
 * so a repository downloads each archive once a day, and yesterday's copy (restore key prefix) stands in
 * when today's download fails, up to `maxAgeDays` old; the notes say how old. An ecosystem OSV does not
 * publish (404) is noted and its packages are not matched. Otherwise, failing to get current data is a
 * VulnSourceError (UNREACHABLE), which the check turns into an error or, with `on-unreachable: warn`, a note.
 */
export class OsvDownloadSource implements VulnSource {
  readonly description: string;
  readonly baseUrl: string;
  private readonly options: OsvDownloadOptions;
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => Date;
  private readonly archiveCache: ArchiveCache | undefined;
  readonly maxAgeDays: number;
  /** Requests made, for tests: `GET <url>`. */
  readonly requests: string[] = [];
  /** The archives the last lookup read, for `recordsById`. */
  private opened: OsvFileSource[] = [];

  constructor(options: OsvDownloadOptions = {}) {
    this.options = options;
    this.env = options.env ?? {};
    this.baseUrl = (options.baseUrl ?? DEFAULT_OSV_DOWNLOAD).replace(/\/+$/, '');
    this.description = `OSV downloads from ${this.baseUrl}`;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? (() => new Date());
    this.archiveCache =
      options.archiveCache === false ? undefined : (options.archiveCache ?? githubActionsCache(this.env));
    this.maxAgeDays = options.maxAgeDays ?? maxAgeFrom(this.env) ?? DEFAULT_MAX_AGE_DAYS;
  }

  async lookup(queries: readonly VulnQuery[], signal?: AbortSignal): Promise<VulnLookup> {
    const notes: string[] = [];
    const records: VulnLookup['records'] = queries.map(() => []);
    const byEcosystem = new Map<string, number[]>();
    this.opened = [];
    const unpublished = new Map<string, number>();
    const missing = new Set<string>();
    queries.forEach((query, i) => {
      const ecosystem = bucketEcosystem(query.ecosystem);
      if (ecosystem === undefined) {
        missing.add(query.ecosystem);
        const base = splitEcosystem(query.ecosystem).base.slice(0, 60);
        unpublished.set(base, (unpublished.get(base) ?? 0) + 1);
        return;
      }
      const list = byEcosystem.get(ecosystem);
      if (list) list.push(i);
      else byEcosystem.set(ecosystem, [i]);
    });
    for (const [base, count] of unpublished) {
      notes.push(
        `${this.description}: OSV publishes no archive for ecosystem "${base}"; ${count} package version(s) were NOT matched (not matched is not "not vulnerable")`,
      );
    }
    const result = () => ({ records, notes, ...(missing.size > 0 ? { missingEcosystems: [...missing].sort() } : {}) });
    if (byEcosystem.size === 0) return result();
    const root = await this.root(notes);
    const failures: string[] = [];
    for (const [ecosystem, indexes] of [...byEcosystem.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      signal?.throwIfAborted();
      let obtained: Obtained;
      try {
        obtained = await this.obtain(root, ecosystem, notes, signal);
      } catch (error) {
        signal?.throwIfAborted();
        if (!(error instanceof VulnSourceError)) throw error;
        failures.push(error.message);
        continue;
      }
      if (!obtained.ok) {
        for (const i of indexes) missing.add(queries[i]!.ecosystem);
        notes.push(
          `${this.description}: ${obtained.missing}; ${indexes.length} ${ecosystem} package version(s) were NOT matched (not matched is not "not vulnerable")`,
        );
        continue;
      }
      const files = new OsvFileSource(obtained.zip, `${ecosystem}/all.zip`, { cacheDir: obtained.dir });
      this.opened.push(files);
      const subset = indexes.map((i) => queries[i]!);
      const found = await files.lookup(subset, signal);
      indexes.forEach((queryIndex, i) => records[queryIndex]!.push(...(found.records[i] ?? [])));
      notes.push(...found.notes);
      for (const ecosystem of found.missingEcosystems ?? []) missing.add(ecosystem);
      // Saved after the lookup, so the cached entry carries the compact index built from the archive.
      if (obtained.save && this.archiveCache) await this.save(obtained.dir, ecosystem, notes);
    }
    if (failures.length > 0) {
      throw new VulnSourceError(
        'UNREACHABLE',
        `${failures.join('; ')}. Check the runner's access to ${this.baseUrl} (or give a mirror with osv-download:URL), or use vuln-db osv-api`,
      );
    }
    return result();
  }

  /** Records scoring the given CVE ids, from the archives the last lookup read. */
  async recordsById(ids: readonly string[]): Promise<OsvRecord[]> {
    const found = await Promise.all(this.opened.map((files) => files.recordsById(ids)));
    return found.flat();
  }

  private async root(notes: string[]): Promise<string> {
    const configured =
      this.options.cacheDir === false ? undefined : (this.options.cacheDir ?? defaultDownloadDir(this.env));
    if (configured && (await usableCacheDir(configured))) return configured;
    if (configured) {
      notes.push(
        `${configured} is not a private directory of this user; OSV archives are downloaded to a temporary directory`,
      );
    }
    return mkdtemp(join(tmpdir(), 'containersec-osv-'));
  }

  /** Today's archive of one ecosystem: local copy, cache, download, or (download failed) a recent copy. */
  private async obtain(root: string, ecosystem: string, notes: string[], signal?: AbortSignal): Promise<Obtained> {
    const dir = join(root, ecosystem.replace(/[^\w.-]+/g, '_'));
    const url = `${this.baseUrl}/${encodeURIComponent(ecosystem)}/all.zip`;
    const today = utcDay(this.now());
    const key = `${cacheKeyPrefix(ecosystem)}${today}`;
    const zip = join(dir, 'all.zip');
    let local = await this.readInfo(dir, url);
    if (local && utcDay(new Date(local.fetchedAt)) === today) return this.use(dir, zip, local, notes, false);

    let restored: string | undefined;
    if (this.archiveCache) {
      try {
        restored = await this.archiveCache.restore(dir, key, [cacheKeyPrefix(ecosystem)]);
      } catch (error) {
        notes.push(`${this.archiveCache.description}: could not restore ${key}: ${message(error)}`);
      }
      if (restored) local = (await this.readInfo(dir, url)) ?? local;
      if (local && utcDay(new Date(local.fetchedAt)) === today)
        return this.use(dir, zip, local, notes, restored !== key);
    }

    let downloaded: DownloadInfo | 'missing';
    try {
      downloaded = await this.download(url, dir, local, signal);
    } catch (error) {
      signal?.throwIfAborted();
      const reason = message(error);
      if (local && this.ageDays(local) <= this.maxAgeDays) {
        notes.push(
          `${this.description}: today's ${ecosystem} download failed (${reason}); using the copy below instead`,
        );
        return this.use(dir, zip, local, notes, false);
      }
      const stale = local
        ? ` The last copy (${local.fetchedAt}) is ${this.ageDays(local)} day(s) old, more than the ${this.maxAgeDays}-day bound (CONTAINERSEC_OSV_MAX_AGE_DAYS).`
        : '';
      throw new VulnSourceError(
        'UNREACHABLE',
        `${ecosystem} OSV data could not be downloaded from ${url}: ${reason}.${stale}`,
        {
          cause: error,
        },
      );
    }
    if (downloaded === 'missing')
      return { ok: false, missing: `${url} does not exist (HTTP 404): OSV publishes no ${ecosystem} archive there` };
    return this.use(dir, zip, downloaded, notes, true);
  }

  private use(dir: string, zip: string, info: DownloadInfo, notes: string[], save: boolean): Obtained {
    const age = this.ageDays(info);
    notes.push(
      `${this.description}: ${info.url} (${info.bytes} bytes) as of ${info.fetchedAt}${age === 0 ? '' : `, ${age} day(s) old`}`,
    );
    return { ok: true, zip, dir, save };
  }

  private ageDays(info: DownloadInfo): number {
    const at = Date.parse(info.fetchedAt);
    return Number.isNaN(at) ? Number.POSITIVE_INFINITY : Math.max(0, Math.floor((this.now().getTime() - at) / DAY_MS));
  }

  private async save(dir: string, ecosystem: string, notes: string[]): Promise<void> {
    const key = `${cacheKeyPrefix(ecosystem)}${utcDay(this.now())}`;
    try {
      await this.archiveCache!.save(dir, key);
    } catch (error) {
      notes.push(`${this.archiveCache!.description}: could not save ${key}: ${message(error)}`);
    }
  }

  /** The download record of a directory, when it is for this URL and its archive is still there whole. */
  private async readInfo(dir: string, url: string): Promise<DownloadInfo | undefined> {
    try {
      const info = JSON.parse(await readFile(join(dir, META_FILE), 'utf8')) as Partial<DownloadInfo>;
      if (info.url !== url || typeof info.fetchedAt !== 'string' || typeof info.bytes !== 'number') return undefined;
      if (Number.isNaN(Date.parse(info.fetchedAt))) return undefined;
      const zip = await stat(join(dir, 'all.zip'));
      return zip.size === info.bytes ? (info as DownloadInfo) : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * GET with retries on 429/5xx and network errors (exponential backoff), conditional on the copy we hold
   * (304 keeps it). Streams to a temporary file under the byte cap, checks the zip, renames it into place.
   */
  private async download(
    url: string,
    dir: string,
    local: DownloadInfo | undefined,
    signal?: AbortSignal,
  ): Promise<DownloadInfo | 'missing'> {
    const attempts = this.options.attempts ?? 4;
    const maxBytes = this.options.maxBytes ?? MAX_DOWNLOAD_BYTES;
    let last = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await this.sleep(Math.min(30_000, 1000 * 2 ** (attempt - 2)));
      signal?.throwIfAborted();
      const timeout = AbortSignal.timeout(this.options.timeoutMs ?? DOWNLOAD_TIMEOUT_MS);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      this.requests.push(`GET ${url}`);
      let response: Response;
      try {
        const headers: Record<string, string> = { accept: 'application/zip' };
        if (local?.etag) headers['if-none-match'] = local.etag;
        else if (local?.lastModified) headers['if-modified-since'] = local.lastModified;
        response = await this.fetch(url, { headers, signal: combined });
      } catch (error) {
        signal?.throwIfAborted();
        last = `network error: ${message(error)}`;
        continue;
      }
      if (response.status === 304 && local) {
        await response.body?.cancel().catch(() => undefined);
        const info: DownloadInfo = { ...local, fetchedAt: this.now().toISOString() };
        await writeInfo(dir, info);
        return info;
      }
      if (response.status === 404) {
        await response.body?.cancel().catch(() => undefined);
        return 'missing';
      }
      if (response.status === 429 || response.status >= 500) {
        await response.body?.cancel().catch(() => undefined);
        last = `HTTP ${response.status}`;
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw new Error(`HTTP ${response.status}`);
      }
      try {
        const bytes = await this.stream(response, dir, maxBytes);
        const info: DownloadInfo = { url, fetchedAt: this.now().toISOString(), bytes };
        const etag = response.headers.get('etag');
        const lastModified = response.headers.get('last-modified');
        if (etag) info.etag = etag;
        if (lastModified) info.lastModified = lastModified;
        await writeInfo(dir, info);
        return info;
      } catch (error) {
        if (error instanceof DownloadRejected) throw error;
        signal?.throwIfAborted();
        // A connection cut mid-body is retried like any network error.
        last = `download interrupted: ${message(error)}`;
      }
    }
    throw new Error(`${attempts} attempt(s), last: ${last}`);
  }

  private async stream(response: Response, dir: string, maxBytes: number): Promise<number> {
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw new DownloadRejected(`the archive is ${declared} bytes, more than the ${maxBytes}-byte cap`);
    }
    if (!(await usableCacheDir(dir))) throw new DownloadRejected(`${dir} is not a private directory of this user`);
    const temp = join(dir, `all.zip.${process.pid}.${Date.now()}.part`);
    const handle = await open(temp, 'w', 0o600);
    let total = 0;
    try {
      const reader = response.body?.getReader() as ReadableStreamDefaultReader<Uint8Array> | undefined;
      if (!reader) throw new DownloadRejected('the response has no body');
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.length;
        if (total > maxBytes) {
          await reader.cancel().catch(() => undefined);
          throw new DownloadRejected(`the archive is larger than the ${maxBytes}-byte cap; nothing was kept`);
        }
        await handle.write(value);
      }
      await handle.close();
      if (Number.isFinite(declared) && declared !== total)
        throw new Error(`got ${total} of ${declared} bytes (the transfer was cut short)`);
      try {
        await verifyZip(temp);
      } catch (error) {
        throw new DownloadRejected(`the server sent ${total} bytes that are not a readable zip (${message(error)})`);
      }
      await rename(temp, join(dir, 'all.zip'));
      return total;
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw error;
    }
  }
}

/** A download that must not be retried as is: too big, not a zip. */
class DownloadRejected extends Error {}

async function writeInfo(dir: string, info: DownloadInfo): Promise<void> {
  const file = join(dir, META_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(info), { mode: 0o600 });
  await rename(temp, file);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
