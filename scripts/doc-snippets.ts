// The YAML snippets README.md and docs/**/*.md show, laid out as files of a repository so the gate can check
// them (scripts/dogfood.ts, test/scripts/dogfood.test.ts). Which snippet becomes what, by its content:
//
//   - a GitHub workflow (a mapping with `on:` and `jobs:`)        → .github/workflows/<source>-<n>.yml
//   - GitHub steps (a list of mappings with `uses:` or `run:`)    → the same, wrapped in a minimal workflow
//     (`on: pull_request`, `permissions: contents: read`, one job on ubuntu-latest whose steps are the snippet)
//   - GitLab CI (`include:`/`stages:`, jobs with `script:`, or a  → `.gitlab-ci.yml` of a repository of its own
//     component's `spec:` + jobs documents)                          (GitLab reads one per repository)
//   - a policy (only keys of `.containersec.yml`)                 → checked with the policy loader; a fragment
//     without `version:` gets `version: 1`, its only missing required key
//   - anything else (Kubernetes fragments, inline-ignore comments, the component's `spec:`) is not a workflow or
//     a policy and is listed as skipped, with the reason.
//
// A snippet whose first line is a comment naming a path (`# .github/workflows/x.yml: …`) keeps that file name.
// The gate checks them with the recommended policy (runner probe off) and must not block. A page under
// docs/rules/ may show the pattern its own rule reports ("Vulnerable" next to "Fixed"): that rule is excepted for
// that page's snippets, every other rule still applies.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

const POLICY_KEYS = new Set(['version', 'extends', 'mode', 'on-error', 'gate', 'checks', 'exceptions', 'report']);
const FENCE = /^( *)```ya?ml[ \t]*\n([\s\S]*?)^\1```[ \t]*$/gm;

/** README.md, then every docs/**\/*.md in name order (relative paths). */
export function docFiles(root: string): string[] {
  const files = ['README.md'];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.md')) files.push(rel);
    }
  };
  walk('docs');
  return files;
}

/** The fenced yaml blocks of one markdown text, dedented, with the 1-based line where each starts. */
export function yamlBlocks(markdown: string): { line: number; text: string }[] {
  const blocks: { line: number; text: string }[] = [];
  for (const match of markdown.matchAll(FENCE)) {
    const indent = match[1]!.length;
    const text = match[2]!
      .split('\n')
      .map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
      .join('\n');
    blocks.push({ line: markdown.slice(0, match.index).split('\n').length, text });
  }
  return blocks;
}

function dedent(text: string): string {
  const lines = text.split('\n');
  const margin = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(Math.min(margin, l.length))).join('\n');
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** What a snippet is: `workflow`, `steps`, `gitlab`, `policy`, or `skip` with a reason. */
export type SnippetKind = 'workflow' | 'steps' | 'gitlab' | 'policy' | 'skip';

export function classify(text: string): { kind: SnippetKind; reason?: string } {
  const documents = parseAllDocuments(dedent(text));
  const broken = documents.flatMap((d) => d.errors)[0];
  if (broken) return { kind: 'skip', reason: `not parseable YAML (${broken.message.split('\n')[0]})` };
  // A CI/CD component: its `spec:` header, then the jobs (GitLab's two-document layout).
  const header: unknown = documents[0]?.toJS();
  if (documents.length === 2 && isMapping(header) && 'spec' in header) return { kind: 'gitlab' };
  if (documents.length !== 1) return { kind: 'skip', reason: `${documents.length} YAML documents` };
  const value: unknown = documents[0]!.toJS();
  if (Array.isArray(value)) {
    return value.length > 0 && value.every((s) => isMapping(s) && ('uses' in s || 'run' in s))
      ? { kind: 'steps' }
      : { kind: 'skip', reason: 'a list that is not workflow steps' };
  }
  if (!isMapping(value)) return { kind: 'skip', reason: 'no mapping (a comment or a scalar)' };
  const keys = Object.keys(value);
  if ('on' in value && 'jobs' in value) return { kind: 'workflow' };
  if ('spec' in value) return { kind: 'skip', reason: 'a component `spec:` header' };
  if (keys.every((k) => POLICY_KEYS.has(k))) return { kind: 'policy' };
  if ('include' in value || 'stages' in value || keys.some((k) => isMapping(value[k]) && 'script' in value[k]))
    return { kind: 'gitlab' };
  return { kind: 'skip', reason: 'not a workflow, GitLab CI file or policy' };
}

/** `# .github/workflows/containersec-publish.yml: …` → `containersec-publish.yml`. */
function namedFile(text: string): string | undefined {
  const first = /^#\s*(\S+\.ya?ml)\b/.exec(text.trimStart());
  return first ? path.posix.basename(first[1]!) : undefined;
}

const STEPS_WORKFLOW = (steps: string): string =>
  `# Steps shown in the docs, wrapped in the smallest workflow that runs them.\nname: snippet\non: pull_request\npermissions:\n  contents: read\njobs:\n  snippet:\n    runs-on: ubuntu-latest\n    steps:\n${dedent(
    steps,
  )
    .split('\n')
    .map((l) => (l === '' ? l : `      ${l}`))
    .join('\n')}`;

/** `docs/rules/gha/template-injection.md` → `gha/template-injection`: a rule page may show what its rule reports. */
function pageRule(doc: string): string | undefined {
  const match = /^docs\/rules\/([^/]+)\/([^/]+)\.md$/.exec(doc);
  return match && match[2] !== 'README' ? `${match[1]}/${match[2]}` : undefined;
}

/**
 * Every yaml snippet of the docs under `root`, as repositories the gate can check: one with every GitHub
 * workflow, one per GitLab CI snippet (GitLab reads one `.gitlab-ci.yml` per repository), each as
 * `{ name, files, sources, allowed }` where `allowed` lists the rule a rule page demonstrates, per file. Plus the
 * policies for the policy loader and the skipped snippets with the reason.
 */
export interface SnippetRepo {
  name: string;
  files: Record<string, string>;
  sources: Record<string, string>;
  allowed: { rule: string; file: string }[];
}

export interface DocSnippets {
  repos: [SnippetRepo, ...SnippetRepo[]];
  policies: { source: string; text: string }[];
  skipped: { source: string; reason: string }[];
}

export function docSnippets(root: string): DocSnippets {
  const github: SnippetRepo = { name: 'GitHub workflows', files: {}, sources: {}, allowed: [] };
  const gitlab: SnippetRepo[] = [];
  const policies: DocSnippets['policies'] = [];
  const skipped: DocSnippets['skipped'] = [];
  for (const doc of docFiles(root)) {
    const slug = doc.replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '-');
    yamlBlocks(readFileSync(path.join(root, doc), 'utf8')).forEach((block, index) => {
      const source = `${doc}:${block.line}`;
      const { kind, reason } = classify(block.text);
      const name = namedFile(block.text);
      const stem = `${slug}-${index + 1}${name ? `-${name.replace(/\.ya?ml$/, '')}` : ''}`;
      const rule = pageRule(doc);
      if (kind === 'workflow' || kind === 'steps') {
        const file = `.github/workflows/${stem}.yml`;
        github.files[file] = kind === 'steps' ? STEPS_WORKFLOW(block.text) : dedent(block.text);
        github.sources[file] = source;
        if (rule) github.allowed.push({ rule, file });
      } else if (kind === 'gitlab') {
        const file = '.gitlab-ci.yml';
        gitlab.push({
          name: `GitLab CI ${source}`,
          files: { [file]: dedent(block.text) },
          sources: { [file]: source },
          allowed: rule ? [{ rule, file }] : [],
        });
      } else if (kind === 'policy') {
        const text = dedent(block.text);
        policies.push({ source, text: /^version\s*:/m.test(text) ? text : `version: 1\n${text}` });
      } else {
        skipped.push({ source, reason: reason ?? '' });
      }
    });
  }
  return { repos: [github, ...gitlab], policies, skipped };
}

/** The policy a snippet repository is gated with: the recommended one, without the runner probe. */
export function snippetPolicy(repo: SnippetRepo): string {
  const exceptions = repo.allowed.map(
    ({ rule, file }) =>
      `  - rule: ${rule}\n    paths: [${JSON.stringify(file)}]\n    reason: "the rule's own page shows what it reports"\n`,
  );
  return `version: 1\nchecks:\n  hardening:\n    runner-probe: false\n${
    exceptions.length > 0 ? `exceptions:\n${exceptions.join('')}` : ''
  }`;
}

/** The GitLab CI/CD component as a pipeline includes it, with its default inputs. */
export function componentRepo(root: string): SnippetRepo {
  return {
    name: 'GitLab component templates/containersec.yml',
    files: {
      '.gitlab-ci.yml': 'include:\n  - local: templates/containersec.yml\n',
      'templates/containersec.yml': readFileSync(path.join(root, 'templates/containersec.yml'), 'utf8'),
    },
    sources: { 'templates/containersec.yml': 'templates/containersec.yml' },
    allowed: [],
  };
}

/**
 * What the gate has no rule for but a copied snippet must get right: a workflow step that uploads SARIF
 * (github/codeql-action/upload-sarif) needs `security-events: write` in the job's or workflow's permissions.
 */
export function missingPermissions(workflowText: string): string[] {
  const workflow: unknown = parse(workflowText);
  if (!isMapping(workflow) || !isMapping(workflow.jobs)) return [];
  const problems: string[] = [];
  for (const [id, job] of Object.entries(workflow.jobs)) {
    if (!isMapping(job)) continue;
    const permissions = job.permissions ?? workflow.permissions;
    const steps: unknown[] = Array.isArray(job.steps) ? job.steps : [];
    const uploadsSarif = steps.some(
      (s) => isMapping(s) && typeof s.uses === 'string' && /codeql-action\/upload-sarif@/.test(s.uses),
    );
    // No `permissions:` at all leaves the repository's default token permissions: nothing to compare with.
    const granted =
      permissions === undefined ||
      permissions === 'write-all' ||
      (isMapping(permissions) && permissions['security-events'] === 'write');
    if (uploadsSarif && !granted)
      problems.push(`job ${id} uploads SARIF but its permissions lack \`security-events: write\``);
  }
  return problems;
}
