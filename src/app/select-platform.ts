import type { Logger } from '../core/check.js';
import { GithubAdapter } from '../platform/github/adapter.js';
import type { GithubAdapterOptions } from '../platform/github/adapter.js';
import { GitlabAdapter } from '../platform/gitlab/adapter.js';
import type { GitlabAdapterOptions } from '../platform/gitlab/adapter.js';
import { isGitlabCi } from '../platform/gitlab/env.js';
import { LocalPlatform } from '../platform/local/adapter.js';
import type { Platform } from '../platform/platform.js';

type Env = Readonly<Record<string, string | undefined>>;

export const PUBLISH_TARGETS = ['github', 'gitlab', 'none'] as const;
export type PublishTarget = (typeof PUBLISH_TARGETS)[number];

/** Where a CLI run publishes when not told: GitLab inside GitLab CI, nowhere otherwise. */
export function defaultPublishTarget(env: Env): PublishTarget {
  return isGitlabCi(env) ? 'gitlab' : 'none';
}

export type PlatformOptions = { env: Env; log: Logger } & Partial<
  Omit<GithubAdapterOptions, 'env' | 'log'> & Omit<GitlabAdapterOptions, 'env' | 'log'>
>;

/** The one adapter this run publishes through. */
export function selectPlatform(target: PublishTarget, options: PlatformOptions): Platform {
  const { env, log } = options;
  switch (target) {
    case 'github':
      return new GithubAdapter({
        env,
        log,
        token: options.token ?? '',
        commentKey: options.commentKey ?? '',
        matrix: options.matrix ?? '',
      });
    case 'gitlab':
      return new GitlabAdapter({
        env,
        log,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(options.sleep ? { sleep: options.sleep } : {}),
      });
    case 'none':
      return new LocalPlatform();
  }
}
