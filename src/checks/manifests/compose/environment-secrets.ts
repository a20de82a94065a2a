import type { Node } from 'yaml';
import type { RuleDefinition } from '../../../core/rules.js';
import { findTokenPattern, hasInterpolation, isSecretName } from '../secrets.js';
import type { ComposeFile, ComposeRule, Service } from './report.js';
import { Reporter } from './report.js';

interface Variable {
  name: string;
  /** undefined: no value (`- NAME` or `NAME:`), taken from the environment at deploy time. */
  value: string | undefined;
  node: Node;
}

/** `environment:` in map syntax (`NAME: value`) or list syntax (`- NAME=value`). */
export function environmentVariables(file: ComposeFile, service: Service): Variable[] {
  const { view } = file;
  const entry = view.get(service.node, 'environment');
  if (!entry) return [];
  if (view.asMap(entry.value)) {
    return view.entries(entry.value).map((item) => ({
      name: view.scalar(item.key) ?? '',
      value: view.scalar(item.value),
      node: item.value ?? item.key,
    }));
  }
  return view.items(entry.value).flatMap((item) => {
    const text = view.scalar(item);
    if (text === undefined) return [];
    const eq = text.indexOf('=');
    return [{ name: eq < 0 ? text : text.slice(0, eq), value: eq < 0 ? undefined : text.slice(eq + 1), node: item }];
  });
}

const rule: RuleDefinition = {
  id: 'compose/secret-in-environment',
  check: 'manifests',
  title: 'Plaintext secret in `environment`',
  severity: 'high',
  description:
    'A compose service sets, in `environment:` (map or list syntax, merges included), a literal value for a variable ' +
    'whose name says it is a secret (`_`-separated `PASSWORD`, `PASSWD`, `PASS`, `SECRET`, `TOKEN`, `KEY`, ' +
    '`APIKEY`, `AUTH`, `CREDENTIALS`...; names that also contain `FILE`, `PATH`, `PUBLIC`, `URL`, `HOST`, `TYPE`... are exempt), or any value that matches a ' +
    'well-known credential format (cloud keys, GitHub/GitLab/npm/Slack/Stripe tokens, private keys, passwords in ' +
    'URLs). Values that use interpolation (`${DB_PASSWORD}`, `$TOKEN`) and variables without a value are not ' +
    'reported. The value is never shown.',
  rationale:
    'A committed secret is readable by everyone with access to the repository and its history, forks and CI logs, ' +
    'and stays valid until rotated. Environment variables are also visible through `docker inspect` and to every ' +
    'process and crash reporter in the container.',
  fix:
    'Take the value from the deployment environment or, better, use compose secrets mounted as files:\n\n```yaml\n' +
    'services:\n  db:\n    image: postgres:16.4\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n' +
    '    secrets: [db_password]\nsecrets:\n  db_password:\n    environment: DB_PASSWORD\n```\n\nRotate any credential ' +
    'that was committed.',
  references: [
    'https://docs.docker.com/compose/how-tos/use-secrets/',
    'https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/',
  ],
};

export const secretInEnvironment: ComposeRule = {
  rule,
  check(file) {
    const reporter = new Reporter(file, rule);
    for (const service of file.services) {
      for (const variable of environmentVariables(file, service)) {
        const value = variable.value;
        if (value === undefined || value === '') continue;
        const pattern = findTokenPattern(value);
        if (pattern) {
          reporter.report(service, variable.node, {
            key: `${variable.name}:${pattern.id}`,
            message: `\`${variable.name}\` in service \`${service.name}\` holds what looks like a ${pattern.description} (value redacted).`,
            fix: `${variable.name}: \${${variable.name}}`,
          });
        } else if (isSecretName(variable.name) && !hasInterpolation(value)) {
          reporter.report(service, variable.node, {
            key: variable.name,
            message: `\`${variable.name}\` in service \`${service.name}\` is set to a literal value (redacted); secrets do not belong in the compose file.`,
            fix: `${variable.name}: \${${variable.name}}`,
          });
        }
      }
    }
    return reporter.findings;
  },
};
