/**
 * Real root filesystems the secret detector's precision is measured on: a Debian bookworm `minbase` built with
 * Debian's own `debootstrap`, cached between runs (it takes a few minutes and ~200 MB), and this checkout's
 * `node_modules` (an `npm ci` tree). Tests skip LOUDLY when a corpus cannot be built here.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const COMPLETE = '.containersec-complete';

export const DEBOOTSTRAP_SKIP_MESSAGE =
  'SKIPPED: the Debian bookworm precision corpus needs debootstrap and root (apt-get install debootstrap)';

/** Where corpora are cached; `CONTAINERSEC_CORPUS_DIR` moves it (e.g. to a CI cache). */
export function corpusCacheDir(): string {
  return process.env.CONTAINERSEC_CORPUS_DIR ?? join(tmpdir(), 'containersec-corpus');
}

export function canDebootstrap(): boolean {
  return (
    process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v debootstrap'], { stdio: 'ignore' }).status === 0
  );
}

/** The Debian mirror apt is configured with here (debootstrap's own default when none is found). */
export function aptMirror(): string | undefined {
  if (process.env.CONTAINERSEC_DEBIAN_MIRROR) return process.env.CONTAINERSEC_DEBIAN_MIRROR;
  const texts: string[] = [];
  for (const dir of ['/etc/apt/sources.list.d']) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) texts.push(readFileSync(join(dir, name), 'utf8'));
  }
  if (existsSync('/etc/apt/sources.list')) texts.push(readFileSync('/etc/apt/sources.list', 'utf8'));
  for (const text of texts) {
    for (const m of text.matchAll(/^(?:URIs:|deb(?:\s+\[[^\]]*\])?)\s+(https?:\/\/\S+)/gm)) {
      if (!/security/.test(m[1]!)) return m[1];
    }
  }
  return undefined;
}

/**
 * A `debootstrap --variant=minbase bookworm` root filesystem, built once into the cache (built under a
 * temporary name and renamed when complete, so an interrupted build is never used).
 */
export async function debianMinbase(): Promise<string> {
  const dir = join(corpusCacheDir(), 'debian-bookworm-minbase');
  if (existsSync(join(dir, COMPLETE))) return dir;
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  const mirror = aptMirror();
  try {
    await run('debootstrap', ['--variant=minbase', 'bookworm', partial, ...(mirror ? [mirror] : [])], {
      timeout: 15 * 60 * 1000,
      maxBuffer: 64 * 1024 * 1024,
    });
    writeFileSync(join(partial, COMPLETE), `${new Date().toISOString()}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
  return dir;
}
