import { readFileSync } from 'node:fs';

/** The parts of a webhook payload ($GITHUB_EVENT_PATH) the gate reads. */
export interface GithubEvent {
  pull_request?: {
    number?: number;
    base?: { sha?: string; repo?: { full_name?: string } };
    head?: { sha?: string; repo?: { full_name?: string } };
  };
  workflow_run?: { head_sha?: string; pull_requests?: { number: number }[] };
  merge_group?: { base_sha?: string; head_sha?: string };
  before?: string;
  repository?: { full_name?: string };
}

export function readEvent(env: Readonly<Record<string, string | undefined>>): GithubEvent {
  const file = env.GITHUB_EVENT_PATH;
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as GithubEvent;
  } catch {
    return {};
  }
}

const ZERO_SHA = /^0+$/;

/** The revision "new in this change" compares with, for each event the action runs on. */
export function baseRevision(event: GithubEvent, eventName: string | undefined): string | undefined {
  const sha =
    event.pull_request?.base?.sha ?? event.merge_group?.base_sha ?? (eventName === 'push' ? event.before : undefined);
  return sha && !ZERO_SHA.test(sha) ? sha : undefined;
}
