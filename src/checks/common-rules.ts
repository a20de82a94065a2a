import type { CheckId } from '../core/finding.js';
import type { RuleDefinition } from '../core/rules.js';

/** `<check>/parse-error` and `<check>/ignore-without-reason`, which every file-based check reports. */
export function commonFileRules(check: CheckId, files: string): RuleDefinition[] {
  return [
    {
      id: `${check}/parse-error`,
      check,
      title: 'File could not be checked',
      // High, so an unreadable file fails closed: our parser and the real consumer (kubectl, Docker, the
      // runner) can disagree, and a file we cannot read could hide a privileged pod.
      severity: 'high',
      description: `A file selected by \`checks.${check}.paths\` (${files}) could not be parsed or read: a syntax error, a YAML alias bomb, a binary file with a text extension, or a file over the size limit. The rest of the check goes on; this file is simply not checked.`,
      rationale:
        'A file the gate cannot read is a file it cannot vouch for. Reporting it, rather than skipping it silently, keeps an attacker from hiding a dangerous setting behind a syntax trick that the real consumer (kubectl, Docker, the CI runner) would still accept.',
      fix:
        'Fix the syntax error at the reported line and column. If the file is not meant to be checked, exclude it from `paths`:\n\n```yaml\nchecks:\n  ' +
        check +
        ':\n    paths: ["deploy/**", "!deploy/generated/**"]\n```',
      references: ['https://yaml.org/spec/1.2.2/'],
    },
    {
      id: `${check}/ignore-without-reason`,
      check,
      title: 'Inline ignore without a reason',
      severity: 'medium',
      description:
        'A `# containersec:ignore <rule-id> <reason>` comment (or a `containersec.io/ignore` annotation) names no rule or gives no reason. It suppresses nothing.',
      rationale:
        'Suppressions are reviewed like code. A suppression without a reason cannot be reviewed, so it is not honoured, and it is reported so the author adds one.',
      fix: 'Write the rule id and why the finding is acceptable:\n\n```yaml\n# containersec:ignore k8s/image-unpinned pinned by the release pipeline\nimage: ghcr.io/acme/web:1.4.2\n```',
    },
  ];
}
