import type { RuleDefinition } from '../../core/rules.js';

const check = 'images' as const;
const OSV = 'https://ossf.github.io/osv-schema/';

export const VULN_RULE: RuleDefinition = {
  id: 'vuln/*',
  check,
  title: 'Known vulnerability or malicious package in the image',
  severity: 'high',
  description: `One finding per vulnerability and installed package: the rule id is \`vuln/<advisory id>\` (the CVE id when the
advisory has one, \`MAL-…\` for malicious packages). Packages come from the image's package databases (dpkg, apk, rpm)
and language metadata (npm, PyPI, RubyGems), or from an SBOM; advisories come from [OSV](${OSV}) (the OSV.dev API, or
OSV files offline). Versions are compared with each ecosystem's own rules (dpkg, apk, rpm, SemVer, PEP 440, …). Records
that describe the same vulnerability (a Debian DSA, the DEBIAN-CVE entry and a GHSA) are merged into one finding that lists
every id in \`aliases\`; a distribution record that names one CVE in \`upstream\` (\`DEBIAN-CVE-…\`, \`UBUNTU-CVE-…\`) is
that CVE. Debian, Ubuntu and Alpine packages are matched by their source package, as their advisories are.

The severity is the distribution's own rating (Debian urgency, Ubuntu priority) where the record has one, else the CVSS
vector (v3.x, then v4.0, then v2) of the record or of another record of the same CVE, else \`unknown\` (shown as such);
the message says which one was used. \`MAL-\` records (OpenSSF malicious packages) are always critical. The full order and
how VEX applies: [docs/vulnerabilities.md](../../vulnerabilities.md).`,
  rationale: `A package with a published vulnerability is the easiest way into a container: exploits for known CVEs are public
and scanners used by attackers find them in minutes. A malicious package (typosquat, hijacked maintainer account) runs the
attacker's code as soon as it is installed or imported, with the container's credentials.`,
  fix: `Upgrade the package to the fixed version the finding names (the lowest fixed version above the installed one), then
rebuild the image. For OS packages, rebuild on a current base image tag, or upgrade in the Dockerfile:

\`\`\`dockerfile
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends openssl=3.0.15-1~deb12u1 \\
    && rm -rf /var/lib/apt/lists/*
\`\`\`

For language packages, bump the dependency and the lock file (\`npm install lodash@4.17.21\`, \`pip install 'jinja2>=3.1.5'\`).
When no fix exists yet, the finding says "no fix available yet"; \`vulnerabilities.ignore-unfixed: true\` leaves those out
of the report (their count is noted).`,
  references: [
    OSV,
    'https://osv.dev/',
    'https://github.com/ossf/malicious-packages',
    'https://github.com/openvex/spec',
  ],
  exceptions: `Except by id or any alias, narrowed to a package or an image:

\`\`\`yaml
exceptions:
  - rule: vuln/CVE-2024-12345
    packages: ["lodash"]
    images: ["ghcr.io/acme/web*"]
    reason: "not reachable: we never call the affected function"
    expires: 2027-01-31
\`\`\`

An OpenVEX document listed in \`checks.images.vulnerabilities.vex\` with a \`not_affected\` statement and a justification
suppresses the finding too (shown as excepted, with the justification).`,
};

const IMAGE_RULES: RuleDefinition[] = [
  {
    id: 'image/runs-as-root',
    check,
    title: 'Image runs as root',
    severity: 'medium',
    description: `The image config's \`User\` is empty, \`root\`, \`0\`, or a name that the image's \`/etc/passwd\` maps to uid 0,
so the container's main process runs as root unless the runtime overrides it.`,
    rationale: `Root in a container is root on the host's kernel: a kernel or runtime escape (CVE-2019-5736 in runc, CVE-2022-0185)
starts with uid 0, files on mounted volumes are written as root, and any compromise of the application can modify the image's
own binaries.`,
    fix: `Create an unprivileged user and switch to it with a numeric uid (Kubernetes \`runAsNonRoot\` can only verify numbers):

\`\`\`dockerfile
RUN useradd --uid 10001 --no-create-home app
USER 10001
\`\`\``,
    references: ['https://docs.docker.com/reference/dockerfile/#user'],
  },
  {
    id: 'image/exposes-ssh',
    check,
    title: 'Image exposes SSH (port 22)',
    severity: 'medium',
    description: 'The image config declares port 22 in `ExposedPorts` (`EXPOSE 22` in the Dockerfile).',
    rationale: `An SSH daemon in a container is a second, long-lived entry point with its own credentials and keys, usually
baked into the image and shared by every container started from it. It is what attackers brute-force first.`,
    fix: `Remove \`EXPOSE 22\` and the SSH server. Debug with the runtime instead:

\`\`\`sh
kubectl exec -it deploy/web -- sh      # or: docker exec -it web sh
\`\`\``,
  },
  {
    id: 'image/no-healthcheck',
    check,
    title: 'Image has no HEALTHCHECK',
    severity: 'low',
    description: 'The image config has no `Healthcheck`, or disables it with `HEALTHCHECK NONE`.',
    rationale: `Without a health check Docker and compose report a hung or half-started container as running, so a
denial of service or a crash loop inside the process goes unnoticed and nothing restarts it.`,
    fix: `Add a cheap check of the service itself:

\`\`\`dockerfile
HEALTHCHECK --interval=30s --timeout=3s CMD ["/app/healthcheck"]
\`\`\`

On Kubernetes the kubelet ignores HEALTHCHECK; define liveness/readiness probes and except this rule for the image.`,
  },
  {
    id: 'image/secret-in-config',
    check,
    title: 'Secret in the image config (Env, labels or history)',
    severity: 'high',
    description: `A credential in the image config: an \`Env\` entry or label whose name says secret and whose value is a
literal, a known token format (AWS, GitHub, GitLab, npm, PyPI, Slack, Stripe, …), or an \`ARG\` value recorded in the build
history's \`created_by\` (build arguments are written there). The finding shows a redacted excerpt only.`,
    rationale: `The config travels with the image: \`docker inspect\` and \`docker history\` print it to anyone who can pull the image,
and registries, caches and CI logs keep copies. A token there is a token published.`,
    fix: `Rotate the credential first; it is already exposed. Then pass secrets at run time (a mounted secret, an env var from
the orchestrator) and at build time with a BuildKit secret mount, which is never stored in the image:

\`\`\`dockerfile
# syntax=docker/dockerfile:1
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
\`\`\`

\`docker build --secret id=npm_token,env=NPM_TOKEN .\``,
  },
  {
    id: 'image/secret-in-layer',
    check,
    title: 'Secret in an image layer',
    severity: 'high',
    description: `A file in a layer holds a credential: a private key, an AWS/GCP/Azure key, a GitHub, GitLab, npm or PyPI token, an
\`.npmrc\` or \`.pypirc\` with credentials, \`.git-credentials\`, a \`.docker/config.json\` with \`auths\`, a \`.env\` file with secret
values, or a kubeconfig with a token. In other settings files (\`.conf\`, \`.ini\`, \`.properties\`, shell scripts) a key named
like a secret counts only when its value is shaped like a credential (one token of 6+ characters mixing letters, digits or
symbols), so stock settings such as \`passwd: files\` in \`/etc/nsswitch.conf\` are not reported. Placeholders (\`CHANGEME\`,
\`<your-key>\`, \`xxxx\`, \`\${VAR}\`) and paths to mounted secret files (\`/run/secrets/…\`) are never secrets. Package trees
(\`node_modules\`, \`site-packages\`, \`vendor\`) are read only for credential file names. **Files that a later layer deleted are included**: the message says "deleted in a later
layer but still in the image", because the bytes stay in the earlier layer. Only redacted excerpts are shown.`,
    rationale: `Every layer is downloadable on its own (\`crane blob\`, \`skopeo copy\`, any registry API client), so a key that a
later \`RUN rm\` "removed" is still there for anyone who can pull the image. Leaked registry and cloud keys from public images
are harvested automatically.`,
    fix: `Rotate the credential, then keep it out of every layer. Use a BuildKit secret mount instead of \`COPY\` + \`rm\`, and a
\`.dockerignore\` for local credential files:

\`\`\`dockerfile
# syntax=docker/dockerfile:1
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
\`\`\`

\`\`\`
# .dockerignore
.env
.npmrc
*.pem
\`\`\`

Squashing the image or a multi-stage build that copies only the build output also drops the earlier layers.`,
    references: ['https://docs.docker.com/build/building/secrets/'],
  },
  {
    id: 'image/setuid-binary',
    check,
    title: 'Unusual setuid/setgid binary',
    severity: 'info',
    description: `A regular file with the setuid or setgid bit that is not one of the binaries distributions ship that way (su, sudo,
passwd, mount, ping, …).`,
    rationale: `A setuid-root binary runs with root's privileges whoever starts it; a bug in it (or a binary that can run other
programs) turns any code execution in the container into root.`,
    fix: `Drop the bit in the Dockerfile, and stop privilege escalation at run time:

\`\`\`dockerfile
RUN chmod u-s,g-s /usr/local/bin/tool
\`\`\`

\`\`\`yaml
securityContext:
  allowPrivilegeEscalation: false
\`\`\``,
  },
  {
    id: 'image/world-writable',
    check,
    title: 'World-writable file in a system path',
    severity: 'medium',
    description: `A file, or a directory without the sticky bit, that every user may write, under \`/bin\`, \`/sbin\`, \`/lib*\`, \`/usr\`
(bin, sbin, lib, libexec, local) or \`/etc\`.`,
    rationale: `Any process in the container, whatever its user, can replace a binary, library or configuration file that root or
other users run or read there: a direct path from a compromised unprivileged process to root.`,
    fix: `Remove the write bit for others (or make shared directories sticky):

\`\`\`dockerfile
RUN chmod o-w /usr/local/bin/entrypoint.sh
\`\`\``,
  },
  {
    id: 'image/eol-os',
    check,
    title: 'OS release past its end of life',
    severity: 'high',
    description: `The image's distribution release (from \`/etc/os-release\`) is past the end of its security support, according to
the dated end-of-life table shipped with containersec (endoflife.date data: Debian, Ubuntu, Alpine, RHEL, CentOS, Rocky,
AlmaLinux, Oracle Linux, Amazon Linux). For Debian the end of Debian LTS is used; for Ubuntu the end of standard support.
The table's date is the last day of support (as on endoflife.date). A release the table does not list yet is named in the
check's notes as an unknown cycle: its end of life is never guessed.`,
    rationale: `After its end of life a release gets no security fixes: every new vulnerability in its packages stays open, and
vulnerability databases often stop tracking it, so scanners (this one included) go quiet exactly when the risk grows.`,
    fix: `Move to a supported release of the base image and rebuild:

\`\`\`dockerfile
FROM debian:12-slim   # was debian:10
\`\`\``,
    references: ['https://endoflife.date/'],
  },
  {
    id: 'image/eol-runtime',
    check,
    title: 'Language runtime past its end of life',
    severity: 'high',
    description: `A language runtime in the image is past its end of life: Node.js, Python, OpenJDK, Go, .NET, PHP or Ruby, recognised
from the version variables the official images set (\`NODE_VERSION\`, \`PYTHON_VERSION\`, \`JAVA_VERSION\`, …: upstream builds
installed under /usr/local) or from an upstream vendor's OS package (NodeSource's \`nodejs\`). A runtime the distribution
itself packages (Ubuntu 22.04's \`python3.10\`, Debian's \`nodejs\`, Alpine's \`nodejs\`) is supported by the distribution
until the release's own end of life, which \`image/eol-os\` judges, so upstream's date does not apply to it. A runtime
line the end-of-life table does not list yet is named in the check's notes as an unknown cycle, never guessed.`,
    rationale: `End-of-life runtimes get no security releases: vulnerabilities in the interpreter, its TLS stack or its standard
library stay exploitable, and libraries drop support for them, which blocks upgrades that do fix things.`,
    fix: `Move to a supported runtime line and rebuild:

\`\`\`dockerfile
FROM node:22-bookworm-slim   # was node:16
\`\`\``,
    references: ['https://endoflife.date/'],
  },
  {
    id: 'image/version-not-comparable',
    check,
    title: 'Package version could not be matched against advisories',
    severity: 'info',
    description: `An advisory names this package, but its installed version (or the advisory's range) is not a valid version of the
ecosystem's scheme, or the ecosystem has no known version order, so containersec could not decide whether it is affected.`,
    rationale: `"Could not compare" is not "not vulnerable". Staying silent would hide exactly the packages that were built or
patched in unusual ways; this finding lists the advisories to check by hand.`,
    fix: `Check the named advisories against the installed version by hand. Where possible, install a release with a standard
version string (for example from the distribution or the official registry rather than a git checkout).`,
  },
];

export const IMAGES_RULES: RuleDefinition[] = [...IMAGE_RULES, VULN_RULE];
