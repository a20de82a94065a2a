import { describe, expect, it } from 'vitest';
import table from '../../../../src/checks/hardening/runner/escape-advisories.json' with { type: 'json' };
import { MAX_DPKG_STANZAS, parseDpkgStatus } from '../../../../src/checks/hardening/runner/dpkg-status.js';
import {
  DPKG_STATUS_PATH,
  escapeAdvisories,
  probeHostRuntimes,
  upstreamVersion,
} from '../../../../src/checks/hardening/runner/host-runtimes.js';
import { probeRunner, runnerRules } from '../../../../src/checks/hardening/runner/index.js';
import { isValidSemver } from '../../../../src/vulns/versions/semver.js';

const RULE = 'runner/vulnerable-container-runtime';

interface Stanza {
  name: string;
  version: string;
  status?: string;
  arch?: string;
  maintainer?: string;
  source?: string;
  description?: string;
}

/** One package as dpkg writes it into /var/lib/dpkg/status (field order of dpkg 1.21+). */
function stanza(p: Stanza): string {
  return [
    `Package: ${p.name}`,
    `Status: ${p.status ?? 'install ok installed'}`,
    'Priority: optional',
    'Section: admin',
    'Installed-Size: 32089',
    `Maintainer: ${p.maintainer ?? 'Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>'}`,
    `Architecture: ${p.arch ?? 'amd64'}`,
    ...(p.source ? [`Source: ${p.source}`] : []),
    `Version: ${p.version}`,
    'Depends: libc6 (>= 2.34), libseccomp2 (>= 2.5.0)',
    'Conffiles:',
    ' /etc/default/docker 4f9a1d5c1e0bd0d1d7f6d8e1b2c3a4f5',
    `Description: ${p.description ?? 'container runtime'}`,
    ' A longer description, continued on an indented line.',
    ' .',
    ' Another paragraph of the description.',
    'Homepage: https://github.com/opencontainers/runc',
  ].join('\n');
}

const status = (...stanzas: Stanza[]): string => stanzas.map(stanza).join('\n\n') + '\n';

const UBUNTU_2204 = [
  'PRETTY_NAME="Ubuntu 22.04.5 LTS"',
  'NAME="Ubuntu"',
  'VERSION_ID="22.04"',
  'VERSION="22.04.5 LTS (Jammy Jellyfish)"',
  'VERSION_CODENAME=jammy',
  'ID=ubuntu',
  'ID_LIKE=debian',
  '',
].join('\n');

const DEBIAN_12 = [
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
  'NAME="Debian GNU/Linux"',
  'VERSION_ID="12"',
  'VERSION="12 (bookworm)"',
  'VERSION_CODENAME=bookworm',
  'ID=debian',
  '',
].join('\n');

function files(map: Record<string, string>): { readFile(path: string): string | undefined } {
  return { readFile: (path) => map[path] };
}

function probe(stanzas: Stanza[], osRelease: string | undefined = UBUNTU_2204, container?: string) {
  const map: Record<string, string> = { [DPKG_STATUS_PATH]: status(...stanzas) };
  if (osRelease !== undefined) map['/etc/os-release'] = osRelease;
  return probeHostRuntimes(files(map), container, 'runner:github-actions');
}

const keys = (result: { findings: { key?: string }[] }): string[] => result.findings.map((f) => f.key ?? '').sort();

describe('upstreamVersion', () => {
  it.each([
    ['1.1.12-0ubuntu3', '1.1.12'],
    ['1.1.12-0ubuntu2~22.04.1', '1.1.12'],
    ['1.1.12-ubuntu22.04u1', '1.1.12'],
    ['1.7.25-1', '1.7.25'],
    ['5:27.1.1-1~ubuntu.24.04~noble', '27.1.1'],
    ['5:18.09.1~3-0~ubuntu-bionic', '18.9.1'],
    ['5:25.0.0~rc.1-1~ubuntu.22.04~jammy', '25.0.0-rc.1'],
    ['1.0.0~rc10-0ubuntu1', '1.0.0-rc.10'],
    ['1.0.0~rc93+ds1-5', '1.0.0-rc.93'],
    ['1.1.5+ds1-1+deb12u1', '1.1.5'],
    ['1.6.20~ds1-1+b1', '1.6.20'],
    ['20.10.24+dfsg1-1+deb12u1', '20.10.24'],
    ['24.0.7-0ubuntu4.1', '24.0.7'],
    ['1.4.0-rc.3-1', '1.4.0-rc.3'],
    ['1.7', '1.7.0'],
  ])('%s → %s', (debian, upstream) => {
    expect(upstreamVersion(debian)).toBe(upstream);
  });

  it.each(['', 'git20240101-1', '1.1.12a-1', '1', 'a:1.2.3', '1.2.3.4-1', `${'9'.repeat(40)}.1.1`])(
    'refuses %j',
    (debian) => {
      expect(upstreamVersion(debian)).toBeUndefined();
    },
  );
});

describe('parseDpkgStatus', () => {
  it('reads stanzas, ignores continuation lines and keeps the state', () => {
    const parsed = parseDpkgStatus(
      status(
        { name: 'runc', version: '1.1.12-0ubuntu3', source: 'runc (1.1.12-0ubuntu3)' },
        { name: 'docker.io', version: '24.0.7-0ubuntu4', status: 'deinstall ok config-files' },
      ),
    );
    expect(parsed.packages).toEqual([
      { package: 'runc', version: '1.1.12-0ubuntu3', state: 'installed', architecture: 'amd64', source: 'runc' },
      { package: 'docker.io', version: '24.0.7-0ubuntu4', state: 'config-files', architecture: 'amd64' },
    ]);
    expect(parsed.skipped).toBe(0);
  });

  it('handles CRLF line ends and skips stanzas without Version or with a malformed Status', () => {
    const text = 'Package: a\r\nStatus: install ok installed\r\n\r\nPackage: b\nStatus: broken\nVersion: 1\n\n';
    const parsed = parseDpkgStatus(text);
    expect(parsed.packages).toEqual([]);
    expect(parsed.skipped).toBe(2);
  });

  it('stops after MAX_DPKG_STANZAS stanzas', () => {
    const one = 'Package: p\nStatus: install ok installed\nVersion: 1.0\n\n';
    const parsed = parseDpkgStatus(one.repeat(MAX_DPKG_STANZAS + 5));
    expect(parsed.packages).toHaveLength(MAX_DPKG_STANZAS);
    expect(parsed.truncated).toBe(true);
  });
});

describe('probeHostRuntimes: a GitHub-hosted Ubuntu runner (moby-* packages)', () => {
  const stanzas: Stanza[] = [
    { name: 'moby-runc', version: '1.1.11-ubuntu22.04u1', maintainer: 'Microsoft <support@microsoft.com>' },
    { name: 'moby-containerd', version: '1.7.11-ubuntu22.04u1', maintainer: 'Microsoft <support@microsoft.com>' },
    { name: 'moby-engine', version: '24.0.7-ubuntu22.04u1', maintainer: 'Microsoft <support@microsoft.com>' },
    { name: 'moby-cli', version: '24.0.7-ubuntu22.04u1', maintainer: 'Microsoft <support@microsoft.com>' },
    { name: 'moby-buildx', version: '0.12.1-ubuntu22.04u1', maintainer: 'Microsoft <support@microsoft.com>' },
  ];

  it('reports every advisory whose upstream range holds the version, one finding per package and CVE', () => {
    const result = probe(stanzas);
    expect(keys(result)).toEqual([
      'moby-engine:CVE-2024-23651',
      'moby-engine:CVE-2024-23652',
      'moby-engine:CVE-2024-23653',
      'moby-engine:CVE-2024-41110',
      'moby-runc:CVE-2024-21626',
      'moby-runc:CVE-2025-31133',
      'moby-runc:CVE-2025-52565',
      'moby-runc:CVE-2025-52881',
    ]);
  });

  it('fills location, package, vulnerability, message and fix, and caps the severity of non-upstream builds', () => {
    const result = probe(stanzas);
    const leaky = result.findings.find((f) => f.key === 'moby-runc:CVE-2024-21626');
    expect(leaky).toMatchObject({
      ruleId: RULE,
      severity: 'high',
      title: 'Container runtime on the runner host has a known container-escape vulnerability',
      location: { path: '/var/lib/dpkg/status', object: 'runner:github-actions' },
      package: {
        ecosystem: 'Ubuntu:22.04:LTS',
        name: 'moby-runc',
        version: '1.1.11-ubuntu22.04u1',
        purl: 'pkg:deb/ubuntu/moby-runc@1.1.11-ubuntu22.04u1?arch=amd64&distro=ubuntu-22.04',
      },
      vulnerability: { id: 'GHSA-xr7r-f8xq-vfvv', aliases: ['CVE-2024-21626'], fixed: ['1.1.12'] },
    });
    expect(leaky?.message).toContain('runc 1.1.11 (package moby-runc 1.1.11-ubuntu22.04u1)');
    expect(leaky?.message).toContain('GHSA-xr7r-f8xq-vfvv / CVE-2024-21626');
    expect(leaky?.message).toContain('fixed upstream in 1.1.12');
    expect(leaky?.message).toContain('may have backported the fix into 1.1.11-ubuntu22.04u1');
    expect(leaky?.fix).toContain('runc is 1.1.12 or later');
    // BuildKit CVE-2024-23652 is rated critical upstream; a moby-engine build may carry a backport.
    expect(result.findings.find((f) => f.key === 'moby-engine:CVE-2024-23652')?.severity).toBe('high');
  });

  it('says what it saw, that clients are not matched and what it does not read', () => {
    const notes = probe(stanzas).notes.join('\n');
    expect(notes).toContain('moby-runc 1.1.11-ubuntu22.04u1 (runc 1.1.11)');
    expect(notes).toContain('moby-engine 24.0.7-ubuntu22.04u1 (Docker Engine 24.0.7)');
    expect(notes).toContain('Ubuntu:22.04:LTS');
    expect(notes).toContain(
      'Client packages not matched: moby-cli 24.0.7-ubuntu22.04u1, moby-buildx 0.12.1-ubuntu22.04u1',
    );
    expect(notes).toContain('Go build information');
  });

  it('reports nothing for current versions', () => {
    const result = probe([
      { name: 'moby-runc', version: '1.3.3-ubuntu24.04u1' },
      { name: 'moby-containerd', version: '1.7.28-ubuntu24.04u1' },
      { name: 'moby-engine', version: '28.0.4-ubuntu24.04u1' },
    ]);
    expect(result.findings).toEqual([]);
  });
});

describe('probeHostRuntimes: range boundaries of every advisory', () => {
  // [package, Debian version, CVE, affected]
  const cases: [string, string, string, boolean][] = [
    ['runc', '1.0.0~rc92+ds1-1', 'CVE-2024-21626', false],
    ['runc', '1.0.0~rc93+ds1-1', 'CVE-2024-21626', true],
    ['runc', '1.1.11-0ubuntu1', 'CVE-2024-21626', true],
    ['runc', '1.1.12-0ubuntu1', 'CVE-2024-21626', false],
    ['runc', '1.0.0~rc94-1', 'CVE-2021-30465', true],
    ['runc', '1.0.0~rc95-1', 'CVE-2021-30465', false],
    ['runc', '1.0.0~rc6-1', 'CVE-2019-5736', true],
    ['runc', '1.0.0~rc7-1', 'CVE-2019-5736', false],
    // rc10 is newer than rc6; plain SemVer would compare "rc10" < "rc6" as text.
    ['runc', '1.0.0~rc10-0ubuntu1', 'CVE-2019-5736', false],
    ['runc', '1.0.0~rc10-0ubuntu1', 'CVE-2021-30465', true],
    ['runc', '1.2.7-1', 'CVE-2025-31133', true],
    ['runc', '1.2.8-1', 'CVE-2025-31133', false],
    ['runc', '1.3.2-1', 'CVE-2025-52565', true],
    ['runc', '1.3.3-1', 'CVE-2025-52565', false],
    ['runc', '1.4.0~rc.2-1', 'CVE-2025-52881', true],
    ['runc', '1.4.0~rc.3-1', 'CVE-2025-52881', false],
    ['runc', '1.4.0-1', 'CVE-2025-52881', false],
    ['containerd.io', '1.3.8-1', 'CVE-2020-15257', true],
    ['containerd.io', '1.3.9-1', 'CVE-2020-15257', false],
    ['containerd.io', '1.4.0-1', 'CVE-2020-15257', true],
    ['containerd.io', '1.4.2-1', 'CVE-2020-15257', true],
    ['containerd.io', '1.4.3-1', 'CVE-2020-15257', false],
    ['docker-ce', '5:18.09.1~3-0~ubuntu-bionic', 'CVE-2019-5736', true],
    ['docker-ce', '5:18.09.2~3-0~ubuntu-bionic', 'CVE-2019-5736', false],
    ['docker-ce', '5:18.09.9~3-0~ubuntu-bionic', 'CVE-2024-41110', false],
    ['docker-ce', '5:19.03.0~3-0~ubuntu-bionic', 'CVE-2024-41110', true],
    ['docker-ce', '5:23.0.14-1~ubuntu.22.04~jammy', 'CVE-2024-41110', true],
    ['docker-ce', '5:23.0.15-1~ubuntu.22.04~jammy', 'CVE-2024-41110', false],
    ['docker-ce', '5:24.0.9-1~ubuntu.22.04~jammy', 'CVE-2024-41110', true],
    ['docker-ce', '5:25.0.5-1~ubuntu.22.04~jammy', 'CVE-2024-41110', true],
    ['docker-ce', '5:25.0.6-1~ubuntu.22.04~jammy', 'CVE-2024-41110', false],
    ['docker-ce', '5:26.1.4-1~ubuntu.24.04~noble', 'CVE-2024-41110', true],
    ['docker-ce', '5:26.1.5-1~ubuntu.24.04~noble', 'CVE-2024-41110', false],
    ['docker-ce', '5:27.1.0-1~ubuntu.24.04~noble', 'CVE-2024-41110', true],
    ['docker-ce', '5:27.1.1-1~ubuntu.24.04~noble', 'CVE-2024-41110', false],
    ['docker-ce', '5:24.0.9-1~ubuntu.22.04~jammy', 'CVE-2024-23651', true],
    ['docker-ce', '5:25.0.1-1~ubuntu.22.04~jammy', 'CVE-2024-23652', true],
    ['docker-ce', '5:25.0.2-1~ubuntu.22.04~jammy', 'CVE-2024-23653', false],
  ];
  it.each(cases)('%s %s: %s affected=%s', (name, version, cve, affected) => {
    const result = probe([{ name, version }]);
    expect(result.findings.some((f) => f.key === `${name}:${cve}`)).toBe(affected);
  });

  it('gives no fixed version for a last_affected range and still says how to fix', () => {
    const result = probe([{ name: 'runc', version: '1.0.0~rc6-1' }]);
    const escape = result.findings.find((f) => f.key === 'runc:CVE-2019-5736');
    expect(escape?.vulnerability?.fixed).toEqual([]);
    expect(escape?.message).toContain('no fixed version recorded');
    expect(escape?.fix).toContain('current runc release');
  });

  it('keeps the advisory severity for Docker-built packages and caps it for distribution builds', () => {
    const upstream = probe([{ name: 'docker-ce', version: '5:24.0.9-1~ubuntu.22.04~jammy' }]);
    const distro = probe([{ name: 'docker.io', version: '24.0.7-0ubuntu2~22.04.1' }]);
    expect(upstream.findings.find((f) => f.key === 'docker-ce:CVE-2024-23652')?.severity).toBe('critical');
    expect(upstream.findings.find((f) => f.key === 'docker-ce:CVE-2024-23652')?.message).not.toContain('backported');
    expect(distro.findings.find((f) => f.key === 'docker.io:CVE-2024-23652')?.severity).toBe('high');
    expect(upstream.findings.find((f) => f.key === 'docker-ce:CVE-2024-41110')?.severity).toBe('high');
  });
});

describe('probeHostRuntimes: what it cannot see', () => {
  it('reports nothing inside a job container and says why', () => {
    const result = probe([{ name: 'runc', version: '1.1.11-0ubuntu1' }], UBUNTU_2204, '/.dockerenv exists');
    expect(result.findings).toEqual([]);
    expect(result.notes.join('\n')).toContain('the job runs in a container (/.dockerenv exists)');
  });

  it('notes a missing package database', () => {
    const result = probeHostRuntimes(files({}), undefined, 'runner:ci');
    expect(result.findings).toEqual([]);
    expect(result.notes.join('\n')).toContain('Could not read /var/lib/dpkg/status');
  });

  it.each([
    ['binary garbage', '\u0000\u0001\u00ff\ufffd'.repeat(5000)],
    ['one huge line', 'Package: runc'.repeat(100_000)],
    ['JSON', '{"Package": "runc", "Version": "1.1.11"}'],
    ['colons only', ':\n:\n::::\n\n: x\n'],
  ])('survives %s as a status file', (_label, text) => {
    const result = probeHostRuntimes(files({ [DPKG_STATUS_PATH]: text }), undefined, 'runner:ci');
    expect(result.findings).toEqual([]);
    expect(result.notes.join('\n')).toContain('no package stanza with Package, Version and Status');
  });

  it('ignores removed packages (config-files) and reads a multi-arch package once', () => {
    const result = probe([
      { name: 'runc', version: '1.1.11-0ubuntu1', status: 'deinstall ok config-files' },
      { name: 'containerd.io', version: '1.4.2-1', arch: 'amd64' },
      { name: 'containerd.io', version: '1.4.2-1', arch: 'arm64' },
    ]);
    expect(keys(result)).toEqual(['containerd.io:CVE-2020-15257']);
  });

  it('says that the runc bundled in containerd.io is not checked', () => {
    const result = probe([
      { name: 'containerd.io', version: '1.7.25-1' },
      { name: 'docker-ce', version: '5:28.0.4-1~ubuntu.22.04~jammy' },
    ]);
    expect(result.findings).toEqual([]);
    expect(result.notes.join('\n')).toContain('runc is bundled in containerd.io 1.7.25-1');
  });

  it('notes packages without a readable upstream version instead of guessing', () => {
    const result = probe([{ name: 'runc', version: 'git20240101-1' }]);
    expect(result.findings).toEqual([]);
    expect(result.notes.join('\n')).toContain('No upstream version could be read from runc git20240101-1');
  });

  it('notes a host without any engine package', () => {
    const result = probe([{ name: 'bash', version: '5.1-6ubuntu1.1' }]);
    expect(result.findings).toEqual([]);
    expect(result.notes.join('\n')).toContain('No runc, containerd or Docker Engine package is installed');
  });

  it('uses the Debian ecosystem and purl namespace from os-release', () => {
    const result = probe([{ name: 'runc', version: '1.1.5+ds1-1+deb12u1' }], DEBIAN_12);
    expect(result.findings[0]?.package).toMatchObject({
      ecosystem: 'Debian:12',
      purl: 'pkg:deb/debian/runc@1.1.5+ds1-1+deb12u1?arch=amd64&distro=debian-12',
    });
  });

  it('falls back to /usr/lib/os-release and says when no os-release is readable', () => {
    const map = { [DPKG_STATUS_PATH]: status({ name: 'runc', version: '1.1.12-0ubuntu3' }) };
    const viaUsrLib = probeHostRuntimes(files({ ...map, '/usr/lib/os-release': DEBIAN_12 }), undefined, 'runner:ci');
    expect(viaUsrLib.notes.join('\n')).toContain('Debian:12');
    const none = probeHostRuntimes(files(map), undefined, 'runner:ci');
    expect(none.notes.join('\n')).toContain('distribution unknown: no readable os-release');
  });
});

describe('probeRunner: host runtimes are wired in', () => {
  const base = {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_ENVIRONMENT: 'github-hosted',
  };

  it('reports a vulnerable runc on a GitHub-hosted VM', () => {
    const result = probeRunner({
      env: base,
      readFile: (path) =>
        ({
          [DPKG_STATUS_PATH]: status({ name: 'moby-runc', version: '1.1.11-ubuntu22.04u1' }),
          '/etc/os-release': UBUNTU_2204,
        })[path],
      statSocket: () => false,
    });
    const finding = result.findings.find((f) => f.ruleId === RULE && f.key === 'moby-runc:CVE-2024-21626');
    expect(finding?.location).toEqual({ path: '/var/lib/dpkg/status', object: 'runner:github-actions' });
  });

  it('reports nothing from the job image when /.dockerenv or /run/.containerenv exists', () => {
    for (const marker of ['/.dockerenv', '/run/.containerenv']) {
      const result = probeRunner({
        env: base,
        readFile: (path) =>
          ({ [DPKG_STATUS_PATH]: status({ name: 'runc', version: '1.1.11-0ubuntu1' }), [marker]: '' })[path],
        statSocket: () => false,
      });
      expect(result.findings.filter((f) => f.ruleId === RULE)).toEqual([]);
      expect(result.notes.join('\n')).toContain(`${marker} exists`);
    }
  });
});

describe('escape-advisories.json', () => {
  const advisories = (table as { advisories: Record<string, unknown>[] }).advisories;
  const OSV_REFERENCE_TYPES = ['ADVISORY', 'ARTICLE', 'DETECTION', 'DISCUSSION', 'REPORT', 'FIX', 'INTRODUCED'];
  const REFERENCE_TYPES = new Set([...OSV_REFERENCE_TYPES, 'GIT', 'PACKAGE', 'EVIDENCE', 'WEB']);

  it('is dated', () => {
    expect((table as { reviewed: string }).reviewed).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it.each(advisories.map((a) => [a.id as string, a]))('%s is a valid OSV record with references', (_id, a) => {
    expect(a.id).toMatch(/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/);
    expect(a.modified).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(a.published).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(a.aliases).toEqual([expect.stringMatching(/^CVE-\d{4}-\d{4,}$/)]);
    expect(typeof a.summary).toBe('string');
    const affected = a.affected as { package: { ecosystem: string; name: string }; ranges: unknown[] }[];
    expect(affected.length).toBeGreaterThan(0);
    for (const entry of affected) {
      expect(entry.package.ecosystem).toBe('Go');
      expect(entry.package.name).toMatch(/^github\.com\//);
      expect(entry.ranges.length).toBeGreaterThan(0);
      for (const range of entry.ranges as { type: string; events: Record<string, string>[] }[]) {
        expect(range.type).toBe('SEMVER');
        expect(Object.keys(range.events[0] ?? {})).toEqual(['introduced']);
        for (const event of range.events) {
          const [kind, value] = Object.entries(event)[0] as [string, string];
          expect(Object.keys(event)).toHaveLength(1);
          expect(['introduced', 'fixed', 'last_affected']).toContain(kind);
          expect(value === '0' && kind === 'introduced' ? true : isValidSemver(value)).toBe(true);
        }
      }
    }
    const references = a.references as { type: string; url: string }[];
    expect(references.length).toBeGreaterThan(0);
    for (const ref of references) {
      expect(REFERENCE_TYPES.has(ref.type)).toBe(true);
      expect(ref.url).toMatch(/^https:\/\//);
    }
    expect(references.some((ref) => ref.type === 'ADVISORY')).toBe(true);
    expect((a.database_specific as { source?: unknown }).source).toEqual(expect.any(String));
  });

  it('is read completely by the OSV reader the matcher uses', () => {
    expect(escapeAdvisories().advisories.map((a) => a.id)).toEqual(advisories.map((a) => a.id));
  });

  it('drops malformed entries instead of failing', () => {
    const read = escapeAdvisories({ reviewed: 3, advisories: [{ id: 'x' }, null, advisories[0]] });
    expect(read.reviewed).toBe('unknown');
    expect(read.advisories.map((a) => a.id)).toEqual(['GHSA-xr7r-f8xq-vfvv']);
    expect(escapeAdvisories('nonsense').advisories).toEqual([]);
  });

  it('documents the rule', () => {
    const rule = runnerRules.find((r) => r.id === RULE);
    expect(rule?.description).toContain('/var/lib/dpkg/status');
    expect(rule?.fix).toContain('exceptions:');
    expect(rule?.references?.length).toBeGreaterThan(0);
  });
});
