import type { RuleDefinition } from '../../../core/rules.js';
import {
  findTokenPattern,
  hasInterpolation,
  isFileReference,
  isLiteralSecret,
  isPlaceholderSecret,
  isSecretName,
} from '../secrets.js';
import { runInvocations } from './commands.js';
import type { Stage } from './parse.js';
import { offsetOf } from './parse.js';
import type { DockerfileRule } from './report.js';
import { Reporter, RUN_LOCATION_NOTE } from './report.js';
import { inlineScript } from './shell.js';

interface PropertyLike {
  getName(): string;
  getValue(): string | null;
  getNameRange(): { start: { line: number; character: number } };
  getValueRange(): { start: { line: number; character: number } } | null;
}

const rule: RuleDefinition = {
  id: 'dockerfile/secret-in-build',
  check: 'manifests',
  title: 'Secret passed through `ENV`, `ARG` or a build command',
  severity: 'high',
  description:
    'An `ENV` or `ARG` whose name says it holds a secret (a `_`-separated `PASSWORD`, `PASSWD`, `PASS`, `SECRET`, ' +
    "`TOKEN`, `KEY`, `APIKEY`, `AUTH`, `CREDENTIALS`... — the same logic as BuildKit's `SecretsUsedInArgOrEnv` " +
    'check; names that also contain `PUBLIC`, `FILE`, `PATH`, `DIR`, `GPG`, `URL`, `ENDPOINT`, `HOST`, `TYPE`, `METHOD`, `MODE` are exempt), or an `ENV`/`ARG` value or `RUN` word that ' +
    'matches a well-known credential format (AWS access key id, GitHub/GitLab/npm/PyPI/Slack/Stripe/Docker Hub ' +
    'tokens, Google API keys, private keys, passwords inside URLs). In `RUN`, literal values assigned to such names ' +
    '(`PASSWORD=x ./configure`, `export API_TOKEN=x`) are reported too; values built from `$VAR` or `$(cat …)` are ' +
    'not. An `ENV` whose value is a placeholder (`CHANGEME`, `<your-key>`, `xxxx`) or a path to a mounted secret file ' +
    '(`/run/secrets/db-password`) stores no secret and is not reported; an `ARG` is, whatever its default, because the ' +
    'real value is passed at build time. The secret is never shown in the finding.\n\n' +
    '`RUN --mount=type=secret` is the correct way to use a secret and is not reported.',
  rationale:
    '`ENV` values are stored in the image configuration and visible to anyone who can pull the image ' +
    '(`docker inspect`). `ARG` values used by a `RUN` end up in the image history and in build provenance, and ' +
    'build arguments are often logged by CI. Literal tokens in the Dockerfile are in the Git history forever. ' +
    'Anyone with read access to the registry or the repository gets the credential.',
  fix:
    'Pass secrets as BuildKit secret mounts, which exist only for the duration of one `RUN` and are never stored:\n\n' +
    '```dockerfile\n# syntax=docker/dockerfile:1\nRUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \\\n    npm ci\n```\n\n' +
    '```sh\ndocker build --secret id=npm_token,env=NPM_TOKEN .\n```\n\nRuntime secrets belong in the orchestrator ' +
    '(Kubernetes Secrets, compose `secrets:`), not in the image. Rotate any credential that was committed.',
  references: [
    'https://docs.docker.com/build/building/secrets/',
    'https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/',
  ],
  exceptions: RUN_LOCATION_NOTE,
};

/**
 * An `ENV` value that stores no secret in the image: a placeholder (`changeme`, `<your-key>`) or a path to a
 * mounted secret file. `ENV TOKEN=$TOKEN` is not one: it copies a build argument into the image config.
 */
function isStandIn(value: string | null): boolean {
  return value !== null && !hasInterpolation(value) && isPlaceholderSecret(unquote(value));
}

/** An `ARG` always carries the real value at build time, whatever its default, unless that default is a path. */
function isFilePath(value: string | null): boolean {
  return value !== null && isFileReference(unquote(value));
}

const unquote = (value: string) => value.replace(/^(['"])(.*)\1$/s, '$2');

export const secretInBuild: DockerfileRule = {
  rule,
  check(model) {
    const reporter = new Reporter(model, rule);
    const stageOf = new Map<unknown, Stage>();
    for (const stage of model.stages) for (const instruction of stage.instructions) stageOf.set(instruction, stage);

    for (const instruction of model.ast.getInstructions()) {
      const keyword = instruction.getKeyword();
      if (keyword !== 'ENV' && keyword !== 'ARG') continue;
      const stage = stageOf.get(instruction);
      for (const property of (instruction as unknown as { getProperties(): PropertyLike[] }).getProperties()) {
        const name = property.getName();
        const value = property.getValue();
        const valueRange = property.getValueRange();
        if (isSecretName(name)) {
          if (keyword === 'ENV' ? isStandIn(value) : isFilePath(value)) continue;
          reporter.report({
            offset: offsetOf(model, property.getNameRange().start),
            length: name.length,
            stage,
            key: `${keyword} ${name}`,
            message:
              value !== null && value !== ''
                ? `\`${keyword} ${name}\` sets what its name says is a secret (value redacted); it is stored in the image ${keyword === 'ENV' ? 'configuration' : 'history and build provenance'}.`
                : `\`${keyword} ${name}\` carries a secret into the build; ${keyword === 'ENV' ? 'ENV values are stored in the image configuration' : 'build-argument values end up in the image history and build provenance'}.`,
            fix: `RUN --mount=type=secret,id=${name.toLowerCase()},env=${name} <command>`,
          });
        } else if (value && valueRange) {
          const pattern = findTokenPattern(value);
          if (!pattern) continue;
          reporter.report({
            offset: offsetOf(model, valueRange.start),
            length: value.length,
            stage,
            key: `${keyword} ${name} ${pattern.id}`,
            message: `The value of \`${keyword} ${name}\` looks like a ${pattern.description} (redacted).`,
            fix: `RUN --mount=type=secret,id=${name.toLowerCase()},env=${name} <command>`,
          });
        }
      }
    }

    for (const entry of runInvocations(model)) {
      // `PASSWORD=hunter2 ./configure` or `export API_TOKEN=abc`: a literal secret in the RUN line.
      const exported = ['export', 'declare', 'typeset', 'env'].includes(entry.program) ? entry.args : [];
      for (const word of [...entry.inv.assignments, ...exported]) {
        const eq = word.text.indexOf('=');
        if (eq <= 0) continue;
        const name = word.text.slice(0, eq).replace(/\+$/, '');
        const value = word.text.slice(eq + 1);
        if (!isSecretName(name) || value.includes('$') || !isLiteralSecret(unquote(value)) || findTokenPattern(value))
          continue;
        reporter.reportWord(word, {
          stage: entry.run.stage,
          key: `RUN ${name}`,
          message: `\`RUN\` sets \`${name}\` to a literal value (redacted); the command line is stored in the image history.`,
          fix: `RUN --mount=type=secret,id=${name.toLowerCase()},env=${name} <command>`,
        });
      }
      const script = inlineScript(entry.inv);
      for (const word of [...entry.command.assignments, ...entry.command.words]) {
        // `sh -c '…'` scripts and `$(…)` bodies are parsed as commands of their own and checked there.
        if (word === script || word.substitutions.some((sub) => findTokenPattern(sub.text))) continue;
        const pattern = findTokenPattern(word.text);
        if (!pattern) continue;
        reporter.reportWord(word, {
          stage: entry.run.stage,
          key: `RUN ${entry.program} ${pattern.id}`,
          message: `A \`RUN ${entry.program}\` argument contains what looks like a ${pattern.description} (redacted); it is stored in the image history.`,
          fix: 'RUN --mount=type=secret,id=<id>,env=<VAR> <command using $VAR>',
        });
      }
    }
    return reporter.findings;
  },
};
