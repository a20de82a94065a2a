import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { Severity } from '../../../core/severity.js';
import type { Audit } from './audit.js';
import { KeyCounter, makeFinding, spanInScalar, stepKey } from './audit.js';
import type { JobModel, StringValue, WorkflowModel } from './model.js';
import { stringValue } from './model.js';
import { logicalLines, scriptOffset } from './script.js';
import { asMap, entries, get } from './yaml-nodes.js';

export const rule: RuleDefinition = {
  id: 'gha/privileged-build',
  check: 'hardening',
  title: 'Container run with host-level privileges in CI',
  severity: 'high',
  description:
    'Reports `docker`/`podman`/`nerdctl` `run`, `create` and `exec` commands in `run:` scripts, and ' +
    '`container.options` / `services.<id>.options`, that give a container control of the runner: ' +
    '`--privileged`, a bind mount of the Docker socket (`-v /var/run/docker.sock:…`, `--volume`, ' +
    '`--mount type=bind,source=/var/run/docker.sock`), `--cap-add=ALL` or `SYS_ADMIN` (high); ' +
    '`--pid=host`, `--net=host`/`--network=host`, `--ipc=host`, `--userns=host` and ' +
    '`--security-opt seccomp=unconfined` / `apparmor=unconfined` / `label=disable` (medium).',
  rationale:
    'Each of these removes the isolation between the container and the runner. Code in a privileged ' +
    "container or with the Docker socket is root on the host: it can read other jobs' workspaces and " +
    'credentials, persist on a self-hosted runner, and tamper with images built later. Build and test steps ' +
    'run dependencies and, on pull requests, contributed code, so they should never get that power.',
  fix:
    'Drop the flag; grant only what the build needs, or use a rootless builder:\n\n' +
    '```yaml\n# Instead of\n- run: docker run --privileged -v /var/run/docker.sock:/var/run/docker.sock builder make\n\n' +
    '# build images without a daemon socket\n- uses: docker/setup-buildx-action@<sha>\n' +
    '- uses: docker/build-push-action@<sha>\n  with:\n    push: false\n```',
  references: [
    'https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities',
    'https://docs.docker.com/engine/security/protect-access/',
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
  ],
};

const SOCK = String.raw`(?:/var)?/run/docker\.sock`;
const FLAGS: { pattern: RegExp; severity: Severity; what: string }[] = [
  { pattern: /(?:^|\s)(--privileged)(?:=true)?(?=\s|$|["'])/, severity: 'high', what: 'privileged mode' },
  {
    pattern: new RegExp(String.raw`(?:^|\s)(-v|--volume)(?:\s+|=)["']?${SOCK}(?::|["'\s]|$)`),
    severity: 'high',
    what: 'the Docker socket mounted',
  },
  {
    pattern: new RegExp(String.raw`(?:^|\s)(--mount)(?:\s+|=)["']?[^\s"']*\b(?:source|src)=${SOCK}\b`),
    severity: 'high',
    what: 'the Docker socket mounted',
  },
  {
    pattern: /(?:^|\s)(--cap-add)(?:\s+|=)["']?(?:CAP_)?(?:ALL|SYS_ADMIN)\b/i,
    severity: 'high',
    what: 'all or SYS_ADMIN capabilities',
  },
  {
    pattern:
      /(?:^|\s)(--security-opt)(?:\s+|=)["']?(?:(?:seccomp|apparmor|systempaths)[=:]unconfined|label[=:]disable)\b/,
    severity: 'medium',
    what: 'a security profile disabled',
  },
  { pattern: /(?:^|\s)(--pid)(?:\s+|=)["']?host\b/, severity: 'medium', what: "the host's process namespace" },
  {
    pattern: /(?:^|\s)(--net|--network)(?:\s+|=)["']?host\b/,
    severity: 'medium',
    what: "the host's network namespace",
  },
  { pattern: /(?:^|\s)(--ipc)(?:\s+|=)["']?host\b/, severity: 'medium', what: "the host's IPC namespace" },
  { pattern: /(?:^|\s)(--userns)(?:\s+|=)["']?host\b/, severity: 'medium', what: "the host's user namespace" },
];

const CONTAINER_COMMAND = /\b(?:docker|podman|nerdctl)\b(?:\s+(?:-\S+|container|compose))*\s+(?:run|create|exec)\b/;

interface Hit {
  index: number;
  flag: string;
  severity: Severity;
  what: string;
}

export function privilegedFlags(text: string): Hit[] {
  const hits: Hit[] = [];
  for (const { pattern, severity, what } of FLAGS) {
    const m = pattern.exec(text);
    if (m) hits.push({ index: m.index + m[0].indexOf(m[1]!), flag: m[1]!, severity, what });
  }
  return hits;
}

export function run(workflow: WorkflowModel): RawFinding[] {
  const findings: RawFinding[] = [];
  const keys = new KeyCounter();
  const doc = workflow.doc;
  const report = (job: JobModel, value: StringValue, offset: number, hit: Hit, where: string, key: string): void => {
    findings.push(
      makeFinding(workflow, rule, {
        severity: hit.severity,
        message: `${where} starts a container with ${hit.what} (\`${hit.flag}\`), giving it control of the runner.`,
        span: spanInScalar(workflow, value.node, value.value, offset, hit.flag.length),
        job,
        key: keys.next(`${key}:${hit.flag}`),
        fix: `Remove \`${hit.flag}\` and grant only the specific access the build needs.`,
      }),
    );
  };
  for (const job of workflow.jobs) {
    const optionHolders = [
      { where: `The container of job ${job.id}`, key: `${job.id}:container`, map: asMap(job.container?.value, doc) },
      ...entries(job.services, doc).map((s) => ({
        where: `Service ${s.key} of job ${job.id}`,
        key: `${job.id}:service:${s.key}`,
        map: asMap(s.value, doc),
      })),
    ];
    for (const holder of optionHolders) {
      const options = stringValue(get(holder.map, 'options', doc)?.value, doc);
      if (!options) continue;
      for (const hit of privilegedFlags(options.value)) report(job, options, hit.index, hit, holder.where, holder.key);
    }
    for (const step of job.steps) {
      if (!step.run) continue;
      for (const line of logicalLines(step.run.value)) {
        const command = CONTAINER_COMMAND.exec(line.text);
        if (!command) continue;
        const rest = line.text.slice(command.index);
        for (const hit of privilegedFlags(rest)) {
          const where = `Step ${step.label} of ${job.composite ? 'the composite action' : `job ${job.id}`}`;
          report(job, step.run, scriptOffset(line, command.index + hit.index), hit, where, stepKey(job, step));
        }
      }
    }
  }
  return findings;
}

export const privilegedBuild: Audit = { rule, run };
