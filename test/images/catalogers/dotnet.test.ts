import { describe, expect, it } from 'vitest';
import { depsJsonLibraries, isDepsJson } from '../../../src/images/catalogers/dotnet.js';
import { file } from '../../support/layer-builder.js';
import { catalogLayers, summary } from '../../support/image.js';

/** Shaped as `dotnet publish` writes it for a framework-dependent net8.0 app (hashes shortened). */
const depsJson = {
  runtimeTarget: { name: '.NETCoreApp,Version=v8.0', signature: '' },
  compilationOptions: {},
  targets: {
    '.NETCoreApp,Version=v8.0': {
      'WebApi/1.0.0': {
        dependencies: { 'Newtonsoft.Json': '13.0.1', 'Serilog.AspNetCore': '8.0.0', Shared: '1.0.0' },
        runtime: { 'WebApi.dll': {} },
      },
      'Newtonsoft.Json/13.0.1': { runtime: { 'lib/netstandard2.0/Newtonsoft.Json.dll': {} } },
      'Serilog.AspNetCore/8.0.0': { runtime: { 'lib/net8.0/Serilog.AspNetCore.dll': {} } },
      'Shared/1.0.0': { runtime: { 'Shared.dll': {} } },
    },
  },
  libraries: {
    'WebApi/1.0.0': { type: 'project', serviceable: false, sha512: '' },
    'Newtonsoft.Json/13.0.1': {
      type: 'package',
      serviceable: true,
      sha512: 'sha512-ppPFpBcvxdsfUonNcvITKqLl3bqxWbDCZIzDWHzjpdAHRFfZe0Dw9HmA0+za13IdyrgJwpkDTDA9fHaxOrt20A==',
      path: 'newtonsoft.json/13.0.1',
      hashPath: 'newtonsoft.json.13.0.1.nupkg.sha512',
    },
    'Serilog.AspNetCore/8.0.0': {
      type: 'package',
      serviceable: true,
      sha512: 'sha512-x',
      path: 'serilog.aspnetcore/8.0.0',
    },
    'Shared/1.0.0': { type: 'project', serviceable: false, sha512: '' },
    'System.Private.Uri/4.3.2-preview.1': { type: 'package', serviceable: true, sha512: 'sha512-y' },
    'Microsoft.TestPlatform.ObjectModel/17.2.0-release-20220408-11': { type: 'Package', sha512: 'sha512-z' },
  },
};

describe('dotnet', () => {
  it('recognizes deps.json paths', () => {
    expect(isDepsJson('app/WebApi.deps.json')).toBe(true);
    expect(isDepsJson('usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.0/Microsoft.NETCore.App.deps.json')).toBe(
      true,
    );
    expect(isDepsJson('app/.deps.json')).toBe(false);
    expect(isDepsJson('app/deps.json')).toBe(false);
    expect(isDepsJson('app/WebApi.runtimeconfig.json')).toBe(false);
  });

  it('catalogs package and project libraries (with a byte order mark), marking the app project as root', async () => {
    const text = `\uFEFF${JSON.stringify(depsJson, null, 2)}`;
    const { catalog } = await catalogLayers([[file('app/WebApi.deps.json', text)]]);
    expect(summary(catalog.packages)).toEqual([
      'NuGet Microsoft.TestPlatform.ObjectModel@17.2.0-release-20220408-11',
      'NuGet Newtonsoft.Json@13.0.1',
      'NuGet Serilog.AspNetCore@8.0.0',
      'NuGet Shared@1.0.0',
      'NuGet System.Private.Uri@4.3.2-preview.1',
      'NuGet WebApi@1.0.0',
    ]);
    // As Trivy: the project no library depends on is the root, the referenced one a project of the build.
    const relationships = Object.fromEntries(catalog.packages.map((p) => [p.name, p.relationship]));
    expect(relationships).toMatchObject({ WebApi: 'root', Shared: 'project', 'Newtonsoft.Json': undefined });
    expect(catalog.packages.find((p) => p.name === 'Microsoft.TestPlatform.ObjectModel')?.purl).toBe(
      'pkg:nuget/Microsoft.TestPlatform.ObjectModel@17.2.0-release-20220408-11',
    );
    const json = catalog.packages.find((p) => p.name === 'Newtonsoft.Json');
    expect(json?.purl).toBe('pkg:nuget/Newtonsoft.Json@13.0.1');
    expect(json?.path).toBe('app/WebApi.deps.json');
    expect(json?.cataloger).toBe('dotnet');
  });

  it('reports the runtime packs a self-contained app bundles, under the NuGet ids advisories use', async () => {
    // `dotnet publish --self-contained -r linux-musl-x64` writes these; GHSA lists .NET runtime CVEs against
    // Microsoft.NETCore.App.Runtime.<rid> and Microsoft.AspNetCore.App.Runtime.<rid> (advisory-database#740).
    const selfContained = {
      runtimeTarget: { name: '.NETCoreApp,Version=v8.0/linux-musl-x64', signature: '' },
      libraries: {
        'WebApi/1.0.0': { type: 'project', serviceable: false, sha512: '' },
        'runtimepack.Microsoft.NETCore.App.Runtime.linux-musl-x64/8.0.1': {
          type: 'runtimepack',
          serviceable: false,
          sha512: '',
        },
        'runtimepack.Microsoft.AspNetCore.App.Runtime.linux-musl-x64/8.0.1': {
          type: 'runtimepack',
          serviceable: false,
          sha512: '',
        },
        'Newtonsoft.Json/13.0.3': { type: 'package', serviceable: true, sha512: 'sha512-z' },
        'System.Runtime/4.3.0': { type: 'reference', serviceable: false, sha512: '' },
        'runtimepack.bad key/8.0.1': { type: 'runtimepack' },
      },
    };
    const { catalog } = await catalogLayers([[file('app/WebApi.deps.json', JSON.stringify(selfContained))]]);
    expect(catalog.packages.map((p) => p.purl)).toEqual([
      'pkg:nuget/WebApi@1.0.0',
      'pkg:nuget/Microsoft.NETCore.App.Runtime.linux-musl-x64@8.0.1',
      'pkg:nuget/Microsoft.AspNetCore.App.Runtime.linux-musl-x64@8.0.1',
      'pkg:nuget/Newtonsoft.Json@13.0.3',
    ]);
    expect(catalog.notes.join('\n')).toMatch(/1 package entries without a valid Name\/Version key were skipped/);
  });

  it('notes bad files and bad keys and keeps the good entries', async () => {
    const odd = {
      libraries: {
        'Good.Package/1.2.3': { type: 'package' },
        NoVersion: { type: 'package' },
        'Bad Name/1.0.0': { type: 'package' },
        'Evil/1.0/../x': { type: 'package' },
        'Ref/1.0.0': { type: 'reference' },
        'Weird/1.0.0': 'package',
      },
    };
    const { catalog } = await catalogLayers([
      [
        file('app/Odd.deps.json', JSON.stringify(odd)),
        file('app/Broken.deps.json', '{"libraries": {'),
        file('app/Empty.deps.json', '{"targets": {}}'),
      ],
    ]);
    expect(summary(catalog.packages)).toEqual(['NuGet Good.Package@1.2.3']);
    const notes = catalog.notes.join('\n');
    expect(notes).toMatch(/dotnet: \/app\/Odd.deps.json: 3 package entries without a valid Name\/Version key/);
    expect(notes).toMatch(/dotnet: \/app\/Broken.deps.json is not valid JSON/);
    expect(notes).toMatch(/dotnet: \/app\/Empty.deps.json has no "libraries" object/);
    expect(depsJsonLibraries([])).toBeUndefined();
    expect(depsJsonLibraries({ libraries: [] })).toBeUndefined();
  });
});
