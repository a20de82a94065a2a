import type { RuleDefinition } from '../core/rules.js';
import { family } from '../core/rules.js';

/** Repository-relative path of a rule's doc page. `family/*` rules document the whole family. */
export function ruleDocPath(id: string): string {
  const [fam, name] = [family(id), id.slice(family(id).length + 1)];
  return name === '*' ? `docs/rules/${fam}/README.md` : `docs/rules/${fam}/${name}.md`;
}

function exceptionExample(rule: RuleDefinition): string {
  const id = rule.id.endsWith('/*') ? `${family(rule.id)}/<id>` : rule.id;
  const fileBased = rule.check === 'manifests' || rule.check === 'hardening';
  const scope = fileBased
    ? '    paths: ["deploy/legacy/**"]\n'
    : rule.check === 'images'
      ? '    images: ["ghcr.io/acme/web*"]\n'
      : '';
  const policy = `In \`.containersec.yml\` (a reason is mandatory; \`expires\` makes the finding block again after that date):\n\n\`\`\`yaml\nexceptions:\n  - rule: ${id}\n${scope}    reason: "why this is acceptable here"\n    owner: "@team-platform"\n    expires: 2027-01-31\n\`\`\``;
  const inline = fileBased
    ? `\n\nOr inline, on the line of the finding or the line above it:\n\n\`\`\`yaml\n# containersec:ignore ${id} why this is acceptable here\n\`\`\``
    : '';
  return policy + inline + (rule.exceptions ? `\n\n${rule.exceptions}` : '');
}

/** The doc page of a rule: what, why, how to fix, how to except. Generated; `containersec explain` prints it. */
export function ruleMarkdown(rule: RuleDefinition): string {
  const refs = rule.references?.length ? `\n## References\n\n${rule.references.map((r) => `- ${r}`).join('\n')}\n` : '';
  return `# ${rule.id}: ${rule.title}

Check: \`${rule.check}\` · Default severity: **${rule.severity}**

## What it checks

${rule.description}

## Why it matters

${rule.rationale}

## How to fix

${rule.fix}

## How to except it

${exceptionExample(rule)}
${refs}`;
}

export function rulesIndex(rules: RuleDefinition[]): string {
  const rows = rules.map(
    (r) =>
      `| [${r.id}](${ruleDocPath(r.id).replace(/^docs\/rules\//, '')}) | ${r.check} | ${r.severity} | ${r.title} |`,
  );
  return `# Rules\n\nGenerated from the rule registry by \`npm run docs\`; do not edit by hand. Severities follow one scale for every check: [severity.md](../severity.md).\n\n| Rule | Check | Default severity | Title |\n| :-- | :-- | :-- | :-- |\n${rows.join('\n')}\n`;
}
