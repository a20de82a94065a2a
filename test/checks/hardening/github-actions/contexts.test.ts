import { describe, expect, it } from 'vitest';
import { githubContextCapability } from '../../../../src/checks/hardening/github-actions/contexts.js';

const cap = (path: string): string => githubContextCapability(path.split('.'));

describe('githubContextCapability', () => {
  it('treats free-text event fields as arbitrary', () => {
    for (const p of [
      'github.event.pull_request.title',
      'github.event.pull_request.body',
      'github.event.pull_request.head.ref',
      'github.event.pull_request.head.label',
      'github.event.issue.title',
      'github.event.label.name',
      'github.event.pull_request.user.name',
      'github.event.comment.body',
      'github.event.review.body',
      'github.event.head_commit.message',
      'github.event.head_commit.author.email',
      'github.event.commits.*.author.name',
      'github.event.commits',
      'github.event',
      'github.event.pull_request',
      'github.event.workflow_run.head_branch',
      'github.event.client_payload.anything',
      'github.head_ref',
    ]) {
      expect(cap(p), p).toBe('arbitrary');
    }
  });

  it('treats ids, numbers, hashes, booleans, timestamps and GitHub-set values as fixed', () => {
    for (const p of [
      'github.event.pull_request.number',
      'github.event.pull_request.head.sha',
      'github.event.pull_request.head.repo.id',
      'github.event.pull_request.commits',
      'github.event.pull_request.draft',
      'github.event.pull_request.author_association',
      'github.event.pull_request.created_at',
      'github.event.issue.reactions.total_count',
      'github.event.workflow_run.head_sha',
      'github.event.head_commit.id',
      'github.sha',
      'github.repository',
      'github.run_id',
      'github.actor',
      'github.workspace',
      // Logins, repository names and URLs GitHub builds from them and from ids (issue #14).
      'github.event.pull_request.user.login',
      'github.event.comment.user.login',
      'github.event.workflow_run.actor.login',
      'github.event.pull_request.head.repo.full_name',
      'github.event.pull_request.head.repo.name',
      'github.event.workflow_run.artifacts_url',
      'github.event.pull_request.html_url',
      'github.event.issue.user.avatar_url',
      'runner.os',
      'secrets.token',
    ]) {
      expect(cap(p), p).toBe('fixed');
    }
  });

  it('treats ref names and URLs that carry them or come from third parties as structured', () => {
    for (const p of [
      'github.event.release.html_url',
      'github.event.release.tarball_url',
      'github.event.check_run.details_url',
      'github.event.deployment_status.target_url',
      'github.ref',
      'github.ref_name',
      'github.base_ref',
    ]) {
      expect(cap(p), p).toBe('structured');
    }
  });
});
