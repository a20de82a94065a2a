import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { storedZip } from './zip.js';

/**
 * Builds real Go executables offline, for tests of the Go build information readers. The main module version
 * is only recorded when the module is built at a version (`go install module@version`), so modules are
 * published into a file:// GOPROXY directory in the layout of the module proxy protocol
 * (`<module>/@v/list`, `.info`, `.mod`, `.zip`) and installed from there; `go build` in a checkout records
 * `(devel)`, GOPATH mode records no module at all.
 */

/** The Go toolchain version (`go1.19.8`), or undefined when `go` is not installed. */
export function goVersion(): string | undefined {
  try {
    return execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

export class GoWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'containersec-gobuild-'));
  readonly proxy = join(this.dir, 'proxy');
  readonly bin = join(this.dir, 'bin');

  get env(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: this.dir,
      GOPATH: join(this.dir, 'gopath'),
      GOCACHE: join(this.dir, 'cache'),
      GOBIN: this.bin,
      GOPROXY: `file://${this.proxy}`,
      GOSUMDB: 'off',
      GOFLAGS: '-modcacherw',
      GOTOOLCHAIN: 'local',
      CGO_ENABLED: '0',
    };
  }

  /** Publishes `files` (paths relative to the module root, `go.mod` included) as module@version. */
  publish(module: string, version: string, files: Record<string, string>): void {
    const at = join(this.proxy, module, '@v');
    mkdirSync(at, { recursive: true });
    writeFileSync(join(at, 'list'), `${version}\n`, { flag: 'a' });
    writeFileSync(join(at, `${version}.info`), JSON.stringify({ Version: version, Time: '2024-01-31T00:00:00Z' }));
    writeFileSync(join(at, `${version}.mod`), files['go.mod'] ?? `module ${module}\n`);
    const entries = Object.fromEntries(
      Object.entries(files).map(([name, text]) => [`${module}@${version}/${name}`, text]),
    );
    writeFileSync(join(at, `${version}.zip`), storedZip(entries));
  }

  /** `go install pkg@version` from the local proxy; returns the executable's path. */
  install(pkgAtVersion: string): string {
    execFileSync('go', ['install', pkgAtVersion], { cwd: this.dir, env: this.env, stdio: 'pipe' });
    const name = pkgAtVersion.slice(0, pkgAtVersion.indexOf('@')).split('/').pop() ?? '';
    return join(this.bin, name);
  }

  /** `go build` of a checkout written from `files`; `gopath` builds it in GOPATH mode at that import path. */
  build(files: Record<string, string>, out: string, args: string[] = [], gopath?: string): string {
    const src = gopath ? join(this.dir, 'gopath', 'src', gopath) : join(this.dir, 'src', out);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(src, name)), { recursive: true });
      writeFileSync(join(src, name), text);
    }
    const output = join(this.bin, out);
    execFileSync('go', ['build', ...args, '-o', output, '.'], {
      cwd: src,
      env: { ...this.env, ...(gopath ? { GO111MODULE: 'off' } : {}) },
      stdio: 'pipe',
    });
    return output;
  }

  /** `go version -m` of an executable: the oracle the readers are checked against. */
  versionM(path: string): string {
    return execFileSync('go', ['version', '-m', path], { encoding: 'utf8', env: this.env });
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const MAIN_GO = 'package main\n\nvar version = "unknown"\n\nfunc main() { println(version) }\n';
