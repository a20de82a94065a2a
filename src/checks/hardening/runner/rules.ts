import type { RuleDefinition } from '../../../core/rules.js';

export const RUNNER_RULE = {
  selfHostedFork: 'runner/self-hosted-fork-pr',
  dockerSocket: 'runner/container-engine-socket',
  privileged: 'runner/privileged-container',
  capabilities: 'runner/dangerous-capabilities',
  seccomp: 'runner/seccomp-disabled',
  root: 'runner/root-equivalent-user',
  debug: 'runner/debug-logging',
  vulnerableRuntime: 'runner/vulnerable-container-runtime',
  broadTokenScopes: 'runner/token-broad-scopes',
  oidcForkPullRequest: 'runner/oidc-token-fork-pr',
  tokenNeverExpires: 'runner/token-never-expires',
} as const;

export const runnerRules: RuleDefinition[] = [
  {
    id: RUNNER_RULE.selfHostedFork,
    check: 'hardening',
    title: 'Self-hosted runner runs a pull request from a fork',
    severity: 'critical',
    description:
      'The job runs on a self-hosted runner (GitHub: `RUNNER_ENVIRONMENT=self-hosted`; GitLab: a runner on a ' +
      'self-managed instance, or a project or group runner on GitLab.com) for a pull or merge request whose ' +
      'source is another repository (GitHub event payload: `pull_request.head.repo.full_name` differs from ' +
      '`base.repo.full_name`; GitLab: `CI_MERGE_REQUEST_SOURCE_PROJECT_ID` differs from ' +
      '`CI_MERGE_REQUEST_PROJECT_ID`).',
    rationale:
      "A fork's author, who can be anyone, now runs code on your machine. Unlike hosted runners, a self-hosted " +
      'runner is usually not wiped after the job: the attacker can leave a process or a modified toolchain behind ' +
      'that steals the secrets of the next, trusted job, read credentials stored on the host, and reach your ' +
      'internal network.',
    fix:
      'Run fork pull requests on hosted, ephemeral runners only, and keep self-hosted runners for trusted ' +
      'branches. On GitHub, require approval for all outside contributors (**Settings > Actions > Fork pull ' +
      'request workflows**) and select runners by a label forks cannot use:\n\n```yaml\njobs:\n  build:\n' +
      "    runs-on: ${{ github.event.pull_request.head.repo.fork && 'ubuntu-latest' || 'self-hosted' }}\n```\n\n" +
      'On GitLab, make self-hosted runners protected (they then only run jobs on protected branches) and run ' +
      'fork merge requests on GitLab-hosted runners.',
    references: [
      'https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/about-self-hosted-runners#self-hosted-runner-security',
      'https://docs.gitlab.com/ci/runners/configure_runners/#prevent-runners-from-revealing-sensitive-information',
      'https://docs.gitlab.com/ci/pipelines/merge_request_pipelines/#run-pipelines-in-the-parent-project',
    ],
  },
  {
    id: RUNNER_RULE.dockerSocket,
    check: 'hardening',
    title: 'Container engine socket reachable from the job',
    severity: 'high',
    description:
      'A Docker, Podman or containerd API socket (`/var/run/docker.sock`, `/run/docker.sock`, the socket in a ' +
      "`unix://` `DOCKER_HOST`, `/run/podman/podman.sock`, `/run/containerd/containerd.sock`) exists in the job's " +
      'filesystem. The probe only checks that the socket is there; it never connects to it.',
    rationale:
      'Access to the engine socket is root on the host: `docker run --privileged -v /:/host` needs nothing else. ' +
      'Any code the job runs (dependencies, tests, a merge request) can take over the runner host, read other ' +
      "jobs' workspaces and secrets, and persist between jobs.",
    fix:
      "Do not mount the host's socket into job containers (remove `/var/run/docker.sock` from the runner's " +
      '`volumes`). Build images with a daemonless builder (Buildah, BuildKit rootless) or on a dedicated ' +
      'ephemeral VM per job.',
    references: [
      'https://docs.docker.com/engine/security/#docker-daemon-attack-surface',
      'https://docs.gitlab.com/ci/docker/using_docker_build/#use-the-docker-executor-with-docker-socket-binding',
    ],
  },
  {
    id: RUNNER_RULE.privileged,
    check: 'hardening',
    title: 'Job runs in a privileged container',
    severity: 'critical',
    description:
      'The job runs in a container (`/.dockerenv`, `/run/.containerenv`, container cgroups, a Kubernetes ' +
      'service environment, or an overlay root filesystem) and its effective capability set (`CapEff` in ' +
      '`/proc/self/status`) contains every capability the kernel knows: the container was started with ' +
      '`--privileged` (GitLab runner `privileged = true`, Kubernetes `privileged: true`).',
    rationale:
      "A privileged container is not isolated: it can mount the host's disks, load kernel modules, use every " +
      'device and escape to the host in one command. Whatever the job runs owns the runner host and every job ' +
      'that shares it.',
    fix:
      'Turn privileged mode off on the runner (`[runners.docker] privileged = false`, or remove `privileged: ' +
      'true` from the pod spec) and move jobs that need Docker to a daemonless builder or an ephemeral VM.',
    references: [
      'https://docs.gitlab.com/runner/security/#usage-of-docker-executor',
      'https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities',
      'https://man7.org/linux/man-pages/man7/capabilities.7.html',
    ],
  },
  {
    id: RUNNER_RULE.capabilities,
    check: 'hardening',
    title: 'Job container has capabilities that break isolation',
    severity: 'high',
    description:
      'The job runs in a container whose effective capabilities include one that breaks container isolation on ' +
      'its own: `CAP_SYS_ADMIN`, `CAP_SYS_MODULE`, `CAP_SYS_RAWIO`, `CAP_SYS_PTRACE`, `CAP_DAC_READ_SEARCH`, ' +
      '`CAP_BPF`, `CAP_MAC_ADMIN`, `CAP_MAC_OVERRIDE` or `CAP_SYS_BOOT`, without the full privileged set.',
    rationale:
      '`CAP_SYS_ADMIN` alone allows mounts, cgroup release agents and namespace tricks that have repeatedly led ' +
      'to container escapes; `CAP_SYS_MODULE` loads kernel code; `CAP_DAC_READ_SEARCH` reads host files by ' +
      'handle (the "shocker" escape); `CAP_SYS_PTRACE` attaches to other processes.',
    fix: 'Drop the capability from the runner configuration (`cap_add` in `[runners.docker]`, `securityContext.capabilities.add` in Kubernetes).',
    references: [
      'https://man7.org/linux/man-pages/man7/capabilities.7.html',
      'https://docs.gitlab.com/runner/configuration/advanced-configuration/#the-runnersdocker-section',
    ],
  },
  {
    id: RUNNER_RULE.seccomp,
    check: 'hardening',
    title: 'Seccomp is off in the job container',
    severity: 'medium',
    description:
      'The job runs in a container and `/proc/self/status` reports `Seccomp: 0`: no system call filter applies.',
    rationale:
      'The default seccomp profile of Docker and containerd blocks system calls used in kernel exploits and ' +
      'container escapes (`keyctl`, `unshare`, `bpf`, `userfaultfd`, `mount`…). Without it, a kernel bug reachable ' +
      'from any system call is reachable from the job.',
    fix: "Remove `seccomp=unconfined` from the runner's `security_opt`, or set `seccompProfile: { type: RuntimeDefault }` on the pod.",
    references: [
      'https://docs.docker.com/engine/security/seccomp/',
      'https://kubernetes.io/docs/tutorials/security/seccomp/',
    ],
  },
  {
    id: RUNNER_RULE.root,
    check: 'hardening',
    title: 'Job runs as root or with passwordless sudo',
    severity: 'medium',
    description:
      "The job's effective UID is 0, or a readable sudoers file lets the job's user run every command without a " +
      'password (`NOPASSWD: ALL`, `!authenticate`). Reported as low on GitHub-hosted runners, which are ' +
      'single-use virtual machines.',
    rationale:
      'Root inside the job is one kernel or runtime bug away from root on the host, and on a persistent runner ' +
      'it can change the toolchain the next job uses. Passwordless sudo is root with an extra word.',
    fix:
      'Run jobs as an unprivileged user (`USER` in the job image, `image:docker:user` in GitLab, ' +
      '`runAsNonRoot: true` in Kubernetes) and remove the `NOPASSWD` rule on persistent runners.',
    references: ['https://docs.gitlab.com/ci/yaml/#imagedocker', 'https://www.sudo.ws/docs/man/sudoers.man/'],
  },
  {
    id: RUNNER_RULE.debug,
    check: 'hardening',
    title: 'Debug logging is on for this job',
    severity: 'medium',
    description:
      'The job environment shows debug logging: `CI_DEBUG_TRACE` or `CI_DEBUG_SERVICES` true (GitLab; ' +
      '`CI_DEBUG_TRACE` is reported as high), `RUNNER_DEBUG=1`, `ACTIONS_STEP_DEBUG` or `ACTIONS_RUNNER_DEBUG` ' +
      'true (GitHub).',
    rationale:
      "GitLab's debug trace prints every variable, masked secrets included, into the job log. GitHub's debug " +
      'logs add the expanded inputs and environment of every step, which often include tokens passed through ' +
      'files or outputs that masking does not catch.',
    fix: 'Turn debug logging off (unset the variable or the repository secret) and delete the logs of the runs that had it.',
    references: [
      'https://docs.gitlab.com/ci/variables/variables_troubleshooting/#enable-debug-logging',
      'https://docs.github.com/en/actions/monitoring-and-troubleshooting-workflows/troubleshooting-workflows/enabling-debug-logging',
    ],
  },
  {
    id: RUNNER_RULE.vulnerableRuntime,
    check: 'hardening',
    title: 'Container runtime on the runner host has a known container-escape vulnerability',
    severity: 'high',
    description:
      'The runner host has a runc, containerd, Docker Engine or BuildKit package or executable whose upstream version is in the affected ' +
      'range of a known container-escape or host-compromise advisory: runc CVE-2024-21626 ("Leaky Vessels"), ' +
      'CVE-2025-31133, CVE-2025-52565 and CVE-2025-52881 (November 2025), CVE-2021-30465 and CVE-2019-5736; ' +
      'containerd CVE-2020-15257; Docker Engine CVE-2024-41110 (AuthZ plugin bypass) and the BuildKit flaws it ' +
      'vendors before 25.0.2 (CVE-2024-23651, CVE-2024-23652, CVE-2024-23653).\n\n' +
      'The probe reads the Debian/Ubuntu package database (`/var/lib/dpkg/status`: `runc`, `containerd`, ' +
      '`containerd.io`, `docker-ce`, `docker.io`, `moby-runc`, `moby-containerd`, `moby-engine`…) and ' +
      '`os-release`, takes the upstream part of each package version (`1.1.12-0ubuntu3` is runc 1.1.12, ' +
      '`5:27.1.1-1~ubuntu.24.04~noble` is Docker Engine 27.1.1) and matches it with the OSV matcher against an ' +
      "embedded, dated advisory table whose ranges are the upstream projects' own.\n\n" +
      'It also reads the Go build information embedded in the engine executables themselves (`runc`, ' +
      '`containerd`, `containerd-shim-runc-v2`, `dockerd`, `docker`, `buildkitd` in `/usr/local/bin`, ' +
      '`/usr/local/sbin`, `/usr/bin`, `/usr/sbin` and `/opt/bin`), which covers engines unpacked from release ' +
      'tarballs on self-hosted and GitLab runners. The version comes from the main module line when the build ' +
      'recorded one (`go install module@version`, or Go 1.24+ building a clean tagged checkout: exact), else from ' +
      'the `-X` version variable the build script stamped in (`main.version` for runc, ' +
      '`dockerversion.Version` for Docker Engine, `version.Version` for containerd and BuildKit), which Go records ' +
      'only for builds without `-trimpath`. A local build recorded as `(devel)` with no stamp is not matched, and ' +
      'the notes say so. When a package owns the executable (its `/var/lib/dpkg/info/<package>.list`), an exact ' +
      'module version wins over the package version and a stamp does not. The Go toolchain version is listed ' +
      'in the notes; it is matched only against standard library advisories in the table (there are none today). ' +
      'At most 8 MiB of each executable is read (its ELF header, section table and `.go.buildinfo` section).\n\n' +
      'It never runs a binary and never contacts the daemon. Inside a job container the package database and ' +
      "executables are the image's, not the host's, so nothing is reported there; the notes say so.\n\n" +
      "**Backports.** Distributions (Ubuntu, Debian) and Microsoft's `moby-*` packages often patch an old " +
      'upstream version instead of upgrading it, so a match on one of their packages can be a false positive. ' +
      "Those findings say so and are at most high; findings on Docker's own `docker-ce`/`containerd.io` builds " +
      "keep the advisory's severity.",
    rationale:
      "The runtime is the wall between the job's containers and the host. With one of these bugs, a malicious " +
      'image, Dockerfile or BuildKit frontend (`# syntax=`) pulled by a pull request, or a compromised dependency ' +
      'running in a service container, can write to the host filesystem or run code as root on it. On a ' +
      'persistent self-hosted runner that means stolen secrets of later jobs, a poisoned toolchain and a foothold ' +
      'in your network; CVE-2024-21626 needs nothing more than `WORKDIR /proc/self/fd/8` in a Dockerfile.',
    fix:
      'Upgrade the runtime packages on the runner host (or move to a current runner image) and restart the ' +
      'daemon:\n\n```sh\nsudo apt-get update\nsudo apt-get install --only-upgrade runc containerd.io docker-ce ' +
      '# or: runc containerd docker.io / moby-runc moby-containerd moby-engine\nsudo systemctl restart docker\n```\n\n' +
      'If the distribution backported the fix (its security tracker lists the installed package version as ' +
      'fixed for the CVE), record that as a policy exception for the package, with the tracker page in the ' +
      'reason, and let it expire so the decision is revisited:\n\n```yaml\nexceptions:\n' +
      '  - rule: runner/vulnerable-container-runtime\n    packages: [runc]\n' +
      '    reason: "Fix for CVE-2024-21626 backported into this runc build: https://ubuntu.com/security/CVE-2024-21626"\n' +
      '    expires: 2027-06-30\n```',
    references: [
      'https://github.com/opencontainers/runc/security/advisories/GHSA-xr7r-f8xq-vfvv',
      'https://github.com/opencontainers/runc/security/advisories/GHSA-9493-h29p-rfm2',
      'https://github.com/containerd/containerd/security/advisories/GHSA-36xw-fx78-c5r4',
      'https://github.com/moby/moby/security/advisories/GHSA-v23v-6jw2-98fq',
      'https://github.com/moby/buildkit/security/advisories/GHSA-wr6v-9f75-vh2g',
      'https://ubuntu.com/security/CVE-2024-21626',
    ],
  },
  {
    id: RUNNER_RULE.broadTokenScopes,
    check: 'hardening',
    title: 'Broadly scoped API token in a pull or merge request job',
    severity: 'high',
    description:
      'The API token the job hands containersec has scopes that reach far beyond commenting on this change, and ' +
      'the job runs code from a pull or merge request.\n\n' +
      '- **GitHub**: the token in the `github-token` input (or `GITHUB_TOKEN`) is a classic personal access ' +
      'token or OAuth token whose `X-OAuth-Scopes` response header lists `repo`, `public_repo`, `workflow`, ' +
      '`delete_repo`, `write:packages`, `delete:packages`, `site_admin` or any `admin:*` scope, in a job for a ' +
      'pull request. High; critical when the pull request comes from a fork. Fine-grained tokens and GitHub App ' +
      'installation tokens (`GITHUB_TOKEN`) do not report their permissions through the API, so they are never ' +
      'reported here; the notes say what kind of token was seen (from its documented prefix: `ghp_`, ' +
      '`github_pat_`, `gho_`, `ghu_`, `ghs_`).\n' +
      '- **GitLab**: `GET /personal_access_tokens/self` says the token (in `CONTAINERSEC_GITLAB_TOKEN` or the ' +
      'variable named by `CONTAINERSEC_GITLAB_TOKEN_VARIABLE`, else `GITLAB_TOKEN`) has `api`, `sudo`, ' +
      '`admin_mode` or `write_repository`, in a merge request pipeline whose source project is a fork ' +
      '(`CI_MERGE_REQUEST_SOURCE_PROJECT_ID` differs from `CI_MERGE_REQUEST_PROJECT_ID`). Critical. ' +
      "`CI_JOB_TOKEN`'s access is set in the project's settings and cannot be read from the job.\n\n" +
      'The probe makes one API request per platform with a 5-second timeout; a failure is a note, never a ' +
      'finding, and the token never appears in the output.',
    rationale:
      'Whatever the job runs can read the token: the build scripts, tests and dependencies of the change under ' +
      'review. A classic `repo` token works on every repository its user can reach, not just this one; ' +
      '`workflow` lets it rewrite CI definitions (and so steal every secret), `write:packages` lets it replace ' +
      "published images. On GitLab, `api` is the whole API as the token's user: push to protected branches " +
      'the user may push to, change CI/CD variables, trigger deployments. From a fork, the author is anyone.',
    fix:
      "Give the job the narrowest token that can post the comment and the status. On GitHub use the job's own " +
      '`GITHUB_TOKEN` with explicit permissions instead of a personal access token:\n\n```yaml\n' +
      'permissions:\n  contents: read\n  pull-requests: write\n  checks: write\n  statuses: write\njobs:\n' +
      '  containersec:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n' +
      '      - uses: containersec/containersec@v1   # github-token defaults to ${{ github.token }}\n```\n\n' +
      'On GitLab, posting the note needs `api`, so limit who holds the token instead: use a project access ' +
      'token (it reaches this project only, unlike a personal token) with the Developer role, never a personal ' +
      "or group token, and do not run fork merge requests' pipelines in the parent project (GitLab runs them in " +
      'the fork by default, without your variables) until their code has been reviewed. If fork merge requests ' +
      'must run in the parent project, mark the variable protected: those pipelines then run without it and ' +
      'containersec writes its report as an artifact instead of a note.',
    references: [
      'https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/scopes-for-oauth-apps',
      'https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats',
      'https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication#permissions-for-the-github_token',
      'https://docs.gitlab.com/api/personal_access_tokens/#self-inform',
      'https://docs.gitlab.com/ci/pipelines/merge_request_pipelines/#use-with-forked-projects',
    ],
  },
  {
    id: RUNNER_RULE.oidcForkPullRequest,
    check: 'hardening',
    title: 'OIDC token available to a pull request from a fork',
    severity: 'high',
    description:
      'The GitHub job can request an OpenID Connect token (the runner set `ACTIONS_ID_TOKEN_REQUEST_URL`, which it ' +
      'only does when the workflow or job grants `id-token: write`) while it runs for a pull request whose head ' +
      'repository is a fork (event payload `pull_request.head.repo.full_name` differs from `base.repo.full_name`), ' +
      'typically under `pull_request_target`.',
    rationale:
      "An OIDC token is this repository's identity: cloud roles trust it (AWS, GCP, Azure federated credentials) " +
      'and Sigstore signs with it. If any code from the fork runs in the job (a checked-out head, a build script, ' +
      'a dependency), it can request the token and assume those roles or sign artefacts as your release ' +
      'workflow, depending only on how loosely the trust policies match the subject claim.',
    fix:
      'Grant `id-token: write` only to jobs that never run pull request code, and keep fork pull requests on ' +
      '`pull_request` (which gets no OIDC token):\n\n```yaml\non: pull_request\npermissions:\n  contents: read\n' +
      'jobs:\n  test:\n    runs-on: ubuntu-latest   # no id-token here\n```\n\nAlso pin cloud trust policies to ' +
      'the exact subject (`repo:owner/name:ref:refs/heads/main`, or an environment), never `repo:owner/name:*`.',
    references: [
      'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect',
      'https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/',
    ],
  },
  {
    id: RUNNER_RULE.tokenNeverExpires,
    check: 'hardening',
    title: 'GitLab access token without an expiry date',
    severity: 'medium',
    description:
      'GitLab describes the access token in the job (`GET /personal_access_tokens/self`) with `expires_at: null`: ' +
      'it never expires. Tokens created before GitLab 16.0 could be made without an expiry date; newer instances ' +
      'require one unless an administrator turned the requirement off.',
    rationale:
      'CI tokens leak through job logs, artefacts, debug traces and compromised dependencies. A token without an ' +
      'expiry date keeps working for whoever took it until someone notices and revokes it.',
    fix:
      'Rotate the token with an expiry date (at most a year) and store the new one in the CI/CD variable:\n\n' +
      '```sh\ncurl --request POST --header "PRIVATE-TOKEN: $OLD_TOKEN" \\\n' +
      '  --data "expires_at=2027-06-30" "$CI_API_V4_URL/personal_access_tokens/self/rotate"\n```',
    references: [
      'https://docs.gitlab.com/api/personal_access_tokens/#self-rotate',
      'https://docs.gitlab.com/user/profile/personal_access_tokens/#access-token-expiration',
    ],
  },
];
