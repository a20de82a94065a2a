import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { RunnerProbeInput } from '../../../../src/checks/hardening/runner/index.js';
import {
  gitlabSelfHosted,
  probeRunner,
  runRunnerProbe,
  runnerRules,
  systemRunnerProbeInput,
} from '../../../../src/checks/hardening/runner/index.js';
import type { CheckContext } from '../../../../src/core/check.js';
import { capabilityNames, parseCapabilityMask } from '../../../../src/checks/hardening/runner/capabilities.js';
import { findPasswordlessSudo } from '../../../../src/checks/hardening/runner/sudoers.js';
import { githubPullRequestOrigin } from '../../../../src/platform/github/pull-request-origin.js';

/** A /proc/self/status as a Linux 6.x kernel writes it, with the fields the probe reads filled in. */
function procStatus(o: {
  uid?: number;
  capEff: string;
  capBnd?: string;
  seccomp?: number;
  noNewPrivs?: number;
  groups?: string;
}): string {
  const uid = o.uid ?? 0;
  return [
    'Name:\tnode',
    'Umask:\t0022',
    'State:\tR (running)',
    'Tgid:\t1',
    'Ngid:\t0',
    'Pid:\t1',
    'PPid:\t0',
    'TracerPid:\t0',
    `Uid:\t${uid}\t${uid}\t${uid}\t${uid}`,
    `Gid:\t${uid}\t${uid}\t${uid}\t${uid}`,
    'FDSize:\t64',
    `Groups:\t${o.groups ?? ''}`,
    'NStgid:\t1',
    'NSpid:\t1',
    'VmPeak:\t  812344 kB',
    'VmRSS:\t   61532 kB',
    'Threads:\t11',
    'SigQ:\t0/62783',
    'SigBlk:\t0000000000000000',
    'CapInh:\t0000000000000000',
    `CapPrm:\t${o.capEff}`,
    `CapEff:\t${o.capEff}`,
    `CapBnd:\t${o.capBnd ?? o.capEff}`,
    'CapAmb:\t0000000000000000',
    `NoNewPrivs:\t${o.noNewPrivs ?? 0}`,
    `Seccomp:\t${o.seccomp ?? 2}`,
    `Seccomp_filters:\t${o.seccomp === 2 || o.seccomp === undefined ? 1 : 0}`,
    'Speculation_Store_Bypass:\tthread vulnerable',
    'Cpus_allowed_list:\t0-3',
    'voluntary_ctxt_switches:\t152',
    '',
  ].join('\n');
}

const DOCKER_DEFAULT = '00000000a80425fb';
const PRIVILEGED_41 = '000001ffffffffff';
const PRIVILEGED_38 = '0000003fffffffff';

interface Fake {
  env?: Record<string, string>;
  files?: Record<string, string>;
  sockets?: string[];
  dirs?: Record<string, string[]>;
}

function input(fake: Fake): RunnerProbeInput {
  const env: Record<string, string> = {
    CI: 'true',
    GITLAB_CI: 'true',
    CI_SERVER_HOST: 'gitlab.example.com',
    ...fake.env,
  };
  const readFile = (path: string) => fake.files?.[path];
  return {
    env,
    // The pull request's origin, as the GitHub platform code reads it from the event payload.
    ...(env.GITHUB_ACTIONS === 'true' ? { ci: { pullRequest: githubPullRequestOrigin(env, readFile) } } : {}),
    readFile,
    statSocket: (path) => fake.sockets?.includes(path) ?? false,
    listDir: (path) => fake.dirs?.[path],
  };
}

const inDocker = (status: string, extra: Record<string, string> = {}) => ({
  '/.dockerenv': '',
  '/proc/self/status': status,
  '/proc/sys/kernel/cap_last_cap': '40\n',
  ...extra,
});

function ids(result: ReturnType<typeof probeRunner>): string[] {
  return result.findings.map((f) => `${f.ruleId} ${f.severity}`).sort();
}

describe('probeRunner: scope', () => {
  it('does nothing outside CI and says so', () => {
    const result = probeRunner({ env: {}, readFile: () => '', statSocket: () => true });
    expect(result.findings).toEqual([]);
    expect(result.notes[0]).toContain('not running in CI');
  });

  it('notes what it did not do and what it could not read', () => {
    const result = probeRunner(input({}));
    expect(result.findings).toEqual([]);
    expect(result.notes.join('\n')).toContain('Could not read /proc/self/status');
    expect(result.notes.join('\n')).toContain('Go build information of the engine executables was not read');
    expect(result.notes.join('\n')).toContain('Could not read /var/lib/dpkg/status');
  });

  it('declares every rule it reports', () => {
    expect(runnerRules.map((r) => r.id).sort()).toEqual([
      'runner/container-engine-socket',
      'runner/dangerous-capabilities',
      'runner/debug-logging',
      'runner/oidc-token-fork-pr',
      'runner/privileged-container',
      'runner/root-equivalent-user',
      'runner/seccomp-disabled',
      'runner/self-hosted-fork-pr',
      'runner/token-broad-scopes',
      'runner/token-never-expires',
      'runner/vulnerable-container-runtime',
    ]);
  });
});

describe('probeRunner: capabilities', () => {
  it('decodes a default Docker container capability set', () => {
    expect(capabilityNames(parseCapabilityMask(DOCKER_DEFAULT) ?? 0n)).toEqual([
      'CAP_CHOWN',
      'CAP_DAC_OVERRIDE',
      'CAP_FOWNER',
      'CAP_FSETID',
      'CAP_KILL',
      'CAP_SETGID',
      'CAP_SETUID',
      'CAP_SETPCAP',
      'CAP_NET_BIND_SERVICE',
      'CAP_NET_RAW',
      'CAP_SYS_CHROOT',
      'CAP_MKNOD',
      'CAP_AUDIT_WRITE',
      'CAP_SETFCAP',
    ]);
    expect(parseCapabilityMask('zz')).toBeUndefined();
  });

  it('reports nothing about capabilities for a normal Docker container (root is reported separately)', () => {
    const result = probeRunner(input({ files: inDocker(procStatus({ capEff: DOCKER_DEFAULT })) }));
    expect(ids(result)).toEqual(['runner/root-equivalent-user medium']);
    expect(result.notes.join('\n')).toContain('CAP_NET_RAW');
    expect(result.notes.join('\n')).toContain('Debug logging: none of');
  });

  it('reports a privileged container on a 41-capability kernel', () => {
    const result = probeRunner(input({ files: inDocker(procStatus({ capEff: PRIVILEGED_41, seccomp: 0 })) }));
    expect(ids(result)).toEqual([
      'runner/privileged-container critical',
      'runner/root-equivalent-user medium',
      'runner/seccomp-disabled medium',
    ]);
    const privileged = result.findings.find((f) => f.ruleId === 'runner/privileged-container');
    expect(privileged?.location).toEqual({ path: '/proc/self/status', object: 'runner:gitlab-ci' });
  });

  it('reports a privileged container on an older 38-capability kernel (cap_last_cap 37)', () => {
    const files = inDocker(procStatus({ capEff: PRIVILEGED_38, seccomp: 0 }), {
      '/proc/sys/kernel/cap_last_cap': '37',
    });
    expect(ids(probeRunner(input({ files })))).toContain('runner/privileged-container critical');
  });

  it('does not call 38 capabilities privileged when the kernel has 41', () => {
    const result = probeRunner(input({ files: inDocker(procStatus({ capEff: PRIVILEGED_38 })) }));
    expect(ids(result)).not.toContain('runner/privileged-container critical');
    expect(ids(result)).toContain('runner/dangerous-capabilities high');
  });

  it('judges the bounding set: a non-root user in a privileged container is still privileged', () => {
    const files = inDocker(procStatus({ uid: 1000, capEff: '0000000000000000', capBnd: PRIVILEGED_41 }));
    expect(ids(probeRunner(input({ files })))).toEqual(['runner/privileged-container critical']);
  });

  it('falls back to CapEff when CapBnd is missing', () => {
    const status = procStatus({ uid: 1000, capEff: PRIVILEGED_41 })
      .split('\n')
      .filter((line) => !line.startsWith('CapBnd'))
      .join('\n');
    const result = probeRunner(input({ files: inDocker(status) }));
    expect(ids(result)).toEqual(['runner/privileged-container critical']);
    expect(result.findings[0]?.message).toContain('CapEff 000001ffffffffff');
  });

  it('reports CAP_SYS_ADMIN added to a default container as high', () => {
    const withSysAdmin = (0xa80425fbn | (1n << 21n)).toString(16).padStart(16, '0');
    const result = probeRunner(input({ files: inDocker(procStatus({ uid: 1000, capEff: withSysAdmin })) }));
    expect(ids(result)).toEqual(['runner/dangerous-capabilities high']);
    expect(result.findings[0]?.message).toContain('CAP_SYS_ADMIN');
  });

  it('does not call a root shell on a VM a privileged container (no container evidence)', () => {
    const result = probeRunner(
      input({
        env: { GITHUB_ACTIONS: 'true', GITLAB_CI: '', RUNNER_ENVIRONMENT: 'github-hosted' },
        files: {
          '/proc/self/status': procStatus({ capEff: PRIVILEGED_41, seccomp: 0 }),
          '/proc/1/cgroup': '0::/init.scope\n',
        },
      }),
    );
    expect(ids(result)).toEqual(['runner/root-equivalent-user low']);
    expect(result.notes.join('\n')).toContain('no sign of a container');
  });

  it('recognises containers by cgroup, containerenv, Kubernetes env and overlay root', () => {
    const status = procStatus({ uid: 1000, capEff: PRIVILEGED_41 });
    const cases: Fake[] = [
      { files: { '/proc/self/status': status, '/proc/1/cgroup': '12:pids:/kubepods/burstable/pod1/abc\n' } },
      { files: { '/proc/self/status': status, '/run/.containerenv': 'engine="podman-4.9"\n' } },
      { files: { '/proc/self/status': status }, env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' } },
      {
        files: {
          '/proc/self/status': status,
          '/proc/self/mountinfo':
            '612 520 0:52 / / rw,relatime master:1 - overlay overlay rw,lowerdir=/var/lib/docker/overlay2/l/X\n',
        },
      },
    ];
    for (const fake of cases) expect(ids(probeRunner(input(fake)))).toContain('runner/privileged-container critical');
  });
});

describe('probeRunner: user and sudo', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/bash\nrunner:x:1001:118::/home/runner:/bin/bash\n';
  const group = 'root:x:0:\nsudo:x:27:runner\ndocker:x:118:runner\n';

  it('reports passwordless sudo for the job user from sudoers.d, naming the file and line', () => {
    const result = probeRunner(
      input({
        files: inDocker(procStatus({ uid: 1001, capEff: '0000000000000000', groups: '118' }), {
          '/etc/passwd': passwd,
          '/etc/group': group,
          '/etc/sudoers': 'Defaults env_reset\nroot ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n',
          '/etc/sudoers.d/runner': '# GitHub runner\nrunner ALL=(ALL) NOPASSWD:ALL\n',
        }),
        dirs: { '/etc/sudoers.d': ['runner', 'README'] },
      }),
    );
    expect(ids(result)).toEqual(['runner/root-equivalent-user medium']);
    expect(result.findings[0]?.location).toEqual({ path: '/etc/sudoers.d/runner', object: 'runner:gitlab-ci' });
    expect(result.findings[0]?.message).toContain('/etc/sudoers.d/runner:2');
  });

  it('handles group rules, aliases and !authenticate, and not restricted or password rules', () => {
    const identity = { user: 'runner', uid: 1001, groups: ['sudo', 'docker'] };
    const read = (sudoers: string) =>
      findPasswordlessSudo({ readFile: (p) => (p === '/etc/sudoers' ? sudoers : undefined) }, identity).grant?.line;
    expect(read('%sudo ALL=(ALL:ALL) NOPASSWD: ALL\n')).toBe(1);
    expect(read('User_Alias CI = bob, runner\nCI ALL = (root) NOPASSWD: ALL\n')).toBe(2);
    expect(read('Defaults:runner !authenticate\nrunner ALL=(ALL) ALL\n')).toBe(2);
    expect(read('runner ALL=(ALL) \\\n  NOPASSWD: ALL\n')).toBe(1);
    expect(read('runner ALL=(root) NOPASSWD: /usr/bin/apt-get\n')).toBeUndefined();
    expect(read('runner ALL=(ALL:ALL) ALL\n')).toBeUndefined();
    expect(read('bob ALL=(ALL) NOPASSWD: ALL\n')).toBeUndefined();
    expect(read('# runner ALL=(ALL) NOPASSWD: ALL\n')).toBeUndefined();
  });

  it('says so when sudoers cannot be read, and reports nothing', () => {
    const result = probeRunner(
      input({ files: inDocker(procStatus({ uid: 1001, capEff: '0000000000000000' }), { '/etc/passwd': passwd }) }),
    );
    expect(result.findings).toEqual([]);
    expect(result.notes.join('\n')).toContain('no sudoers file was readable');
  });
});

describe('probeRunner: fork pull requests on self-hosted runners', () => {
  const event = (head: string, base: string) =>
    JSON.stringify({ pull_request: { head: { repo: { full_name: head } }, base: { repo: { full_name: base } } } });

  it('reports a GitHub fork PR on a self-hosted runner', () => {
    const result = probeRunner(
      input({
        env: {
          GITHUB_ACTIONS: 'true',
          GITLAB_CI: '',
          RUNNER_ENVIRONMENT: 'self-hosted',
          GITHUB_EVENT_PATH: '/tmp/event.json',
        },
        files: { '/tmp/event.json': event('mallory/app', 'acme/app') },
      }),
    );
    expect(ids(result)).toEqual(['runner/self-hosted-fork-pr critical']);
    expect(result.findings[0]?.location).toEqual({ path: 'env:GITHUB_EVENT_PATH', object: 'runner:github-actions' });
  });

  it('does not report same-repo PRs, hosted runners, or unreadable payloads', () => {
    const github = (env: Record<string, string>, files: Record<string, string> = {}) =>
      probeRunner(input({ env: { GITHUB_ACTIONS: 'true', GITLAB_CI: '', GITHUB_EVENT_PATH: '/e', ...env }, files }));
    expect(github({ RUNNER_ENVIRONMENT: 'self-hosted' }, { '/e': event('acme/app', 'acme/app') }).findings).toEqual([]);
    expect(
      github({ RUNNER_ENVIRONMENT: 'github-hosted' }, { '/e': event('mallory/app', 'acme/app') }).findings,
    ).toEqual([]);
    const unreadable = github({ RUNNER_ENVIRONMENT: 'self-hosted' });
    expect(unreadable.findings).toEqual([]);
    expect(unreadable.notes.join('\n')).toContain('Could not read the GitHub event payload');
    expect(github({ RUNNER_ENVIRONMENT: 'self-hosted' }, { '/e': '{not json' }).notes.join('\n')).toContain(
      'not valid JSON',
    );
  });

  it('reports a GitLab fork MR on a self-managed instance runner, and not on GitLab.com hosted runners', () => {
    const fork = { CI_MERGE_REQUEST_SOURCE_PROJECT_ID: '4711', CI_MERGE_REQUEST_PROJECT_ID: '42' };
    expect(ids(probeRunner(input({ env: fork })))).toEqual(['runner/self-hosted-fork-pr critical']);
    const hosted = {
      ...fork,
      CI_SERVER_HOST: 'gitlab.com',
      CI_RUNNER_DESCRIPTION: '3-green.saas-linux-small-amd64.runners-manager.gitlab.com/default',
      CI_RUNNER_TAGS: '["saas-linux-small-amd64"]',
    };
    expect(probeRunner(input({ env: hosted })).findings).toEqual([]);
    expect(probeRunner(input({ env: { ...fork, CI_MERGE_REQUEST_SOURCE_PROJECT_ID: '42' } })).findings).toEqual([]);
  });

  it('tells GitLab.com project runners from hosted ones, and says when it cannot tell', () => {
    expect(
      gitlabSelfHosted({
        CI_SERVER_HOST: 'gitlab.com',
        CI_RUNNER_DESCRIPTION: 'my-build-box',
        CI_RUNNER_TAGS: 'linux,docker',
      }),
    ).toBe(true);
    expect(gitlabSelfHosted({ CI_SERVER_HOST: 'gitlab.com', CI_RUNNER_TAGS: 'saas-linux-medium-amd64' })).toBe(false);
    expect(gitlabSelfHosted({ CI_SERVER_HOST: 'gitlab.com' })).toBeUndefined();
    expect(gitlabSelfHosted({})).toBeUndefined();
  });
});

describe('probeRunner: engine sockets and debug logging', () => {
  it('reports a mounted Docker socket once, and a DOCKER_HOST unix socket', () => {
    const result = probeRunner(
      input({
        sockets: ['/var/run/docker.sock', '/run/docker.sock', '/custom/podman.sock'],
        env: { DOCKER_HOST: 'unix:///custom/podman.sock' },
      }),
    );
    expect(result.findings.map((f) => (f.location as { path: string }).path)).toEqual([
      '/custom/podman.sock',
      '/var/run/docker.sock',
    ]);
  });

  it('notes a TCP DOCKER_HOST without contacting or reporting it', () => {
    const result = probeRunner(input({ env: { DOCKER_HOST: 'tcp://docker:2376' } }));
    expect(result.findings).toEqual([]);
    expect(result.notes.join('\n')).toContain('DOCKER_HOST is tcp://docker:2376');
  });

  it('reports debug logging flags, CI_DEBUG_TRACE as high', () => {
    const result = probeRunner(
      input({
        env: { CI_DEBUG_TRACE: 'true', CI_DEBUG_SERVICES: 'false', RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' },
      }),
    );
    expect(result.findings.map((f) => `${(f.location as { path: string }).path} ${f.severity}`)).toEqual([
      'env:CI_DEBUG_TRACE high',
      'env:RUNNER_DEBUG medium',
      'env:ACTIONS_STEP_DEBUG medium',
    ]);
  });
});

describe('systemRunnerProbeInput', () => {
  it('reads files, stats sockets and lists directories on the real machine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'probe-'));
    try {
      writeFileSync(join(dir, 'file'), 'content');
      const socketPath = join(dir, 'engine.sock');
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(socketPath, resolve));
      try {
        const real = systemRunnerProbeInput({});
        expect(real.readFile(join(dir, 'file'))).toBe('content');
        expect(real.readFile(join(dir, 'missing'))).toBeUndefined();
        expect(real.readFile(dir)).toBeUndefined();
        expect(real.statSocket(socketPath)).toBe(true);
        expect(real.statSocket(join(dir, 'file'))).toBe(false);
        expect(real.listDir?.(dir)?.sort()).toEqual(['engine.sock', 'file']);
        expect(real.readFile('/proc/self/status')).toMatch(/^Name:/);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('runRunnerProbe', () => {
  const context = (probe: boolean, isBase: boolean, env: Record<string, string>) =>
    ({ isBase, env, policy: { checks: { hardening: { 'runner-probe': probe } } } }) as unknown as CheckContext;

  it('skips base runs and a policy that turns it off', async () => {
    expect(await runRunnerProbe(context(true, true, { CI: 'true' }))).toEqual({ findings: [] });
    const off = await runRunnerProbe(context(false, false, { CI: 'true' }));
    expect(off.findings).toEqual([]);
    expect(off.notes?.[0]).toContain('runner-probe: false');
  });

  it('probes with the job environment, not the process environment', async () => {
    const outside = await runRunnerProbe(context(true, false, {}));
    expect(outside.notes?.[0]).toContain('not running in CI');
    const debug = await runRunnerProbe(context(true, false, { CI: 'true', CI_DEBUG_TRACE: 'true' }));
    expect(debug.findings.map((f) => f.ruleId)).toContain('runner/debug-logging');
  });
});
