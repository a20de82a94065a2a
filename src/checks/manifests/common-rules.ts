import type { RuleDefinition } from '../../core/rules.js';

/** Rules every manifests linter (Kubernetes, Dockerfile, compose) can report. */
export const manifestsCommonRules: RuleDefinition[] = [
  {
    id: 'manifests/parse-error',
    check: 'manifests',
    title: 'Manifest could not be parsed',
    severity: 'high',
    description:
      'A Kubernetes manifest, Dockerfile or compose file selected by `checks.manifests.paths` could not be parsed ' +
      '(YAML syntax error, alias expansion over the limit, a Dockerfile without a `FROM`...), so none of its other ' +
      'rules could be checked. The finding points at the first error.',
    rationale:
      'A file the gate cannot read is a file the gate cannot vouch for. If unparseable files passed silently, an ' +
      'attacker could hide a privileged workload or a root container behind a deliberate syntax error that the ' +
      'deploying tool tolerates (or that is fixed in a later commit). The gate therefore fails closed on it.',
    fix:
      'Fix the syntax error at the reported position; validate locally, for example:\n\n' +
      '```sh\nkubectl apply --dry-run=client -f deploy/\ndocker compose config --quiet\ndocker build --check .\n```\n\n' +
      'If the file is not a manifest at all (a template, a fixture), narrow `checks.manifests.paths`.',
    exceptions:
      'Prefer narrowing `checks.manifests.paths` over an exception: an excepted parse error means the file is not checked at all.',
  },
  {
    id: 'manifests/ignore-without-reason',
    check: 'manifests',
    title: 'Inline ignore without a reason',
    severity: 'medium',
    description:
      'A `# containersec:ignore <rule-id> <reason>` comment in a manifest, Dockerfile or compose file names no rule or ' +
      'gives no reason. Such a comment suppresses nothing.',
    rationale:
      'Suppressions are reviewed like code. A suppression without a reason cannot be reviewed, and a blanket one ' +
      'without a rule id would hide every future finding on that line, including new ones an attacker introduces.',
    fix:
      'Name the rule and say why the finding is acceptable:\n\n' +
      '```dockerfile\n# containersec:ignore dockerfile/root-user the entrypoint drops privileges with gosu\nFROM debian:12\n```',
  },
];
