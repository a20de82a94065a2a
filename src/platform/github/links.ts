/** Links to a file line at a commit on GitHub (or GitHub Enterprise Server via GITHUB_SERVER_URL). */
export function fileUrlBuilder(
  env: Readonly<Record<string, string | undefined>>,
  sha: string | undefined,
): ((file: string, line?: number) => string) | undefined {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const repo = env.GITHUB_REPOSITORY;
  if (!repo || !sha || !/^[0-9a-f]{40,64}$/.test(sha)) return undefined;
  return (file, line) =>
    `${server}/${repo}/blob/${sha}/${file.split('/').map(encodeURIComponent).join('/')}${line ? `#L${line}` : ''}`;
}
