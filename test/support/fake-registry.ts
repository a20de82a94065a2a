/**
 * A loopback HTTP server speaking enough of the OCI distribution API to serve test images, with hooks to
 * misbehave (tampered blobs, huge manifests, 429s, redirects). For hostile cases a real registry won't do.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Blob } from './oci-builder.js';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

export type Hook = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface HttpServer {
  port: number;
  origin: string;
  host: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startHttpServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): Promise<HttpServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export class FakeRegistry {
  readonly manifests = new Map<string, Blob>();
  readonly blobs = new Map<string, Buffer>();
  hooks: Hook[] = [];
  server!: HttpServer;

  async start(): Promise<this> {
    this.server = await startHttpServer((req, res) => this.#handle(req, res));
    return this;
  }

  get host(): string {
    return this.server.host;
  }

  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  /** Adds a manifest under its digest and, optionally, a tag of repository `repo`. */
  putManifest(manifest: Blob, tag?: string): void {
    this.manifests.set(manifest.digest, manifest);
    if (tag) this.manifests.set(tag, manifest);
  }

  putBlob(blob: Blob): void {
    this.blobs.set(blob.digest, blob.bytes);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const hook of this.hooks) if (await hook(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://x');
    const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url.pathname);
    if (manifest) {
      const found = this.manifests.get(decodeURIComponent(manifest[2] as string));
      if (!found) return notFound(res, 'MANIFEST_UNKNOWN', 'manifest unknown');
      res.setHeader('content-type', found.mediaType);
      res.setHeader('docker-content-digest', found.digest);
      res.setHeader('content-length', found.size);
      res.end(req.method === 'HEAD' ? undefined : found.bytes);
      return;
    }
    const blob = /^\/v2\/(.+)\/blobs\/([^/]+)$/.exec(url.pathname);
    if (blob) {
      const found = this.blobs.get(blob[2] as string);
      if (!found) return notFound(res, 'BLOB_UNKNOWN', 'blob unknown to registry');
      res.setHeader('content-type', 'application/octet-stream');
      res.setHeader('content-length', found.length);
      res.end(found);
      return;
    }
    notFound(res, 'NAME_UNKNOWN', 'not found');
  }
}

export function notFound(res: ServerResponse, code: string, message: string): void {
  res.statusCode = 404;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ errors: [{ code, message }] }));
}
