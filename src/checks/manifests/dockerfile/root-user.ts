import type { RuleDefinition } from '../../../core/rules.js';
import type { DockerfileModel, Instruction, Stage } from './parse.js';
import { expandWord, offsetOf } from './parse.js';
import type { DockerfileRule } from './report.js';
import { Reporter, code } from './report.js';

/** `root` or UID 0 (`00` parses as 0 too), with any group. */
const ROOT_USER_RE = /^(?:root|0+)(?::.*)?$/;

interface UserSetting {
  instruction: Instruction;
  /** The USER argument with variables resolved; undefined when a variable has no known value. */
  value: string | undefined;
  raw: string;
  offset: number;
}

function resolveUser(model: DockerfileModel, instruction: Instruction): UserSetting | undefined {
  const argument = instruction.getArguments()[0];
  if (!argument) return undefined;
  const raw = argument.getValue();
  const value = expandWord(model, raw, instruction.getRange().start.line);
  return {
    instruction,
    raw,
    value,
    offset: offsetOf(model, argument.getRange().start),
  };
}

/** The USER in effect at the end of a stage, following `FROM <earlier stage>` chains. */
function effectiveUser(model: DockerfileModel, stage: Stage): UserSetting | undefined {
  for (let current: Stage | undefined = stage; current; current = current.parent) {
    const users = current.instructions.filter((instruction) => instruction.getKeyword() === 'USER');
    const last = users[users.length - 1];
    if (last) return resolveUser(model, last);
  }
  return undefined;
}

/** The external image a stage chain starts from. */
function rootImage(stage: Stage): string | undefined {
  let current = stage;
  while (current.parent) current = current.parent;
  return current.image;
}

const rule: RuleDefinition = {
  id: 'dockerfile/root-user',
  check: 'manifests',
  title: 'Final stage runs as root',
  severity: 'medium',
  description:
    'The last stage of the Dockerfile (the image that is shipped) has no `USER` instruction, or its last `USER` is ' +
    "`root`, `0`, `root:<group>` or `0:<group>`. A stage built `FROM` an earlier stage inherits that stage's `USER`. " +
    'Base images whose tag says `nonroot` (distroless `:nonroot`) are trusted to set a non-root user. A `USER` whose ' +
    'value is a build argument without a default cannot be judged and is not reported.\n\n' +
    'The finding points at the offending `USER` argument, or at the final `FROM` when there is no `USER`.',
  rationale:
    'A process running as root inside the container is root on the host as far as the kernel is concerned, ' +
    'unless user namespaces are in use. Any container escape (a kernel bug, a mounted Docker socket, a writable ' +
    'host path, an over-broad capability) then gives the attacker root on the node. Running as an unprivileged ' +
    'user also stops an exploited application from changing its own binaries and system files.',
  fix:
    'Create an unprivileged user in the final stage and switch to it after the steps that need root:\n\n' +
    '```dockerfile\nFROM debian:12-slim\nRUN useradd --system --uid 10001 --no-create-home app\nCOPY --chown=app:app ./dist /app\n' +
    'USER 10001:10001\nENTRYPOINT ["/app/server"]\n```\n\nA numeric UID lets Kubernetes verify `runAsNonRoot`.',
  references: [
    'https://docs.docker.com/reference/dockerfile/#user',
    'https://docs.docker.com/build/building/best-practices/#user',
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
  ],
  exceptions:
    'Images whose entrypoint drops privileges itself (gosu, su-exec, s6 `s6-setuidgid`) can be excepted inline: put ' +
    '`# containersec:ignore dockerfile/root-user <reason>` on the line above the final `FROM` or the `USER`.',
};

export const rootUser: DockerfileRule = {
  rule,
  check(model) {
    const reporter = new Reporter(model, rule);
    const final = model.stages[model.stages.length - 1];
    if (!final) return [];
    const user = effectiveUser(model, final);
    if (user) {
      if (user.value !== undefined && ROOT_USER_RE.test(user.value.trim())) {
        reporter.report({
          offset: user.offset,
          length: user.raw.length,
          stage: final,
          message: `The final stage switches to ${code(user.raw)}${user.raw === user.value ? '' : ` (${code(user.value)})`}, so the container runs as root.`,
          key: 'user-root',
          fix: 'USER 10001:10001',
        });
      }
      return reporter.findings;
    }
    const image = rootImage(final);
    if (image !== undefined && /nonroot/i.test(image.split('/').pop() ?? '')) return [];
    reporter.report({
      offset: offsetOf(model, final.from.getRange().start),
      length: 4,
      stage: final,
      message: `The final stage${final.name ? ` \`${final.name}\`` : ''} sets no \`USER\`, so the container runs as the base image's user, which is root unless the image says otherwise.`,
      key: 'no-user',
      fix: 'RUN useradd --system --uid 10001 app\nUSER 10001',
    });
    return reporter.findings;
  },
};
