import type { CheckResult, Finding } from '../core/finding.js';
import { isFileLocation } from '../core/finding.js';
import type { RuleDefinition, RuleRegistry } from '../core/rules.js';
import type { Severity } from '../core/severity.js';
import type { GateOutcome } from '../core/outcome.js';
import { TOOL_NAME, TOOL_URI, TOOL_VERSION } from '../version.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/**
 * GitHub code scanning reads `security-severity` (0-10) to show critical/high/medium/low. A rule's value is
 * its default severity; one result may be more or less severe than that (`permissions: write-all` is high
 * where the rule's default is medium), so each result carries its own value too, matching its `level`.
 */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

function ruleDescriptor(id: string, rule: RuleDefinition | undefined, finding: Finding) {
  const title = rule?.title ?? finding.title;
  const help = rule ? `${rule.description}\n\nWhy: ${rule.rationale}\n\nFix: ${rule.fix}` : finding.message;
  return {
    id,
    name: id.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')),
    shortDescription: { text: title },
    fullDescription: { text: rule?.description ?? finding.message },
    help: { text: help, markdown: help },
    helpUri: `${TOOL_URI}/blob/main/docs/rules/${id}.md`,
    defaultConfiguration: { level: LEVEL[rule?.severity ?? finding.severity] },
    properties: {
      tags: ['security', id.split('/')[0]],
      'security-severity': SECURITY_SEVERITY[rule?.severity ?? finding.severity],
    },
  };
}

/** Image references and in-image paths as relative URIs (a `:` before the first `/` would read as a scheme). */
function imageUri(image: string, path: string | undefined): string {
  const encoded = encodeURIComponent(image).replace(/%2F/g, '/');
  return path ? `${encoded}/${path.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/')}` : encoded;
}

function location(finding: Finding) {
  const loc = finding.location;
  if (isFileLocation(loc)) {
    const region =
      loc.startLine !== undefined
        ? {
            region: {
              startLine: loc.startLine,
              ...(loc.startColumn ? { startColumn: loc.startColumn } : {}),
              ...(loc.endLine ? { endLine: loc.endLine } : {}),
              ...(loc.endColumn ? { endColumn: loc.endColumn } : {}),
            },
          }
        : {};
    const logical = loc.object
      ? { logicalLocations: [{ fullyQualifiedName: loc.container ? `${loc.object}/${loc.container}` : loc.object }] }
      : {};
    return {
      physicalLocation: {
        artifactLocation: { uri: loc.path.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' },
        ...region,
      },
      ...logical,
    };
  }
  return {
    physicalLocation: { artifactLocation: { uri: imageUri(loc.image, loc.path) }, region: { startLine: 1 } },
    logicalLocations: [{ fullyQualifiedName: loc.layer ? `${loc.image}@${loc.layer}` : loc.image, kind: 'module' }],
  };
}

function run(check: CheckResult, rules: RuleRegistry) {
  const descriptors = new Map<string, ReturnType<typeof ruleDescriptor>>();
  for (const finding of check.findings) {
    if (!descriptors.has(finding.ruleId))
      descriptors.set(finding.ruleId, ruleDescriptor(finding.ruleId, rules.get(finding.ruleId), finding));
  }
  const ruleIds = [...descriptors.keys()];
  return {
    tool: {
      driver: {
        name: TOOL_NAME,
        version: TOOL_VERSION,
        semanticVersion: TOOL_VERSION,
        informationUri: TOOL_URI,
        rules: [...descriptors.values()],
      },
    },
    automationDetails: { id: `${TOOL_NAME}/${check.id}/` },
    invocations: [
      {
        executionSuccessful: check.status !== 'error',
        // What the check could not examine is said here too, so a code-scanning upload never reads as "all clear".
        toolExecutionNotifications: [
          ...check.errors.map((text) => ({ level: 'error', message: { text } })),
          ...check.warnings.map((text) => ({ level: 'warning', message: { text } })),
        ],
      },
    ],
    results: check.findings.map((finding) => ({
      ruleId: finding.ruleId,
      ruleIndex: ruleIds.indexOf(finding.ruleId),
      level: LEVEL[finding.severity],
      message: {
        text: finding.fix
          ? `${finding.title}: ${finding.message} Fix: ${finding.fix}`
          : `${finding.title}: ${finding.message}`,
      },
      locations: [location(finding)],
      partialFingerprints: { 'containersec/v1': finding.fingerprint },
      ...(finding.exception && !finding.exception.expired
        ? {
            suppressions: [
              {
                kind: finding.exception.source === 'inline' ? 'inSource' : 'external',
                justification: finding.exception.reason,
              },
            ],
          }
        : {}),
      properties: {
        severity: finding.severity,
        'security-severity': SECURITY_SEVERITY[finding.severity],
        new: finding.new,
        blocking: finding.blocking,
      },
    })),
  };
}

/** SARIF 2.1.0, one run per check that ran, each with its own automationDetails id (code-scanning category). */
export function renderSarif(outcome: GateOutcome): string {
  const runs = outcome.result.checks.filter((c) => c.status !== 'skipped').map((c) => run(c, outcome.rules));
  const log = { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs };
  return `${JSON.stringify(log, null, 2)}\n`;
}
