import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';

/**
 * A loopback GitHub REST server for the operations containersec calls. Every request is checked against the
 * operation's description in test/schemas/github-api.subset.json (vendored from @octokit/openapi): method and
 * path template, query parameter names, and the JSON body against the request schema. Violations are recorded
 * and the tests assert there are none. It keeps state (comments, check runs, statuses), so update-in-place,
 * pagination and permission failures are tested for real.
 */
interface Operation {
  key: string;
  method: string;
  pattern: RegExp;
  params: string[];
  query: Set<string>;
  validate?: ValidateFunction;
}

interface SubsetFile {
  operations: Record<string, { parameters: { name: string; in: string }[]; requestBody: unknown }>;
}

/** OpenAPI 3.0 `nullable: true` is not JSON Schema: turn it into a type union. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node))
    if (key !== 'nullable' && key !== 'example') out[key] = toJsonSchema(value);
  const record = node as Record<string, unknown>;
  if (record.nullable === true && typeof record.type === 'string') out.type = [record.type, 'null'];
  if (record.nullable === true && Array.isArray(record.enum)) out.enum = [...(record.enum as unknown[]), null];
  return out;
}

function loadOperations(): Operation[] {
  const subset = JSON.parse(readFileSync('test/schemas/github-api.subset.json', 'utf8')) as SubsetFile;
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  return Object.entries(subset.operations).map(([key, operation]) => {
    const [method, path] = key.split(' ') as [string, string];
    const params: string[] = [];
    const pattern = new RegExp(`^${path.replace(/\{(\w+)\}/g, (_, name: string) => (params.push(name), '([^/]+)'))}$`);
    return {
      key,
      method: method.toUpperCase(),
      pattern,
      params,
      query: new Set(operation.parameters.filter((p) => p.in === 'query').map((p) => p.name)),
      ...(operation.requestBody ? { validate: ajv.compile(toJsonSchema(operation.requestBody) as object) } : {}),
    };
  });
}

export interface Comment {
  id: number;
  issue: number;
  body: string;
  user: { login: string; type: string };
}

export interface CheckRun {
  id: number;
  external_id?: string;
  name: string;
  head_sha: string;
  status?: string;
  conclusion?: string;
  output?: { title?: string; summary?: string; annotations?: unknown[] };
  annotations: unknown[];
}

export interface Injected {
  status: number;
  message?: string;
  headers?: Record<string, string>;
  times?: number;
  /** A raw body instead of GitHub's JSON error (e.g. a proxy's HTML page), sent as `contentType`. */
  raw?: string;
  contentType?: string;
  /** Carry out the request, then answer with the injected status (a 5xx after the write went through). */
  afterWrite?: boolean;
  /** Answer only after this many milliseconds (a stalled API). */
  delayMs?: number;
}

function annotationsOf(body: Record<string, unknown>): unknown[] {
  const output = body.output as { annotations?: unknown } | undefined;
  return Array.isArray(output?.annotations) ? output.annotations : [];
}

export class FakeGithub {
  readonly violations: string[] = [];
  readonly requests: { method: string; path: string; body: unknown }[] = [];
  readonly comments: Comment[] = [];
  readonly checkRuns: CheckRun[] = [];
  readonly statuses: { sha: string; body: Record<string, unknown> }[] = [];
  readonly pulls: { number: number; state: string; head: { sha: string } }[] = [];
  /**
   * What `GET /repos/{owner}/{repo}` answers: extra response headers (GitHub reports a classic token's scopes
   * in `x-oauth-scopes`, its expiry in `github-authentication-token-expiration`) and the `permissions` object.
   */
  readonly repository: { headers: Record<string, string>; permissions?: Record<string, boolean> } = { headers: {} };
  /** Operation key (e.g. `post /repos/{owner}/{repo}/check-runs`) → responses to give before the real one. */
  readonly inject = new Map<string, Injected>();
  /** Who the token is: `GET /user` answers with it (a personal access token); undefined answers 403 as for
   * GITHUB_TOKEN and installation tokens. Comments are created under this login, else `github-actions[bot]`. */
  tokenUser?: { login: string; type: string };
  private server?: Server;
  private nextId = 1000;
  private readonly operations = loadOperations();
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Adds comments by someone else, to test pagination and markers in foreign comments. */
  seedComments(
    issue: number,
    count: number,
    body = (i: number) => `comment ${i}`,
    user = { login: 'octocat', type: 'User' },
  ): void {
    for (let i = 0; i < count; i++) this.comments.push({ id: this.nextId++, issue, body: body(i), user });
  }

  private async readBody(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await this.readBody(req).catch(() => 'unparseable');
    this.requests.push({ method: req.method ?? '', path: url.pathname, body });
    const operation = this.operations.find((op) => op.method === req.method && op.pattern.test(url.pathname));
    if (!operation) {
      this.violations.push(`${req.method} ${url.pathname}: not an operation containersec is described to call`);
      return this.send(res, 404, { message: 'Not Found' });
    }
    if (!/^(token|bearer) \S+$/i.test(req.headers.authorization ?? ''))
      this.violations.push(`${operation.key}: no Authorization header`);
    for (const name of url.searchParams.keys())
      if (!operation.query.has(name)) this.violations.push(`${operation.key}: unknown query parameter ${name}`);
    if (operation.validate && !operation.validate(body ?? {})) {
      this.violations.push(
        `${operation.key}: body does not match the schema: ${JSON.stringify(operation.validate.errors?.slice(0, 3))}`,
      );
    }
    if (!operation.validate && body !== undefined) this.violations.push(`${operation.key}: unexpected body`);
    const match = operation.pattern.exec(url.pathname)!;
    const params = Object.fromEntries(operation.params.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
    const injected = this.inject.get(operation.key);
    if (injected) {
      if ((injected.times ?? 1) <= 1) this.inject.delete(operation.key);
      else injected.times = (injected.times ?? 1) - 1;
      if (injected.delayMs) await new Promise((resolve) => setTimeout(resolve, injected.delayMs));
      if (res.destroyed) return;
      if (injected.afterWrite) this.route(operation.key, params, url, body as Record<string, unknown>, undefined);
      if (injected.raw !== undefined) {
        res.writeHead(injected.status, { 'content-type': injected.contentType ?? 'text/html', ...injected.headers });
        return void res.end(injected.raw);
      }
      const message = injected.message ?? `injected ${injected.status}`;
      return this.send(
        res,
        injected.status,
        { message, documentation_url: 'https://docs.github.com/rest' },
        injected.headers,
      );
    }
    this.route(operation.key, params, url, body as Record<string, unknown>, res);
  }

  private route(
    key: string,
    params: Record<string, string>,
    url: URL,
    body: Record<string, unknown>,
    response: ServerResponse | undefined,
  ): void {
    // Without a response (an injected answer replaces it) the request is carried out and its answer dropped.
    const res = response ?? ({ writeHead: () => undefined, end: () => undefined } as unknown as ServerResponse);
    const repoUrl = `https://github.com/${params.owner}/${params.repo}`;
    const commentJson = (c: Comment) => ({
      id: c.id,
      body: c.body,
      user: c.user,
      html_url: `${repoUrl}/pull/${c.issue}#issuecomment-${c.id}`,
    });
    switch (key) {
      case 'get /repos/{owner}/{repo}/issues/{issue_number}/comments': {
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        const all = this.comments.filter((c) => c.issue === Number(params.issue_number));
        const slice = all.slice((page - 1) * perPage, page * perPage);
        const headers: Record<string, string> = {};
        if (page * perPage < all.length) {
          const next = new URL(url.toString());
          next.searchParams.set('page', String(page + 1));
          next.searchParams.set('per_page', String(perPage));
          headers.link = `<${next.toString()}>; rel="next"`;
        }
        return this.send(res, 200, slice.map(commentJson), headers);
      }
      case 'post /repos/{owner}/{repo}/issues/{issue_number}/comments': {
        const comment = {
          id: this.nextId++,
          issue: Number(params.issue_number),
          body: String(body.body),
          user: this.tokenUser ?? { login: 'github-actions[bot]', type: 'Bot' },
        };
        this.comments.push(comment);
        return this.send(res, 201, commentJson(comment));
      }
      case 'patch /repos/{owner}/{repo}/issues/comments/{comment_id}': {
        const comment = this.comments.find((c) => c.id === Number(params.comment_id));
        if (!comment) return this.send(res, 404, { message: 'Not Found' });
        // A token that can write to pull requests can edit anyone's comment: GitHub does not refuse.
        comment.body = String(body.body);
        return this.send(res, 200, commentJson(comment));
      }
      case 'post /repos/{owner}/{repo}/check-runs': {
        const run: CheckRun = {
          id: this.nextId++,
          ...(typeof body.external_id === 'string' ? { external_id: body.external_id } : {}),
          name: String(body.name),
          head_sha: String(body.head_sha),
          ...this.checkFields(body),
          annotations: [...annotationsOf(body)],
        };
        this.checkRuns.push(run);
        return this.send(res, 201, { id: run.id, html_url: `${repoUrl}/runs/${run.id}` });
      }
      case 'patch /repos/{owner}/{repo}/check-runs/{check_run_id}': {
        const run = this.checkRuns.find((r) => r.id === Number(params.check_run_id));
        if (!run) return this.send(res, 404, { message: 'Not Found' });
        // Each update appends its annotations, as GitHub does.
        Object.assign(run, this.checkFields(body), { annotations: [...run.annotations, ...annotationsOf(body)] });
        return this.send(res, 200, { id: run.id, html_url: `${repoUrl}/runs/${run.id}` });
      }
      case 'get /user':
        if (!this.tokenUser)
          return this.send(res, 403, {
            message: 'Resource not accessible by integration',
            documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
          });
        return this.send(res, 200, { ...this.tokenUser, id: 1 });
      case 'get /repos/{owner}/{repo}/commits/{ref}/check-runs': {
        const runs = this.checkRuns.filter(
          (r) =>
            r.head_sha === params.ref &&
            (!url.searchParams.get('check_name') || r.name === url.searchParams.get('check_name')),
        );
        return this.send(res, 200, {
          total_count: runs.length,
          check_runs: runs.map((r) => ({
            id: r.id,
            name: r.name,
            status: r.status,
            external_id: r.external_id ?? null,
          })),
        });
      }
      case 'post /repos/{owner}/{repo}/statuses/{sha}':
        this.statuses.push({ sha: params.sha!, body });
        return this.send(res, 201, { id: this.nextId++, state: body.state, context: body.context });
      case 'get /repos/{owner}/{repo}/commits/{commit_sha}/pulls':
        return this.send(
          res,
          200,
          this.pulls.filter((p) => p.head.sha === params.commit_sha),
        );
      case 'get /repos/{owner}/{repo}/pulls':
        return this.send(
          res,
          200,
          this.pulls.filter((p) => p.state === (url.searchParams.get('state') ?? 'open')),
        );
      case 'get /repos/{owner}/{repo}':
        return this.send(
          res,
          200,
          {
            id: 1296269,
            name: params.repo,
            full_name: `${params.owner}/${params.repo}`,
            private: false,
            html_url: repoUrl,
            ...(this.repository.permissions ? { permissions: this.repository.permissions } : {}),
          },
          this.repository.headers,
        );
      default:
        return this.send(res, 500, { message: `no route for ${key}` });
    }
  }

  private checkFields(body: Record<string, unknown>): Partial<CheckRun> {
    const fields: Partial<CheckRun> = {};
    if (typeof body.status === 'string') fields.status = body.status;
    if (typeof body.conclusion === 'string') fields.conclusion = body.conclusion;
    if (body.output && typeof body.output === 'object') fields.output = body.output;
    return fields;
  }
}
