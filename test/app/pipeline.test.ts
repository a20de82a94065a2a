import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/app/pipeline.js';
import type { PipelineOptions } from '../../src/app/pipeline.js';
import type { Logger } from '../../src/core/check.js';
import { ConfigurationError } from '../../src/core/errors.js';
import { FakePlatform } from '../../src/platform/fake.js';
import { GithubAdapter, githubCommentKey } from '../../src/platform/github/adapter.js';
import { GitlabAdapter } from '../../src/platform/gitlab/adapter.js';
import type { Platform } from '../../src/platform/platform.js';
import { FAKE_TOKEN, startFakeGitlab } from '../platform/gitlab/fake-gitlab.js';
import type { FakeGitlab } from '../platform/gitlab/fake-gitlab.js';
import { FakeGithub } from '../support/github-server.js';
import { commitAll, tempRepo, writeFiles } from '../support/tmp.js';

/**
 * The same gate, through each adapter: the fake, GitHub against a loopback GitHub checked against its
 * OpenAPI description, and GitLab against a loopback GitLab. Same verdict, one comment, one status.
 */

const POLICY = 'version: 1\nchecks:\n  hardening:\n    runner-probe: false\n';
const PRIVILEGED = [
  'apiVersion: v1',
  'kind: Pod',
  'metadata: { name: web }',
  'spec:',
  '  containers:',
  '    - name: app',
  '      image: nginx@sha256:' + 'a'.repeat(64),
  '      securityContext: { privileged: true }',
  '',
].join('\n');

const quiet: Logger = { info: () => undefined, warn: () => undefined, debug: () => undefined };

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warn: (m) => lines.push(`warning: ${m}`),
    debug: () => undefined,
  };
}

/** A pull request that adds a privileged pod: the base has the policy, the head adds deploy/web.yaml. */
function pullRequest() {
  const repo = tempRepo({ '.containersec.yml': POLICY, 'README.md': 'base' });
  const base = commitAll(repo, 'base');
  writeFiles(repo, { 'deploy/web.yaml': PRIVILEGED });
  const head = commitAll(repo, 'head');
  return { repo, base, head };
}

function options(platform: Platform, repo: string, extra: Partial<PipelineOptions> = {}): PipelineOptions {
  return { platform, dir: repo, env: {}, log: quiet, only: ['manifests'], ...extra };
}

let github: FakeGithub | undefined;
let gitlab: FakeGitlab | undefined;
afterEach(async () => {
  if (github) expect(github.violations).toEqual([]);
  await github?.stop();
  await gitlab?.close();
  github = undefined;
  gitlab = undefined;
});

describe('the pipeline through the fake platform', () => {
  it('posts one comment (edited in place on a re-run) and one status, with the base from the platform', async () => {
    const { repo, base } = pullRequest();
    const fake = new FakePlatform({ canPublish: true, hasReviewThread: true, commentKey: 'ci/gate', base });
    const first = await runPipeline(options(fake, repo));
    expect(first.exitCode).toBe(1);
    expect(first.outcome.baseCommit).toBe(base);
    expect(first.model.counts.new).toBeGreaterThan(0);
    expect(fake.begun).toEqual(['containersec']);
    expect(fake.comments).toHaveLength(1);
    expect(fake.comments[0]!.body.startsWith('<!-- containersec:comment key=ci/gate -->')).toBe(true);
    expect(fake.statuses).toMatchObject([{ name: 'containersec', verdict: 'fail', audit: false }]);
    expect(fake.statuses[0]!.summary).toContain('pss/privileged');
    expect(fake.summary).toContain('pss/privileged');

    await runPipeline(options(fake, repo, { statusName: 'gate (web)' }));
    expect(fake.comments).toHaveLength(1);
    expect(fake.statuses.map((s) => s.name)).toEqual(['containersec', 'gate (web)']);
  });

  it('honours comment: off and new, and writes every artifact from the one model', async () => {
    const { repo } = pullRequest();
    const fake = new FakePlatform();
    await runPipeline(options(fake, repo, { comment: 'off' }));
    expect(fake.comments).toHaveLength(0);
    expect(fake.statuses).toHaveLength(1);
    const artifacts = (['json', 'sarif', 'markdown', 'text'] as const).map((format) => ({
      format,
      file: path.join(repo, 'out', `report.${format}`),
    }));
    const result = await runPipeline(options(fake, repo, { comment: 'new', artifacts }));
    await runPipeline(options(fake, repo, { comment: 'new' }));
    expect(fake.comments).toHaveLength(2);
    expect(result.render('json')).toContain('"verdict": "fail"');
  });

  it('takes "today" once: an exception that expires tomorrow still holds', async () => {
    const { repo } = pullRequest();
    writeFileSync(
      path.join(repo, '.containersec.yml'),
      `${POLICY}exceptions:\n  - rule: pss/privileged\n    reason: test\n    expires: 2030-01-02\n`,
    );
    const fake = new FakePlatform();
    const held = await runPipeline(options(fake, repo, { now: new Date('2030-01-01T23:59:59Z') }));
    const expired = await runPipeline(options(fake, repo, { now: new Date('2030-01-03T00:00:00Z') }));
    const blocking = (r: typeof held) =>
      r.outcome.result.checks.flatMap((c) => c.findings).filter((f) => f.ruleId === 'pss/privileged' && f.blocking);
    expect(blocking(held)).toHaveLength(0);
    expect(blocking(expired).length).toBeGreaterThan(0);
  });

  it('a gate that cannot start marks the status as errored and rethrows for the entry point', async () => {
    const { repo } = pullRequest();
    writeFileSync(path.join(repo, '.containersec.yml'), 'version: 7\n');
    const fake = new FakePlatform();
    await expect(runPipeline(options(fake, repo))).rejects.toBeInstanceOf(ConfigurationError);
    expect(fake.statuses).toMatchObject([{ verdict: 'error' }]);
    expect(fake.comments).toHaveLength(0);
  });

  it('publishes nothing when the platform cannot, and says nothing twice', async () => {
    const { repo } = pullRequest();
    const fake = new FakePlatform({ canPublish: false, hasReviewThread: true, commentKey: 'k' });
    const result = await runPipeline(options(fake, repo));
    expect(result.exitCode).toBe(1);
    expect(fake.comments).toHaveLength(0);
    expect(fake.statuses).toHaveLength(0);
  });
});

describe('the same gate through the GitHub and GitLab adapters', () => {
  it('GitHub: one PR comment, a completed check run with annotations, base from the event', async () => {
    const { repo, base, head } = pullRequest();
    github = new FakeGithub();
    const apiUrl = await github.start();
    const event = path.join(repo, '..', `event-${path.basename(repo)}.json`);
    const full = 'acme/web';
    writeFileSync(
      event,
      JSON.stringify({
        pull_request: {
          number: 7,
          base: { sha: base, repo: { full_name: full } },
          head: { sha: head, repo: { full_name: full } },
        },
      }),
    );
    const env = {
      GITHUB_API_URL: apiUrl,
      GITHUB_REPOSITORY: full,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: event,
      GITHUB_WORKFLOW: 'ci',
      GITHUB_JOB: 'gate',
      GITHUB_RUN_ID: '42',
      GITHUB_SHA: head,
    };
    const log = recordingLog();
    const adapter = new GithubAdapter({ env, log, token: 'ghs_test', commentKey: '', matrix: 'null' });
    const result = await runPipeline(options(adapter, repo, { env, log }));
    expect(result.exitCode).toBe(1);
    expect(result.outcome.baseCommit).toBe(base);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body.startsWith('<!-- containersec:comment key=ci/gate -->')).toBe(true);
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure', head_sha: head });
    expect(github.checkRuns[0]!.annotations?.length).toBeGreaterThan(0);
    expect(log.lines.join('\n')).toContain('GitHub: comment created');
  });

  it('GitLab: one MR note and a failed commit status, base from the merge request', async () => {
    const { repo, base, head } = pullRequest();
    gitlab = await startFakeGitlab();
    const env = {
      GITLAB_CI: 'true',
      CI_API_V4_URL: gitlab.apiUrl,
      CI_PROJECT_ID: '7',
      CI_PROJECT_URL: 'https://gitlab.example.com/acme/web',
      CI_JOB_NAME: 'containersec',
      CI_COMMIT_SHA: head,
      CI_MERGE_REQUEST_IID: '3',
      CI_MERGE_REQUEST_DIFF_BASE_SHA: base,
      CONTAINERSEC_GITLAB_TOKEN: FAKE_TOKEN,
    };
    const adapter = new GitlabAdapter({ env, log: quiet, sleep: () => Promise.resolve() });
    const result = await runPipeline(options(adapter, repo, { env }));
    expect(result.exitCode).toBe(1);
    expect(result.outcome.baseCommit).toBe(base);
    expect(gitlab.notes.get('7/3')).toHaveLength(1);
    expect(gitlab.statuses).toMatchObject([{ sha: head, body: { state: 'failed', name: 'containersec' } }]);
    expect(gitlab.problems).toEqual([]);
  });
});

describe('the default GitHub comment key', () => {
  const env = { GITHUB_WORKFLOW: 'ci', GITHUB_JOB: 'gate' };
  it('is workflow/job outside a matrix, and adds a stable hash of the leg inside one', () => {
    expect(githubCommentKey(env, 'null')).toBe('ci/gate');
    expect(githubCommentKey(env, '')).toBe('ci/gate');
    const a = githubCommentKey(env, '{"image":"web","os":"linux"}');
    expect(a).toMatch(/^ci\/gate\/[0-9a-f]{12}$/);
    expect(githubCommentKey(env, '{\n  "os": "linux",\n  "image": "web"\n}')).toBe(a);
    expect(githubCommentKey(env, '{"image":"api","os":"linux"}')).not.toBe(a);
  });
});
