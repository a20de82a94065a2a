/** Reading GitLab CI's predefined variables (https://docs.gitlab.com/ci/variables/predefined_variables/). */

type Env = Readonly<Record<string, string | undefined>>;

/** The variable that names the token variable, so a component input can choose it. */
export const TOKEN_VARIABLE_SETTING = 'CONTAINERSEC_GITLAB_TOKEN_VARIABLE';
export const DEFAULT_TOKEN_VARIABLE = 'CONTAINERSEC_GITLAB_TOKEN';
/** Overrides the comment key (default: the job name), so parallel jobs keep separate notes. */
export const COMMENT_KEY_VARIABLE = 'CONTAINERSEC_COMMENT_KEY';
export const STATUS_NAME_VARIABLE = 'CONTAINERSEC_STATUS_NAME';
export const DEFAULT_STATUS_NAME = 'containersec';

export interface GitlabContext {
  apiUrl?: string;
  projectId?: string;
  projectUrl?: string;
  mergeRequestIid?: string;
  /** The commit this pipeline runs for: the MR source commit in a merge-request pipeline. */
  sha?: string;
  /** The merge base of the MR's source and target branches: "new in this MR" compares with it. */
  diffBaseSha?: string;
  /** The previous tip of the branch in a push pipeline (all zeros for a new branch: left out). */
  beforeSha?: string;
  pipelineId?: string;
  jobUrl?: string;
  jobName?: string;
  tokenVariable: string;
  token?: string;
  /** Set when CONTAINERSEC_GITLAB_TOKEN_VARIABLE is not a variable name. */
  tokenVariableProblem?: string;
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;
const ZERO_SHA = /^0+$/;

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function sha(env: Env, name: string): string | undefined {
  const v = value(env, name);
  return v && SHA.test(v) && !ZERO_SHA.test(v) ? v : undefined;
}

export function isGitlabCi(env: Env): boolean {
  return env.GITLAB_CI === 'true';
}

export function readGitlabContext(env: Env): GitlabContext {
  const named = value(env, TOKEN_VARIABLE_SETTING) ?? DEFAULT_TOKEN_VARIABLE;
  const valid = /^[A-Za-z_][A-Za-z0-9_]*$/.test(named);
  const tokenVariable = valid ? named : DEFAULT_TOKEN_VARIABLE;
  const iid = value(env, 'CI_MERGE_REQUEST_IID');
  const pipelineId = value(env, 'CI_PIPELINE_ID');
  const context: GitlabContext = {
    apiUrl: value(env, 'CI_API_V4_URL'),
    projectId: value(env, 'CI_PROJECT_ID'),
    projectUrl: value(env, 'CI_PROJECT_URL'),
    mergeRequestIid: iid && /^\d+$/.test(iid) ? iid : undefined,
    sha: sha(env, 'CI_COMMIT_SHA'),
    diffBaseSha: sha(env, 'CI_MERGE_REQUEST_DIFF_BASE_SHA'),
    beforeSha: sha(env, 'CI_COMMIT_BEFORE_SHA'),
    pipelineId: pipelineId && /^\d+$/.test(pipelineId) ? pipelineId : undefined,
    jobUrl: value(env, 'CI_JOB_URL'),
    jobName: value(env, 'CI_JOB_NAME'),
    tokenVariable,
    token: value(env, tokenVariable),
  };
  if (!valid) {
    context.tokenVariableProblem = `${TOKEN_VARIABLE_SETTING} is "${named.slice(0, 80)}", which is not a variable name; using ${DEFAULT_TOKEN_VARIABLE}.`;
  }
  return context;
}

/** The comment key: CONTAINERSEC_COMMENT_KEY, else the job name, so each job (and parallel:matrix leg) has its own note. */
export function gitlabCommentKey(env: Env): string {
  return value(env, COMMENT_KEY_VARIABLE) ?? value(env, 'CI_JOB_NAME') ?? 'gitlab';
}

/** What to do when there is no token: exact, because this is the one setup step a user must do by hand. */
export function missingTokenAdvice(context: GitlabContext): string {
  const where = context.projectUrl ? ` (${context.projectUrl}/-/settings/access_tokens)` : '';
  const variables = context.projectUrl ? ` (${context.projectUrl}/-/settings/ci_cd, Variables)` : '';
  return [
    `No GitLab token in $${context.tokenVariable}, so the merge-request note and the commit status were not posted`,
    `(CI_JOB_TOKEN cannot write merge-request notes). The reports were still written as artifacts and the summary is in this job log.`,
    `To publish: create a project access token${where} (or a group access token) with the "api" scope and the Developer role`,
    `(Reporter is enough for the note alone; the commit status needs Developer), then add it as a CI/CD variable${variables}`,
    `named ${context.tokenVariable}, with "Mask variable" on. Leave "Protect variable" off if merge requests come from`,
    `unprotected branches: protected variables only reach pipelines of protected branches and tags.`,
  ].join(' ');
}

/** Links to a file line at a commit in the GitLab UI (works with self-managed path prefixes via CI_PROJECT_URL). */
export function gitlabFileUrlBuilder(context: GitlabContext): ((file: string, line?: number) => string) | undefined {
  const { projectUrl, sha: commit } = context;
  if (!projectUrl || !commit || !/^https?:\/\//.test(projectUrl)) return undefined;
  return (file, line) =>
    `${projectUrl.replace(/\/+$/, '')}/-/blob/${commit}/${file.split('/').map(encodeURIComponent).join('/')}${line ? `#L${line}` : ''}`;
}
