import { closeSync, openSync, readSync } from 'node:fs';
import type { CiFacts } from '../core/ci-facts.js';
import { MAX_EVENT_PAYLOAD_BYTES, githubPullRequestOrigin } from './github/pull-request-origin.js';
import { githubTokenFacts } from './github/token-facts.js';
import { gitlabTokenFacts } from './gitlab/token-facts.js';
import type { TokenProbeOptions } from './token-probe.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface CiFactsOptions extends TokenProbeOptions {
  /** Reads the event payload (tests pass their own); at most one byte over the payload limit by default. */
  readFile?: (path: string) => string | undefined;
}

function readBounded(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(MAX_EVENT_PAYLOAD_BYTES + 1);
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The facts of the CI platform the job runs in (GitHub Actions or GitLab CI), for the runner probe. */
export async function gatherCiFacts(env: Env, options: CiFactsOptions = {}): Promise<CiFacts> {
  if (env.GITHUB_ACTIONS === 'true') {
    return {
      pullRequest: githubPullRequestOrigin(env, options.readFile ?? readBounded),
      githubToken: await githubTokenFacts(env, options),
    };
  }
  if (env.GITLAB_CI === 'true') return { gitlabToken: await gitlabTokenFacts(env, options) };
  return {};
}
