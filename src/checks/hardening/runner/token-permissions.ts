import type { RawFinding } from '../../../core/finding.js';
import type { Severity } from '../../../core/severity.js';
import type { CiFacts, PullRequestOrigin } from '../../../core/ci-facts.js';
import { printableLine } from '../../../core/text.js';
import { RUNNER_RULE, runnerRules } from './rules.js';

/**
 * What the job's API token may do, as far as the platform's API says. The platform code asks (one request, a
 * short timeout) and hands the answer over as CiFacts; this file judges it. GitHub reports the scopes of classic personal access tokens and OAuth tokens in the
 * `X-OAuth-Scopes` header of any REST response, and nothing about the permissions of fine-grained tokens or
 * GitHub App installation tokens (GITHUB_TOKEN is one); GitLab describes a personal, project or group access
 * token at `GET /personal_access_tokens/self` (scopes, expiry) and nothing about CI_JOB_TOKEN. What the probe
 * could not see, it says; a failed request is a note, never a finding. The token itself never appears in
 * a note or finding.
 */

/** Classic personal access token and OAuth scopes that reach beyond reading the repository. */
const GITHUB_BROAD_SCOPES = new Set([
  'repo',
  'public_repo',
  'workflow',
  'delete_repo',
  'write:packages',
  'delete:packages',
  'site_admin',
]);
const isBroadGithubScope = (scope: string): boolean => GITHUB_BROAD_SCOPES.has(scope) || scope.startsWith('admin:');

/** GitLab token scopes that write code or act through the whole API. */
const GITLAB_BROAD_SCOPES = new Set(['api', 'sudo', 'admin_mode', 'write_repository']);

type Env = Readonly<Record<string, string | undefined>>;

export interface TokenProbeResult {
  findings: RawFinding[];
  notes: string[];
}

const RULES = new Map(runnerRules.map((rule) => [rule.id, rule]));

function finding(
  ruleId: string,
  platform: string,
  variable: string,
  message: string,
  key: string,
  severity?: Severity,
  fix?: string,
): RawFinding {
  const rule = RULES.get(ruleId);
  return {
    ruleId,
    severity: severity ?? rule?.severity ?? 'high',
    title: rule?.title ?? ruleId,
    message,
    location: { path: `env:${variable}`, object: `runner:${platform}` },
    key,
    ...(fix ? { fix } : {}),
  };
}

const withArticle = (kind: string): string => `${/^[aeiou]/i.test(kind) ? 'an' : 'a'} ${kind}`;

function describeOrigin(origin: PullRequestOrigin): string {
  if (origin.kind === 'pull-request')
    return origin.isFork ? `a pull request from the fork ${origin.head}` : `a pull request from ${origin.head} itself`;
  return origin.kind === 'unknown' ? 'an event that could not be read' : 'an event that is not a pull request';
}

/** Stands in for an unknown pull-request origin when the platform gave no facts (outside GitHub Actions). */
const UNREAD: PullRequestOrigin = {
  kind: 'unknown',
  reason: 'Could not read the GitHub event payload (GITHUB_EVENT_PATH)',
};

/** Judges the GitHub token facts: broad scopes that pull request code can reach, and OIDC on fork pull requests. */
export function judgeGithubToken(env: Env, facts: CiFacts): TokenProbeResult {
  const findings: RawFinding[] = [];
  const notes: string[] = [];
  const origin = facts.pullRequest ?? UNREAD;
  const fork = origin.kind === 'pull-request' && origin.isFork;

  // id-token: write is the one permission visible without the API: the runner only sets these for it.
  if (env.ACTIONS_ID_TOKEN_REQUEST_URL) {
    if (fork) {
      findings.push(
        finding(
          RUNNER_RULE.oidcForkPullRequest,
          'github-actions',
          'ACTIONS_ID_TOKEN_REQUEST_URL',
          `This job can request a GitHub OIDC token (id-token: write) while running ${describeOrigin(origin)}` +
            ` (event ${printableLine(env.GITHUB_EVENT_NAME ?? 'unknown', 60)}).`,
          'id-token',
        ),
      );
    } else notes.push(`The job can request an OIDC token (id-token: write); the event is ${describeOrigin(origin)}.`);
  } else
    notes.push('The job cannot request an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set: no id-token: write).');

  const token = facts.githubToken ?? {};
  const { variable, label, kind = 'token' } = token;
  if (!variable || !label) {
    notes.push('No GitHub token (github-token input or GITHUB_TOKEN) in the job: its permissions were not checked.');
    return { findings, notes };
  }
  if (token.noRepository) {
    notes.push(
      `The token in ${label} is ${withArticle(kind)}; GITHUB_REPOSITORY is not set, so the API was not asked about it.`,
    );
    return { findings, notes };
  }
  if (token.failure) {
    notes.push(
      `The token in ${label} is ${withArticle(kind)}; asking GitHub about it (GET /repos/${token.repository ?? ''}) failed: ` +
        `${token.failure}. Its permissions were not checked.`,
    );
    return { findings, notes };
  }
  const expires = token.expiration ? `; it expires ${token.expiration}` : '; GitHub reported no expiry date';
  if (!token.scopes) {
    notes.push(
      `The token in ${label} is ${withArticle(kind)}. GitHub's API does not list the permissions of this kind of token ` +
        '(only classic personal access tokens and OAuth tokens report scopes, in X-OAuth-Scopes)' +
        (token.acceptedPermissions ? `; this request needed ${token.acceptedPermissions}` : '') +
        ". For GITHUB_TOKEN, the workflow's permissions: keys (checked by gha/excessive-permissions) and the job log's " +
        "'GITHUB_TOKEN Permissions' section are the record.",
    );
    return { findings, notes };
  }
  const scopes = token.scopes;
  const broad = scopes.filter(isBroadGithubScope);
  const role =
    token.role === 'admin'
      ? '; its user is an administrator of the repository'
      : token.role === 'push'
        ? '; its user can push to the repository'
        : '';
  const summary = `The token in ${label} is ${withArticle(kind)} with the scopes ${scopes.join(', ') || '(none)'}${expires}${role}.`;
  if (broad.length === 0 || origin.kind !== 'pull-request') {
    notes.push(
      broad.length === 0
        ? summary
        : origin.kind === 'unknown'
          ? `${summary} ${origin.reason}, so whether pull request code can read the token was not judged.`
          : `${summary} The event is not a pull request, so its breadth is not reported.`,
    );
    return { findings, notes };
  }
  findings.push(
    finding(
      RUNNER_RULE.broadTokenScopes,
      'github-actions',
      variable,
      `${summary.slice(0, -1)}, and this job runs ${describeOrigin(origin)}: the scopes ${broad.join(', ')} let any ` +
        `code the job runs act as that user on every repository the user can reach.`,
      'github-token',
      fork ? 'critical' : 'high',
    ),
  );
  return { findings, notes };
}

/** Judges the GitLab token facts: broad scopes on a fork merge request pipeline, and tokens that never expire. */
export function judgeGitlabToken(env: Env, facts: CiFacts): TokenProbeResult {
  const findings: RawFinding[] = [];
  const notes: string[] = [
    "CI_JOB_TOKEN's access is set by the project's job token allowlist (Settings > CI/CD > Job token permissions) " +
      'and cannot be read from inside the job.',
  ];
  const token = facts.gitlabToken;
  const variable = token?.variable;
  if (!token || !variable) {
    notes.push(
      `No GitLab access token in $${token?.configuredVariable ?? 'CONTAINERSEC_GITLAB_TOKEN'} or $GITLAB_TOKEN: no token permissions were checked.`,
    );
    return { findings, notes };
  }
  if (token.otherKind) {
    notes.push(
      `$${variable} holds a ${token.otherKind}, which cannot describe itself through the API: its permissions were not checked.`,
    );
    return { findings, notes };
  }
  if (token.noApiUrl) {
    notes.push(`CI_API_V4_URL is not set: the token in $${variable} was not checked.`);
    return { findings, notes };
  }
  if (token.failure) {
    notes.push(
      `Asking GitLab about the token in $${variable} failed: ${token.failure}. Its permissions were not checked.`,
    );
    return { findings, notes };
  }
  const self = token.self;
  if (!self) {
    notes.push(
      `GitLab's description of the token in $${variable} has no scopes list: its permissions were not checked.`,
    );
    return { findings, notes };
  }
  const expiry =
    self.expiresAt === null ? 'never expires' : self.expiresAt ? `expires ${self.expiresAt}` : 'has no readable expiry';
  const state = self.revoked ? '; it is revoked' : self.active === false ? '; it is not active' : '';
  const summary = `The token in $${variable} has the scopes ${self.scopes.join(', ') || '(none)'} and ${expiry}${state}.`;
  const broad = self.scopes.filter((scope) => GITLAB_BROAD_SCOPES.has(scope));
  const source = env.CI_MERGE_REQUEST_SOURCE_PROJECT_ID;
  const target = env.CI_MERGE_REQUEST_PROJECT_ID;
  const forkMr = Boolean(source && target && source !== target);
  if (broad.length > 0 && forkMr) {
    findings.push(
      finding(
        RUNNER_RULE.broadTokenScopes,
        'gitlab-ci',
        variable,
        `${summary.slice(0, -1)}, and this merge request pipeline runs code from project ${printableLine(source ?? '', 20)}, ` +
          `a fork of project ${printableLine(target ?? '', 20)}: the scopes ${broad.join(', ')} let that code act through ` +
          "the API as the token's user.",
        'gitlab-token',
        'critical',
      ),
    );
  } else notes.push(summary);
  if (self.expiresAt === null && !self.revoked && self.active !== false) {
    findings.push(
      finding(
        RUNNER_RULE.tokenNeverExpires,
        'gitlab-ci',
        variable,
        `GitLab reports no expiry date for the token in $${variable} (expires_at is null): once leaked, it works until someone revokes it.`,
        'gitlab-token',
      ),
    );
  }
  return { findings, notes };
}
