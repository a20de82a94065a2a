import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname as dirnameOf, join } from 'node:path';
import { indexImage, readImageFiles, type FileContent, type FileRequest } from '../../src/images/filesystem.js';
import {
  MEDIA,
  buildTar,
  dir,
  file,
  hardlink,
  layerSource,
  opaque,
  sha256,
  symlink,
  tarFileHeader,
  tarLayer,
  whiteout,
  zstdCli,
  zstdStored,
} from '../support/layer-builder.js';

function collect(request: Omit<FileRequest, 'onFile' | 'name'> & { name?: string }) {
  const files: FileContent[] = [];
  const full: FileRequest = { name: 'test', ...request, onFile: (f) => void files.push(f) };
  return { request: full, files };
}

const half = (data: Buffer) => data.subarray(0, Math.floor(data.length / 2));

const paths = (index: Awaited<ReturnType<typeof indexImage>>) => [...index.entries()].map((e) => `${e.path}:${e.type}`);

describe('indexImage: whiteouts in layer order', () => {
  it('applies .wh. files and opaque directories to lower layers only and remembers what was deleted', async () => {
    const base = await tarLayer([
      dir('etc'),
      file('etc/secret.env', 'TOKEN=1'),
      file('etc/keep', 'keep'),
      dir('app'),
      file('app/a.js', 'a'),
      dir('app/sub'),
      file('app/sub/b.js', 'b'),
    ]);
    const upper = await tarLayer([
      whiteout('etc/secret.env'),
      dir('app'),
      opaque('app'),
      file('app/new.js', 'new'),
      file('etc/keep', 'keep v2'),
    ]);
    const index = await indexImage([base, upper]);
    expect(index.errors).toEqual([]);
    expect(paths(index)).toEqual(['app:dir', 'app/new.js:file', 'etc:dir', 'etc/keep:file']);
    expect(index.stat('etc/keep')?.layerDigest).toBe(upper.digest);
    expect(index.stat('app/new.js')?.layer).toBe(1);
    expect(index.deleted.map((d) => [d.path, d.layer, d.deletedBy]).sort()).toEqual([
      ['app/a.js', 0, 1],
      ['app/sub/b.js', 0, 1],
      ['etc/keep', 0, 1],
      ['etc/secret.env', 0, 1],
    ]);
  });

  it('keeps a file added in the same layer as an opaque marker, whatever the entry order', async () => {
    const base = await tarLayer([dir('d'), file('d/old', 'x')]);
    const upper = await tarLayer([file('d/fresh', 'y'), opaque('d')]);
    const index = await indexImage([base, upper]);
    expect(paths(index)).toEqual(['d:dir', 'd/fresh:file']);
  });

  it('hides lower content under a re-declared directory of the opaque layer', async () => {
    const base = await tarLayer([dir('d'), dir('d/inner'), file('d/inner/old', 'x')]);
    const upper = await tarLayer([dir('d'), opaque('d'), dir('d/inner'), file('d/inner/new', 'y')]);
    const index = await indexImage([base, upper]);
    expect(paths(index)).toEqual(['d:dir', 'd/inner:dir', 'd/inner/new:file']);
  });

  it('whites out a whole directory and a file replaced by a directory', async () => {
    const base = await tarLayer([dir('x'), file('x/1', '1'), file('y', 'was a file')]);
    const upper = await tarLayer([whiteout('x'), dir('y'), file('y/z', 'z')]);
    const index = await indexImage([base, upper]);
    expect(paths(index)).toEqual(['y:dir', 'y/z:file']);
    expect(index.deleted.map((d) => d.path).sort()).toEqual(['x/1', 'y']);
  });

  it('a whiteout for a path that does not exist changes nothing', async () => {
    const index = await indexImage([await tarLayer([file('a', 'a'), whiteout('missing')])]);
    expect(paths(index)).toEqual(['a:file']);
  });
});

describe('indexImage: compression', () => {
  const entries = [dir('etc'), file('etc/hostname', 'box\n')];

  it.each(['none', 'gzip', 'zstd'] as const)('reads %s layers', async (compression) => {
    const index = await indexImage([await tarLayer(entries, compression)]);
    expect(index.errors).toEqual([]);
    expect(paths(index)).toEqual(['etc:dir', 'etc/hostname:file']);
  });

  it('reads a layer compressed by the real zstd tool (multi-block, compressed blocks)', async () => {
    const big = Buffer.from('package: x\nversion: 1\n'.repeat(40_000));
    const data = await buildTar([file('big.txt', big), file('small.txt', 'hi')]);
    const compressed = zstdCli(data);
    if (!compressed) {
      console.warn('zstd command not installed: compressed-block zstd test used stored blocks instead');
    }
    const layer = layerSource(compressed ?? zstdStored(data), MEDIA.zstd);
    const index = await indexImage([layer]);
    expect(index.errors).toEqual([]);
    const { request, files } = collect({ paths: ['big.txt'], maxFileBytes: 10 * 1024 * 1024 });
    await readImageFiles(index, [request]);
    expect(files[0]?.data.equals(big)).toBe(true);
  });

  it('trusts magic bytes over the media type and says so', async () => {
    const data = await buildTar(entries);
    const index = await indexImage([layerSource(gzipSync(data), MEDIA.tar)]);
    expect(index.errors).toEqual([]);
    expect(paths(index)).toEqual(['etc:dir', 'etc/hostname:file']);
    expect(index.notes.list().join('\n')).toMatch(/says none but the content starts like gzip/);
  });
});

describe('indexImage: hostile layers', () => {
  it('rejects entries that climb out of the root and normalizes absolute ones', async () => {
    const index = await indexImage([
      await tarLayer([
        file('../../etc/evil', 'x'),
        file('/abs/ok', 'y'),
        file('a/../../b', 'z'),
        file('c/./d/../e', 'w'),
      ]),
    ]);
    expect(paths(index)).toEqual(['abs:dir', 'abs/ok:file', 'c:dir', 'c/e:file']);
    const notes = index.notes.list().join('\n');
    expect(notes).toMatch(/\.\.\/\.\.\/etc\/evil skipped: the name climbs above the image root/);
    expect(notes).toMatch(/a\/\.\.\/\.\.\/b skipped/);
  });

  it('resolves symlinks inside the root, never outside, and stops on loops', async () => {
    const index = await indexImage([
      await tarLayer([
        dir('usr/lib'),
        file('usr/lib/os-release', 'ID=debian\n'),
        dir('etc'),
        symlink('etc/os-release', '../usr/lib/os-release'),
        symlink('etc/escape', '../../../../usr/lib/os-release'),
        symlink('etc/abs', '/usr/lib/os-release'),
        symlink('loop1', 'loop2'),
        symlink('loop2', 'loop1'),
        symlink('self', 'self/x'),
      ]),
    ]);
    expect(index.stat('etc/os-release')?.path).toBe('usr/lib/os-release');
    expect(index.stat('etc/escape')?.path).toBe('usr/lib/os-release');
    expect(index.stat('etc/abs')?.path).toBe('usr/lib/os-release');
    expect(index.lookup('loop1')).toEqual({ reason: 'loop' });
    expect(index.lookup('self/y')).toEqual({ reason: 'loop' });
    expect(index.stat('etc/os-release', false)?.type).toBe('symlink');
    expect(index.notes.list().join('\n')).toMatch(
      /symlink etc\/escape -> \.\.\/\.\.\/\.\.\/\.\.\/usr\/lib\/os-release points outside/,
    );
  });

  it('places entries under a symlinked directory where an extractor would (merged /usr)', async () => {
    const base = await tarLayer([dir('usr/lib'), symlink('lib', 'usr/lib')]);
    const upper = await tarLayer([file('lib/apk/db/installed', 'P:x\n')]);
    const index = await indexImage([base, upper]);
    expect(index.stat('usr/lib/apk/db/installed', false)?.type).toBe('file');
    expect(index.stat('lib', false)?.type).toBe('symlink');
  });

  it('gives hardlinks the bytes of their target, including across layers', async () => {
    const base = await tarLayer([dir('bin'), file('bin/a', 'AAA'), hardlink('bin/b', 'bin/a')]);
    const upper = await tarLayer([hardlink('bin/c', 'bin/a'), hardlink('bin/dangling', 'nope')]);
    const index = await indexImage([base, upper]);
    const { request, files } = collect({ paths: ['bin/b', 'bin/c'], maxFileBytes: 100 });
    await readImageFiles(index, [request]);
    expect(files.map((f) => [f.path, f.data.toString()])).toEqual([
      ['bin/b', 'AAA'],
      ['bin/c', 'AAA'],
    ]);
    expect(index.stat('bin/dangling')?.type).toBe('other');
    expect(index.notes.list().join('\n')).toMatch(/hardlink bin\/dangling -> nope has no regular file/);
  });

  it('stops a gzip bomb at the per-layer limit with an error naming the layer', async () => {
    const data = await buildTar([file('zeros', Buffer.alloc(20 * 1024 * 1024))]);
    const bomb = layerSource(gzipSync(data, { level: 9 }), MEDIA.gzip);
    expect(bomb.size).toBeLessThan(data.length / 500);
    const good = await tarLayer([file('ok', 'ok')]);
    const index = await indexImage([good, bomb], { limits: { maxLayerBytes: 1024 * 1024 } });
    expect(index.errors.map((e) => [e.code, e.layer])).toEqual([['LAYER_TOO_LARGE', bomb.digest]]);
    expect(index.errors[0]?.message).toContain(bomb.digest);
    expect(paths(index)).toContain('ok:file');
  });

  it('stops a zstd RLE bomb and refuses oversized zstd windows', async () => {
    const header = await tarFileHeader('x', 600 * 1024 * 1024);
    const bomb = layerSource(zstdStored(header, { byte: 0x41, blocks: 5000 }), MEDIA.zstd);
    const index = await indexImage([bomb], { limits: { maxLayerBytes: 8 * 1024 * 1024 } });
    expect(index.errors.map((e) => e.code)).toEqual(['LAYER_TOO_LARGE']);

    const hugeWindow = zstdStored(Buffer.from('x'));
    hugeWindow[5] = 30 << 3; // window descriptor: 1 GiB
    const wide = await indexImage([layerSource(hugeWindow, MEDIA.zstd)]);
    expect(wide.errors[0]?.code).toBe('LAYER_CORRUPT');
    expect(wide.errors[0]?.message).toMatch(/window, more than the 134217728-byte limit/);
  });

  it('enforces the whole-image byte budget', async () => {
    const layer = await tarLayer([file('a', Buffer.alloc(300 * 1024))]);
    const index = await indexImage([layer, layer, layer], { limits: { maxImageBytes: 700 * 1024 } });
    expect(index.errors.map((e) => e.code)).toEqual(['IMAGE_TOO_LARGE']);
  });

  it.each([
    ['gzip (cut mid-stream)', (d: Buffer) => layerSource(half(gzipSync(d)), MEDIA.gzip)],
    ['gzip (cut in the trailer)', (d: Buffer) => layerSource(gzipSync(d).subarray(0, -3), MEDIA.gzip)],
    ['zstd', (d: Buffer) => layerSource(zstdStored(d).subarray(0, 900), MEDIA.zstd)],
    ['tar', (d: Buffer) => layerSource(d.subarray(0, 1300), MEDIA.tar)],
  ])('reports a truncated %s layer by digest', async (_kind, cut) => {
    const noise = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 251));
    const data = await buildTar([file('a', noise), file('b', noise)]);
    const layer = cut(data);
    const index = await indexImage([layer]);
    expect(index.errors.map((e) => e.code)).toEqual(['LAYER_TRUNCATED']);
    expect(index.errors[0]?.message).toMatch(new RegExp(`layer ${layer.digest} is truncated`));
  });

  it('caps the number of entries', async () => {
    const entries = Array.from({ length: 50 }, (_, i) => file(`f${i}`, ''));
    const index = await indexImage([await tarLayer(entries)], { limits: { maxEntries: 20 } });
    expect(index.errors.map((e) => e.code)).toEqual(['TOO_MANY_ENTRIES']);
  });

  it('does not allocate for sparse files and notes them', async () => {
    const sparse = {
      path: 'var/big.img',
      content: Buffer.alloc(1024, 1),
      pax: { 'GNU.sparse.major': '1', 'GNU.sparse.minor': '0', 'GNU.sparse.realsize': '10737418240' },
    };
    const index = await indexImage([await tarLayer([sparse])]);
    expect(index.stat('var/big.img')?.size).toBe(1024);
    expect(index.notes.list().join('\n')).toMatch(/sparse file \(10737418240 bytes\)/);
  });
});

describe('readImageFiles (pass 2)', () => {
  it('hands over only wanted final files, capped, and deleted files to whoever asks, opening only needed layers', async () => {
    const base = await tarLayer([file('etc/secret.env', 'TOKEN=abc'), file('var/lib/dpkg/status', 'old')]);
    const middle = await tarLayer([file('unrelated', 'u')]);
    const upper = await tarLayer([whiteout('etc/secret.env'), file('var/lib/dpkg/status', 'Package: new\n')]);
    const index = await indexImage([base, middle, upper]);
    const dpkg = collect({ paths: ['var/lib/dpkg/status'], maxFileBytes: 8 });
    const secrets = collect({ wantsDeleted: () => true, maxFileBytes: 100 });
    const opensBefore = [base.opens, middle.opens, upper.opens];
    await readImageFiles(index, [dpkg.request, secrets.request]);
    expect([base.opens, middle.opens, upper.opens].map((n, i) => n - (opensBefore[i] ?? 0))).toEqual([1, 0, 1]);
    expect(dpkg.files.map((f) => [f.path, f.data.toString(), f.truncated, f.layerDigest])).toEqual([
      ['var/lib/dpkg/status', 'Package:', true, upper.digest],
    ]);
    expect(
      secrets.files.map((f) => [f.path, f.data.toString(), f.layerDigest, f.deletedBy?.layerDigest]).sort(),
    ).toEqual([
      ['etc/secret.env', 'TOKEN=abc', base.digest, upper.digest],
      ['var/lib/dpkg/status', 'old', base.digest, upper.digest],
    ]);
  });

  it('matches files by predicate and skips files over the total budget with a note', async () => {
    const layer = await tarLayer([file('a/package.json', '{}'), file('b/package.json', '{"x":1}'), file('c.txt', '')]);
    const index = await indexImage([layer]);
    const npm = collect({ wants: (f) => f.path.endsWith('package.json'), maxFileBytes: 100, maxTotalBytes: 3 });
    await readImageFiles(index, [npm.request]);
    expect(npm.files.map((f) => f.path)).toEqual(['a/package.json']);
    expect(index.notes.list().join('\n')).toMatch(/b\/package.json not read: over the 3-byte total/);
  });

  it('reads the last duplicate entry of a path', async () => {
    const index = await indexImage([await tarLayer([file('dup', 'first'), file('dup', 'second')])]);
    const { request, files } = collect({ paths: ['dup'], maxFileBytes: 100 });
    await readImageFiles(index, [request]);
    expect(files.map((f) => f.data.toString())).toEqual(['second']);
    expect(index.deleted.map((d) => d.path)).toEqual(['dup']);
  });
});

describe('indexImage: whiteout corner cases', () => {
  it('keeps upper-layer files under a lower directory that an opaque marker, coming later, hides', async () => {
    const base = await tarLayer([dir('d'), dir('d/inner'), file('d/inner/old', 'x'), file('d/gone', 'g')]);
    const upper = await tarLayer([file('d/inner/new', 'y'), opaque('d')]);
    const index = await indexImage([base, upper]);
    expect(paths(index)).toEqual(['d:dir', 'd/inner:dir', 'd/inner/new:file']);
  });

  it('rejects names longer than PATH_MAX and survives very deep trees', async () => {
    const deep = Array.from({ length: 1500 }, () => 'a').join('/');
    const index = await indexImage([
      await tarLayer([file(`${'x'.repeat(5000)}`, 'long'), file(`${deep}/f`, 'deep')]),
      await tarLayer([opaque('a')]),
    ]);
    expect(index.errors).toEqual([]);
    expect(index.stat(`${deep}/f`)).toBeUndefined();
    expect(index.notes.list().join('\n')).toMatch(/skipped: the name is longer than 4096 bytes/);
  });
});

describe('indexImage: integrity and metadata', () => {
  it("checks the decompressed bytes against the layer's diff_id", async () => {
    const data = await buildTar([file('a', 'a')]);
    const good = { ...layerSource(gzipSync(data), MEDIA.gzip), diffId: sha256(data) };
    const bad = { ...layerSource(gzipSync(data), MEDIA.gzip), diffId: sha256(Buffer.from('other')) };
    expect((await indexImage([good])).errors).toEqual([]);
    const index = await indexImage([bad]);
    expect(index.errors.map((e) => [e.code, e.layer])).toEqual([['LAYER_DIFF_ID_MISMATCH', bad.digest]]);
    expect(index.errors[0]?.message).toContain(`not to the diff_id ${bad.diffId}`);
  });

  it('skips AUFS metadata and sums up absolute names in one note per layer', async () => {
    const layer = await tarLayer([
      dir('.wh..wh.plnk'),
      file('.wh..wh.plnk/123.456', 'x'),
      file('.wh..wh.aufs', ''),
      file('/etc/a', 'a'),
      file('/etc/b', 'b'),
    ]);
    const index = await indexImage([layer]);
    expect(paths(index)).toEqual(['etc:dir', 'etc/a:file', 'etc/b:file']);
    expect(index.notes.list()).toEqual([
      `layer ${layer.digest}: 2 entries have absolute names; read relative to the image root`,
    ]);
  });
});

describe('indexImage: stream framing', () => {
  const entries = [dir('etc'), file('etc/hostname', 'box\n'), file('etc/motd', 'x'.repeat(5000))];

  it('reads multi-frame zstd with a skippable frame (zstd:chunked appends one) and multi-member gzip', async () => {
    const data = await buildTar(entries);
    const cut = 1500;
    const skippable = Buffer.concat([
      Buffer.from([0x50, 0x2a, 0x4d, 0x18]),
      Buffer.from([5, 0, 0, 0]),
      Buffer.from('hello'),
    ]);
    const zstd = Buffer.concat([zstdStored(data.subarray(0, cut)), skippable, zstdStored(data.subarray(cut))]);
    const gz = Buffer.concat([gzipSync(data.subarray(0, cut)), gzipSync(data.subarray(cut))]);
    for (const layer of [layerSource(zstd, MEDIA.zstd, 7), layerSource(gz, MEDIA.gzip, 7)]) {
      const index = await indexImage([layer]);
      expect(index.errors).toEqual([]);
      expect(paths(index)).toEqual(['etc:dir', 'etc/hostname:file', 'etc/motd:file']);
    }
  });

  it('accepts an empty blob and the canonical empty layer (gzip of 1024 zero bytes)', async () => {
    const index = await indexImage([
      layerSource(Buffer.alloc(0), MEDIA.tar),
      layerSource(gzipSync(Buffer.alloc(1024)), MEDIA.gzip),
    ]);
    expect(index.errors).toEqual([]);
    expect(paths(index)).toEqual([]);
  });

  it('reports garbage that is neither compressed nor a tar', async () => {
    const layer = layerSource(Buffer.from('<html>502 Bad Gateway</html>'.repeat(40)), MEDIA.gzip);
    const index = await indexImage([layer]);
    expect(index.errors.map((e) => e.code)).toEqual(['LAYER_CORRUPT']);
    expect(index.errors[0]?.message).toMatch(new RegExp(`layer ${layer.digest} is not a readable tar stream`));
  });
});

describe('indexImage: layers written by GNU tar', () => {
  it.each(['gnu', 'posix'])('reads --format=%s with long names, hardlinks and symlinks', async (format) => {
    const work = mkdtempSync(join(tmpdir(), 'containersec-tar-'));
    try {
      const long = `opt/${'very-long-directory-name-'.repeat(6)}/package.json`;
      mkdirSync(join(work, 'root', dirnameOf(long)), { recursive: true });
      writeFileSync(join(work, 'root', long), '{"name":"x","version":"1.0.0"}');
      linkSync(join(work, 'root', long), join(work, 'root', 'opt/hard.json'));
      symlinkSync(long.slice('opt/'.length), join(work, 'root', 'opt/soft.json'));
      let data: Buffer;
      try {
        execFileSync('tar', [`--format=${format}`, '-C', join(work, 'root'), '-cf', join(work, 'layer.tar'), '.']);
        data = readFileSync(join(work, 'layer.tar'));
      } catch {
        console.warn('GNU tar not available: GNU-format layer test has nothing to read');
        return;
      }
      const index = await indexImage([layerSource(data, MEDIA.tar)]);
      expect(index.errors).toEqual([]);
      expect(index.stat(long)?.size).toBe(30);
      expect(index.stat('opt/soft.json')?.path).toBe(long);
      const { request, files } = collect({ paths: ['opt/hard.json', 'opt/soft.json'], maxFileBytes: 100 });
      await readImageFiles(index, [request]);
      expect(files.map((f) => f.data.toString())).toEqual([
        '{"name":"x","version":"1.0.0"}',
        '{"name":"x","version":"1.0.0"}',
      ]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('indexImage: opaque root', () => {
  it('keeps what an upper layer wrote through a symlinked directory when it also marks the root opaque', async () => {
    const base = await tarLayer([
      dir('usr/lib'),
      file('usr/lib/old', 'o'),
      symlink('lib', 'usr/lib'),
      file('etc/x', 'x'),
    ]);
    const upper = await tarLayer([file('lib/new', 'n'), { path: '.wh..wh..opq', content: '' }]);
    const index = await indexImage([base, upper]);
    expect(paths(index)).toEqual(['usr:dir', 'usr/lib:dir', 'usr/lib/new:file']);
  });
});

describe('notes', () => {
  it('escapes control characters from hostile entry names', async () => {
    const index = await indexImage([await tarLayer([file('../\u001b[31mred\nline', 'x')])]);
    const note = index.notes.list()[0] ?? '';
    expect(note).toContain('../\\x1b[31mred\\x0aline skipped');
    expect([...note].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
  });
});

describe('pass 1 keeps wanted files for pass 2 (prefetch)', () => {
  type Layer = Awaited<ReturnType<typeof tarLayer>>;
  const opens = (layers: Layer[]) => layers.map((layer) => layer.opens);

  /** Readers like the catalogers and the secret scanner, recording what they get, in order. */
  function readers() {
    const got: string[] = [];
    const record = (name: string) => (f: FileContent) =>
      void got.push(
        `${name} ${f.path}${f.resolvedPath ? `->${f.resolvedPath}` : ''} L${f.layer} ${f.size} ${JSON.stringify(f.data.toString())}${f.truncated ? ' truncated' : ''}${f.deletedBy ? ` deletedBy L${f.deletedBy.layer}` : ''}`,
      );
    const requests: FileRequest[] = [
      { name: 'os', paths: ['etc/os-release', 'usr/lib/os-release'], maxFileBytes: 100, onFile: record('os') },
      { name: 'dpkg', paths: ['var/lib/dpkg/status'], maxFileBytes: 6, onFile: record('dpkg') },
      {
        name: 'npm',
        wants: (f) => f.path.endsWith('/package.json'),
        maxFileBytes: 100,
        onFile: record('npm'),
      },
      {
        name: 'secrets',
        wants: (f) => f.path.endsWith('.env'),
        wantsDeleted: (f) => f.path.endsWith('.env'),
        maxFileBytes: 4,
        onFile: record('secrets'),
      },
    ];
    return { got, requests };
  }

  async function both(layers: Layer[], limits?: { maxPrefetchBytes: number }) {
    const plain = readers();
    const plainIndex = await indexImage(layers, limits ? { limits } : {});
    await readImageFiles(plainIndex, plain.requests);
    const before = opens(layers);
    const kept = readers();
    const index = await indexImage(layers, { ...(limits ? { limits } : {}), prefetch: kept.requests });
    await readImageFiles(index, kept.requests);
    return {
      plain: plain.got,
      kept: kept.got,
      reopened: opens(layers).map((n, i) => n - (before[i] ?? 0) - 1),
      left: index.prefetched.size,
    };
  }

  it('hands over exactly what pass 2 alone would, in the same order, without reading any layer twice', async () => {
    const base = await tarLayer([
      file('usr/lib/os-release', 'ID=debian\n'),
      symlink('etc/os-release', '../usr/lib/os-release'),
      file('var/lib/dpkg/status', 'Package: a\n'),
      file('app/.env', 'TOKEN=one'),
      file('app/node_modules/a/package.json', '{"name":"a"}'),
      file('app/node_modules/a/package.json', '{"name":"a2"}'),
      file('unrelated.bin', Buffer.alloc(5000, 1)),
    ]);
    const upper = await tarLayer([
      whiteout('app/.env'),
      file('app/node_modules/b/package.json', '{"name":"b"}'),
      hardlink('app/node_modules/c/package.json', 'app/node_modules/b/package.json'),
      file('var/lib/dpkg/status', 'Package: b\n'),
    ]);
    const result = await both([base, upper]);
    expect(result.kept).toEqual(result.plain);
    expect(result.kept).toEqual([
      'os etc/os-release->usr/lib/os-release L0 10 "ID=debian\\n"',
      'os usr/lib/os-release L0 10 "ID=debian\\n"',
      'secrets app/.env L0 9 "TOKE" truncated deletedBy L1',
      'npm app/node_modules/a/package.json L0 13 "{\\"name\\":\\"a2\\"}"',
      'npm app/node_modules/b/package.json L1 12 "{\\"name\\":\\"b\\"}"',
      'npm app/node_modules/c/package.json L1 12 "{\\"name\\":\\"b\\"}"',
      'dpkg var/lib/dpkg/status L1 11 "Packag" truncated',
    ]);
    expect(result.reopened).toEqual([0, 0]);
    expect(result.left).toBe(0);
  });

  it('reads a layer again for a path that only a later layer makes point at one of its files', async () => {
    const base = await tarLayer([file('usr/lib/os-release', 'ID=alpine\n'), file('srv/big', Buffer.alloc(3000))]);
    const upper = await tarLayer([symlink('etc/os-release', '/usr/lib/os-release')]);
    const only = readers();
    only.requests.splice(1); // the os reader, asking for etc/os-release only
    only.requests[0] = { ...only.requests[0]!, paths: ['etc/os-release'] };
    const index = await indexImage([base, upper], { prefetch: only.requests });
    expect(index.prefetched.size).toBe(0);
    await readImageFiles(index, only.requests);
    expect(only.got).toEqual(['os etc/os-release->usr/lib/os-release L0 10 "ID=alpine\\n"']);
    expect(opens([base, upper])).toEqual([2, 1]);
  });

  it('reads a file again when a reader needs more of it than pass 1 kept', async () => {
    const base = await tarLayer([file('srv/.env', 'SECRET=1234567890')]);
    const upper = await tarLayer([symlink('etc/os-release', '../srv/.env')]);
    const { got, requests } = readers();
    const index = await indexImage([base, upper], { prefetch: requests });
    // Kept for the secret scanner (4 bytes) only: the os reader's path did not resolve to it yet.
    expect([...index.prefetched.values()].map((c) => [c.data.toString(), c.truncated])).toEqual([['SECR', true]]);
    await readImageFiles(index, requests);
    expect(got).toEqual([
      'os etc/os-release->srv/.env L0 17 "SECRET=1234567890"',
      'secrets srv/.env L0 17 "SECR" truncated',
    ]);
    expect(opens([base, upper])).toEqual([2, 1]);
  });

  it('keeps no more than maxPrefetchBytes and reads the rest in pass 2', async () => {
    const base = await tarLayer([
      file('a/package.json', 'x'.repeat(60)),
      file('b/package.json', 'y'.repeat(60)),
      file('c/package.json', 'z'.repeat(30)),
    ]);
    const limits = { maxPrefetchBytes: 100 + 2 * 512 }; // data, and 512 bytes per kept file
    const kept = readers();
    const index = await indexImage([base], { limits, prefetch: kept.requests });
    expect([...index.prefetched.values()].map((c) => c.data.length)).toEqual([60, 30]);
    const result = await both([base], limits);
    expect(result.kept).toEqual(result.plain);
    expect(result.kept.map((line) => line.split(' ')[1])).toEqual([
      'a/package.json',
      'b/package.json',
      'c/package.json',
    ]);
    expect(result.reopened).toEqual([1]);
  });

  it('counts a fixed cost per kept file, so many empty files cannot get past the cap for free', async () => {
    const files = Array.from({ length: 40 }, (_, i) => file(`m${i}/package.json`, ''));
    const layer = await tarLayer(files);
    const kept = readers();
    const index = await indexImage([layer], { limits: { maxPrefetchBytes: 10 * 512 }, prefetch: kept.requests });
    expect(index.prefetched.size).toBe(10);
    await readImageFiles(index, kept.requests);
    expect(kept.got).toHaveLength(40);
  });

  it('still hands over what it kept from a layer that turns out truncated', async () => {
    const noise = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 251));
    const whole = gzipSync(await buildTar([file('app/.env', 'K=v'), file('noise', noise), file('more', noise)]));
    const cut = layerSource(half(whole), MEDIA.gzip);
    const plain = readers();
    const plainIndex = await indexImage([cut]);
    await readImageFiles(plainIndex, plain.requests);
    const kept = readers();
    const index = await indexImage([cut], { prefetch: kept.requests });
    await readImageFiles(index, kept.requests);
    expect(index.errors.map((e) => e.code)).toEqual(['LAYER_TRUNCATED']);
    expect(kept.got).toEqual(plain.got);
    expect(kept.got).toEqual(['secrets app/.env L0 3 "K=v"']);
  });
});
