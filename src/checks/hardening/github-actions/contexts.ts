import type { PathPart } from './expressions.js';

/**
 * How much of a `github.*` context an attacker controls, following zizmor's context-capabilities table
 * (crates/zizmor/data/context-capabilities.csv, generated from GitHub's webhook schemas):
 * - arbitrary: free text someone outside the repository can write (titles, bodies, branch names, commit
 *   messages, author names and e-mails, labels…);
 * - structured: attacker-influenced but constrained to a shape (ref names, URLs that embed a tag name or
 *   that a third party writes);
 * - fixed: numbers, booleans, ids, hashes and enumerations GitHub sets.
 * The table has ~5,000 entries; this module encodes its rules by field name instead of copying it. Like
 * zizmor, any `github.event.*` field not known to be fixed or structured is treated as arbitrary.
 * Deliberate differences: commit hashes (`*.sha`, `head_sha`, `before`, `after`, `head_commit.id`,
 * `tree_id`) and GitHub-set timestamps (`*_at`) are fixed here, since they are hex or ISO dates whatever
 * the webhook schema's type says; `github.actor`, `github.triggering_actor` and every `*.login` are fixed
 * because GitHub logins are limited to letters, digits and `-` (plus `[bot]`); repository names
 * (`full_name`, `repo.name`) are `[A-Za-z0-9._-]`; URLs GitHub builds from those and from ids
 * (`artifacts_url`, `html_url`, `avatar_url`) are fixed where zizmor says arbitrary or structured; `github.ref`, `github.ref_name` and
 * `github.base_ref` are structured (medium) rather than arbitrary: they are `refs/pull/<n>/merge` in pull
 * request events and are only free text for pushes and tags, which need write access.
 */
export type Capability = 'arbitrary' | 'structured' | 'fixed';

/** `github.<name>` values GitHub sets itself (zizmor's table lists these as fixed, plus runner paths). */
const FIXED_GITHUB = new Set([
  'action',
  'action_path',
  'action_ref',
  'action_repository',
  'action_status',
  'actor',
  'actor_id',
  'api_url',
  'env',
  'event_name',
  'event_path',
  'graphql_url',
  'job',
  'output',
  'path',
  'repository',
  'repository_id',
  'repository_owner',
  'repository_owner_id',
  'repositoryurl',
  'retention_days',
  'run_attempt',
  'run_id',
  'run_number',
  'secret_source',
  'server_url',
  'sha',
  'state',
  'step_summary',
  'token',
  'triggering_actor',
  'workflow',
  'workflow_ref',
  'workflow_sha',
  'workspace',
]);

/** Branch and tag names: git allows `$`, `(`, `)`, `;`, backticks and quotes in them. */
const REF_GITHUB = new Set(['ref', 'ref_name', 'base_ref']);

const FIXED_LEAVES = new Set([
  'id',
  // GitHub logins are `[A-Za-z0-9-]` (apps add `[bot]`): nothing a shell or a script reads as code.
  'login',
  'node_id',
  'number',
  'before',
  'after',
  'sha',
  'head_sha',
  'base_sha',
  'merge_commit_sha',
  'tree_id',
  'author_association',
  'state',
  'state_reason',
  'merge_method',
  'conclusion',
  'status',
  'event',
  'size',
  'additions',
  'deletions',
  'changed_files',
  'comments',
  'review_comments',
  'forks',
  'watchers',
  'stargazers',
  'open_issues',
  'run_attempt',
  'run_number',
  'workflow_id',
  'check_suite_id',
  'repository_id',
  'discussion_id',
  'parent_id',
  'total_count',
  'fork',
  'private',
  'public',
  'site_admin',
  'deleted',
  'locked',
  'draft',
  'merged',
  'mergeable',
  'rebaseable',
  'archived',
  'disabled',
  'is_template',
  'maintainer_can_modify',
  'forced',
  'created',
  'distinct',
  'prerelease',
  'visibility',
]);

/**
 * Objects whose `name` is a repository name. (`label.name`, `milestone.title`, a user's display `name` are
 * free text.)
 */
const REPOSITORY_OBJECTS = new Set(['repo', 'repository', 'head_repository', 'base_repository', 'forkee']);

/**
 * URLs in events that someone other than GitHub writes: a check run's `details_url` (the app), a status's or
 * deployment status's `target_url`, an `external_url`. Every other URL in an event payload is built by GitHub
 * from ids, SHAs, logins and repository names, which cannot carry shell syntax (`artifacts_url`,
 * `html_url` of an issue or pull request, `avatar_url`).
 */
const THIRD_PARTY_URLS = new Set(['details_url', 'target_url', 'external_url', 'environment_url', 'log_url']);

const FIXED_LEAF_PATTERNS = [/_at$/, /_count$/, /^has_/, /^allow_/, /^use_/, /^is_/, /_enforcement_level$/];

export function githubContextCapability(parts: readonly PathPart[]): Capability {
  if (parts[0] !== 'github') return 'fixed';
  const second = parts[1];
  if (second === undefined) return 'arbitrary';
  if (second !== 'event') {
    if (second === 'head_ref') return 'arbitrary';
    if (REF_GITHUB.has(second)) return 'structured';
    return FIXED_GITHUB.has(second) ? 'fixed' : 'arbitrary';
  }
  // `github.event` itself, or any object in it, serialized by toJSON/format, carries the free-text fields.
  const leaf = parts[parts.length - 1];
  if (parts.length <= 2 || leaf === undefined || leaf === '*') return 'arbitrary';
  if (parts.includes('reactions') && leaf !== 'url') return 'fixed';
  if (parts[parts.length - 2] === 'permissions') return 'fixed';
  if (leaf === 'id' && parts[parts.length - 2] === 'head_commit') return 'fixed';
  // `pull_request.commits` is a count; `github.event.commits` (push) is the list of commits with messages.
  if (leaf === 'commits' && parts[parts.length - 2] === 'pull_request') return 'fixed';
  if (FIXED_LEAVES.has(leaf) || FIXED_LEAF_PATTERNS.some((p) => p.test(leaf))) return 'fixed';
  const parent = parts[parts.length - 2]!;
  // Repository names are `[A-Za-z0-9._-]` and `owner/name`: GitHub refuses anything else.
  if (leaf === 'full_name' || (leaf === 'name' && REPOSITORY_OBJECTS.has(parent))) return 'fixed';
  if (leaf === 'url' || leaf === 'href' || leaf.endsWith('_url')) {
    // Release URLs embed the tag name; check and status URLs are written by whoever created them.
    return parent === 'release' || THIRD_PARTY_URLS.has(leaf) ? 'structured' : 'fixed';
  }
  return 'arbitrary';
}

/** `github.event.inputs.<name>` (workflow_dispatch's legacy spelling of `inputs.<name>`). */
export function legacyDispatchInput(parts: readonly PathPart[]): string | undefined {
  return parts[0] === 'github' && parts[1] === 'event' && parts[2] === 'inputs' && parts.length === 4
    ? parts[3]
    : undefined;
}
