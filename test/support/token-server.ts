/**
 * A loopback token server for the registry's `token` auth (distribution's JWT implementation, see
 * docs/spec/auth/jwt.md): Basic-authenticates users, grants each the actions a policy allows, and signs
 * ES256 JWTs whose `kid` is the libtrust fingerprint of a certificate the registry trusts.
 */
import { execFile } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startHttpServer, type HttpServer } from './fake-registry.js';

const run = promisify(execFile);

export interface SigningCert {
  certPath: string;
  key: KeyObject;
  kid: string;
}

/** libtrust's key ID: SHA-256 of the DER SubjectPublicKeyInfo, first 240 bits, base32, 12 groups of 4. */
export function libtrustKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const digest = createHash('sha256').update(der).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const byte of digest) bits += byte.toString(2).padStart(8, '0');
  let encoded = '';
  for (let i = 0; i < bits.length; i += 5) encoded += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return encoded.match(/.{4}/g)!.join(':');
}

export async function makeSigningCert(dir: string): Promise<SigningCert> {
  const keyPath = join(dir, 'token.key');
  const certPath = join(dir, 'token.crt');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-subj',
    '/CN=containersec-test-token',
    '-days',
    '2',
  ]);
  const key = createPrivateKey(await readFile(keyPath));
  return { certPath, key, kid: libtrustKeyId(createPublicKey(key)) };
}

const b64url = (value: Buffer | string): string => Buffer.from(value).toString('base64url');

export function signJwt(claims: Record<string, unknown>, cert: SigningCert): string {
  const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'ES256', kid: cert.kid }));
  const payload = b64url(JSON.stringify(claims));
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), { key: cert.key, dsaEncoding: 'ieee-p1363' });
  return `${header}.${payload}.${b64url(signature)}`;
}

export interface TokenServerOptions {
  cert: SigningCert;
  issuer: string;
  service: string;
  users: Record<string, string>;
  /** Actions `user` (undefined: anonymous) may have on repository `name`. */
  grant: (user: string | undefined, name: string, requested: string[]) => string[];
}

export interface TokenServer extends HttpServer {
  tokenRequests: { scopes: string[]; service: string | null; user: string | undefined }[];
}

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const tokenRequests: TokenServer['tokenRequests'] = [];
  const server = await startHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let user: string | undefined;
    const header = req.headers.authorization;
    if (header?.startsWith('Basic ')) {
      const [name, ...rest] = Buffer.from(header.slice(6), 'base64').toString().split(':');
      if (name === undefined || options.users[name] !== rest.join(':')) {
        res.statusCode = 401;
        res.end('{"details":"incorrect username or password"}');
        return;
      }
      user = name;
    }
    const scopes = url.searchParams.getAll('scope');
    tokenRequests.push({ scopes, service: url.searchParams.get('service'), user });
    const access = scopes.flatMap((scope) => {
      const [type, name, actions] = scope.split(':');
      if (type !== 'repository' || !name || !actions) return [];
      const granted = options.grant(user, name, actions.split(','));
      return granted.length > 0 ? [{ type, name, actions: granted }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt(
      {
        iss: options.issuer,
        sub: user ?? '',
        aud: options.service,
        exp: now + 600,
        nbf: now - 60,
        iat: now,
        jti: `${now}-${tokenRequests.length}`,
        access,
      },
      options.cert,
    );
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ token, expires_in: 600, issued_at: new Date(now * 1000).toISOString() }));
  });
  return Object.assign(server, { tokenRequests });
}
