import { createRequire as __containersecCreateRequire } from 'node:module';
const require = __containersecCreateRequire(import.meta.url);
import {
  TOOL_NAME,
  TOOL_URI,
  TOOL_VERSION
} from "./chunk-PEGOOEL7.js";
import {
  isFileLocation
} from "./chunk-WMGLMAQE.js";

// src/report/sarif.ts
var LEVEL = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
  info: "note"
};
var SECURITY_SEVERITY = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: "0.0"
};
function ruleDescriptor(id, rule, finding) {
  const title = rule?.title ?? finding.title;
  const help = rule ? `${rule.description}

Why: ${rule.rationale}

Fix: ${rule.fix}` : finding.message;
  return {
    id,
    name: id.replace(/[^A-Za-z0-9]+(.)?/g, (_, c) => c ? c.toUpperCase() : ""),
    shortDescription: { text: title },
    fullDescription: { text: rule?.description ?? finding.message },
    help: { text: help, markdown: help },
    helpUri: `${TOOL_URI}/blob/main/docs/rules/${id}.md`,
    defaultConfiguration: { level: LEVEL[rule?.severity ?? finding.severity] },
    properties: {
      tags: ["security", id.split("/")[0]],
      "security-severity": SECURITY_SEVERITY[rule?.severity ?? finding.severity]
    }
  };
}
function imageUri(image, path) {
  const encoded = encodeURIComponent(image).replace(/%2F/g, "/");
  return path ? `${encoded}/${path.replace(/^\/+/, "").split("/").map(encodeURIComponent).join("/")}` : encoded;
}
function location(finding) {
  const loc = finding.location;
  if (isFileLocation(loc)) {
    const region = loc.startLine !== void 0 ? {
      region: {
        startLine: loc.startLine,
        ...loc.startColumn ? { startColumn: loc.startColumn } : {},
        ...loc.endLine ? { endLine: loc.endLine } : {},
        ...loc.endColumn ? { endColumn: loc.endColumn } : {}
      }
    } : {};
    const logical = loc.object ? { logicalLocations: [{ fullyQualifiedName: loc.container ? `${loc.object}/${loc.container}` : loc.object }] } : {};
    return {
      physicalLocation: {
        artifactLocation: { uri: loc.path.split("/").map(encodeURIComponent).join("/"), uriBaseId: "%SRCROOT%" },
        ...region
      },
      ...logical
    };
  }
  return {
    physicalLocation: { artifactLocation: { uri: imageUri(loc.image, loc.path) }, region: { startLine: 1 } },
    logicalLocations: [{ fullyQualifiedName: loc.layer ? `${loc.image}@${loc.layer}` : loc.image, kind: "module" }]
  };
}
function run(check, rules) {
  const descriptors = /* @__PURE__ */ new Map();
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
        rules: [...descriptors.values()]
      }
    },
    automationDetails: { id: `${TOOL_NAME}/${check.id}/` },
    invocations: [
      {
        executionSuccessful: check.status !== "error",
        toolExecutionNotifications: check.errors.map((text) => ({ level: "error", message: { text } }))
      }
    ],
    results: check.findings.map((finding) => ({
      ruleId: finding.ruleId,
      ruleIndex: ruleIds.indexOf(finding.ruleId),
      level: LEVEL[finding.severity],
      message: {
        text: finding.fix ? `${finding.title}: ${finding.message} Fix: ${finding.fix}` : `${finding.title}: ${finding.message}`
      },
      locations: [location(finding)],
      partialFingerprints: { "containersec/v1": finding.fingerprint },
      ...finding.exception && !finding.exception.expired ? {
        suppressions: [
          {
            kind: finding.exception.source === "inline" ? "inSource" : "external",
            justification: finding.exception.reason
          }
        ]
      } : {},
      properties: { severity: finding.severity, new: finding.new, blocking: finding.blocking }
    }))
  };
}
function renderSarif(outcome) {
  const runs = outcome.result.checks.filter((c) => c.status !== "skipped").map((c) => run(c, outcome.rules));
  const log = { $schema: "https://json.schemastore.org/sarif-2.1.0.json", version: "2.1.0", runs };
  return `${JSON.stringify(log, null, 2)}
`;
}

export {
  renderSarif
};
