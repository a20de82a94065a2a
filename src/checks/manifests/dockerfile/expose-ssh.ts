import type { RuleDefinition } from '../../../core/rules.js';
import { expandWord, offsetOf } from './parse.js';
import type { DockerfileRule } from './report.js';
import { Reporter } from './report.js';

function includesPort(spec: string, port: number): boolean {
  const match = /^(\d+)(?:-(\d+))?(?:\/(?:tcp|udp|sctp))?$/i.exec(spec);
  if (!match) return false;
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  return low <= port && port <= high;
}

const rule: RuleDefinition = {
  id: 'dockerfile/expose-ssh',
  check: 'manifests',
  title: 'SSH port 22 exposed',
  severity: 'medium',
  description:
    'An `EXPOSE` instruction declares port 22 (alone, with `/tcp`, or inside a range such as `20-30`), also through an ' +
    '`ARG`/`ENV` variable with a known value (`EXPOSE $SSH_PORT`).',
  rationale:
    'An SSH server inside an application container is an extra, long-lived entry point with its own credentials ' +
    "and keys baked into or mounted into the image, outside the orchestrator's access control and audit trail. It " +
    'is a favourite target of credential-stuffing bots once the port is published.',
  fix:
    'Remove the SSH server and the `EXPOSE 22`. For debugging use the orchestrator: `docker exec`, ' +
    '`kubectl exec` or `kubectl debug` (ephemeral containers), which are authenticated and audited.',
  references: ['https://docs.docker.com/reference/dockerfile/#expose'],
};

export const exposeSsh: DockerfileRule = {
  rule,
  check(model) {
    const reporter = new Reporter(model, rule);
    for (const stage of model.stages) {
      for (const instruction of stage.instructions) {
        if (instruction.getKeyword() !== 'EXPOSE') continue;
        for (const argument of instruction.getArguments()) {
          const port = expandWord(model, argument.getValue(), instruction.getRange().start.line);
          if (port === undefined || !includesPort(port, 22)) continue;
          reporter.report({
            offset: offsetOf(model, argument.getRange().start),
            length: argument.getValue().length,
            stage,
            key: 'expose-22',
            message: `\`EXPOSE ${argument.getValue()}\` declares the SSH port.`,
            fix: 'Remove the SSH server and EXPOSE 22; use docker exec / kubectl debug.',
          });
        }
      }
    }
    return reporter.findings;
  },
};
