import type { RuleDefinition } from '../../../core/rules.js';
import type { AuditFamily, Hit } from './audit.js';
import type { CiJob } from './config.js';
import { get, positionOf } from './located.js';
import type { LValue } from './located.js';
import { imageParts, imageUses } from './images.js';

const DIND = 'gitlab-ci/docker-in-docker';
const NO_TLS = 'gitlab-ci/docker-daemon-without-tls';

const rules: RuleDefinition[] = [
  {
    id: DIND,
    check: 'hardening',
    title: 'Docker-in-Docker service needs a privileged runner',
    severity: 'high',
    description:
      'A job uses a `docker:*dind*` service (string or `name:` form, in the job, a template it extends, or ' +
      '`default:`). The Docker daemon inside that service only starts in a container run with `--privileged`, so ' +
      'the runner must be configured with `privileged = true`.',
    rationale:
      'A privileged container has every Linux capability, no seccomp or AppArmor profile and access to host ' +
      'devices: container isolation is off. Any code the job runs (a dependency install script, a test, a ' +
      'merge request from a contributor) can mount the host disk, load kernel modules or reach the runner host, ' +
      "read other jobs' files and tokens, and persist on a shared runner. The privileged flag applies to every " +
      'job that runner picks up, not only to the one that asked for Docker.',
    fix:
      'Build images without a Docker daemon, for example with BuildKit rootless or kaniko-style builders, or ' +
      'Buildah:\n\n```yaml\nbuild:\n  image: quay.io/buildah/stable@sha256:<digest>\n  script:\n' +
      '    - buildah build --isolation chroot -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA" .\n' +
      '    - buildah push "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"\n```\n\n' +
      'If you must keep Docker-in-Docker, run those jobs on a dedicated, ephemeral runner (one VM per job) ' +
      'that serves no other project and never runs merge requests from forks, and keep TLS on ' +
      '(`DOCKER_TLS_CERTDIR: "/certs"`).',
    references: [
      'https://docs.gitlab.com/ci/docker/using_docker_build/#use-docker-in-docker',
      'https://docs.gitlab.com/runner/security/#usage-of-docker-executor',
      'https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities',
    ],
    exceptions:
      'Except it only for a job pinned by `tags:` to a runner that is ephemeral and dedicated to this project; ' +
      'say so in the reason.',
  },
  {
    id: NO_TLS,
    check: 'hardening',
    title: 'Docker daemon reached without TLS',
    severity: 'medium',
    description:
      'The job talks to a Docker daemon over plain TCP: `DOCKER_HOST` is `tcp://…:2375`, `DOCKER_TLS_CERTDIR` is ' +
      'set to an empty string (which makes the `docker:dind` image start its daemon on port 2375 without TLS), ' +
      'or the dind service is started with `--tls=false`.',
    rationale:
      'Port 2375 is the Docker API with no authentication. Anything that can reach the service network (other ' +
      "services of the job, other containers on the runner host's bridge network when the runner uses the " +
      'default network mode) can start privileged containers on that daemon, which runs privileged itself: it ' +
      'is root on the runner host. TLS with client certificates (the `docker:dind` default since 19.03) limits ' +
      'the API to the job that holds the certificates.',
    fix:
      'Keep the image\'s TLS default: remove `DOCKER_TLS_CERTDIR: ""`, and point the client at port 2376:\n\n' +
      '```yaml\nvariables:\n  DOCKER_HOST: tcp://docker:2376\n  DOCKER_TLS_CERTDIR: "/certs"\n' +
      '  DOCKER_TLS_VERIFY: 1\n  DOCKER_CERT_PATH: "$DOCKER_TLS_CERTDIR/client"\n```\n\n' +
      "and mount `/certs/client` in the runner's `volumes`.",
    references: [
      'https://docs.gitlab.com/ci/docker/using_docker_build/#docker-in-docker-with-tls-enabled-in-the-docker-executor',
      'https://docs.docker.com/engine/security/protect-access/',
    ],
  },
];

function isDind(reference: string): boolean {
  const { name, tag } = imageParts(reference);
  return name === 'docker' && tag !== undefined && tag.includes('dind');
}

function scalarText(value: LValue | undefined): string | undefined {
  return value?.kind === 'scalar' && value.value !== null ? String(value.value) : undefined;
}

function auditJob(job: CiJob): Hit[] {
  const hits: Hit[] = [];
  for (const use of imageUses(job)) {
    if (use.kind !== 'service' || !isDind(use.expanded)) continue;
    hits.push({
      ruleId: DIND,
      message: `Service \`${use.written}\` runs a Docker daemon, which needs a privileged runner: container isolation is off for code this job runs.`,
      position: positionOf(use.scalar),
      owner: use.scalar.owner,
      job: job.name,
      key: `service:${use.written}`,
      fix: 'Build with a daemonless builder (Buildah, BuildKit rootless), or confine this job to a dedicated ephemeral runner.',
    });
    const command = get(use.entry, 'command');
    const args = command?.kind === 'seq' ? command.items : command ? [command] : [];
    for (const arg of args) {
      const text = scalarText(arg);
      if (text?.trim() === '--tls=false') {
        hits.push({
          ruleId: NO_TLS,
          message: `The \`${use.written}\` service is started with \`--tls=false\`: its Docker API listens on port 2375 without authentication.`,
          position: positionOf(arg),
          owner: arg.owner,
          job: job.name,
          key: 'service-command:--tls=false',
          fix: 'Remove `--tls=false` and use `DOCKER_HOST: tcp://docker:2376` with `DOCKER_TLS_CERTDIR: "/certs"`.',
        });
      }
    }
    const serviceVariables = get(use.entry, 'variables');
    const certDir = get(serviceVariables, 'DOCKER_TLS_CERTDIR');
    if (certDir && scalarText(certDir) === '') hits.push(emptyCertDir(job, certDir, `service:${use.written}`));
  }
  for (const variable of job.variables.values()) {
    const text = scalarText(variable.value);
    if (text === undefined) continue;
    if (variable.name === 'DOCKER_HOST' && /^tcp:\/\/[^/\s]*:2375\/?$/i.test(text.trim())) {
      hits.push({
        ruleId: NO_TLS,
        message: `\`DOCKER_HOST\` is \`${text.trim()}\`: the job drives a Docker daemon over plain TCP without authentication.`,
        position: positionOf(variable.value),
        owner: variable.value.owner,
        job: job.name,
        key: `${variable.scope}:DOCKER_HOST`,
        fix: 'Use `DOCKER_HOST: tcp://docker:2376` with `DOCKER_TLS_CERTDIR: "/certs"` and `DOCKER_TLS_VERIFY: 1`.',
      });
    }
    if (variable.name === 'DOCKER_TLS_CERTDIR' && text === '')
      hits.push(emptyCertDir(job, variable.value, variable.scope));
  }
  return hits;
}

function emptyCertDir(job: CiJob, value: LValue, scope: string): Hit {
  return {
    ruleId: NO_TLS,
    message: '`DOCKER_TLS_CERTDIR` is empty: the `docker:dind` service starts its daemon on port 2375 without TLS.',
    position: positionOf(value),
    owner: value.owner,
    job: job.name,
    key: `${scope}:DOCKER_TLS_CERTDIR`,
    fix: 'Set `DOCKER_TLS_CERTDIR: "/certs"` (the image default) and connect to `tcp://docker:2376`.',
  };
}

export const dockerInDocker: AuditFamily = {
  rules,
  audit: (model) => model.jobs.flatMap(auditJob),
};
