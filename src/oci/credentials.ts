import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type Env = Record<string, string | undefined>;

export interface Credential {
  username: string;
  password: string;
}

export interface CredentialLookup {
  credential?: Credential;
  /** Where the credential came from, for messages ("GITHUB_TOKEN", "~/.docker/config.json"). Never the secret. */
  source?: string;
  /** Why no credential could be used although one seems configured (credential helpers, bad config). */
  note?: string;
}

const MAX_DOCKER_CONFIG_BYTES = 1024 * 1024;
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** "https://index.docker.io/v1/" → "docker.io"; "ghcr.io" → "ghcr.io". */
export function normalizeRegistryKey(key: string): string {
  const host =
    key
      .replace(/^[a-z]+:\/\//i, '')
      .split('/')[0]
      ?.toLowerCase() ?? '';
  return DOCKER_HUB_ALIASES.has(host) ? 'docker.io' : host;
}

function fromEnvironment(registry: string, env: Env): CredentialLookup | undefined {
  if (registry === 'ghcr.io' && env.GITHUB_TOKEN) {
    return {
      credential: { username: env.GITHUB_ACTOR || 'x-access-token', password: env.GITHUB_TOKEN },
      source: 'GITHUB_TOKEN',
    };
  }
  const gitlabRegistry = env.CI_REGISTRY ? normalizeRegistryKey(env.CI_REGISTRY) : undefined;
  if (gitlabRegistry !== undefined && gitlabRegistry === registry) {
    if (env.CI_REGISTRY_USER && env.CI_REGISTRY_PASSWORD) {
      return {
        credential: { username: env.CI_REGISTRY_USER, password: env.CI_REGISTRY_PASSWORD },
        source: 'CI_REGISTRY_USER/CI_REGISTRY_PASSWORD',
      };
    }
    if (env.CI_JOB_TOKEN) {
      return { credential: { username: 'gitlab-ci-token', password: env.CI_JOB_TOKEN }, source: 'CI_JOB_TOKEN' };
    }
  }
  return undefined;
}

function readSmallFile(path: string, limit: number): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > limit) return undefined;
    const buffer = Buffer.alloc(stat.size);
    const read = readSync(fd, buffer, 0, stat.size, 0);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export function dockerConfigPath(env: Env): string {
  if (env.DOCKER_CONFIG) return join(env.DOCKER_CONFIG, 'config.json');
  return join(env.HOME || homedir(), '.docker', 'config.json');
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads `auths` from Docker's config.json. Only the plain base64 "user:password" `auth` field is used:
 * credential helpers (credsStore / credHelpers) run external programs, which we never do.
 */
function fromDockerConfig(registry: string, path: string): CredentialLookup | undefined {
  const text = readSmallFile(path, MAX_DOCKER_CONFIG_BYTES);
  if (text === undefined) return undefined;
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    return { note: `${path} is not valid JSON, so its credentials were not used` };
  }
  if (!isObject(config)) return undefined;
  const auths = isObject(config.auths) ? config.auths : {};
  let entry: Json | undefined;
  for (const [key, value] of Object.entries(auths)) {
    if (normalizeRegistryKey(key) === registry && isObject(value)) entry = value;
  }
  if (entry && typeof entry.auth === 'string' && entry.auth.length > 0) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      return {
        credential: { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) },
        source: path,
      };
    }
    return { note: `the "auth" entry for ${registry} in ${path} is not base64 of "user:password"` };
  }
  const helpers = isObject(config.credHelpers) ? config.credHelpers : {};
  const helper = Object.entries(helpers).find(([key]) => normalizeRegistryKey(key) === registry)?.[1];
  const store = typeof config.credsStore === 'string' && config.credsStore.length > 0 ? config.credsStore : undefined;
  const program = typeof helper === 'string' ? helper : store;
  if (program !== undefined) {
    return {
      note: `${path} stores the credentials for ${registry} in the credential helper "docker-credential-${program}"; credential helpers are not supported. Provide credentials through the environment (GITHUB_TOKEN for ghcr.io, CI_REGISTRY_USER/CI_REGISTRY_PASSWORD on GitLab) or a config.json whose "auths" entry has a base64 "auth" field (e.g. DOCKER_CONFIG pointing at a directory written without a credential helper)`,
    };
  }
  if (entry && typeof entry.identitytoken === 'string') {
    return { note: `${path} has only an identity token for ${registry}; identity tokens are not supported` };
  }
  return undefined;
}

/** Finds credentials for a normalized registry host: docker config.json first, then CI environment variables. */
export function resolveCredentials(registry: string, env: Env): CredentialLookup {
  const fromConfig = fromDockerConfig(registry, dockerConfigPath(env));
  if (fromConfig?.credential) return fromConfig;
  const fromEnv = fromEnvironment(registry, env);
  if (fromEnv) return fromEnv;
  return fromConfig ?? {};
}
