import type { RuleDefinition } from '../../core/rules.js';

/** Rules shared by every part of the hardening check (GitHub Actions, GitLab CI, the runner probe). */
export const hardeningCommonRules: RuleDefinition[] = [
  {
    id: 'hardening/parse-error',
    check: 'hardening',
    title: 'CI definition could not be parsed',
    // High, so an unreadable CI file fails closed: GitLab or GitHub may read it differently from us.
    severity: 'high',
    description:
      'A CI definition (a GitHub Actions workflow or action, `.gitlab-ci.yml` or a file it includes) is not valid ' +
      'YAML, is not the expected shape, or is too large or too deeply aliased to check. The finding points at the ' +
      'first error; the other files are still checked.',
    rationale:
      'A file the gate cannot read is a file it cannot vouch for. The CI platform may read the file differently ' +
      'from a scanner (YAML 1.1 versus 1.2, merge keys, custom tags), and that gap is where a malicious change ' +
      'would hide. Reporting the file is safer than silently passing it.',
    fix:
      'Fix the syntax error at the reported line and column, then check the file again:\n\n' +
      '```sh\nnpx containersec check --only hardening\n```\n\n' +
      'GitLab also validates the merged configuration in **Build > Pipeline editor > Validate**.',
    references: ['https://yaml.org/spec/1.2.2/', 'https://docs.gitlab.com/ci/yaml/lint/'],
  },
  {
    id: 'hardening/ignore-without-reason',
    check: 'hardening',
    title: 'Inline ignore without a reason',
    severity: 'medium',
    description:
      'A `# containersec:ignore <rule-id> <reason>` comment in a CI definition names no rule or gives no reason. ' +
      'It suppresses nothing and is reported itself.',
    rationale:
      'A suppression without a written reason cannot be reviewed: later readers cannot tell whether the risk was ' +
      'understood and accepted or silenced to get a green check.',
    fix:
      'Name the rule and say why the finding is acceptable, on the line of the finding or the line above:\n\n' +
      '```yaml\n# containersec:ignore gitlab-ci/docker-in-docker builds run on a dedicated, ephemeral runner\n' +
      'services:\n  - docker:27.3-dind\n```',
  },
];
