import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeGithub } from '../support/github-server.js';
import { buildWorkingTree, runAction } from '../support/run-action.js';
import { commitAll, tempRepo, writeFiles } from '../support/tmp.js';

/**
 * Publishing under faults and adversaries (#19), through the action bundled from the working tree as a runner
 * runs it, against the loopback GitHub checked with the OpenAPI description: the faults are the server's.
 */
const POLICY = 'version: 1\nchecks:\n  hardening:\n    runner-probe: false\n';
const MARKER = '<!-- containersec:comment key=ci/gate -->';

let github: FakeGithub;
let bundle: string;

beforeAll(() => {
  bundle = buildWorkingTree();
}, 120_000);

beforeEach(async () => {
  github = new FakeGithub();
  await github.start();
});

afterEach(async () => {
  expect(github.violations).toEqual([]);
  await github.stop();
});

async function runOnPullRequest(inputs: Record<string, string> = {}) {
  const repo = tempRepo({ '.containersec.yml': POLICY, 'README.md': 'base' });
  const base = commitAll(repo, 'base');
  writeFiles(repo, { 'README.md': 'changed' });
  const head = commitAll(repo, 'head');
  const event = tempRepo({
    'event.json': JSON.stringify({
      number: 2,
      pull_request: {
        number: 2,
        base: { sha: base, repo: { full_name: 'acme/web' } },
        head: { sha: head, repo: { full_name: 'acme/web' } },
      },
    }),
  });
  const result = await runAction(
    repo,
    { 'github-token': 'ghs_test', ...inputs },
    {
      GITHUB_API_URL: github.url,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: `${event}/event.json`,
      GITHUB_REPOSITORY: 'acme/web',
      CONTAINERSEC_GITHUB_WRITE_SPACING_MS: '0',
    },
    bundle,
  );
  return { result, head };
}

describe('publishing under faults and adversaries, end to end', () => {
  it("a person's comment with a spoofed marker is left alone and logged; the gate posts its own", async () => {
    github.seedComments(2, 1, () => `${MARKER}\n✅ Passed`, { login: 'mallory', type: 'User' });
    const { result } = await runOnPullRequest();
    expect(result.status, result.stdout).toBe(0);
    expect(github.comments.map((c) => [c.user.login, c.body.startsWith(MARKER)])).toEqual([
      ['mallory', true],
      ['github-actions[bot]', true],
    ]);
    expect(github.comments[0]!.body).toBe(`${MARKER}\n✅ Passed`);
    expect(result.stdout).toMatch(/Ignored 1 comment\(s\) .* by mallory \(User\)/);
  });

  it('an HTML 200 on check-run create is reported, and the one check run is completed', async () => {
    github.inject.set('post /repos/{owner}/{repo}/check-runs', {
      status: 200,
      raw: '<!doctype html><title>proxy</title>',
      contentType: 'text/html',
      afterWrite: true,
    });
    const { result, head } = await runOnPullRequest();
    expect(result.status, result.stdout).toBe(0);
    expect(result.stdout).toContain('HTTP 200 (text/html)');
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]).toMatchObject({ head_sha: head, status: 'completed', conclusion: 'success' });
  });

  it('a stalled API: publishing stops at publish-timeout, says so in log and summary, completes the check run', async () => {
    github.inject.set('get /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      status: 200,
      delayMs: 6_000,
      times: 4,
    });
    const { result } = await runOnPullRequest({ 'publish-timeout': '3' });
    expect(result.status, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/::warning::.*publishing deadline of 2 s|::warning::.*3 s publishing deadline/);
    expect(result.summary).toContain('3 s publishing deadline');
    expect(result.summary).toContain('may be stale');
    expect(github.comments).toEqual([]);
    expect(github.checkRuns.map((r) => r.status)).toEqual(['completed']);
    expect(result.outputs.verdict).toMatch(/^(pass|warn)$/);
  });
});
