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
  nothingToCheck: {
    label: 'nothing to check',
    reason: 'no GitHub Actions workflow or GitLab CI file under checks.hardening.paths, and not running in CI.',
    hint: 'add .github/workflows/*.yml or .gitlab-ci.yml, or point checks.hardening.paths at your CI files.',
  },
});
