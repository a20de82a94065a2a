import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parseDeb822, parseSource, isInstalled } from '../../../src/images/catalogers/dpkg.js';
import { file } from '../../support/layer-builder.js';
import { catalogLayers, summary } from '../../support/image.js';

const DEBIAN_12 = file('etc/os-release', 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n');

/** Edge cases from dpkg's status format (deb-control(5), dpkg-query(1)). */
const STATUS = `Package: libssl3
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 6180
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Architecture: amd64
Multi-Arch: same
Source: openssl
Version: 3.0.11-1~deb12u2
Depends: libc6 (>= 2.34)
Description: Secure Sockets Layer toolkit - shared libraries
 This package is part of the OpenSSL project's implementation of the SSL
 and TLS cryptographic protocols for secure communication over the
 .
 Internet.

Package: libssl3
Status: install ok installed
Architecture: i386
Multi-Arch: same
Source: openssl
Version: 3.0.11-1~deb12u2

Package: libgcc-s1
Status: install ok installed
Architecture: amd64
Source: gcc-12 (12.2.0-14)
Version: 12.2.0-14

Package: removed-but-config
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1

Package: half-installed
Status: install reinstreq half-installed
Architecture: amd64
Version: 2.0-1

Package: held
Status: hold ok installed
Architecture: all
Version: 5.2.15-2+b2

Package: no-version
Status: install ok installed
`;

describe('dpkg status', () => {
  it('parses Source with and without a version, and the Status triple', () => {
    expect(parseSource('gcc-12 (12.2.0-14)')).toEqual({ name: 'gcc-12', version: '12.2.0-14' });
    expect(parseSource('openssl')).toEqual({ name: 'openssl' });
    expect(isInstalled('install ok installed')).toBe(true);
    expect(isInstalled('hold ok installed')).toBe(true);
    expect(isInstalled('deinstall ok config-files')).toBe(false);
    expect(isInstalled('install reinstreq half-installed')).toBe(false);
    expect(parseDeb822(STATUS)[0]?.get('description')).toBe(
      "Secure Sockets Layer toolkit - shared libraries\nThis package is part of the OpenSSL project's implementation of the SSL\nand TLS cryptographic protocols for secure communication over the\n.\nInternet.",
    );
  });

  it('counts every dpkg state whose files are all on disk, whatever the selection and error flag', () => {
    // Trivy reports any `install` selection (so also half-installed, and drops `deinstall ok installed`);
    // osv-scalibr reports only `installed` (so misses triggers-pending and unpacked packages).
    expect(isInstalled('install ok triggers-pending')).toBe(true);
    expect(isInstalled('install ok triggers-awaited')).toBe(true);
    expect(isInstalled('install ok half-configured')).toBe(true);
    expect(isInstalled('install ok unpacked')).toBe(true);
    expect(isInstalled('install reinstreq installed')).toBe(true);
    expect(isInstalled('deinstall ok installed')).toBe(true);
    expect(isInstalled('purge ok not-installed')).toBe(false);
    expect(isInstalled('deinstall reinstreq half-installed')).toBe(false);
    expect(isInstalled('install ok')).toBe(false);
    expect(isInstalled('install ok installed extra')).toBe(false);
    expect(isInstalled(undefined)).toBe(false);
  });

  it('lists packages left unpacked or with triggers pending, and keeps epochs in version and purl', async () => {
    const status = [
      'Package: libexpat1\nStatus: install ok triggers-pending\nArchitecture: amd64\nSource: expat\nVersion: 2.5.0-1',
      'Package: unconfigured\nStatus: install ok unpacked\nArchitecture: amd64\nVersion: 1:2.0-3',
      'Package: gone\nStatus: purge ok not-installed\nArchitecture: amd64\nVersion: 1.0',
    ].join('\n\n');
    const { catalog } = await catalogLayers([[DEBIAN_12, file('var/lib/dpkg/status', status)]]);
    expect(catalog.packages.map((p) => [p.name, p.version, p.sourceName, p.sourceVersion, p.purl])).toEqual([
      [
        'libexpat1',
        '2.5.0-1',
        'expat',
        '2.5.0-1',
        'pkg:deb/debian/libexpat1@2.5.0-1?arch=amd64&distro=debian-12&upstream=expat',
      ],
      [
        'unconfigured',
        '1:2.0-3',
        'unconfigured',
        '1:2.0-3',
        'pkg:deb/debian/unconfigured@1:2.0-3?arch=amd64&distro=debian-12',
      ],
    ]);
  });

  it('lists exactly the installed packages, one per architecture, with source, purl and layer', async () => {
    const { catalog, sources } = await catalogLayers([[DEBIAN_12], [file('var/lib/dpkg/status', STATUS)]]);
    expect(catalog.packages.map((p) => [p.name, p.version, p.arch, p.sourceName, p.sourceVersion, p.purl])).toEqual([
      [
        'libssl3',
        '3.0.11-1~deb12u2',
        'amd64',
        'openssl',
        '3.0.11-1~deb12u2',
        'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl',
      ],
      [
        'libssl3',
        '3.0.11-1~deb12u2',
        'i386',
        'openssl',
        '3.0.11-1~deb12u2',
        'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=i386&distro=debian-12&upstream=openssl',
      ],
      [
        'libgcc-s1',
        '12.2.0-14',
        'amd64',
        'gcc-12',
        '12.2.0-14',
        'pkg:deb/debian/libgcc-s1@12.2.0-14?arch=amd64&distro=debian-12&upstream=gcc-12',
      ],
      [
        'held',
        '5.2.15-2+b2',
        'all',
        'held',
        '5.2.15-2+b2',
        'pkg:deb/debian/held@5.2.15-2+b2?arch=all&distro=debian-12',
      ],
    ]);
    expect(new Set(catalog.packages.map((p) => `${p.ecosystem}|${p.path}|${p.layer}`))).toEqual(
      new Set([`Debian:12|var/lib/dpkg/status|${sources[1]?.digest}`]),
    );
  });

  it('reads distroless status.d files (no Status field) and ignores their md5sums', async () => {
    const { catalog } = await catalogLayers([
      [
        DEBIAN_12,
        file('var/lib/dpkg/status.d/base-files', 'Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n'),
        file(
          'var/lib/dpkg/status.d/libc6',
          'Package: libc6\nVersion: 2.36-9+deb12u4\nArchitecture: amd64\nSource: glibc\n',
        ),
        file(
          'var/lib/dpkg/status.d/libc6.md5sums',
          'd41d8cd98f00b204e9800998ecf8427e  lib/x86_64-linux-gnu/libc.so.6\n',
        ),
      ],
    ]);
    expect(summary(catalog.packages)).toEqual(['Debian:12 base-files@12.4+deb12u5', 'Debian:12 libc6@2.36-9+deb12u4']);
  });

  it("matches dpkg-query on this machine's real status database", async () => {
    if (!existsSync('/var/lib/dpkg/status')) {
      console.warn('no /var/lib/dpkg/status on this machine: real dpkg status test has nothing to read');
      return;
    }
    const status = readFileSync('/var/lib/dpkg/status');
    const { catalog } = await catalogLayers([[DEBIAN_12, file('var/lib/dpkg/status', status)]]);
    let expected: string[];
    try {
      expected = execFileSync(
        'dpkg-query',
        [
          '--admindir=/var/lib/dpkg',
          '-W',
          '-f=${db:Status-Status} ${Package} ${Version} ${Architecture} ${source:Package} ${source:Version}\\n',
        ],
        { encoding: 'utf8', maxBuffer: 64 << 20 },
      )
        .split('\n')
        .filter((line) => line.startsWith('installed '))
        .map((line) => line.slice('installed '.length))
        .sort();
    } catch {
      console.warn('dpkg-query not available: comparing the real status only by count');
      expected = [];
    }
    const actual = catalog.packages
      .map((p) => `${p.name} ${p.version} ${p.arch} ${p.sourceName} ${p.sourceVersion}`)
      .sort();
    if (expected.length > 0) expect(actual).toEqual(expected);
    expect(actual.length).toBeGreaterThan(10);
  });

  it('keeps going when the status file is garbage', async () => {
    const { catalog } = await catalogLayers([
      [DEBIAN_12, file('var/lib/dpkg/status', Buffer.from([0, 1, 2, 255, 10, 10, 58, 58]))],
    ]);
    expect(catalog.packages).toEqual([]);
    expect(catalog.errors).toEqual([]);
  });
});
