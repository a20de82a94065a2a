import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback GitLab that implements the REST v4 endpoints containersec calls, checking each request against
 * GitLab's documented API (doc/api/notes.md, doc/api/commits.md "Set the pipeline status of a commit",
 * doc/api/rest/index.md pagination and authentication). Anything off-spec is recorded in `problems` and
 * answered the way GitLab would (400/401/404), so a test fails on a wrong request shape.
 */

export interface Note {
  id: number;
  body: string;
  system: boolean;
  author: { id: number; username: string };
}

export interface RecordedRequest {
  method: string;
  /** Path below the API root, e.g. `/projects/7/merge_requests/3/notes`. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface Override {
  /** Answer requests this matches with `status` (once per entry in `times`, default once). */
  match: (request: RecordedRequest) => boolean;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  times?: number;
}

export interface FakeGitlab {
  /** The API root as CI_API_V4_URL would give it. */
  apiUrl: string;
  requests: RecordedRequest[];
  problems: string[];
  /** Notes per merge request, keyed `project/iid`. */
  notes: Map<string, Note[]>;
  statuses: { project: string; sha: string; body: Record<string, unknown> }[];
  overrides: Override[];
  /** What `GET /personal_access_tokens/self` answers (doc/api/personal_access_tokens.md, "Self-inform"). */
  tokenSelf: Record<string, unknown>;
  close(): Promise<void>;
}

export const FAKE_TOKEN = 'glpat-TESTTOKEN-0123456789abcdef';
export const BOT_USER = { id: 4242, username: 'project_7_bot' };

const STATES = ['pending', 'running', 'success', 'failed', 'canceled', 'skipped'];
const STATUS_FIELDS = new Set([
  'state',
  'ref',
  'name',
  'context',
  'target_url',
  'description',
  'coverage',
  'pipeline_id',
]);
const NOTE_MAX_CHARS = 1_000_000;

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

export async function startFakeGitlab(options: { prefix?: string; token?: string } = {}): Promise<FakeGitlab> {
  const prefix = options.prefix ?? '/api/v4';
  const token = options.token ?? FAKE_TOKEN;
  const state: Omit<FakeGitlab, 'apiUrl' | 'close'> = {
    requests: [],
    problems: [],
    notes: new Map(),
    statuses: [],
    overrides: [],
    tokenSelf: {
      id: 42,
      name: 'containersec',
      revoked: false,
      created_at: '2026-01-05T10:00:00.000Z',
      description: 'containersec merge request notes',
      scopes: ['api'],
      user_id: BOT_USER.id,
      last_used_at: '2026-11-27T09:00:00.000Z',
      active: true,
      expires_at: '2027-01-05',
    },
  };
  let nextNoteId = 1000;

  const handle = (req: http.IncomingMessage, raw: string, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const problem = (text: string) => state.problems.push(`${req.method} ${url.pathname}: ${text}`);
    if (!url.pathname.startsWith(`${prefix}/`)) {
      problem(`outside the API root ${prefix}`);
      return send(res, 404, { message: '404 Not Found' });
    }
    const path = url.pathname.slice(prefix.length);
    let body: unknown;
    if (raw !== '') {
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
        problem('a body without Content-Type: application/json');
      try {
        body = JSON.parse(raw);
      } catch {
        problem('a body that is not JSON');
        return send(res, 400, { error: 'invalid JSON' });
      }
    }
    const request: RecordedRequest = {
      method: req.method ?? '',
      path,
      query: url.searchParams,
      headers: req.headers,
      body,
    };
    state.requests.push(request);

    if (req.headers.authorization) problem('an Authorization header (we authenticate with PRIVATE-TOKEN)');
    if (req.headers['private-token'] !== token) return send(res, 401, { message: '401 Unauthorized' });

    const override = state.overrides.find((o) => (o.times ?? 1) > 0 && o.match(request));
    if (override) {
      override.times = (override.times ?? 1) - 1;
      return send(res, override.status, override.body ?? { message: `${override.status}` }, override.headers);
    }

    if (req.method === 'GET' && path === '/user') return send(res, 200, { ...BOT_USER, bot: true });
    if (req.method === 'GET' && path === '/personal_access_tokens/self') {
      if (url.search !== '') problem('query parameters on the self-inform endpoint');
      return send(res, 200, state.tokenSelf);
    }

    const notesMatch = /^\/projects\/([^/]+)\/merge_requests\/(\d+)\/notes(?:\/(\d+))?$/.exec(path);
    if (notesMatch) {
      const [, project, iid, noteId] = notesMatch;
      const key = `${decodeURIComponent(project!)}/${iid}`;
      const notes = state.notes.get(key) ?? [];
      state.notes.set(key, notes);
      if (req.method === 'GET' && !noteId) {
        const perPage = Number(url.searchParams.get('per_page') ?? '20');
        const page = Number(url.searchParams.get('page') ?? '1');
        if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) problem(`per_page ${perPage} is not 1..100`);
        if (!Number.isInteger(page) || page < 1) problem(`page ${page} is not a positive integer`);
        const sort = url.searchParams.get('sort');
        const orderBy = url.searchParams.get('order_by');
        if (sort && !['asc', 'desc'].includes(sort)) problem(`sort=${sort}`);
        if (orderBy && !['created_at', 'updated_at'].includes(orderBy)) problem(`order_by=${orderBy}`);
        const ordered = sort === 'asc' ? notes : [...notes].reverse();
        const slice = ordered.slice((page - 1) * perPage, page * perPage);
        const totalPages = Math.max(1, Math.ceil(notes.length / perPage));
        return send(res, 200, slice, {
          'x-page': String(page),
          'x-per-page': String(perPage),
          'x-total': String(notes.length),
          'x-total-pages': String(totalPages),
          'x-next-page': page < totalPages ? String(page + 1) : '',
          'x-prev-page': page > 1 ? String(page - 1) : '',
        });
      }
      const text = (body as { body?: unknown } | undefined)?.body;
      const extra = Object.keys((body as object | undefined) ?? {}).filter(
        (k) => !['body', 'created_at', 'internal', 'merge_request_diff_head_sha'].includes(k),
      );
      if (extra.length > 0) problem(`unknown note attributes: ${extra.join(', ')}`);
      if (typeof text !== 'string' || text === '') {
        problem('note body missing or not a string');
        return send(res, 400, { message: '400 Bad request - body is missing' });
      }
      if (text.length > NOTE_MAX_CHARS) {
        problem(`note body of ${text.length} characters`);
        return send(res, 400, { message: { note: ['is too long (maximum is 1000000 characters)'] } });
      }
      if (req.method === 'POST' && !noteId) {
        const note: Note = { id: nextNoteId++, body: text, system: false, author: BOT_USER };
        notes.push(note);
        return send(res, 201, note);
      }
      if (req.method === 'PUT' && noteId) {
        const note = notes.find((n) => n.id === Number(noteId));
        if (!note) return send(res, 404, { message: '404 Not found' });
        if (note.author.id !== BOT_USER.id) return send(res, 403, { message: '403 Forbidden' });
        note.body = text;
        return send(res, 200, note);
      }
    }

    const statusMatch = /^\/projects\/([^/]+)\/statuses\/([^/]+)$/.exec(path);
    if (statusMatch && req.method === 'POST') {
      const [, project, sha] = statusMatch;
      const fields = (body ?? {}) as Record<string, unknown>;
      if (!/^[0-9a-f]{40}$/.test(sha!)) problem(`sha ${sha} is not a commit id`);
      for (const key of Object.keys(fields)) if (!STATUS_FIELDS.has(key)) problem(`unknown status attribute ${key}`);
      if (!STATES.includes(String(fields.state))) {
        problem(`state ${String(fields.state)}`);
        return send(res, 400, { message: 'state does not have a valid value' });
      }
      for (const key of ['name', 'target_url', 'description', 'ref'])
        if (key in fields && typeof fields[key] !== 'string') problem(`${key} is not a string`);
      if (typeof fields.description === 'string' && fields.description.length > 255) problem('description over 255');
      if (typeof fields.name === 'string' && fields.name.length > 255) problem('name over 255');
      if ('pipeline_id' in fields && !Number.isInteger(fields.pipeline_id)) problem('pipeline_id is not an integer');
      state.statuses.push({ project: decodeURIComponent(project!), sha: sha!, body: fields });
      return send(res, 201, { id: state.statuses.length, sha, status: fields.state, name: fields.name ?? 'default' });
    }

    problem('no such endpoint');
    return send(res, 404, { message: '404 Not Found' });
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    ...state,
    apiUrl: `http://127.0.0.1:${port}${prefix}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A note by someone else, for pagination and spoofing tests. */
export function foreignNote(id: number, body: string): Note {
  return { id, body, system: false, author: { id: 7, username: 'reviewer' } };
}
