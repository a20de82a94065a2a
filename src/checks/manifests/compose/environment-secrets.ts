import type { Node } from 'yaml';
import type { RuleDefinition } from '../../../core/rules.js';
import { findTokenPattern, isLiteralSecret, isSecretName } from '../secrets.js';
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
  return variablesOf(file, file.view.get(service.node, 'environment')?.value);
}

/** `build: {args: …}`, same two syntaxes; a `build: ./dir` string has none. */
export function buildArguments(file: ComposeFile, service: Service): Variable[] {
  const build = file.view.get(service.node, 'build')?.value;
  return file.view.asMap(build) ? variablesOf(file, file.view.get(build, 'args')?.value) : [];
}

function variablesOf(file: ComposeFile, node: Node | undefined): Variable[] {
  const { view } = file;
  if (node === undefined) return [];
  if (view.asMap(node)) {
    return view.entries(node).map((item) => ({
      name: view.scalar(item.key) ?? '',
      value: view.scalar(item.value),
      node: item.value ?? item.key,
    }));
  }
  return view.items(node).flatMap((item) => {
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
    'A compose service sets, in `environment:` or in `build.args` (map or list syntax, merges included), a literal ' +
    'value for a variable ' +
    'whose name says it is a secret (`_`-separated `PASSWORD`, `PASSWD`, `PASS`, `SECRET`, `TOKEN`, `KEY`, ' +
    '`APIKEY`, `AUTH`, `CREDENTIALS`...; names that also contain `FILE`, `PATH`, `PUBLIC`, `URL`, `HOST`, `TYPE`... are exempt), or any value that matches a ' +
    'well-known credential format (cloud keys, GitHub/GitLab/npm/Slack/Stripe tokens, private keys, passwords in ' +
    'URLs). Values that use interpolation (`${DB_PASSWORD}`, `$TOKEN`), variables without a value, paths to a ' +
    'mounted secret file (`/run/secrets/db-password`, as Docker recommends) and placeholders (`CHANGEME`, `<your-key>`, ' +
    '`example`, `xxxx`, `***`, a SCREAMING_SNAKE_CASE name such as `API_KEY_VALUE`) are not reported. The value is never shown.',
  rationale:
    'A committed secret is readable by everyone with access to the repository and its history, forks and CI logs, ' +
    'and stays valid until rotated. Environment variables are also visible through `docker inspect` and to every ' +
    'process and crash reporter in the container; build arguments end up in the image history.',
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
      const sources = [
        { variables: environmentVariables(file, service), what: '', prefix: '' },
        { variables: buildArguments(file, service), what: 'The build argument ', prefix: 'build-arg:' },
      ];
      for (const { variables, what, prefix } of sources) {
        for (const variable of variables) {
          const value = variable.value;
          if (value === undefined || value === '') continue;
          const pattern = findTokenPattern(value);
          if (pattern) {
            reporter.report(service, variable.node, {
              key: `${prefix}${variable.name}:${pattern.id}`,
              message: `${what}\`${variable.name}\` in service \`${service.name}\` holds what looks like a ${pattern.description} (value redacted).`,
              fix: prefix
                ? 'build: { secrets: [<id>] } and RUN --mount=type=secret,id=<id> in the Dockerfile'
                : `${variable.name}: \${${variable.name}}`,
            });
          } else if (isSecretName(variable.name) && isLiteralSecret(value)) {
            reporter.report(service, variable.node, {
              key: `${prefix}${variable.name}`,
              message: `${what}\`${variable.name}\` in service \`${service.name}\` is set to a literal value (redacted); secrets do not belong in the compose file.`,
              fix: prefix
                ? 'build: { secrets: [<id>] } and RUN --mount=type=secret,id=<id> in the Dockerfile'
                : `${variable.name}: \${${variable.name}}`,
            });
          }
        }
      }
    }
    return reporter.findings;
  },
};
