import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { osvEcosystem, parseOsRelease } from '../../../src/images/catalogers/os-release.js';
import { file, symlink, dir } from '../../support/layer-builder.js';
import { catalogLayers } from '../../support/image.js';

const release = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([k, v]) => `${k}="${v}"`)
    .join('\n');

describe('os-release', () => {
  it('parses quoting and escapes as os-release(5) says', () => {
    expect(
      parseOsRelease('# comment\nID=debian\nNAME="Debian \\"GNU\\"/Linux"\nVERSION_ID=\'12\'\nBAD LINE\nX=a\\$b\n'),
    ).toEqual({ ID: 'debian', NAME: 'Debian "GNU"/Linux', VERSION_ID: '12', X: 'a\\$b' });
  });

  it.each([
    [{ id: 'debian', versionId: '12' }, 'Debian:12'],
    [{ id: 'debian', versionCodename: 'bookworm' }, 'Debian:12'],
    [{ id: 'ubuntu', versionId: '22.04', version: '22.04.4 LTS (Jammy Jellyfish)' }, 'Ubuntu:22.04:LTS'],
    [{ id: 'ubuntu', versionId: '24.10', version: '24.10 (Oracular Oriole)' }, 'Ubuntu:24.10'],
    [{ id: 'alpine', versionId: '3.20.3' }, 'Alpine:v3.20'],
    [{ id: 'almalinux', versionId: '9.4' }, 'AlmaLinux:9'],
    [{ id: 'rocky', versionId: '9.3' }, 'Rocky Linux:9'],
    [{ id: 'wolfi', versionId: '20230201' }, 'Wolfi'],
    [{ id: 'chainguard' }, 'Chainguard'],
    [{ id: 'photon', versionId: '5.0' }, 'Photon OS:5.0'],
    [{ id: 'opensuse-leap', versionId: '15.5', prettyName: 'openSUSE Leap 15.5' }, 'openSUSE:Leap 15.5'],
    [
      { id: 'sles', versionId: '15.5', prettyName: 'SUSE Linux Enterprise Server 15 SP5' },
      'SUSE:Linux Enterprise Server 15 SP5',
    ],
  ])('maps %j to %s', (os, ecosystem) => {
    expect(osvEcosystem(os).ecosystem).toBe(ecosystem);
  });

  it.each([
    [{ id: 'rhel', versionId: '9.4' }, /product stream CPE/],
    [{ id: 'alpine', versionId: '3.21_alpha20240807' }, /not a release branch/],
    [{ id: 'fedora', versionId: '40' }, /no OSV ecosystem is known for the distribution "fedora"/],
  ])('explains why %j has no ecosystem', (os, note) => {
    const result = osvEcosystem(os);
    expect(result.ecosystem).toBeUndefined();
    expect(result.note).toMatch(note);
  });

  it('follows the etc/os-release symlink and prefers it over usr/lib', async () => {
    const { catalog } = await catalogLayers([
      [
        dir('usr/lib'),
        file(
          'usr/lib/os-release',
          release({ ID: 'ubuntu', VERSION_ID: '22.04', VERSION: '22.04.4 LTS (Jammy Jellyfish)' }),
        ),
        dir('etc'),
        symlink('etc/os-release', '../usr/lib/os-release'),
      ],
    ]);
    expect(catalog.os).toMatchObject({
      id: 'ubuntu',
      ecosystem: 'Ubuntu:22.04:LTS',
      distro: 'ubuntu-22.04',
      path: 'etc/os-release',
    });
  });

  it.each([
    [[file('etc/alpine-release', '3.19.1\n')], 'Alpine:v3.19'],
    [[file('etc/debian_version', '11.9\n')], 'Debian:11'],
    [[file('etc/debian_version', 'bookworm/sid\n')], 'Debian:12'],
    [[file('etc/redhat-release', 'Rocky Linux release 8.9 (Green Obsidian)\n')], 'Rocky Linux:8'],
    [[file('etc/redhat-release', 'AlmaLinux release 9.4 (Seafoam Ocelot)\n')], 'AlmaLinux:9'],
  ])('falls back to release files when os-release is missing', async (entries, ecosystem) => {
    const { catalog } = await catalogLayers([entries]);
    expect(catalog.os?.ecosystem).toBe(ecosystem);
  });

  it('an os-release deleted by a later layer no longer identifies the image', async () => {
    const { catalog } = await catalogLayers([
      [file('etc/os-release', 'ID=alpine\nVERSION_ID=3.20.0\n')],
      [file('etc/.wh.os-release', '')],
    ]);
    expect(catalog.os).toBeUndefined();
  });

  it("reads this machine's own os-release", async () => {
    const path = ['/etc/os-release', '/usr/lib/os-release'].find((p) => existsSync(p));
    if (!path) {
      console.warn('no os-release on this machine: host os-release test has nothing to read');
      return;
    }
    const text = readFileSync(path, 'utf8');
    const { catalog } = await catalogLayers([[file('etc/os-release', text)]]);
    expect(catalog.os?.id).toBe(parseOsRelease(text).ID);
  });
});
