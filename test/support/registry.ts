/**
 * Starts the real CNCF distribution registry (Debian's `docker-registry`) on 127.0.0.1 and pushes test
 * images into it with `skopeo`. Processes are started and stopped by PID.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const SKIP_MESSAGE = 'SKIPPED: install docker-registry and skopeo (apt-get install docker-registry skopeo)';

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

export const haveRegistryTools = onPath('docker-registry') && onPath('skopeo');
export const haveHtpasswd = onPath('htpasswd');
export const haveOpenssl = onPath('openssl');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export type RegistryAuth =
  | { kind: 'none' }
  | { kind: 'silly'; realm: string; service: string }
  | { kind: 'htpasswd'; users: { username: string; password: string }[] }
  | { kind: 'token'; realm: string; service: string; issuer: string; rootCertBundle: string };

export interface RunningRegistry {
  /** "127.0.0.1:PORT" */
  host: string;
  port: number;
  storage: string;
  pid: number;
  stop(): Promise<void>;
}

function authConfig(auth: RegistryAuth, htpasswdPath: string): string {
  switch (auth.kind) {
    case 'none':
      return '';
    case 'silly':
      return `auth:\n  silly:\n    realm: ${JSON.stringify(auth.realm)}\n    service: ${JSON.stringify(auth.service)}\n`;
    case 'htpasswd':
      return `auth:\n  htpasswd:\n    realm: test-realm\n    path: ${JSON.stringify(htpasswdPath)}\n`;
    case 'token':
      return `auth:\n  token:\n    realm: ${JSON.stringify(auth.realm)}\n    service: ${JSON.stringify(auth.service)}\n    issuer: ${JSON.stringify(auth.issuer)}\n    rootcertbundle: ${JSON.stringify(auth.rootCertBundle)}\n`;
  }
}

async function waitForExit(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Starts a registry on a free loopback port. Several registries may share one storage directory. */
export async function startRegistry(options: { storage: string; auth?: RegistryAuth }): Promise<RunningRegistry> {
  const auth = options.auth ?? { kind: 'none' };
  const dir = await mkdtemp(join(tmpdir(), 'containersec-registry-'));
  const htpasswdPath = join(dir, 'htpasswd');
  if (auth.kind === 'htpasswd') {
    const lines: string[] = [];
    for (const user of auth.users) {
      const { stdout } = await run('htpasswd', ['-nbB', user.username, user.password]);
      lines.push(stdout.trim());
    }
    await writeFile(htpasswdPath, `${lines.join('\n')}\n`);
  }
  const port = await freePort();
  const configPath = join(dir, 'config.yml');
  await writeFile(
    configPath,
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${JSON.stringify(options.storage)}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${authConfig(auth, htpasswdPath)}`,
  );
  const child = spawn('docker-registry', ['serve', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('docker-registry did not start');
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, 'SIGTERM');
      await waitForExit(child, 5000);
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
      await waitForExit(child, 2000);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/v2/`);
      await response.body?.cancel();
      if (response.status === 200 || response.status === 401) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not come up on port ${port}: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { host: `127.0.0.1:${port}`, port, storage: options.storage, pid, stop };
}

/** skopeo copy from an OCI layout (optionally one ref name in it) to the registry. */
export async function pushLayout(
  layoutDir: string,
  destination: string,
  options: { refName?: string; all?: boolean } = {},
): Promise<void> {
  const source = `oci:${layoutDir}${options.refName ? `:${options.refName}` : ''}`;
  const args = ['copy', '--quiet', '--preserve-digests', '--dest-tls-verify=false', ...(options.all ? ['--all'] : [])];
  await run('skopeo', [...args, source, `docker://${destination}`], { timeout: 60_000 });
}

/** PUT one manifest (whose blobs and children are already in the registry), as `oras`/cosign would. */
export async function putManifest(
  host: string,
  repository: string,
  tag: string,
  manifest: { mediaType: string; bytes: Buffer },
): Promise<void> {
  const response = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': manifest.mediaType },
    body: manifest.bytes,
  });
  if (response.status !== 201)
    throw new Error(`PUT manifest ${repository}:${tag}: HTTP ${response.status} ${await response.text()}`);
}
