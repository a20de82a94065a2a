import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeGithub } from '../support/github-server.js';
import { runAction } from '../support/run-action.js';
import { commitAll, tempRepo, writeFiles } from '../support/tmp.js';

const require = createRequire(import.meta.url);

interface Example {
  action?: string;
  pull_request?: Record<string, unknown> & {
    number: number;
    head: { sha: string; repo: { full_name: string } };
    base: { sha: string; repo: { full_name: string } };
  };
}

/** A real webhook payload from @octokit/webhooks-examples, with SHAs pointed at the test repository. */
function pullRequestEvent(base: string, head: string, fork = false): string {
  const index = JSON.parse(
    readFileSync(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8'),
  ) as { name: string; examples: Example[] }[];
  const example = structuredClone(
    index.find((e) => e.name === 'pull_request')!.examples.find((e) => e.action === 'opened')!,
  );
  const pr = example.pull_request!;
  pr.base.sha = base;
  pr.head.sha = head;
  if (fork) pr.head.repo.full_name = 'mallory/Hello-World';
  const file = path.join(tempRepo({}), 'event.json');
  writeFileSync(file, JSON.stringify(example));
  return file;
}

const POLICY = 'version: 1\nchecks:\n  hardening:\n    runner-probe: false\n';
const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
`;

let github: FakeGithub;

beforeEach(async () => {
  github = new FakeGithub();
  await github.start();
});

afterEach(async () => {
  expect(github.violations).toEqual([]);
  await github.stop();
});

function pullRequest(files: Record<string, string>) {
  const repo = tempRepo({ '.containersec.yml': POLICY, 'README.md': 'base' });
  const base = commitAll(repo, 'base');
  writeFiles(repo, files);
  const head = commitAll(repo, 'head');
  return { repo, base, head };
}

function env(event: string, extra: Record<string, string> = {}) {
  return {
    GITHUB_API_URL: github.url,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: 'Codertocat/Hello-World',
    ...extra,
  };
}

describe('the action end to end against a loopback GitHub', () => {
  it('a PR that blocks: one comment, a failed check run with annotations, the step fails', async () => {
    const { repo, base, head } = pullRequest({ 'deploy/pod.yaml': PRIVILEGED_POD });
    const result = await runAction(repo, { 'github-token': 'ghs_test' }, env(pullRequestEvent(base, head)));
    expect(result.status, result.stdout).toBe(1);
    expect(github.comments).toHaveLength(1);
    const comment = github.comments[0]!;
    expect(comment.issue).toBe(2);
    expect(comment.body).toMatch(/^<!-- containersec:comment key=ci\/gate -->/);
    expect(comment.body).toContain('Blocked');
    expect(comment.body).toContain(`https://github.com/Codertocat/Hello-World/blob/${head}/deploy/pod.yaml#L10`);
    const run = github.checkRuns[0]!;
    expect(run).toMatchObject({ name: 'containersec', head_sha: head, status: 'completed', conclusion: 'failure' });
    expect(run.annotations).toContainEqual(
      expect.objectContaining({ path: 'deploy/pod.yaml', start_line: 10, annotation_level: 'failure' }),
    );
    // The token is registered with the runner for masking, and appears nowhere else.
    expect(result.stdout).toContain('::add-mask::ghs_test');
    expect(result.stdout.replace('::add-mask::ghs_test', '')).not.toContain('ghs_test');
  });

  it('a re-run after the fix updates the same comment to say the PR passes', async () => {
    const { repo, base, head } = pullRequest({ 'deploy/pod.yaml': PRIVILEGED_POD });
    await runAction(repo, { 'github-token': 't' }, env(pullRequestEvent(base, head)));
    writeFiles(repo, { 'deploy/pod.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' });
    const fixed = commitAll(repo, 'fix');
    const result = await runAction(repo, { 'github-token': 't' }, env(pullRequestEvent(base, fixed)));
    expect(result.status, result.stdout).toBe(0);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain('Passed');
    expect(github.checkRuns.map((r) => r.conclusion)).toEqual(['failure', 'success']);
  });

  it('a fork PR: no API writes, the summary is written and the log explains the workflow_run pattern', async () => {
    const { repo, base, head } = pullRequest({ 'deploy/pod.yaml': PRIVILEGED_POD });
    const result = await runAction(repo, { 'github-token': 't' }, env(pullRequestEvent(base, head, true)));
    expect(result.status).toBe(1);
    expect(github.requests).toEqual([]);
    expect(result.stdout).toContain('workflow_run');
    expect(result.summary).toContain('Blocked');
  });

  it('a push: no comment, a check run on the pushed commit', async () => {
    const { repo, base, head } = pullRequest({ 'README.md': 'changed' });
    const event = path.join(tempRepo({}), 'push.json');
    writeFileSync(
      event,
      JSON.stringify({ before: base, after: head, repository: { full_name: 'Codertocat/Hello-World' } }),
    );
    const result = await runAction(
      repo,
      { 'github-token': 't' },
      env(event, { GITHUB_EVENT_NAME: 'push', GITHUB_SHA: head }),
    );
    expect(result.status, result.stdout).toBe(0);
    expect(github.comments).toEqual([]);
    expect(github.checkRuns[0]).toMatchObject({ head_sha: head, conclusion: 'success' });
  });

  it('without checks: write it falls back to a commit status and still never fails because of publishing', async () => {
    github.inject.set('post /repos/{owner}/{repo}/check-runs', {
      status: 403,
      message: 'Resource not accessible by integration',
      times: 3,
    });
    github.inject.set('post /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      status: 403,
      message: 'Resource not accessible by integration',
    });
    const { repo, base, head } = pullRequest({ 'README.md': 'changed' });
    const result = await runAction(repo, { 'github-token': 't' }, env(pullRequestEvent(base, head)));
    expect(result.status, result.stdout).toBe(0);
    expect(github.statuses[0]).toMatchObject({ sha: head, body: { state: 'success', context: 'containersec' } });
    expect(result.stdout).toContain('permissions: { pull-requests: write }');
  });
});
