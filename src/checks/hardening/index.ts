import { fileCheck } from '../file-check.js';
import type { FileLinter } from '../linter.js';
import { hardeningCommonRules } from './common-rules.js';
import { githubActionsLinter } from './github-actions/index.js';
import { gitlabCiLinter } from './gitlab-ci/index.js';
import { runnerRules, runRunnerProbe } from './runner/index.js';

/** GitHub Actions and GitLab CI linters; the runner probe runs once per job, on the head only. */
export const hardeningLinters: FileLinter[] = [githubActionsLinter, gitlabCiLinter];

export const hardeningCheck = fileCheck({
  id: 'hardening',
  title: 'Build-environment hardening',
  linters: hardeningLinters,
  commonRules: [...hardeningCommonRules, ...runnerRules],
  extra: runRunnerProbe,
});
