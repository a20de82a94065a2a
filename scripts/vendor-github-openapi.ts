/**
 * Extracts the GitHub REST operations containersec calls from @octokit/openapi (the dereferenced
 * api.github.com description) into test/schemas/github-api.subset.json, which the loopback GitHub server in
 * the tests checks every request against. Run by hand when the operation list or the package changes:
 *   node --import tsx scripts/vendor-github-openapi.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export const GITHUB_OPERATIONS = [
  'get /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'post /repos/{owner}/{repo}/issues/{issue_number}/comments',
  'patch /repos/{owner}/{repo}/issues/comments/{comment_id}',
  'post /repos/{owner}/{repo}/check-runs',
  'patch /repos/{owner}/{repo}/check-runs/{check_run_id}',
  'post /repos/{owner}/{repo}/statuses/{sha}',
  'get /repos/{owner}/{repo}/commits/{commit_sha}/pulls',
  'get /repos/{owner}/{repo}/pulls',
  'get /repos/{owner}/{repo}',
  'get /user',
  'get /repos/{owner}/{repo}/commits/{ref}/check-runs',
];

const require = createRequire(import.meta.url);
const packageJson = require.resolve('@octokit/openapi/package.json');
const version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
const description = JSON.parse(
  readFileSync(packageJson.replace('package.json', 'generated/api.github.com.deref.json'), 'utf8'),
) as {
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        parameters?: unknown[];
        requestBody?: { content: Record<string, { schema: unknown }> };
        responses: Record<string, unknown>;
      }
    >
  >;
};

const operations: Record<string, unknown> = {};
for (const key of GITHUB_OPERATIONS) {
  const [method, path] = key.split(' ') as [string, string];
  const operation = description.paths[path]?.[method];
  if (!operation) throw new Error(`${key} not in the description`);
  operations[key] = {
    operationId: operation.operationId,
    parameters: operation.parameters ?? [],
    requestBody: operation.requestBody?.content['application/json']?.schema ?? null,
    responses: Object.keys(operation.responses),
  };
}
writeFileSync(
  'test/schemas/github-api.subset.json',
  `${JSON.stringify({ source: `@octokit/openapi@${version} generated/api.github.com.deref.json`, operations }, null, 1)}\n`,
);
