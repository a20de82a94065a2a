import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { staysInsideRepository } from '../../../core/repo-path.js';
import type { RenderLimits } from './limits.js';
import { MAX_QUOTED_STDERR_CHARS } from './limits.js';

/**
 * Running helm or kustomize on the pull request's files: no shell, a fresh empty HOME and config/cache
 * directories, an allow-listed environment (never the runner's tokens), every proxy pointed at a closed
 * loopback port so nothing is fetched, a timeout and an output cap.
 */

export type ToolResult =
  | { ok: true; stdout: string }
  | { ok: false; reason: 'timeout' | 'output-cap' | 'failed' | 'aborted'; message: string };

/** A port nothing listens on: HTTP(S) fetches and `git` over HTTP through this proxy fail at once. */
const CLOSED_PROXY = 'http://127.0.0.1:9';

/** The environment a tool gets: nothing from the runner except a C locale. */
export function sandboxEnv(home: string): Record<string, string> {
  const dir = (name: string): string => path.join(home, name);
  return {
    PATH: dir('bin'),
    HOME: home,
    LANG: 'C',
    LC_ALL: 'C',
    TMPDIR: dir('tmp'),
    XDG_CONFIG_HOME: dir('config'),
    XDG_CACHE_HOME: dir('cache'),
    XDG_DATA_HOME: dir('data'),
    HELM_CONFIG_HOME: dir('config/helm'),
    HELM_CACHE_HOME: dir('cache/helm'),
    HELM_DATA_HOME: dir('data/helm'),
    HELM_PLUGINS: dir('data/helm/plugins'),
    HELM_REGISTRY_CONFIG: dir('config/helm/registry.json'),
    HELM_REPOSITORY_CONFIG: dir('config/helm/repositories.yaml'),
    KUBECONFIG: dir('config/kubeconfig'),
    HTTP_PROXY: CLOSED_PROXY,
    HTTPS_PROXY: CLOSED_PROXY,
    http_proxy: CLOSED_PROXY,
    https_proxy: CLOSED_PROXY,
    ALL_PROXY: CLOSED_PROXY,
    NO_PROXY: '',
    no_proxy: '',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_SSH_COMMAND: 'false',
  };
}

export async function runTool(
  binary: string,
  args: string[],
  options: { cwd: string; limits: RenderLimits; signal?: AbortSignal },
): Promise<ToolResult> {
  const home = await mkdtemp(path.join(tmpdir(), 'containersec-render-home-'));
  try {
    for (const sub of ['bin', 'tmp', 'config/helm', 'cache/helm', 'data/helm/plugins'])
      await mkdir(path.join(home, sub), { recursive: true });
    return await new Promise<ToolResult>((resolve) => {
      execFile(
        binary,
        args,
        {
          cwd: options.cwd,
          env: sandboxEnv(home),
          timeout: options.limits.timeoutMs,
          killSignal: 'SIGKILL',
          maxBuffer: options.limits.maxOutputBytes,
          signal: options.signal,
          encoding: 'utf8',
          windowsHide: true,
        },
        (error, stdout, stderr) => {
          if (!error) return resolve({ ok: true, stdout });
          const failure = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string };
          if (failure.name === 'AbortError')
            resolve({ ok: false, reason: 'aborted', message: 'the check was stopped' });
          else if (failure.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
            resolve({
              ok: false,
              reason: 'output-cap',
              message: `its output exceeded ${options.limits.maxOutputBytes} bytes and it was stopped`,
            });
          else if (failure.killed && failure.signal === 'SIGKILL')
            resolve({
              ok: false,
              reason: 'timeout',
              message: `it ran longer than ${options.limits.timeoutMs / 1000} s and was stopped`,
            });
          // The temporary paths mean nothing to the reader: show repository-relative ones.
          else
            resolve({
              ok: false,
              reason: 'failed',
              message: quoteStderr((stderr || failure.message).split(`${options.cwd}/`).join('')),
            });
        },
      );
    });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** The tool's error output, one line, shortened: it ends up in the PR comment. */
export function quoteStderr(stderr: string): string {
  const text = stderr.replace(/\s+/g, ' ').trim();
  return text.length > MAX_QUOTED_STDERR_CHARS ? `${text.slice(0, MAX_QUOTED_STDERR_CHARS - 3)}...` : text;
}

export type ToolLookup = { binary: string; problem?: undefined } | { binary?: undefined; problem?: string };

/**
 * The binary to run: the policy's absolute path, else the first of `names` on the job's PATH. Nothing inside
 * the repository is ever run (the pull request could have committed a "helm" script), so a configured path
 * or PATH entry inside the checkout is refused.
 */
export async function findTool(
  names: string[],
  configured: string | undefined,
  envPath: string | undefined,
  root: string,
): Promise<ToolLookup> {
  if (configured !== undefined) {
    if (!path.isAbsolute(configured)) {
      if (configured.includes('/') || configured.includes('\\'))
        return { problem: `the configured binary "${configured}" must be an absolute path or a command name` };
      return (await onPath(configured, envPath, root)) ?? { problem: `"${configured}" was not found on PATH` };
    }
    if (staysInsideRepository(root, configured))
      return { problem: `the configured binary ${configured} is inside the repository, which is never executed` };
    return (await executable(configured))
      ? { binary: configured }
      : { problem: `the configured binary ${configured} does not exist or is not executable` };
  }
  for (const name of names) {
    const found = await onPath(name, envPath, root);
    if (found) return found;
  }
  return {};
}

async function onPath(
  name: string,
  envPath: string | undefined,
  root: string,
): Promise<{ binary: string } | undefined> {
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir) || staysInsideRepository(root, dir)) continue;
    const candidate = path.join(dir, name);
    if (await executable(candidate)) return { binary: candidate };
  }
  return undefined;
}

async function executable(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
