import type { RuleDefinition } from '../../core/rules.js';

/** Rules every manifests linter (Kubernetes, Dockerfile, compose) may report. */
export const manifestsCommonRules: RuleDefinition[] = [
  {
    id: 'manifests/parse-error',
    check: 'manifests',
    title: 'Manifest could not be parsed',
    severity: 'high',
    description:
      'A manifest file could not be read: a YAML/JSON syntax error, a document whose aliases expand beyond the safety cap (a "billion laughs" alias bomb), collections nested too deeply, or a binary file with a manifest name. The rest of the file (other YAML documents) and the other files are still checked.',
    rationale:
      'The gate cannot vouch for what it cannot read. Parsers differ: a file our parser rejects may still be accepted by `kubectl` or a CD tool, so an unparseable manifest could hide a privileged pod from the check. It blocks at the default `fail-on: high` so that this fails closed.',
    fix: 'Fix the syntax at the reported line and column (`kubectl apply --dry-run=client -f FILE` shows the same error), remove alias bombs, and keep generated or binary files out of the manifest paths (`checks.manifests.paths`).',
  },
  {
    id: 'manifests/ignore-without-reason',
    check: 'manifests',
    title: 'Ignore without a reason',
    severity: 'medium',
    description:
      'An inline ignore (`# containersec:ignore <rule-id> <reason>` comment, or a `containersec.io/ignore: "<rule-id>[,...]: <reason>"` annotation) names no rule or gives no reason, so it suppresses nothing.',
    rationale:
      'Every accepted risk needs a written justification a reviewer can challenge later; an ignore without one is indistinguishable from silencing the gate.',
    fix: 'Write the rule id and why the finding is acceptable:\n\n```yaml\nmetadata:\n  annotations:\n    containersec.io/ignore: "pss/hostNamespaces[agent]: the CNI agent needs the host network"\n```',
  },
];
