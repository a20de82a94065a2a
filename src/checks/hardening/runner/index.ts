import { closeSync, constants, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import type { CheckContext, CheckOutput } from '../../../core/check.js';
import type { RawFinding } from '../../../core/finding.js';
import type { Severity } from '../../../core/severity.js';
import {
  ESCAPE_CAPABILITIES,
  MIN_LAST_CAP,
  capabilityNames,
  hasAllCapabilities,
  parseCapabilityMask,
} from './capabilities.js';
import type { ProcStatus } from './proc-status.js';
import { parseIdFile, parseProcStatus } from './proc-status.js';
import { probeHostRuntimes } from './host-runtimes.js';
import { RUNNER_RULE, runnerRules } from './rules.js';
import { findPasswordlessSudo } from './sudoers.js';
import type { CiFacts, PullRequestOrigin } from '../../../core/ci-facts.js';
import { judgeGithubToken, judgeGitlabToken } from './token-permissions.js';

export { runnerRules };

/** Bytes read from any one file by the probe (event payloads can be large; /proc files are small). */
export const MAX_PROBE_FILE_BYTES = 5 * 1024 * 1024;

/**
 * What the probe may look at, injectable for tests. The probe only reads: it never executes a binary,
 * connects to a socket or writes anything.
 */
export interface RunnerProbeInput {
  env: Readonly<Record<string, string | undefined>>;
  /** File contents, or undefined when missing or unreadable. */
  readFile(path: string): string | undefined;
  /** True when the path exists and is a Unix socket. */
  statSocket(path: string): boolean;
  /** Directory entries, or undefined when the directory is missing or unreadable. */
  listDir?(path: string): string[] | undefined;
  /** Size of a regular file (symbolic links followed), for the engine executables' build information. */
  fileSize?(path: string): number | undefined;
  /** Bytes of a regular file at an offset; the probe reads a few bounded windows, never whole executables. */
  readBytes?(path: string, offset: number, length: number): Buffer | undefined;
  /** Directories searched for the engine executables (default: the standard binary directories). */
  binaryDirs?: readonly string[];
  /** What the CI platform said about the event and the job's token (gathered by platform code). */
  ci?: CiFacts;
}

export interface RunnerProbeResult {
  findings: RawFinding[];
  notes: string[];
}

type Platform = 'github-actions' | 'gitlab-ci' | 'ci';

interface Probe {
  input: RunnerProbeInput;
  platform: Platform;
  findings: RawFinding[];
  notes: string[];
}

const TITLES = new Map(runnerRules.map((rule) => [rule.id, rule]));

function report(
  probe: Probe,
  ruleId: string,
  evidence: string,
  message: string,
  key: string,
  severity?: Severity,
): void {
  const rule = TITLES.get(ruleId);
  probe.findings.push({
    ruleId,
    severity: severity ?? rule?.severity ?? 'medium',
    title: rule?.title ?? ruleId,
    message,
    location: { path: evidence, object: `runner:${probe.platform}` },
    key,
  });
}

const isTrue = (value: string | undefined): boolean => value !== undefined && /^(?:1|t|true)$/i.test(value.trim());

/** Inspects the machine the job runs on. Outside CI it does nothing and says so. */
export function probeRunner(input: RunnerProbeInput): RunnerProbeResult {
  const env = input.env;
  const platform = runnerPlatform(env);
  if (platform === undefined) {
    return {
      findings: [],
      notes: ['Runner probe skipped: not running in CI (CI, GITHUB_ACTIONS and GITLAB_CI are not set).'],
    };
  }
  const probe: Probe = { input, platform, findings: [], notes: [] };
  probeForkOnSelfHosted(probe);
  probeEngineSockets(probe);
  const statusText = input.readFile('/proc/self/status');
  const status = statusText === undefined ? undefined : parseProcStatus(statusText);
  if (!status) probe.notes.push('Could not read /proc/self/status: capabilities, seccomp and user were not checked.');
  const container = containerEvidence(probe);
  if (status) probeCapabilities(probe, status, container);
  if (status) probeUser(probe, status);
  probeDebug(probe);
  const runtimes = probeHostRuntimes(input, container, `runner:${platform}`);
  probe.findings.push(...runtimes.findings);
  probe.notes.push(...runtimes.notes);
  return { findings: probe.findings, notes: probe.notes };
}

/** Which CI the job runs in, or undefined outside CI. */
export function runnerPlatform(env: Readonly<Record<string, string | undefined>>): Platform | undefined {
  if (env.GITHUB_ACTIONS === 'true') return 'github-actions';
  if (env.GITLAB_CI === 'true') return 'gitlab-ci';
  return env.CI === 'true' ? 'ci' : undefined;
}

/**
 * The whole probe: the machine (probeRunner) and, in GitHub Actions or GitLab CI, what the job's API token
 * may do, as the platform's API told the platform code (`input.ci`).
 */
export function probeRunnerAndToken(input: RunnerProbeInput): RunnerProbeResult {
  const machine = probeRunner(input);
  const platform = runnerPlatform(input.env);
  if (platform === undefined || platform === 'ci') {
    if (platform === 'ci') machine.notes.push('Token permissions not checked: neither GitHub Actions nor GitLab CI.');
    return machine;
  }
  const facts = input.ci ?? {};
  const token = platform === 'github-actions' ? judgeGithubToken(input.env, facts) : judgeGitlabToken(input.env, facts);
  return { findings: [...machine.findings, ...token.findings], notes: [...machine.notes, ...token.notes] };
}

const UNREAD_EVENT: PullRequestOrigin = {
  kind: 'unknown',
  reason: 'Could not read the GitHub event payload (GITHUB_EVENT_PATH)',
};

function probeForkOnSelfHosted(probe: Probe): void {
  const env = probe.input.env;
  if (probe.platform === 'github-actions') {
    const runnerEnvironment = env.RUNNER_ENVIRONMENT;
    if (!runnerEnvironment) {
      probe.notes.push('RUNNER_ENVIRONMENT is not set: could not tell whether the runner is self-hosted.');
      return;
    }
    if (runnerEnvironment !== 'self-hosted') {
      probe.notes.push(`Runner environment: ${runnerEnvironment}.`);
      return;
    }
    const fork = githubForkPullRequest(probe);
    if (fork === undefined) return;
    if (fork.isFork) {
      report(
        probe,
        RUNNER_RULE.selfHostedFork,
        'env:GITHUB_EVENT_PATH',
        `This self-hosted runner is running pull request code from the fork ${fork.head} (base ${fork.base}).`,
        'github',
      );
    } else probe.notes.push('Self-hosted runner; the pull request comes from the same repository.');
    return;
  }
  if (probe.platform === 'gitlab-ci') {
    const selfHosted = gitlabSelfHosted(env);
    if (selfHosted === undefined) {
      probe.notes.push(
        'Could not tell whether the GitLab runner is self-hosted (no CI_SERVER_HOST, runner description or tags).',
      );
      return;
    }
    const source = env.CI_MERGE_REQUEST_SOURCE_PROJECT_ID;
    const target = env.CI_MERGE_REQUEST_PROJECT_ID;
    if (!source || !target) {
      probe.notes.push(`${selfHosted ? 'Self-hosted' : 'GitLab-hosted'} runner; not a merge request pipeline.`);
      return;
    }
    if (selfHosted && source !== target) {
      report(
        probe,
        RUNNER_RULE.selfHostedFork,
        'env:CI_MERGE_REQUEST_SOURCE_PROJECT_ID',
        `This self-hosted runner is running merge request code from project ${source}, a fork of project ${target}.`,
        'gitlab',
      );
    } else
      probe.notes.push(
        `${selfHosted ? 'Self-hosted' : 'GitLab-hosted'} runner; merge request from ${source === target ? 'the same project' : 'a fork'}.`,
      );
  }
}

function githubForkPullRequest(probe: Probe): { isFork: boolean; head: string; base: string } | undefined {
  const origin = probe.input.ci?.pullRequest ?? UNREAD_EVENT;
  if (origin.kind === 'unknown') {
    const what = origin.reason.startsWith('The pull request event')
      ? 'not judged'
      : 'fork pull requests were not checked';
    probe.notes.push(`${origin.reason}: ${what}.`);
    return undefined;
  }
  if (origin.kind === 'not-pull-request') {
    probe.notes.push('Self-hosted runner; the event is not a pull request.');
    return undefined;
  }
  return origin;
}

/**
 * GitLab.com's hosted runners carry `saas-*` tags and `*.runners-manager.gitlab.com` descriptions; any other
 * runner there, and every runner of a self-managed instance, is run by the customer.
 */
export function gitlabSelfHosted(env: Readonly<Record<string, string | undefined>>): boolean | undefined {
  const host = env.CI_SERVER_HOST;
  if (!host) return undefined;
  if (host !== 'gitlab.com') return !/\.gitlab-dedicated\.com$/.test(host) ? true : undefined;
  const description = env.CI_RUNNER_DESCRIPTION;
  const tags = env.CI_RUNNER_TAGS;
  if (description === undefined && tags === undefined) return undefined;
  const hosted =
    /runners-manager\.gitlab\.com/.test(description ?? '') ||
    (tags ?? '')
      .replace(/[[\]"]/g, '')
      .split(',')
      .some((tag) => tag.trim().startsWith('saas-'));
  return !hosted;
}

const ENGINE_SOCKETS = [
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/run/podman/podman.sock',
  '/run/containerd/containerd.sock',
];

function probeEngineSockets(probe: Probe): void {
  const candidates = [...ENGINE_SOCKETS];
  const dockerHost = probe.input.env.DOCKER_HOST;
  if (dockerHost?.startsWith('unix://')) candidates.unshift(dockerHost.slice('unix://'.length));
  else if (dockerHost)
    probe.notes.push(`DOCKER_HOST is ${dockerHost.replace(/\/\/[^@/]*@/, '//…@')}; a remote daemon was not contacted.`);
  const reported = new Set<string>();
  for (const path of candidates) {
    if (!probe.input.statSocket(path)) continue;
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (reported.has(name)) continue;
    reported.add(name);
    report(
      probe,
      RUNNER_RULE.dockerSocket,
      path,
      `The container engine socket ${path} is reachable from the job: any code it runs can start a privileged container on the host.`,
      name,
    );
  }
  if (reported.size === 0) probe.notes.push(`No container engine socket found at ${candidates.join(', ')}.`);
}

/** Signs that the job runs inside a container; none found means "not known", not "not a container". */
function containerEvidence(probe: Probe): string | undefined {
  const env = probe.input.env;
  const readFile = (path: string): string | undefined => probe.input.readFile(path);
  if (readFile('/.dockerenv') !== undefined) return '/.dockerenv exists';
  if (readFile('/run/.containerenv') !== undefined) return '/run/.containerenv exists';
  const cgroup = readFile('/proc/1/cgroup');
  if (cgroup && /docker|kubepods|containerd|libpod|lxc|crio/.test(cgroup))
    return '/proc/1/cgroup names a container runtime';
  if (env.KUBERNETES_SERVICE_HOST) return 'KUBERNETES_SERVICE_HOST is set';
  const mountinfo = readFile('/proc/self/mountinfo');
  if (mountinfo && mountinfo.split('\n').some((line) => / \/ \/ .* - overlay /.test(line))) {
    return 'the root filesystem is an overlay mount';
  }
  return undefined;
}

/**
 * The bounding set (`CapBnd`) is what the container allows any process in it to hold, so it decides
 * "privileged" even for a non-root job user (which can regain capabilities through setuid binaries);
 * `CapEff` is what the job holds now. Without `CapBnd`, `CapEff` is judged.
 */
function probeCapabilities(probe: Probe, status: ProcStatus, container: string | undefined): void {
  const effective = parseCapabilityMask(status.capEff);
  const bounding = parseCapabilityMask(status.capBnd);
  const judged = bounding ?? effective;
  if (judged === undefined) {
    probe.notes.push('No readable CapBnd or CapEff line in /proc/self/status: capabilities were not checked.');
    return;
  }
  const field = bounding !== undefined ? 'CapBnd' : 'CapEff';
  const lastCapText = probe.input.readFile('/proc/sys/kernel/cap_last_cap')?.trim();
  const lastCap = lastCapText && /^\d+$/.test(lastCapText) ? Number(lastCapText) : MIN_LAST_CAP;
  const describe = (mask: bigint | undefined): string => {
    if (mask === undefined) return 'unknown';
    const names = capabilityNames(mask);
    return names.length === 0 ? 'none' : hasAllCapabilities(mask, lastCap) ? `all ${lastCap + 1}` : names.join(', ');
  };
  const full = hasAllCapabilities(judged, lastCap);
  probe.notes.push(
    `Capabilities: effective ${describe(effective)}; bounding ${describe(bounding)}` +
      `; seccomp ${status.seccomp === undefined ? 'unknown' : (['disabled', 'strict', 'filter'][status.seccomp] ?? status.seccomp)}` +
      `; no_new_privs ${status.noNewPrivs === undefined ? 'unknown' : status.noNewPrivs === 1 ? 'on' : 'off'}` +
      `; container: ${container ?? 'no evidence found'}` +
      `${lastCapText ? '' : '; /proc/sys/kernel/cap_last_cap unreadable, assumed 37'}.`,
  );
  if (!container) {
    if (full) {
      probe.notes.push('Full capability set but no sign of a container: a host or VM, not a privileged container.');
    }
    return;
  }
  if (full) {
    report(
      probe,
      RUNNER_RULE.privileged,
      '/proc/self/status',
      `The job runs in a privileged container (${container}; ${field} ${field === 'CapBnd' ? status.capBnd : status.capEff} holds every capability): container isolation is off.`,
      'privileged',
    );
  } else {
    const dangerous = capabilityNames(judged).filter((name) => ESCAPE_CAPABILITIES.has(name));
    if (dangerous.length > 0) {
      report(
        probe,
        RUNNER_RULE.capabilities,
        '/proc/self/status',
        `The job container allows ${dangerous.join(', ')} (${field}; ${container}), enough to break out of the container.`,
        dangerous.join(','),
      );
    }
  }
  if (status.seccomp === 0) {
    report(
      probe,
      RUNNER_RULE.seccomp,
      '/proc/self/status',
      `Seccomp is disabled for the job container (${container}).`,
      'Seccomp',
    );
  }
}

function probeUser(probe: Probe, status: ProcStatus): void {
  const hostedVm = probe.input.env.RUNNER_ENVIRONMENT === 'github-hosted';
  const severity: Severity | undefined = hostedVm ? 'low' : undefined;
  if (status.uid === undefined) {
    probe.notes.push('No readable Uid line in /proc/self/status: the job user was not checked.');
    return;
  }
  if (status.uid === 0) {
    report(probe, RUNNER_RULE.root, '/proc/self/status', 'The job runs as root (effective UID 0).', 'uid0', severity);
    return;
  }
  const users = parseIdFile(probe.input.readFile('/etc/passwd'));
  const groupNames = parseIdFile(probe.input.readFile('/etc/group'));
  const user = users.get(status.uid);
  if (!user) {
    probe.notes.push(`The job runs as UID ${status.uid}, which has no /etc/passwd entry: sudo rules were not checked.`);
    return;
  }
  const groups = status.groups.map((gid) => groupNames.get(gid)).filter((g): g is string => g !== undefined);
  const sudo = findPasswordlessSudo(probe.input, { user, uid: status.uid, groups });
  if (sudo.grant) {
    report(
      probe,
      RUNNER_RULE.root,
      sudo.grant.path,
      `The job user ${user} can run every command as root without a password (${sudo.grant.path}:${sudo.grant.line}: \`${sudo.grant.text.slice(0, 120)}\`).`,
      'sudo-nopasswd',
      severity,
    );
    return;
  }
  probe.notes.push(
    `The job runs as ${user} (UID ${status.uid}); ` +
      (sudo.read.length > 0 ? `no passwordless sudo rule in ${sudo.read.join(', ')}` : 'no sudoers file was readable') +
      (sudo.unreadable.length > 0 ? `; could not read ${sudo.unreadable.join(', ')}.` : '.'),
  );
}

function probeDebug(probe: Probe): void {
  const env = probe.input.env;
  const flags: [string, boolean, Severity | undefined][] = [
    ['CI_DEBUG_TRACE', isTrue(env.CI_DEBUG_TRACE), 'high'],
    ['CI_DEBUG_SERVICES', isTrue(env.CI_DEBUG_SERVICES), undefined],
    ['RUNNER_DEBUG', env.RUNNER_DEBUG === '1', undefined],
    ['ACTIONS_STEP_DEBUG', isTrue(env.ACTIONS_STEP_DEBUG), undefined],
    ['ACTIONS_RUNNER_DEBUG', isTrue(env.ACTIONS_RUNNER_DEBUG), undefined],
  ];
  if (!flags.some(([, on]) => on))
    probe.notes.push(`Debug logging: none of ${flags.map(([name]) => name).join(', ')} is on.`);
  for (const [name, on, severity] of flags) {
    if (!on) continue;
    report(probe, RUNNER_RULE.debug, `env:${name}`, `Debug logging is on for this job (${name}).`, name, severity);
  }
}

/** The real machine: reads files (size-capped) and stats sockets; never executes or connects. */
export function systemRunnerProbeInput(env: Readonly<Record<string, string | undefined>>): RunnerProbeInput {
  return {
    env,
    readFile(path) {
      try {
        const stat = statSync(path);
        if (!stat.isFile() || stat.size > MAX_PROBE_FILE_BYTES) return undefined;
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
    statSocket(path) {
      try {
        return statSync(path).isSocket();
      } catch {
        return false;
      }
    },
    listDir(path) {
      try {
        return readdirSync(path);
      } catch {
        return undefined;
      }
    },
    fileSize(path) {
      try {
        const stat = statSync(path);
        return stat.isFile() ? stat.size : undefined;
      } catch {
        return undefined;
      }
    },
    readBytes(path, offset, length) {
      let fd: number | undefined;
      try {
        fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
        const buffer = Buffer.alloc(length);
        const read = readSync(fd, buffer, 0, length, offset);
        return buffer.subarray(0, read);
      } catch {
        return undefined;
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    },
  };
}

/**
 * The probe as a check's extra step (`fileCheck({ extra })`): skipped on base runs and when the policy
 * turns `checks.hardening.runner-probe` off; otherwise it inspects the real machine.
 */
export function runRunnerProbe(context: CheckContext): Promise<CheckOutput> {
  if (context.isBase) return Promise.resolve({ findings: [] });
  if (context.policy.checks.hardening['runner-probe'] === false) {
    const reason = 'Runner probe off (checks.hardening.runner-probe: false).';
    return Promise.resolve({ findings: [], notes: [reason], skipped: { label: 'off', reason } });
  }
  const probe = (context.ci?.(context.signal) ?? Promise.resolve({})).then((ci) =>
    probeRunnerAndToken({ ...systemRunnerProbeInput(context.env), ci }),
  );
  if (runnerPlatform(context.env) !== undefined) return probe;
  // Outside CI the probe looks at nothing; the notes say so.
  return probe.then((output) => ({ ...output, skipped: { label: 'not in CI', reason: 'not running in CI' } }));
}
