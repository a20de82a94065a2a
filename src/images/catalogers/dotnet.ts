import type { FileMeta } from '../filesystem.js';
import { MAX_CATALOGER_TOTAL_BYTES, cleanValue, purl, type Cataloger, type ImagePackage } from './types.js';

/** A self-contained app's deps.json lists the whole runtime: a few MiB at most. */
const MAX_DEPS_JSON_BYTES = 16 * 1024 * 1024;
const MAX_LIBRARIES_PER_FILE = 20_000;

/** NuGet package ids (NuGet.Packaging PackageIdValidator): word runs joined by `.`, `-` or `_`, 100 chars max. */
// `_` is a word character already: listing it as a separator too made the pattern backtrack exponentially.
const NUGET_ID = /^\w+(?:[.-]\w+)*$/;

export function isDepsJson(path: string): boolean {
  return /(?:^|\/)[^/]+\.deps\.json$/.test(path);
}

export interface DepsJsonLibraries {
  packages: { name: string; version: string; relationship?: 'root' | 'project' }[];
  /** `package` entries whose key is not a valid `Name/Version`. */
  invalid: number;
  /** All library entries, of every type. */
  total: number;
}

/** The dotnet host's prefix for runtime pack libraries (`runtimepack.Microsoft.NETCore.App.Runtime.linux-x64`). */
const RUNTIMEPACK_PREFIX = 'runtimepack.';

/**
 * The `libraries` map of a deps.json (Microsoft.Extensions.DependencyModel): keys are `Name/Version`, values
 * carry a `type`. `package` entries are NuGet packages. `project` entries are the app and its project
 * references: Trivy and osv-scalibr report them too (a project published as a NuGet package elsewhere is
 * matched under that name), marked `root` for the one project no other library depends on and `project`
 * for the others. `runtimepack` entries are the .NET runtime a self-contained app bundles; without the
 * `runtimepack.` prefix they are the NuGet runtime packs (`Microsoft.NETCore.App.Runtime.linux-x64`) that
 * GitHub's advisories for .NET runtime CVEs list, so they are reported too, as Trivy does. `reference`
 * (assembly references) entries are not packages. Versions are kept verbatim (`17.2.0-release-20220408-11`).
 */
export function depsJsonLibraries(json: unknown): DepsJsonLibraries | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const libraries = (json as { libraries?: unknown }).libraries;
  if (typeof libraries !== 'object' || libraries === null || Array.isArray(libraries)) return undefined;
  const keys = Object.keys(libraries);
  const packages: DepsJsonLibraries['packages'] = [];
  const projects: number[] = [];
  let invalid = 0;
  for (const key of keys.slice(0, MAX_LIBRARIES_PER_FILE)) {
    const value = (libraries as Record<string, unknown>)[key];
    if (typeof value !== 'object' || value === null) continue;
    const rawType = (value as { type?: unknown }).type;
    const type = typeof rawType === 'string' ? rawType.toLowerCase() : '';
    if (type !== 'package' && type !== 'runtimepack' && type !== 'project') continue;
    const slash = key.indexOf('/');
    const raw = slash > 0 ? key.slice(0, slash) : '';
    const name =
      type === 'runtimepack' && raw.startsWith(RUNTIMEPACK_PREFIX) ? raw.slice(RUNTIMEPACK_PREFIX.length) : raw;
    const version = cleanValue(slash > 0 ? key.slice(slash + 1) : '');
    if (!NUGET_ID.test(name) || name.length > 100 || version === '' || version.includes('/')) {
      invalid++;
      continue;
    }
    if (type === 'project') projects.push(packages.length);
    packages.push({ name, version });
  }
  const referenced = referencedLibraries(json);
  const roots = projects.filter((i) => !referenced.has(`${packages[i]!.name}/${packages[i]!.version}`.toLowerCase()));
  for (const i of projects) packages[i]!.relationship = roots.length === 1 && roots[0] === i ? 'root' : 'project';
  return { packages, invalid, total: keys.length };
}

/** `Name/Version` (lower-cased) of every dependency some library of some target declares. */
function referencedLibraries(json: object): Set<string> {
  const out = new Set<string>();
  const targets = (json as { targets?: unknown }).targets;
  if (typeof targets !== 'object' || targets === null) return out;
  for (const target of Object.values(targets as Record<string, unknown>)) {
    if (typeof target !== 'object' || target === null) continue;
    for (const library of Object.values(target as Record<string, unknown>)) {
      const dependencies = (library as { dependencies?: unknown } | null)?.dependencies;
      if (typeof dependencies !== 'object' || dependencies === null) continue;
      for (const [name, version] of Object.entries(dependencies as Record<string, unknown>)) {
        if (typeof version === 'string' && out.size < MAX_LIBRARIES_PER_FILE * 8)
          out.add(`${name}/${version}`.toLowerCase());
      }
    }
  }
  return out;
}

export const dotnetCataloger: Cataloger = {
  name: 'dotnet',
  stage: 'language',
  wants: (file: FileMeta) => file.path.endsWith('.deps.json') && isDepsJson(file.path),
  maxFileBytes: MAX_DEPS_JSON_BYTES,
  maxTotalBytes: MAX_CATALOGER_TOTAL_BYTES,
  catalog(files, context) {
    const packages: ImagePackage[] = [];
    for (const file of files) {
      if (context.ownedByOsPackage(file.path)) continue;
      if (file.truncated) {
        context.note(`dotnet: /${file.path} is larger than ${MAX_DEPS_JSON_BYTES} bytes; skipped`);
        continue;
      }
      let json: unknown;
      try {
        // deps.json files written by the SDK start with a UTF-8 byte order mark.
        json = JSON.parse(file.data.toString('utf8').replace(/^\uFEFF/, ''));
      } catch {
        context.note(`dotnet: /${file.path} is not valid JSON; skipped`);
        continue;
      }
      const libraries = depsJsonLibraries(json);
      if (!libraries) {
        context.note(`dotnet: /${file.path} has no "libraries" object; skipped`);
        continue;
      }
      if (libraries.total > MAX_LIBRARIES_PER_FILE) {
        context.note(
          `dotnet: /${file.path} lists ${libraries.total} libraries; only the first ${MAX_LIBRARIES_PER_FILE} were read`,
        );
      }
      if (libraries.invalid > 0) {
        context.note(
          `dotnet: /${file.path}: ${libraries.invalid} package entries without a valid Name/Version key were skipped`,
        );
      }
      for (const { name, version, relationship } of libraries.packages) {
        packages.push({
          ...(relationship ? { relationship } : {}),
          ecosystem: 'NuGet',
          name,
          version,
          purl: purl('nuget', undefined, name, version),
          path: file.path,
          layer: file.layerDigest,
          cataloger: 'dotnet',
        });
      }
    }
    return { packages };
  },
};
