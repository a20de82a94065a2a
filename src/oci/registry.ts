import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { setTimeout as delay } from 'node:timers/promises';
import { parseWwwAuthenticate, type AuthChallenge } from './auth-challenge.js';
import { resolveCredentials, type CredentialLookup, type Env } from './credentials.js';
import { MAX_MANIFEST_BYTES, digestOf, verifyStream, type VerifyingStream } from './digest.js';
import { isOciError, ociError, type OciErrorCode } from './errors.js';
import { parseManifest, type Descriptor, type ParsedManifest } from './manifest.js';
import { MANIFEST_ACCEPT, MEDIA_TYPE } from './media-types.js';
import { isValidDigest, isValidRepository, isValidTag, registryApiHost, validateDigest } from './reference.js';
import { assertTransportAllowed, registryScheme } from './transport.js';

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  /** Cap of one computed backoff delay. A Retry-After longer than this is still honoured within the total. */
  maxDelayMs: number;
  /** Cap of all waiting for one request; past it we fail instead of waiting. */
  maxTotalDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxTotalDelayMs: 60_000,
};
export const MAX_REDIRECTS = 5;
const MAX_ERROR_BODY_BYTES = 16 * 1024;
const MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024;
const MAX_TAG_PAGES = 100;
const MAX_TAGS = 100_000;
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RegistryClientOptions {
  env?: Env;
  insecureRegistries?: readonly string[];
  signal?: AbortSignal;
  fetch?: typeof globalThis.fetch;
  sleep?: Sleep;
  retry?: Partial<RetryPolicy>;
  /** Overrides the lookup in the environment and ~/.docker/config.json. */
  credentials?: CredentialLookup;
  userAgent?: string;
}

export interface FetchedManifest {
  digest: string;
  mediaType: string;
  size: number;
  bytes: Buffer;
  parsed: ParsedManifest;
}

interface RequestOptions {
  method?: 'GET' | 'HEAD';
  accept?: string;
  /** Repository whose pull scope the request needs; undefined for requests we never authenticate (token realm). */
  repository?: string;
  headers?: Record<string, string>;
  what: string;
}

const defaultSleep: Sleep = async (ms, signal) => {
  await delay(ms, undefined, signal ? { signal } : undefined);
};

/** Seconds or an HTTP-date, as RFC 9110 allows; undefined when absent or malformed. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // The body is unwanted; a failure to cancel it changes nothing.
  }
}

/** Reads at most `limit` bytes of a body; more fails with `code` instead of buffering without bound. */
async function readCapped(response: Response, limit: number, code: OciErrorCode, what: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await discard(response);
    throw ociError(code, `${what} is ${declared} bytes, over the limit of ${limit} bytes; refusing to download it`);
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = (response.body as unknown as WebReadableStream<Uint8Array>).getReader();
  for (;;) {
    const result = await reader.read();
    if (result.done) break;
    const value = result.value;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw ociError(code, `${what} is more than ${limit} bytes, over the limit; refusing to download the rest`);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

async function registryErrorDetail(response: Response): Promise<string> {
  try {
    const body = await readCapped(response, MAX_ERROR_BODY_BYTES, 'REGISTRY_ERROR', 'error body');
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: { code?: unknown; message?: unknown }[] };
    const errors = Array.isArray(parsed.errors) ? parsed.errors : [];
    const text = errors
      .map((error) => [error.code, error.message].filter((part) => typeof part === 'string').join(': '))
      .filter(Boolean)
      .join('; ');
    return text.length > 0 ? ` (${text.slice(0, 500)})` : '';
  } catch {
    return '';
  }
}

/**
 * A client for the OCI distribution API of one registry. Every manifest and blob it returns is verified
 * against its digest while it streams; everything it reads is size-capped.
 */
export class RegistryClient {
  readonly registry: string;
  readonly #base: string;
  readonly #options: RegistryClientOptions;
  readonly #insecure: readonly string[];
  readonly #retry: RetryPolicy;
  readonly #fetch: typeof globalThis.fetch;
  readonly #sleep: Sleep;
  readonly #authorization = new Map<string, string>();
  #credentials: CredentialLookup | undefined;

  constructor(registry: string, options: RegistryClientOptions = {}) {
    this.registry = registry;
    this.#options = options;
    this.#insecure = options.insecureRegistries ?? [];
    const host = registryApiHost(registry);
    this.#base = `${registryScheme(host, this.#insecure)}://${host}`;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#sleep = options.sleep ?? defaultSleep;
  }

  get #credentialLookup(): CredentialLookup {
    this.#credentials ??= this.#options.credentials ?? resolveCredentials(this.registry, this.#options.env ?? {});
    return this.#credentials;
  }

  /** Builds an API URL; names are validated first so that no caller can smuggle in "../" or a query. */
  #url(repository: string, path: string): URL {
    if (!isValidRepository(repository)) {
      throw ociError('INVALID_REFERENCE', `invalid repository name "${repository.slice(0, 300)}"`);
    }
    return new URL(`/v2/${repository}/${path}`, this.#base);
  }

  /** GET a manifest or index by tag or digest, verified against the digest it was asked for or announced. */
  async getManifest(repository: string, reference: string, maxBytes = MAX_MANIFEST_BYTES): Promise<FetchedManifest> {
    const byDigest = reference.includes(':');
    if (byDigest) validateDigest(reference);
    else if (!isValidTag(reference)) throw ociError('INVALID_REFERENCE', `invalid tag "${reference.slice(0, 300)}"`);
    const what = `manifest ${this.registry}/${repository}${byDigest ? '@' : ':'}${reference}`;
    const response = await this.#request(this.#url(repository, `manifests/${reference}`), {
      accept: MANIFEST_ACCEPT,
      repository,
      what,
    });
    if (!response.ok) throw await this.#httpError(response, what);
    const announced = response.headers.get('docker-content-digest')?.trim() || undefined;
    if (announced !== undefined && !isValidDigest(announced)) {
      await discard(response);
      throw ociError(
        'REGISTRY_ERROR',
        `${what}: the registry sent a malformed Docker-Content-Digest "${String(announced).slice(0, 200)}"`,
      );
    }
    const bytes = await readCapped(response, maxBytes, 'MANIFEST_TOO_LARGE', what);
    const expected = byDigest ? reference : announced;
    const algorithm = (expected?.split(':')[0] ?? 'sha256') as 'sha256' | 'sha512';
    const digest = digestOf(bytes, algorithm);
    if (expected !== undefined && digest !== expected) {
      throw ociError(
        'DIGEST_MISMATCH',
        `${what}: content digest is ${digest} but ${byDigest ? 'it was requested by' : 'the registry announced'} ${expected}; refusing to use it`,
      );
    }
    const parsed = parseManifest(bytes, what, response.headers.get('content-type') ?? undefined);
    const mediaType = parsed.kind === 'index' ? parsed.index.mediaType : parsed.manifest.mediaType;
    return { digest, mediaType, size: bytes.length, bytes, parsed };
  }

  /** HEAD a manifest: what the registry says about it (unverified), or undefined when it does not exist. */
  async headManifest(
    repository: string,
    reference: string,
  ): Promise<{ digest?: string; mediaType?: string; size?: number } | undefined> {
    if (reference.includes(':') ? !isValidDigest(reference) : !isValidTag(reference)) {
      throw ociError('INVALID_REFERENCE', `invalid tag or digest "${reference.slice(0, 300)}"`);
    }
    const what = `manifest ${this.registry}/${repository}:${reference}`;
    const response = await this.#request(this.#url(repository, `manifests/${reference}`), {
      method: 'HEAD',
      accept: MANIFEST_ACCEPT,
      repository,
      what,
    });
    await discard(response);
    if (response.status === 404) return undefined;
    if (!response.ok) throw await this.#httpError(response, what);
    const digest = response.headers.get('docker-content-digest') ?? undefined;
    const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim();
    const size = Number(response.headers.get('content-length') ?? Number.NaN);
    return {
      ...(digest && isValidDigest(digest) ? { digest } : {}),
      ...(mediaType ? { mediaType } : {}),
      ...(Number.isSafeInteger(size) ? { size } : {}),
    };
  }

  /** Streams a blob, verified against the descriptor's digest and size as it flows. */
  async openBlob(
    repository: string,
    descriptor: Pick<Descriptor, 'digest' | 'size'>,
    maxBytes: number,
  ): Promise<VerifyingStream> {
    validateDigest(descriptor.digest);
    const what = `blob ${descriptor.digest} of ${this.registry}/${repository}`;
    if (descriptor.size > maxBytes) {
      throw ociError('BLOB_TOO_LARGE', `${what} is ${descriptor.size} bytes, over the limit of ${maxBytes} bytes`);
    }
    // fetch transparently decodes a Content-Encoding; the digest covers the stored bytes, so ask for those.
    const response = await this.#request(this.#url(repository, `blobs/${descriptor.digest}`), {
      repository,
      what,
      headers: { 'accept-encoding': 'identity' },
    });
    if (!response.ok) throw await this.#httpError(response, what);
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared !== descriptor.size) {
      await discard(response);
      throw ociError(
        'SIZE_MISMATCH',
        `${what}: descriptor size is ${descriptor.size} bytes but the server announced ${declared}; refusing to use it`,
      );
    }
    const body = response.body ? Readable.fromWeb(response.body) : Readable.from([]);
    return verifyStream(body, { digest: descriptor.digest, size: descriptor.size, maxBytes, what });
  }

  /**
   * Manifests that refer to `digest` (signatures, SBOMs, attestations): the referrers API, or, where the
   * registry does not have it (404), the referrers tag schema "<alg>-<hex>".
   */
  async listReferrers(repository: string, digest: string, artifactType?: string): Promise<Descriptor[]> {
    validateDigest(digest);
    const what = `referrers of ${this.registry}/${repository}@${digest}`;
    const url = this.#url(repository, `referrers/${digest}`);
    if (artifactType !== undefined) url.searchParams.set('artifactType', artifactType);
    const response = await this.#request(url, { accept: MEDIA_TYPE.ociIndex, repository, what });
    let entries: Descriptor[];
    let filtered = false;
    if (response.status === 404) {
      await discard(response);
      entries = await this.#referrersFromTag(repository, digest);
    } else if (!response.ok) {
      throw await this.#httpError(response, what);
    } else {
      filtered = (response.headers.get('oci-filters-applied') ?? '')
        .split(',')
        .some((f) => f.trim() === 'artifactType');
      const bytes = await readCapped(response, MAX_MANIFEST_BYTES, 'MANIFEST_TOO_LARGE', what);
      const parsed = parseManifest(bytes, what, response.headers.get('content-type') ?? undefined);
      if (parsed.kind !== 'index')
        throw ociError('INVALID_MANIFEST', `${what}: the registry answered with a manifest, not an index`);
      entries = parsed.index.manifests;
    }
    return artifactType === undefined || filtered
      ? entries
      : entries.filter((entry) => entry.artifactType === artifactType);
  }

  async #referrersFromTag(repository: string, digest: string): Promise<Descriptor[]> {
    try {
      const fetched = await this.getManifest(repository, digest.replace(':', '-'));
      if (fetched.parsed.kind !== 'index') {
        throw ociError(
          'INVALID_MANIFEST',
          `referrers tag ${digest.replace(':', '-')} of ${repository} is not an index`,
        );
      }
      return fetched.parsed.index.manifests;
    } catch (error) {
      if (isOciError(error, 'NOT_FOUND')) return [];
      throw error;
    }
  }

  /** All tags of a repository, following Link pagination (bounded). */
  async listTags(repository: string): Promise<string[]> {
    const tags: string[] = [];
    let url: URL | undefined = this.#url(repository, 'tags/list?n=1000');
    for (let page = 0; url !== undefined && page < MAX_TAG_PAGES && tags.length < MAX_TAGS; page++) {
      const what = `tag list of ${this.registry}/${repository}`;
      const response = await this.#request(url, { accept: 'application/json', repository, what });
      if (!response.ok) throw await this.#httpError(response, what);
      const link = response.headers.get('link');
      const body = await readCapped(response, MAX_MANIFEST_BYTES, 'REGISTRY_ERROR', what);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        throw ociError('REGISTRY_ERROR', `${what} is not valid JSON`);
      }
      const pageTags = (parsed as { tags?: unknown }).tags;
      if (Array.isArray(pageTags)) for (const tag of pageTags) if (typeof tag === 'string') tags.push(tag);
      const next = link ? /<([^>]+)>\s*;\s*rel="?next"?/i.exec(link)?.[1] : undefined;
      url = next === undefined ? undefined : new URL(next, url);
    }
    return tags.slice(0, MAX_TAGS);
  }

  async #httpError(response: Response, what: string): Promise<Error> {
    const detail = await registryErrorDetail(response);
    if (response.status === 404) return ociError('NOT_FOUND', `${what} not found${detail}`);
    if (response.status === 401 || response.status === 403) return this.#authError(what, response.status, detail);
    if (response.status === 429)
      return ociError('RATE_LIMITED', `${what}: the registry kept answering 429 Too Many Requests${detail}`);
    return ociError('REGISTRY_ERROR', `${what}: HTTP ${response.status}${detail}`);
  }

  #authError(what: string, status: number, detail = ''): Error {
    const lookup = this.#credentialLookup;
    const hint = lookup.credential
      ? `the credentials from ${lookup.source} were refused or lack pull access`
      : (lookup.note ??
        `no credentials found for ${this.registry} (set GITHUB_TOKEN for ghcr.io, CI_REGISTRY_USER/CI_REGISTRY_PASSWORD on GitLab, or run docker login without a credential helper)`);
    return ociError('AUTH_REQUIRED', `${what}: HTTP ${status}, authentication required: ${hint}${detail}`);
  }

  /** One logical request: redirects, authentication and retries included. */
  async #request(url: URL, options: RequestOptions): Promise<Response> {
    let waited = 0;
    let challenged = false;
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.accept) headers.accept = options.accept;
      if (this.#options.userAgent) headers['user-agent'] = this.#options.userAgent;
      const authorization = options.repository === undefined ? undefined : this.#authorization.get(options.repository);
      if (authorization) headers.authorization = authorization;
      let response: Response;
      try {
        response = await this.#followRedirects(options.method ?? 'GET', url, headers, options.what);
      } catch (error) {
        if (isOciError(error)) throw error;
        this.#throwIfAborted(options.what, error);
        const wait = this.#backoff(attempt);
        if (attempt >= this.#retry.maxAttempts || waited + wait > this.#retry.maxTotalDelayMs) {
          throw ociError(
            'NETWORK_ERROR',
            `${options.what}: cannot reach ${url.host}: ${(error as Error).message}`,
            error,
          );
        }
        waited += wait;
        await this.#wait(wait, options.what);
        continue;
      }
      if (response.status === 401 && options.repository !== undefined && !challenged) {
        challenged = true;
        const header = response.headers.get('www-authenticate');
        await discard(response);
        await this.#authenticate(header, options.repository, options.what);
        attempt--;
        continue;
      }
      if (RETRYABLE_STATUS.has(response.status) && attempt < this.#retry.maxAttempts) {
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
        const wait = retryAfter ?? this.#backoff(attempt);
        if (waited + wait <= this.#retry.maxTotalDelayMs) {
          await discard(response);
          waited += wait;
          await this.#wait(wait, options.what);
          continue;
        }
      }
      return response;
    }
  }

  #throwIfAborted(what: string, cause?: unknown): void {
    if (this.#options.signal?.aborted) throw ociError('ABORTED', `${what}: cancelled`, cause);
  }

  async #wait(ms: number, what: string): Promise<void> {
    try {
      await this.#sleep(ms, this.#options.signal);
    } catch (error) {
      this.#throwIfAborted(what, error);
      throw error;
    }
  }

  #backoff(attempt: number): number {
    return Math.min(this.#retry.baseDelayMs * 2 ** (attempt - 1), this.#retry.maxDelayMs);
  }

  async #followRedirects(method: string, start: URL, headers: Record<string, string>, what: string): Promise<Response> {
    let url = start;
    let currentMethod = method;
    const sent = { ...headers };
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      assertTransportAllowed(url, this.#insecure, what);
      const response = await this.#fetch(url, {
        method: currentMethod,
        headers: sent,
        redirect: 'manual',
        ...(this.#options.signal ? { signal: this.#options.signal } : {}),
      });
      if (!REDIRECT_STATUS.has(response.status)) return response;
      const location = response.headers.get('location');
      await discard(response);
      if (!location)
        throw ociError('REGISTRY_ERROR', `${what}: HTTP ${response.status} redirect without a Location header`);
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw ociError('REGISTRY_ERROR', `${what}: redirect to an invalid URL`);
      }
      // Like fetch itself: credentials for the registry never go to another origin (e.g. a storage bucket).
      if (next.origin !== url.origin) delete sent.authorization;
      if (response.status === 303 && currentMethod !== 'HEAD') currentMethod = 'GET';
      url = next;
    }
    throw ociError('TOO_MANY_REDIRECTS', `${what}: more than ${MAX_REDIRECTS} redirects`);
  }

  /** Answers a 401 challenge: a bearer token from the realm, or Basic credentials. */
  async #authenticate(header: string | null, repository: string, what: string): Promise<void> {
    const challenges = parseWwwAuthenticate(header ?? '');
    const bearer = challenges.find((challenge) => challenge.scheme === 'bearer');
    const credential = this.#credentialLookup.credential;
    if (bearer) {
      this.#authorization.set(repository, `Bearer ${await this.#fetchToken(bearer, repository, what)}`);
      return;
    }
    if (challenges.some((challenge) => challenge.scheme === 'basic') && credential) {
      const encoded = Buffer.from(`${credential.username}:${credential.password}`).toString('base64');
      this.#authorization.set(repository, `Basic ${encoded}`);
      return;
    }
    throw this.#authError(what, 401);
  }

  /** The distribution token spec: GET realm?service=…&scope=…, Basic-authenticated when we have credentials. */
  async #fetchToken(challenge: AuthChallenge, repository: string, what: string): Promise<string> {
    const realm = challenge.params.realm;
    let url: URL;
    try {
      url = new URL(realm ?? '');
    } catch {
      throw ociError(
        'REGISTRY_ERROR',
        `${what}: the registry's Bearer challenge has no valid realm URL (${JSON.stringify(realm ?? null)})`,
      );
    }
    if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
    const scopes = (challenge.params.scope ?? `repository:${repository}:pull`).split(' ').filter(Boolean);
    for (const scope of scopes) url.searchParams.append('scope', scope);
    const credential = this.#credentialLookup.credential;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (credential) {
      headers.authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
    }
    const tokenWhat = `token for ${what} from ${url.origin}${url.pathname}`;
    const response = await this.#request(url, { headers, what: tokenWhat });
    if (response.status === 401 || response.status === 403) {
      await discard(response);
      throw this.#authError(tokenWhat, response.status);
    }
    if (!response.ok) throw await this.#httpError(response, tokenWhat);
    const body = await readCapped(response, MAX_TOKEN_RESPONSE_BYTES, 'REGISTRY_ERROR', tokenWhat);
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw ociError('REGISTRY_ERROR', `${tokenWhat}: the response is not JSON`);
    }
    const { token, access_token: accessToken } = (parsed ?? {}) as { token?: unknown; access_token?: unknown };
    const value = typeof token === 'string' && token ? token : typeof accessToken === 'string' ? accessToken : '';
    if (!value || /[\r\n]/.test(value))
      throw ociError('REGISTRY_ERROR', `${tokenWhat}: the response has no usable token`);
    return value;
  }
}
