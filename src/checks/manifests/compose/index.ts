import type { RawFinding } from '../../../core/finding.js';
import { errorMessage } from '../../../core/errors.js';
import { documentToJS, firstYamlError, parseYaml } from '../../../core/yaml.js';
import type { FileLinter, SourceFile } from '../../linter.js';
import { dangerousCapability } from './capabilities.js';
import { secretInEnvironment } from './environment-secrets.js';
import { hostNamespace } from './host-namespaces.js';
import { sensitiveHostMount } from './host-mounts.js';
import { imageLatest, imageNoDigest } from './images.js';
import { exposedSensitivePort } from './ports.js';
import { privileged } from './privileged.js';
import type { ComposeFile, ComposeRule, Service } from './report.js';
import { unconfinedSecurityOpt } from './security-opt.js';
import { rootUser } from './user.js';
import { TEMPLATE_HINT, collectionKey, mayHaveCollectionKey } from '../template-leftovers.js';
import { YamlView } from './yaml-nodes.js';

export const COMPOSE_RULES: readonly ComposeRule[] = [
  privileged,
  hostNamespace,
  dangerousCapability,
  sensitiveHostMount,
  unconfinedSecurityOpt,
  rootUser,
  secretInEnvironment,
  exposedSensitivePort,
  imageLatest,
  imageNoDigest,
];

/** `docker-compose*.y*ml` and `compose*.y*ml`, in any directory. */
export function isComposePath(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return /^(?:docker-)?compose.*\.y[^/]*ml$/.test(name);
}

function parseError(path: string, message: string, line = 1, column = 1): RawFinding {
  return {
    ruleId: 'manifests/parse-error',
    severity: 'high',
    title: 'Compose file could not be parsed',
    message: `This compose file could not be checked: ${message}`,
    location: { path, startLine: line, startColumn: column },
    key: 'compose-parse',
    fix: 'Fix the file so that `docker compose config --quiet` accepts it.',
  };
}

export function lintCompose(file: SourceFile): RawFinding[] {
  let parsed;
  try {
    parsed = parseYaml(file.text);
  } catch (error) {
    return [parseError(file.path, `the YAML parser failed (${errorMessage(error).slice(0, 200)}).`)];
  }
  const findings: RawFinding[] = [];
  const mayHaveKeys = mayHaveCollectionKey(file.text);
  for (const doc of parsed.documents) {
    const error = firstYamlError(parsed, doc);
    if (error) {
      findings.push(parseError(file.path, `${error.message}.`, error.position.line, error.position.column));
      continue;
    }
    const badKey = mayHaveKeys ? collectionKey(doc) : undefined;
    if (badKey) {
      const { line, column } = parsed.nodePosition(badKey) ?? { line: 1, column: 1 };
      const hint = file.text.includes('{{') ? ` ${TEMPLATE_HINT}` : '';
      findings.push(parseError(file.path, `a mapping key is itself a mapping or a list.${hint}`, line, column));
      continue;
    }
    try {
      // Expands aliases with the shared cap: a "billion laughs" document stops here.
      documentToJS(doc);
    } catch (cause) {
      findings.push(parseError(file.path, `${errorMessage(cause).slice(0, 200)}.`));
      continue;
    }
    const view = new YamlView(parsed, doc);
    const servicesEntry = view.get(doc.contents, 'services');
    if (!servicesEntry || !view.asMap(servicesEntry.value)) continue; // not a compose document
    const services: Service[] = view
      .entries(servicesEntry.value)
      .filter((entry) => view.asMap(entry.value) !== undefined)
      .map((entry) => ({ name: view.scalar(entry.key) ?? '', key: entry.key, node: entry.value! }));
    const composeFile: ComposeFile = { path: file.path, view, services };
    for (const { rule, check } of COMPOSE_RULES) {
      try {
        findings.push(...check(composeFile));
      } catch (cause) {
        findings.push({
          ...parseError(file.path, `rule ${rule.id} failed (${errorMessage(cause).slice(0, 200)}).`),
          key: `compose-rule-error:${rule.id}`,
        });
      }
    }
  }
  return findings;
}

export const composeLinter: FileLinter = {
  id: 'compose',
  rules: COMPOSE_RULES.map(({ rule }) => rule),
  matches: isComposePath,
  lint(files) {
    return files.flatMap((file) => lintCompose(file));
  },
};
