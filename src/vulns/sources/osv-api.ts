import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOsvRecord, type OsvRecord } from '../osv.js';
import { usableCacheDir } from './cache-dir.js';
import { osvPackageName } from './package-key.js';
import { SkipCounter, VulnSourceError, type VulnLookup, type VulnQuery, type VulnSource } from './types.js';

export const DEFAULT_OSV_API = 'https://api.osv.dev';
/** OSV's documented limit of queries per /v1/querybatch request. */
export const QUERYBATCH_MAX_QUERIES = 1000;
/** Pages followed per query before giving up (a server that never stops paging). */
export const MAX_PAGES_PER_QUERY = 100;
export const RECORD_FETCH_CONCURRENCY = 8;
/** Bytes of one API response we read; larger ones are an error. */
export const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const REQUEST_TIMEOUT_MS = 60_000;

export interface OsvApiOptions {
  baseUrl?: string;
  /** Records cache; defaults to CONTAINERSEC_CACHE_DIR or <tmpdir>/containersec-osv-cache. */
  cacheDir?: string | false;
  env?: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Attempts per request (first try included). */
  attempts?: number;
  concurrency?: number;
}

interface BatchResult {
  vulns: { id: string; modified?: string }[];
  next_page_token?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function cacheDirFor(options: OsvApiOptions): string | undefined {
  if (options.cacheDir === false) return undefined;
  return options.cacheDir ?? options.env?.CONTAINERSEC_CACHE_DIR ?? join(tmpdir(), 'containersec-osv-cache');
}

/**
 * The OSV.dev API (https://google.github.io/osv.dev/api/): POST /v1/querybatch for the ids per package
 * (paged with next_page_token), then GET /v1/vulns/{id} for each record, with bounded concurrency and an
 * on-disk cache keyed by id and `modified` (the batch answer carries `modified`, so a changed record is
 * fetched again). Retries 429/5xx and network errors with exponential backoff; when the API stays
 * unreachable it throws a VulnSourceError (the check decides between fail and warn).
 */
export class OsvApiSource implements VulnSource {
  readonly description: string;
  readonly matchesVersions = true;
  readonly baseUrl: string;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly attempts: number;
  private readonly concurrency: number;
  private readonly cacheDir: string | undefined;

  constructor(options: OsvApiOptions = {}) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_OSV_API).replace(/\/+$/, '');
    this.description = `OSV API at ${this.baseUrl}`;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.attempts = options.attempts ?? 4;
    this.concurrency = options.concurrency ?? RECORD_FETCH_CONCURRENCY;
    this.cacheDir = cacheDirFor(options);
  }

  async lookup(queries: readonly VulnQuery[], signal?: AbortSignal): Promise<VulnLookup> {
    const notes: string[] = [];
    const ids = await this.queryIds(queries, notes, signal);
    const cacheDir = this.cacheDir && (await usableCacheDir(this.cacheDir)) ? this.cacheDir : undefined;
    if (this.cacheDir && !cacheDir) {
      notes.push(`${this.cacheDir} is not a private directory of this user; OSV records are not cached`);
    }
    const modified = new Map<string, string | undefined>();
    for (const list of ids) for (const v of list) if (!modified.has(v.id)) modified.set(v.id, v.modified);
    const skipped = new SkipCounter();
    const records = new Map<string, OsvRecord>();
    const pending = [...modified.entries()];
    let cached = 0;
    const worker = async () => {
      for (let next = pending.shift(); next; next = pending.shift()) {
        const [id, stamp] = next;
        const result = await this.record(id, stamp, cacheDir, signal);
        if (result.cached) cached++;
        if (result.record) records.set(id, result.record);
        else skipped.add(result.error ?? 'invalid record', id);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, pending.length) }, worker));
    notes.push(
      `${this.description}: ${queries.length} package version(s) queried, ${modified.size} advisory record(s) (${cached} from cache)`,
    );
    notes.push(...skipped.notes(this.description));
    return {
      records: ids.map((list) => list.map((v) => records.get(v.id)).filter((r): r is OsvRecord => r !== undefined)),
      notes,
    };
  }

  /** GET /v1/vulns/{id} for each id (osv.dev serves CVE records too); unknown ids are left out. */
  async recordsById(ids: readonly string[], signal?: AbortSignal): Promise<OsvRecord[]> {
    const pending = [...new Set(ids)];
    const out: OsvRecord[] = [];
    const worker = async () => {
      for (let id = pending.shift(); id !== undefined; id = pending.shift()) {
        const result = await this.record(id, undefined, undefined, signal);
        if (result.record) out.push(result.record);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, pending.length) }, worker));
    return out;
  }

  private async queryIds(
    queries: readonly VulnQuery[],
    notes: string[],
    signal?: AbortSignal,
  ): Promise<{ id: string; modified?: string }[][]> {
    const out: { id: string; modified?: string }[][] = queries.map(() => []);
    // Work items: query index + page token. First pages for all, then follow-up pages for those that page.
    let work: { index: number; token?: string; page: number }[] = queries.map((_, index) => ({ index, page: 1 }));
    while (work.length > 0) {
      const next: typeof work = [];
      for (let start = 0; start < work.length; start += QUERYBATCH_MAX_QUERIES) {
        const batch = work.slice(start, start + QUERYBATCH_MAX_QUERIES);
        const body = {
          queries: batch.map(({ index, token }) => {
            const q = queries[index]!;
            return {
              package: { ecosystem: q.ecosystem, name: osvPackageName(q.ecosystem, q.name) },
              version: q.version,
              ...(token ? { page_token: token } : {}),
            };
          }),
        };
        const response = await this.request('POST', '/v1/querybatch', body, signal);
        const results = isObject(response) && Array.isArray(response.results) ? response.results : undefined;
        if (!results || results.length !== batch.length) {
          throw new VulnSourceError(
            'BAD_RESPONSE',
            `${this.description}: /v1/querybatch answered ${results ? `${results.length} results for ${batch.length} queries` : 'without a "results" array'}`,
          );
        }
        results.forEach((raw, i) => {
          const item = batch[i]!;
          const result = parseBatchResult(raw);
          if (!result) {
            throw new VulnSourceError(
              'BAD_RESPONSE',
              `${this.description}: /v1/querybatch result ${start + i} is not {vulns: [{id, modified}]}`,
            );
          }
          out[item.index]!.push(...result.vulns);
          if (result.next_page_token) {
            if (item.page >= MAX_PAGES_PER_QUERY) {
              const q = queries[item.index]!;
              notes.push(
                `${this.description}: ${q.ecosystem}/${q.name}@${q.version} has more than ${MAX_PAGES_PER_QUERY} pages of results; the rest were not read`,
              );
            } else next.push({ index: item.index, token: result.next_page_token, page: item.page + 1 });
          }
        });
      }
      work = next;
    }
    return out;
  }

  private async record(
    id: string,
    modified: string | undefined,
    cacheDir: string | undefined,
    signal?: AbortSignal,
  ): Promise<{ record?: OsvRecord; error?: string; cached?: boolean }> {
    const file = cacheDir && modified ? join(cacheDir, cacheName(id, modified)) : undefined;
    if (file) {
      const hit = await readFile(file, 'utf8').catch(() => undefined);
      if (hit !== undefined) {
        try {
          const result = readOsvRecord(JSON.parse(hit));
          if (result.ok && result.record.id === id && result.record.modified === modified) {
            return { record: result.record, cached: true };
          }
        } catch {
          // A damaged cache entry is fetched again.
        }
      }
    }
    const json = await this.request('GET', `/v1/vulns/${encodeURIComponent(id)}`, undefined, signal);
    const result = readOsvRecord(json);
    if (!result.ok) return { error: result.error };
    if (result.record.id !== id) return { error: `asked for ${id}, the API sent ${result.record.id}` };
    if (file) {
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(json), { mode: 0o600 })
        .then(() => rename(temp, file))
        .catch(() => undefined);
    }
    return { record: result.record };
  }

  private async request(method: 'GET' | 'POST', path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    const url = `${this.baseUrl}${path}`;
    let last = '';
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (attempt > 1) await this.sleep(Math.min(30_000, 500 * 2 ** (attempt - 2)));
      signal?.throwIfAborted();
      let response: Response;
      try {
        const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
        response = await this.fetch(url, {
          method,
          headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (error) {
        signal?.throwIfAborted();
        last = `network error: ${error instanceof Error ? error.message : String(error)}`;
        continue;
      }
      if (response.status === 429 || response.status >= 500) {
        last = `HTTP ${response.status}`;
        await response.body?.cancel().catch(() => undefined);
        continue;
      }
      if (response.status === 404 && method === 'GET') {
        await response.body?.cancel().catch(() => undefined);
        return { error: 'not found' };
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        throw new VulnSourceError(
          'BAD_RESPONSE',
          `${this.description}: ${method} ${path} answered HTTP ${response.status}`,
        );
      }
      const text = await readCapped(response, MAX_RESPONSE_BYTES, `${method} ${path}`, this.description);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new VulnSourceError('BAD_RESPONSE', `${this.description}: ${method} ${path} did not answer JSON`);
      }
    }
    throw new VulnSourceError(
      'UNREACHABLE',
      `${this.description} could not be reached (${method} ${path}, ${this.attempts} attempts, last: ${last})`,
    );
  }
}

async function readCapped(response: Response, max: number, what: string, source: string): Promise<string> {
  const reader = response.body?.getReader() as ReadableStreamDefaultReader<Uint8Array> | undefined;
  if (!reader) return '';
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      throw new VulnSourceError('BAD_RESPONSE', `${source}: ${what} answered more than ${max} bytes`);
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString('utf8');
}

function parseBatchResult(raw: unknown): BatchResult | undefined {
  if (!isObject(raw)) return undefined;
  const vulns = raw.vulns ?? [];
  if (!Array.isArray(vulns)) return undefined;
  const out: BatchResult = { vulns: [] };
  for (const v of vulns) {
    if (!isObject(v) || typeof v.id !== 'string' || v.id.length === 0 || v.id.length > 200) return undefined;
    out.vulns.push({ id: v.id, ...(typeof v.modified === 'string' ? { modified: v.modified } : {}) });
  }
  if (typeof raw.next_page_token === 'string' && raw.next_page_token !== '') out.next_page_token = raw.next_page_token;
  return out;
}

function cacheName(id: string, modified: string): string {
  return `${createHash('sha256').update(`${id}\u0000${modified}`).digest('hex')}.json`;
}
