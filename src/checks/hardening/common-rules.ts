import type { RuleDefinition } from '../../core/rules.js';

/** Rules every part of the hardening check can report, whatever the CI system. */
export const hardeningCommonRules: RuleDefinition[] = [
  {
    id: 'hardening/parse-error',
    check: 'hardening',
    title: 'CI definition could not be parsed',
    severity: 'medium',
    description:
      'A CI definition (GitHub Actions workflow, composite action, GitLab CI file) is not valid YAML, is too large to ' +
      'check, or contains a `${{ }}` expression that does not parse. The file is reported at the first error and the ' +
      'rest of the repository is still checked.',
    rationale:
      'A file the gate cannot read is a file the gate cannot vouch for. CI platforms usually refuse such files, but ' +
      'a parser difference between the platform and a scanner is exactly where a malicious change would hide: the ' +
      'gate reports it instead of silently passing it.',
    fix:
      'Fix the syntax error at the reported line and column. Validate locally before pushing, for example:\n\n' +
      '```sh\nnpx containersec check --only hardening\n```\n\n' +
      'For expressions, close every `${{` with `}}` and quote string literals with single quotes: ' +
      "`${{ github.ref == 'refs/heads/main' }}`.",
    references: [
      'https://yaml.org/spec/1.2.2/',
      'https://docs.github.com/en/actions/reference/workflows-and-actions/expressions',
      'https://docs.gitlab.com/ci/yaml/',
    ],
  },
  {
    id: 'hardening/ignore-without-reason',
    check: 'hardening',
    title: 'Inline ignore without a reason',
    severity: 'medium',
    description:
      'A `# containersec:ignore <rule-id> <reason>` comment in a CI definition names no rule or gives no reason. ' +
      'Such a comment suppresses nothing and is reported itself.',
    rationale:
      'Suppressions without a recorded reason cannot be reviewed: nobody can tell later whether the risk was ' +
      'understood and accepted or just silenced to get a green check.',
    fix:
      'Name the rule and say why the finding is acceptable on the same line or the line above:\n\n' +
      '```yaml\n# containersec:ignore gha/self-hosted-runner runner is ephemeral and only serves this private repo\n' +
      'runs-on: [self-hosted, linux]\n```',
    references: ['https://docs.zizmor.sh/usage/#ignoring-results'],
  },
];
