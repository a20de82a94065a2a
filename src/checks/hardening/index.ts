import { fileCheck } from '../file-check.js';
import { commonFileRules } from '../common-rules.js';
import type { FileLinter } from '../linter.js';

/** GitHub Actions and GitLab CI linters plug in here; the runner probe runs once per job. */
export const hardeningLinters: FileLinter[] = [];

export const hardeningCheck = fileCheck({
  id: 'hardening',
  title: 'Build-environment hardening',
  linters: hardeningLinters,
  commonRules: commonFileRules('hardening', 'GitHub workflows, composite actions, GitLab CI files'),
});
