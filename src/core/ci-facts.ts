/**
 * What the CI platform knows about this job that the runner probe judges: the pull request's origin and what
 * the platform's API says about the job's token. Gathered by platform code (the only code that talks to a CI
 * API), handed to checks as plain data. The token itself never appears here.
 */

export type PullRequestOrigin =
  | { kind: 'pull-request'; isFork: boolean; head: string; base: string }
  | { kind: 'not-pull-request' }
  | { kind: 'unknown'; reason: string };

export interface GithubTokenFacts {
  /** How the user knows the token ("the github-token input", "GITHUB_TOKEN"); undefined when the job has none. */
  label?: string;
  /** The environment variable it came from. */
  variable?: string;
  /** The kind, from GitHub's documented token prefixes. */
  kind?: string;
  /** True when GITHUB_REPOSITORY is unset, so the API was not asked. */
  noRepository?: boolean;
  repository?: string;
  /** Why the API request failed (`GET /repos/{owner}/{repo}`), when it did. */
  failure?: string;
  /** Classic PAT and OAuth scopes (X-OAuth-Scopes); undefined for kinds whose permissions the API does not list. */
  scopes?: string[];
  /** The token's expiry as GitHub reports it (github-authentication-token-expiration). */
  expiration?: string;
  /** X-Accepted-GitHub-Permissions of the request. */
  acceptedPermissions?: string;
  /** The token user's role on the repository. */
  role?: 'admin' | 'push';
}

export interface GitlabTokenFacts {
  /** The variable the token is read from (CONTAINERSEC_GITLAB_TOKEN or the configured one). */
  configuredVariable: string;
  /** The variable that held a token; undefined when none did. */
  variable?: string;
  /** A token kind that cannot describe itself through the API (a job token, a deploy token, ...). */
  otherKind?: string;
  noApiUrl?: boolean;
  failure?: string;
  /** What GET /personal_access_tokens/self answered; `null` when it answered without a scopes list. */
  self?: { scopes: string[]; expiresAt: string | null | undefined; active?: boolean; revoked?: boolean } | null;
}

export interface CiFacts {
  /** GitHub Actions: the pull request of this job's event. */
  pullRequest?: PullRequestOrigin;
  githubToken?: GithubTokenFacts;
  gitlabToken?: GitlabTokenFacts;
}
