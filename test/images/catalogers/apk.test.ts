import { describe, expect, it } from 'vitest';
import { parseApkInstalled } from '../../../src/images/catalogers/apk.js';
import { dir, file, symlink } from '../../support/layer-builder.js';
import { catalogLayers } from '../../support/image.js';

/** The layout apk-tools 2.14 writes (Alpine 3.20): one field per line, records split by blank lines. */
const INSTALLED = `C:Q1gHnK/lQnOANwJ2K9vbdsjtIuIXw=
P:musl
V:1.2.5-r0
A:x86_64
S:411323
I:637952
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Natanael Copa <ncopa@alpinelinux.org>
t:1712245315
c:4fe5a5d3b3c0e3eaa5f1f0bf4b2d6e2c5ba8a8a5
p:so:libc.musl-x86_64.so.1=1
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1Vt/pC3I5xV8Hgdn9sr27VQF1Rps=
R:libc.musl-x86_64.so.1
a:0:0:777
Z:Q17yJ3JFNypA4mxhJJr0ou6CzsJVI=

C:Q1Cjl3JL7EnDQQaL0AnnKE86Dw4zI=
P:libcrypto3
V:3.3.2-r0
A:x86_64
S:1750193
I:4354048
T:Crypto library from openssl
U:https://www.openssl.org/
L:Apache-2.0
o:openssl
m:Ariadne Conill <ariadne@dereferenced.org>
t:1725364862
c:a92ae5c7ae9f3d1c4c7d6e7ea63e1d9c1b3f1d7c
D:so:libc.musl-x86_64.so.1
p:so:libcrypto.so.3=3
F:usr
F:usr/lib
R:libcrypto.so.3
a:0:0:755
Z:Q1DnU8ugEHTsgzh8l4ggvcGNfTqAk=
F:usr/lib/python3.12/site-packages/cryptolib-1.0.dist-info
R:METADATA

P:no-version-record
A:x86_64
`;

describe('apk installed database', () => {
  it('parses packages, origins, licences and owned files', () => {
    expect(parseApkInstalled(INSTALLED)).toEqual([
      {
        name: 'musl',
        version: '1.2.5-r0',
        arch: 'x86_64',
        origin: 'musl',
        license: 'MIT',
        files: ['lib/ld-musl-x86_64.so.1', 'lib/libc.musl-x86_64.so.1'],
      },
      {
        name: 'libcrypto3',
        version: '3.3.2-r0',
        arch: 'x86_64',
        origin: 'openssl',
        license: 'Apache-2.0',
        files: ['usr/lib/libcrypto.so.3', 'usr/lib/python3.12/site-packages/cryptolib-1.0.dist-info/METADATA'],
      },
    ]);
  });

  it('catalogs Alpine packages once even when lib/apk is a symlink to usr/lib/apk, and skips owned files', async () => {
    const { catalog, sources } = await catalogLayers([
      [
        file('etc/os-release', 'ID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n'),
        dir('usr/lib/apk/db'),
        file('usr/lib/apk/db/installed', INSTALLED),
        symlink('lib/apk', '../usr/lib/apk'),
        file('usr/lib/python3.12/site-packages/cryptolib-1.0.dist-info/METADATA', 'Name: cryptolib\nVersion: 1.0\n'),
      ],
    ]);
    expect(catalog.packages.map((p) => [p.ecosystem, p.name, p.version, p.sourceName, p.purl, p.layer])).toEqual([
      [
        'Alpine:v3.20',
        'musl',
        '1.2.5-r0',
        'musl',
        'pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3',
        sources[0]?.digest,
      ],
      [
        'Alpine:v3.20',
        'libcrypto3',
        '3.3.2-r0',
        'openssl',
        'pkg:apk/alpine/libcrypto3@3.3.2-r0?arch=x86_64&distro=alpine-3.20.3&upstream=openssl',
        sources[0]?.digest,
      ],
    ]);
  });

  it('uses the Wolfi ecosystem and namespace', async () => {
    const { catalog } = await catalogLayers([
      [
        file('etc/os-release', 'ID=wolfi\nVERSION_ID=20230201\n'),
        file('lib/apk/db/installed', 'P:glibc\nV:2.40-r3\nA:x86_64\no:glibc\n'),
      ],
    ]);
    expect(catalog.packages.map((p) => [p.ecosystem, p.purl])).toEqual([
      ['Wolfi', 'pkg:apk/wolfi/glibc@2.40-r3?arch=x86_64&distro=wolfi-20230201'],
    ]);
  });
});
