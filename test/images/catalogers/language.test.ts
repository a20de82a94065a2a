import { describe, expect, it } from 'vitest';
import { toCycloneDx } from '../../../src/sbom/cyclonedx.js';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isNpmPackageRoot } from '../../../src/images/catalogers/npm.js';
import { normalizePythonName, parseCoreMetadata } from '../../../src/images/catalogers/python.js';
import { parseGemspec } from '../../../src/images/catalogers/ruby.js';
import { file, type LayerEntry } from '../../support/layer-builder.js';
import { catalogLayers, summary } from '../../support/image.js';
import { storedZip } from '../../support/zip.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (path: string) => readFileSync(join(REPO, path));
/** A stored (uncompressed) ZIP archive (APPNOTE 4.3): enough to build a zipped egg. */
const manifest = (path: string) => JSON.parse(read(path).toString()) as { name: string; version: string };

describe('npm', () => {
  it.each([
    ['app/node_modules/yaml/package.json', true],
    ['app/node_modules/@types/node/package.json', true],
    ['app/node_modules/a/node_modules/b/package.json', true],
    ['node_modules/x/package.json', true],
    ['app/package.json', false],
    ['app/node_modules/yaml/dist/package.json', false],
    ['app/node_modules/@types/package.json', false],
    ['app/node_modules/.bin/package.json', false],
    ['app/node_modules/.package-lock.json', false],
  ])('%s is a package root: %s', (path, expected) => {
    expect(isNpmPackageRoot(path)).toBe(expected);
  });

  it("catalogs the repository's own installed packages (plain, scoped, nested) and skips non-roots and bad JSON", async () => {
    const nested = 'node_modules/@eslint/config-array/node_modules/minimatch/package.json';
    const sources = ['node_modules/yaml/package.json', 'node_modules/@types/node/package.json', nested].filter((p) =>
      existsSync(join(REPO, p)),
    );
    expect(sources.length).toBeGreaterThanOrEqual(2);
    const entries: LayerEntry[] = sources.map((p) => file(`srv/app/${p}`, read(p)));
    entries.push(
      file('srv/app/package.json', '{"name":"the-app","version":"0.0.1"}'),
      file('srv/app/node_modules/yaml/dist/package.json', '{"name":"not-a-root","version":"1"}'),
      file('srv/app/node_modules/broken/package.json', '{"name": "broken", '),
      file('srv/app/node_modules/noversion/package.json', '{"name": "noversion"}'),
      file('srv/app/node_modules/weird/package.json', '{"name": "[x](http://evil) @everyone", "version": "1.0.0"}'),
    );
    const { catalog } = await catalogLayers([entries]);
    const expected = sources.map((p) => {
      const m = manifest(p);
      return `npm ${m.name}@${m.version}`;
    });
    expect(summary(catalog.packages)).toEqual(expected.sort());
    expect(catalog.packages.find((p) => p.name === '@types/node')?.purl).toBe(
      `pkg:npm/%40types/node@${manifest('node_modules/@types/node/package.json').version}`,
    );
    expect(catalog.notes.join('\n')).toMatch(
      /npm: 1 package.json file\(s\) are not valid JSON .*srv\/app\/node_modules\/broken\/package.json/,
    );
  });
});

describe('python', () => {
  it('normalizes names per PEP 503', () => {
    expect(normalizePythonName('Flask_Cors')).toBe('flask-cors');
    expect(normalizePythonName('zope.interface')).toBe('zope-interface');
    expect(normalizePythonName('A__b--C..d')).toBe('a-b-c-d');
    expect(parseCoreMetadata('Metadata-Version: 2.1\nName: PyYAML\nVersion: 6.0\n\nName: body-not-header\n')).toEqual({
      name: 'PyYAML',
      version: '6.0',
    });
  });

  /** dist-info directories of this machine's pyenv / system Python, with the version their name states. */
  function realDistInfos(): { dir: string; name: string; version: string }[] {
    const roots = [
      '/usr/lib/python3/dist-packages',
      ...(existsSync('/root/.pyenv/versions')
        ? readdirSync('/root/.pyenv/versions').map((v) => `/root/.pyenv/versions/${v}/lib`)
        : []),
    ];
    const found: { dir: string; name: string; version: string }[] = [];
    for (const root of roots) {
      if (!existsSync(root)) continue;
      const sitePackages = root.endsWith('/lib')
        ? readdirSync(root)
            .filter((d) => d.startsWith('python'))
            .map((d) => join(root, d, 'site-packages'))
        : [root];
      for (const site of sitePackages.filter((s) => existsSync(s))) {
        for (const entry of readdirSync(site)) {
          const match = /^(.+)-([^-]+)\.dist-info$/.exec(entry);
          if (match && existsSync(join(site, entry, 'METADATA'))) {
            found.push({ dir: join(site, entry), name: match[1] ?? '', version: match[2] ?? '' });
          }
        }
      }
    }
    return found.slice(0, 40);
  }

  it("catalogs this machine's real dist-info METADATA files", async () => {
    const infos = realDistInfos();
    if (infos.length === 0) {
      console.warn('no dist-info directories on this machine: real PyPI metadata test has nothing to read');
      return;
    }
    const entries = infos.map((info, i) =>
      file(`opt/py${i}${info.dir}/METADATA`, readFileSync(join(info.dir, 'METADATA'))),
    );
    const { catalog } = await catalogLayers([entries]);
    // Shown as the distribution spells itself; the purl carries the PEP 503 name.
    const names = infos.map((info) => parseCoreMetadata(readFileSync(join(info.dir, 'METADATA'), 'utf8')).name ?? '');
    expect(summary(catalog.packages)).toEqual(infos.map((info, i) => `PyPI ${names[i]}@${info.version}`).sort());
    expect(catalog.packages.map((p) => p.purl).sort()).toEqual(
      infos.map((info) => `pkg:pypi/${normalizePythonName(info.name)}@${info.version}`).sort(),
    );
  });

  it('reads egg-info directories and single-file egg-info', async () => {
    const { catalog } = await catalogLayers([
      [
        file(
          'usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info',
          'Metadata-Version: 2.1\nName: PyJWT\nVersion: 2.6.0\n',
        ),
        file(
          'usr/local/lib/python3.11/site-packages/My_Pkg.egg-info/PKG-INFO',
          'Metadata-Version: 1.0\nName: My_Pkg\nVersion: 0.1\n',
        ),
        file('usr/local/lib/python3.11/site-packages/empty.dist-info/METADATA', 'garbage'),
      ],
    ]);
    expect(summary(catalog.packages)).toEqual(['PyPI My_Pkg@0.1', 'PyPI PyJWT@2.6.0']);
    expect(catalog.packages.map((p) => p.purl).sort()).toEqual(['pkg:pypi/my-pkg@0.1', 'pkg:pypi/pyjwt@2.6.0']);
    expect(catalog.notes.join('\n')).toMatch(/empty.dist-info\/METADATA has no Name or Version/);
  });

  it('reads eggs installed by easy_install, as directories and zipped (osv-scalibr does; we used to miss both)', async () => {
    const site = 'usr/local/lib/python2.7/site-packages';
    const { catalog } = await catalogLayers([
      [
        file(
          `${site}/Paste-1.7.5.1-py2.7.egg/EGG-INFO/PKG-INFO`,
          'Metadata-Version: 1.0\nName: Paste\nVersion: 1.7.5.1\n',
        ),
        file(`${site}/Paste-1.7.5.1-py2.7.egg/paste/__init__.py`, '# code\n'),
        file(
          `${site}/simplejson-3.3.0-py2.7-linux-x86_64.egg`,
          storedZip({
            'simplejson/__init__.py': '# code',
            'EGG-INFO/PKG-INFO': 'Metadata-Version: 1.1\nName: simplejson\nVersion: 3.3.0\n',
          }),
        ),
        file(`${site}/nometa-1.0-py2.7.egg`, storedZip({ 'nometa/__init__.py': '' })),
        file(`${site}/broken-1.0-py2.7.egg`, 'not a zip archive at all, only some text'),
        file(
          `${site}/requests-2.31.0-py3-none-any.whl`,
          storedZip({ 'requests-2.31.0.dist-info/METADATA': 'Name: requests\nVersion: 2.31.0\n' }),
        ),
      ],
    ]);
    expect(catalog.packages.map((p) => `${p.purl} ${p.path}`)).toEqual([
      `pkg:pypi/paste@1.7.5.1 ${site}/Paste-1.7.5.1-py2.7.egg/EGG-INFO/PKG-INFO`,
      `pkg:pypi/simplejson@3.3.0 ${site}/simplejson-3.3.0-py2.7-linux-x86_64.egg`,
    ]);
    const notes = catalog.notes.join('\n');
    expect(notes).toMatch(/nometa-1\.0-py2\.7\.egg: no EGG-INFO\/PKG-INFO; skipped/);
    expect(notes).toMatch(/broken-1\.0-py2\.7\.egg: no end-of-central-directory record/);
  });

  it('does not catalog a dist-info that a Debian package owns (real python3-yaml file list)', async () => {
    const list = '/var/lib/dpkg/info/python3-yaml.list';
    const listed = existsSync(list)
      ? readFileSync(list, 'utf8')
      : '/.\n/usr\n/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info\n/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA\n';
    const metadata = listed.split('\n').find((line) => /\.dist-info\/METADATA$/.test(line)) ?? '';
    expect(metadata).not.toBe('');
    const { catalog } = await catalogLayers([
      [
        file('etc/os-release', 'ID=debian\nVERSION_ID=12\n'),
        file(
          'var/lib/dpkg/status',
          'Package: python3-yaml\nStatus: install ok installed\nArchitecture: amd64\nSource: pyyaml\nVersion: 6.0-3+b2\n',
        ),
        file('var/lib/dpkg/info/python3-yaml.list', listed),
        file(metadata.slice(1), 'Metadata-Version: 2.1\nName: PyYAML\nVersion: 6.0\n'),
        file(
          'usr/local/lib/python3.11/site-packages/PyYAML-6.0.1.dist-info/METADATA',
          'Name: PyYAML\nVersion: 6.0.1\n',
        ),
      ],
    ]);
    expect(summary(catalog.packages)).toEqual(['Debian:12 python3-yaml@6.0-3+b2', 'PyPI PyYAML@6.0.1']);
  });

  it('keeps the dist-info spelling for display and in the SBOM, the PEP 503 name in the purl', async () => {
    const site = 'usr/local/lib/python3.11/site-packages';
    const meta = (name: string, version: string) => `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`;
    const { catalog } = await catalogLayers([
      [
        file(`${site}/pyOpenSSL-23.2.0.dist-info/METADATA`, meta('pyOpenSSL', '23.2.0')),
        file(
          `${site}/backports.ssl_match_hostname-3.7.0.1.dist-info/METADATA`,
          meta('backports.ssl_match_hostname', '3.7.0.1'),
        ),
        file(`${site}/typing_extensions-4.7.1.dist-info/METADATA`, meta('typing_extensions', '4.7.1')),
      ],
    ]);
    expect(catalog.packages.map((p) => `${p.name} ${p.purl}`).sort()).toEqual([
      'backports.ssl_match_hostname pkg:pypi/backports-ssl-match-hostname@3.7.0.1',
      'pyOpenSSL pkg:pypi/pyopenssl@23.2.0',
      'typing_extensions pkg:pypi/typing-extensions@4.7.1',
    ]);
    const subject = { reference: 'registry.example/img:1', packages: catalog.packages, notes: [], errors: [] };
    const bom = JSON.parse(toCycloneDx(subject, new Date(0))) as { components: { name: string }[] };
    expect(bom.components.map((c) => c.name).sort()).toEqual([
      'backports.ssl_match_hostname',
      'pyOpenSSL',
      'typing_extensions',
    ]);
  });

  it('resolves owned paths through merged-/usr symlinks', async () => {
    const { catalog } = await catalogLayers([
      [
        file('etc/os-release', 'ID=debian\nVERSION_ID=12\n'),
        { path: 'lib', type: 'symlink', linkname: 'usr/lib' },
        file('var/lib/dpkg/status', 'Package: python3-x\nStatus: install ok installed\nVersion: 1\n'),
        file('var/lib/dpkg/info/python3-x.list', '/lib/python3/dist-packages/x-1.dist-info/METADATA\n'),
        file('usr/lib/python3/dist-packages/x-1.dist-info/METADATA', 'Name: x\nVersion: 1\n'),
      ],
    ]);
    expect(summary(catalog.packages)).toEqual(['Debian:12 python3-x@1']);
  });
});

describe('ruby', () => {
  const RAKE = `# -*- encoding: utf-8 -*-
# stub: rake 13.0.6 ruby lib

Gem::Specification.new do |s|
  s.name = "rake".freeze
  s.version = "13.0.6"

  s.required_rubygems_version = Gem::Requirement.new(">= 1.3.2".freeze) if s.respond_to? :required_rubygems_version=
  s.require_paths = ["lib".freeze]
  s.authors = ["Hiroshi SHIBATA".freeze, "Eric Hodel".freeze, "Jim Weirich".freeze]
  s.system("rm -rf /") # never executed: the gemspec is only read
end
`;

  it('reads name and version statically', () => {
    expect(parseGemspec(RAKE)).toEqual({ name: 'rake', version: '13.0.6' });
    expect(
      parseGemspec(
        "Gem::Specification.new do |spec|\n  spec.name    = 'nokogiri'\n  spec.version = Gem::Version.new('1.16.0')\nend\n",
      ),
    ).toEqual({
      name: 'nokogiri',
      version: '1.16.0',
    });
    expect(parseGemspec('# stub: json 2.7.1 ruby lib\n')).toEqual({ name: 'json', version: '2.7.1' });
    expect(parseGemspec('puts "hello"')).toEqual({});
  });

  it('reads RubyGems 1.x %q{} literals, which syft and trivy miss', () => {
    const old =
      'Gem::Specification.new do |s|\n  s.name = %q{rack}\n  s.version = "1.1.0"\n  s.date = %q{2010-01-03}\nend\n';
    expect(parseGemspec(old)).toEqual({ name: 'rack', version: '1.1.0' });
    expect(
      parseGemspec('Gem::Specification.new do |s|\n  s.name = %q{keyedlist}\n  s.version = %q{0.4.0}\nend\n'),
    ).toEqual({
      name: 'keyedlist',
      version: '0.4.0',
    });
    expect(parseGemspec('Gem::Specification.new do |s|\n  s.name = %q{x\n  s.version = "1"\nend\n')).toEqual({
      version: '1',
    });
  });

  it('keeps the platform of platform gems apart from the name, and omits the default ruby platform', async () => {
    const nokogiri =
      '# stub: nokogiri 1.15.0 x86_64-linux lib\n\nGem::Specification.new do |s|\n  s.name = "nokogiri".freeze\n  s.version = "1.15.0"\n  s.platform = "x86_64-linux".freeze\nend\n';
    expect(parseGemspec(nokogiri)).toEqual({ name: 'nokogiri', version: '1.15.0', platform: 'x86_64-linux' });
    expect(parseGemspec('# stub: ffi 1.16.3 java lib\n')).toEqual({ name: 'ffi', version: '1.16.3', platform: 'java' });
    expect(parseGemspec('# stub: json 2.7.1 ruby lib\n')).toEqual({ name: 'json', version: '2.7.1' });
    const { catalog } = await catalogLayers([
      [file('usr/local/bundle/specifications/nokogiri-1.15.0-x86_64-linux.gemspec', nokogiri)],
    ]);
    expect(catalog.packages.map((p) => [p.ecosystem, p.name, p.version, p.purl])).toEqual([
      ['RubyGems', 'nokogiri', '1.15.0', 'pkg:gem/nokogiri@1.15.0?platform=x86_64-linux'],
    ]);
  });

  it('catalogs installed gemspecs only', async () => {
    const { catalog } = await catalogLayers([
      [
        file('usr/local/bundle/specifications/rake-13.0.6.gemspec', RAKE),
        file(
          'usr/local/lib/ruby/3.3.0/specifications/default/uri-0.13.1.gemspec',
          '# stub: uri 0.13.1 ruby lib\n\nGem::Specification.new do |s|\n  s.name = "uri".freeze\n  s.version = "0.13.1".freeze\nend\n',
        ),
        file('usr/local/bundle/gems/rake-13.0.6/rake.gemspec', RAKE.replace('13.0.6"', '99"')),
        file(
          'usr/local/bundle/specifications/dynamic.gemspec',
          'Gem::Specification.new do |s|\n  s.name = NAME\nend\n',
        ),
      ],
    ]);
    expect(catalog.packages.map((p) => [p.ecosystem, p.name, p.version, p.purl])).toEqual([
      ['RubyGems', 'rake', '13.0.6', 'pkg:gem/rake@13.0.6'],
      ['RubyGems', 'uri', '0.13.1', 'pkg:gem/uri@0.13.1'],
    ]);
    expect(catalog.notes.join('\n')).toMatch(/dynamic.gemspec has no static name and version/);
  });
});
