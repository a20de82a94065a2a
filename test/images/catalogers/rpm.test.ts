import { describe, expect, it } from 'vitest';
import { RPMTAG, RpmHeader, parseSourceRpm } from '../../../src/images/catalogers/rpm-header.js';
import { parseRpmManifest, readRpmdbSqlite } from '../../../src/images/catalogers/rpm.js';
import { adler32 } from '../../../src/images/catalogers/rpm-ndb.js';
import { file } from '../../support/layer-builder.js';
import { catalogLayers, summary } from '../../support/image.js';
import {
  buildBerkeleyRpmdb,
  buildRealRpmdb,
  encodeNdb,
  encodeRpmHeader,
  rpmdbBlobs,
  sqliteRpmdb,
  type HeaderTag,
} from '../../support/rpmdb.js';

const ROCKY_9 = file('etc/os-release', 'ID="rocky"\nVERSION_ID="9.3"\nPRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"\n');

function header(name: string, version: string, release: string, extra: HeaderTag[] = []): Buffer {
  return encodeRpmHeader([
    { tag: RPMTAG.NAME, type: 'STRING', value: name },
    { tag: RPMTAG.VERSION, type: 'STRING', value: version },
    { tag: RPMTAG.RELEASE, type: 'STRING', value: release },
    ...extra,
  ]);
}

describe('rpm header blobs', () => {
  it('reads strings, epoch and the file list', () => {
    const blob = header('openssl-libs', '3.0.7', '27.el9', [
      { tag: RPMTAG.EPOCH, type: 'INT32', value: [1] },
      { tag: RPMTAG.ARCH, type: 'STRING', value: 'x86_64' },
      { tag: RPMTAG.SOURCERPM, type: 'STRING', value: 'openssl-3.0.7-27.el9.src.rpm' },
      { tag: RPMTAG.DIRNAMES, type: 'STRING_ARRAY', value: ['/usr/lib64/', '/etc/pki/'] },
      { tag: RPMTAG.BASENAMES, type: 'STRING_ARRAY', value: ['libssl.so.3', 'tls'] },
      { tag: RPMTAG.DIRINDEXES, type: 'INT32', value: [0, 1] },
    ]);
    const parsed = RpmHeader.parse(blob, new Set(Object.values(RPMTAG)));
    expect(parsed.string(RPMTAG.NAME)).toBe('openssl-libs');
    expect(parsed.numbers(RPMTAG.EPOCH)).toEqual([1]);
    expect(parsed.strings(RPMTAG.BASENAMES)).toEqual(['libssl.so.3', 'tls']);
    expect(parseSourceRpm('openssl-3.0.7-27.el9.src.rpm')).toEqual({ name: 'openssl', version: '3.0.7-27.el9' });
    expect(parseSourceRpm('python3-pip-21.3.1-1.el9.nosrc.rpm')).toEqual({
      name: 'python3-pip',
      version: '21.3.1-1.el9',
    });
    expect(parseSourceRpm('garbage')).toBeUndefined();
  });

  it.each([
    ['too short', Buffer.from([0, 0, 0])],
    ['index count over the data', Buffer.from([0, 0, 0, 9, 0, 0, 0, 0])],
    ['zero entries', Buffer.from([0, 0, 0, 0, 0, 0, 0, 0])],
    ['huge data length', Buffer.from([0, 0, 0, 1, 0x7f, 0xff, 0xff, 0xff])],
  ])('rejects a hostile blob: %s', (_name, blob) => {
    expect(() => RpmHeader.parse(blob, new Set([RPMTAG.NAME]))).toThrow();
  });

  it('ignores entries pointing outside the data or at unterminated strings', () => {
    const blob = header('a', '1', '1');
    blob.writeInt32BE(1_000_000, 8 + 8); // NAME offset far outside
    const parsed = RpmHeader.parse(blob, new Set([RPMTAG.NAME, RPMTAG.VERSION]));
    expect(parsed.string(RPMTAG.NAME)).toBeUndefined();
    expect(parsed.string(RPMTAG.VERSION)).toBe('1');
  });
});

describe('rpm cataloger', () => {
  it('catalogs an rpmdb.sqlite, skips gpg-pubkey and bad headers, and owns the files it lists', async () => {
    const db = await sqliteRpmdb([
      header('bash', '5.1.8', '9.el9', [
        { tag: RPMTAG.ARCH, type: 'STRING', value: 'x86_64' },
        { tag: RPMTAG.SOURCERPM, type: 'STRING', value: 'bash-5.1.8-9.el9.src.rpm' },
      ]),
      header('python3-idna', '2.10', '7.el9.1', [
        { tag: RPMTAG.EPOCH, type: 'INT32', value: [2] },
        { tag: RPMTAG.ARCH, type: 'STRING', value: 'noarch' },
        { tag: RPMTAG.SOURCERPM, type: 'STRING', value: 'python-idna-2.10-7.el9.1.src.rpm' },
        {
          tag: RPMTAG.DIRNAMES,
          type: 'STRING_ARRAY',
          value: ['/usr/lib/python3.9/site-packages/idna-2.10-py3.9.egg-info/'],
        },
        { tag: RPMTAG.BASENAMES, type: 'STRING_ARRAY', value: ['PKG-INFO'] },
        { tag: RPMTAG.DIRINDEXES, type: 'INT32', value: [0] },
      ]),
      header('gpg-pubkey', '8483c65d', '5ccc5b19'),
      Buffer.from('not a header'),
    ]);
    const { catalog } = await catalogLayers([
      [
        ROCKY_9,
        file('var/lib/rpm/rpmdb.sqlite', db),
        file('usr/lib/python3.9/site-packages/idna-2.10-py3.9.egg-info/PKG-INFO', 'Name: idna\nVersion: 2.10\n'),
      ],
    ]);
    expect(
      catalog.packages.map((p) => [p.ecosystem, p.name, p.version, p.sourceName, p.sourceVersion, p.purl]),
    ).toEqual([
      [
        'Rocky Linux:9',
        'bash',
        '5.1.8-9.el9',
        'bash',
        '5.1.8-9.el9',
        'pkg:rpm/rocky/bash@5.1.8-9.el9?arch=x86_64&distro=rocky-9.3&upstream=bash-5.1.8-9.el9.src.rpm',
      ],
      [
        'Rocky Linux:9',
        'python3-idna',
        '2:2.10-7.el9.1',
        'python-idna',
        '2:2.10-7.el9.1',
        'pkg:rpm/rocky/python3-idna@2.10-7.el9.1?arch=noarch&distro=rocky-9.3&epoch=2&upstream=python-idna-2.10-7.el9.1.src.rpm',
      ],
    ]);
    expect(catalog.notes.join('\n')).toMatch(/rpm: 1 unreadable package headers/);
  });

  it('reads a real rpmdb.sqlite written by rpm', async () => {
    const db = buildRealRpmdb([
      {
        name: 'hello-tool',
        version: '1.2.3',
        release: '4.el9',
        epoch: 2,
        arch: 'noarch',
        files: ['/usr/share/hello/README'],
      },
      { name: 'libdemo', version: '0.9', release: '1.el9', arch: 'x86_64', files: ['/usr/lib64/libdemo.so.0'] },
      {
        name: 'python3-demo',
        version: '1.0',
        release: '1.el9',
        arch: 'noarch',
        files: ['/usr/lib/python3.9/site-packages/demo-1.0.dist-info/METADATA'],
      },
    ]);
    if (!db) {
      console.warn('rpm/rpmbuild not installed (apt-get install rpm): real rpmdb test used nothing');
      return;
    }
    const { records } = await readRpmdbSqlite(db);
    expect(records.map((r) => [r.name, r.version, r.release, r.epoch, r.arch, r.files]).sort()).toEqual([
      ['hello-tool', '1.2.3', '4.el9', 2, 'noarch', ['/usr/share/hello/README']],
      ['libdemo', '0.9', '1.el9', undefined, 'x86_64', ['/usr/lib64/libdemo.so.0']],
      [
        'python3-demo',
        '1.0',
        '1.el9',
        undefined,
        'noarch',
        ['/usr/lib/python3.9/site-packages/demo-1.0.dist-info/METADATA'],
      ],
    ]);
    const { catalog } = await catalogLayers([
      [
        ROCKY_9,
        file('usr/lib/sysimage/rpm/rpmdb.sqlite', db),
        file(
          'usr/lib/python3.9/site-packages/demo-1.0.dist-info/METADATA',
          'Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n',
        ),
      ],
    ]);
    expect(summary(catalog.packages)).toEqual([
      'Rocky Linux:9 hello-tool@2:1.2.3-4.el9',
      'Rocky Linux:9 libdemo@0.9-1.el9',
      'Rocky Linux:9 python3-demo@1.0-1.el9',
    ]);
  });

  it('notes an rpmdb that is not SQLite and stale older databases beside it, and keeps cataloguing', async () => {
    const { catalog } = await catalogLayers([
      [
        ROCKY_9,
        file('var/lib/rpm/rpmdb.sqlite', 'this is not sqlite'.repeat(100)),
        file('var/lib/rpm/Packages', Buffer.alloc(4096)),
        file('usr/lib/sysimage/rpm/Packages.db', Buffer.alloc(64)),
        file('app/node_modules/left-pad/package.json', '{"name":"left-pad","version":"1.3.0"}'),
      ],
    ]);
    expect(summary(catalog.packages)).toEqual(['npm left-pad@1.3.0']);
    const notes = catalog.notes.join('\n');
    expect(notes).toMatch(
      /rpm: \/var\/lib\/rpm\/rpmdb.sqlite is not a readable rpm database \(not an SQLite database\)/,
    );
    expect(notes).toMatch(/\/var\/lib\/rpm\/Packages ignored: the image also has a newer-format rpm database/);
    expect(notes).toMatch(/\/usr\/lib\/sysimage\/rpm\/Packages.db ignored: the image also has a newer-format/);
  });

  it('reads the rpm manifest of Mariner distroless images (no rpmdb), with (none) and numeric epochs', async () => {
    const row = (...fields: string[]) => fields.join('\t');
    const manifest = [
      row(
        'glibc',
        '2.35-7.cm2',
        '1700000000',
        '1699990000',
        'Microsoft Corporation',
        '(none)',
        '10855265',
        'x86_64',
        '0',
        'glibc-2.35-7.cm2.src.rpm',
      ),
      row(
        'openssl-libs',
        '1.1.1k-28.cm2',
        '1700000000',
        '1699990000',
        'Microsoft Corporation',
        '(none)',
        '4365048',
        'x86_64',
        '0',
        'openssl-1.1.1k-28.cm2.src.rpm',
      ),
      row(
        'vim-minimal',
        '9.0.2121-1.cm2',
        '1700000000',
        '1699990000',
        'Microsoft Corporation',
        '2',
        '45000',
        'x86_64',
        '2',
        'vim-9.0.2121-1.cm2.src.rpm',
      ),
      row('short', 'line'),
      row('noversion', 'x', '1', '1', 'v', '(none)', '1', 'noarch', '0', 'noversion-1-1.src.rpm'),
      row('badepoch', '1-1', '1', '1', 'v', 'one', '1', 'noarch', '0', 'badepoch-1-1.src.rpm'),
      '',
    ].join('\n');
    expect(parseRpmManifest(manifest).bad).toBe(3);
    const { catalog } = await catalogLayers([
      [
        file(
          'etc/os-release',
          'NAME="Common Base Linux Mariner"\nVERSION="2.0.20240123"\nID=mariner\nVERSION_ID="2.0"\n',
        ),
        file('var/lib/rpmmanifest/container-manifest-2', manifest),
      ],
    ]);
    expect(catalog.packages.map((p) => [p.name, p.version, p.sourceName, p.sourceVersion, p.arch])).toEqual([
      ['glibc', '2.35-7.cm2', 'glibc', '2.35-7.cm2', 'x86_64'],
      ['openssl-libs', '1.1.1k-28.cm2', 'openssl', '1.1.1k-28.cm2', 'x86_64'],
      ['vim-minimal', '2:9.0.2121-1.cm2', 'vim', '2:9.0.2121-1.cm2', 'x86_64'],
    ]);
    expect(catalog.packages[2]?.purl).toBe(
      'pkg:rpm/mariner/vim-minimal@9.0.2121-1.cm2?arch=x86_64&distro=mariner-2.0&epoch=2&upstream=vim-9.0.2121-1.cm2.src.rpm',
    );
    expect(catalog.notes.join('\n')).toMatch(
      /rpm: 3 malformed lines in \/var\/lib\/rpmmanifest\/container-manifest-2 skipped/,
    );
  });

  it('notes a Berkeley DB Packages file that is garbage', async () => {
    const { catalog } = await catalogLayers([[ROCKY_9, file('var/lib/rpm/Packages', Buffer.alloc(8192, 7))]]);
    expect(catalog.packages).toEqual([]);
    expect(catalog.notes.join('\n')).toMatch(
      /\/var\/lib\/rpm\/Packages is not a readable rpm database \(not a Berkeley DB hash database\)/,
    );
  });

  it.each([4096, 512])('reads a Berkeley DB Packages file written by Berkeley DB (page size %i)', async (pageSize) => {
    const blobs: Uint8Array[] = [
      header('bash', '4.4.20', '4.el8_6', [
        { tag: RPMTAG.ARCH, type: 'STRING', value: 'x86_64' },
        { tag: RPMTAG.SOURCERPM, type: 'STRING', value: 'bash-4.4.20-4.el8_6.src.rpm' },
        { tag: RPMTAG.VENDOR, type: 'STRING', value: 'x'.repeat(3000) },
      ]),
      header('tzdata', '2024a', '1.el8', [{ tag: RPMTAG.ARCH, type: 'STRING', value: 'noarch' }]),
    ];
    const real = buildRealRpmdb([
      { name: 'hello-tool', version: '1.2.3', release: '4.el8', arch: 'noarch', files: ['/usr/share/hello/README'] },
    ]);
    if (real) blobs.push(...(await rpmdbBlobs(real)));
    const bdb = buildBerkeleyRpmdb(blobs, pageSize);
    if (!bdb) {
      console.warn('db_load not installed (apt-get install db-util): Berkeley DB rpmdb test used nothing');
      return;
    }
    const { catalog } = await catalogLayers([
      [file('etc/os-release', 'ID="almalinux"\nVERSION_ID="8.9"\n'), file('var/lib/rpm/Packages', bdb)],
    ]);
    expect(summary(catalog.packages)).toEqual([
      'AlmaLinux:8 bash@4.4.20-4.el8_6',
      ...(real ? ['AlmaLinux:8 hello-tool@1.2.3-4.el8'] : []),
      'AlmaLinux:8 tzdata@2024a-1.el8',
    ]);
    expect(catalog.notes.filter((n) => n.startsWith('rpm:'))).toEqual([]);
  });

  it('notes a corrupt SQLite file', async () => {
    const db = await sqliteRpmdb([header('a', '1', '1')]);
    db.fill(0xee, 100, 4096);
    const { catalog } = await catalogLayers([[ROCKY_9, file('var/lib/rpm/rpmdb.sqlite', db)]]);
    expect(catalog.packages).toEqual([]);
    expect(catalog.notes.join('\n')).toMatch(/rpmdb.sqlite is not a readable rpm database/);
  });

  it('reads an NDB Packages.db and rejects blobs whose checksum or framing is wrong', async () => {
    const blobs: Uint8Array[] = [
      header('zypper', '1.14.73', '150600.10.6.1', [{ tag: RPMTAG.ARCH, type: 'STRING', value: 'x86_64' }]),
      header('libzypp', '17.35.16', '150600.3.33.1', [{ tag: RPMTAG.ARCH, type: 'STRING', value: 'x86_64' }]),
      header('corrupted', '1', '1'),
    ];
    const real = buildRealRpmdb([
      { name: 'hello-tool', version: '1.2.3', release: '1.1', arch: 'noarch', files: ['/usr/share/hello/README'] },
    ]);
    if (real) blobs.splice(2, 0, ...(await rpmdbBlobs(real)));
    const db = encodeNdb(blobs, adler32);
    const last = db.lastIndexOf(Buffer.from('corrupted'));
    db[last] = 0x43; // flip one byte of the last blob: its Adler-32 no longer matches
    const { catalog } = await catalogLayers([
      [
        file('etc/os-release', 'ID="sles"\nVERSION_ID="15.6"\nPRETTY_NAME="SUSE Linux Enterprise Server 15 SP6"\n'),
        file('usr/lib/sysimage/rpm/Packages.db', db),
      ],
    ]);
    expect(summary(catalog.packages)).toEqual([
      ...(real ? ['SUSE:Linux Enterprise Server 15 SP6 hello-tool@1.2.3-1.1'] : []),
      'SUSE:Linux Enterprise Server 15 SP6 libzypp@17.35.16-150600.3.33.1',
      'SUSE:Linux Enterprise Server 15 SP6 zypper@1.14.73-150600.10.6.1',
    ]);
    expect(catalog.notes.join('\n')).toMatch(
      /rpm: 1 unreadable package headers in \/usr\/lib\/sysimage\/rpm\/Packages.db/,
    );
  });

  it('computes Adler-32 as RFC 1950 does', () => {
    expect(adler32(Buffer.from('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(Buffer.alloc(100_000, 0xff))).toBe(0x149a302c);
  });
});
