import path from 'node:path';
import { isMap, parseDocument, stringify } from 'yaml';
import type { FileTree } from '../../../core/tree.js';
import { documentToJS, parseYaml } from '../../../core/yaml.js';
import { parseManifestFile } from '../kubernetes/documents.js';
import type { RenderLimits } from './limits.js';
import type { RenderedSegment, RenderedUnit } from './model.js';
import { documentLinesFrom } from './model.js';
import { cachedRender } from './cache.js';
import { runTool } from './sandbox.js';
import { dirOf, joinRelative, readYamlMapping, stageFiles } from './stage.js';

const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';

export function isKustomizationFile(file: string): boolean {
  return KUSTOMIZATION_NAMES.includes(file.slice(file.lastIndexOf('/') + 1));
}

/** What one kustomization file refers to, resolved against the repository listing. */
export interface Kustomization {
  file: string;
  dir: string;
  /** Directories of the kustomizations it includes (resources, bases, components). */
  children: string[];
  /** Resource files (whole objects) it includes directly. */
  resources: string[];
  /** Patch files: partial objects, never linted on their own. */
  patches: string[];
  /** Other inputs: generator files, replacements, configurations, CRD schemas. */
  inputs: string[];
  /** References kustomize would fetch over the network (never rendered here). */
  remote: string[];
  /** References that leave the repository. */
  escaping: string[];
  /** Uses `helmCharts:` (needs `--enable-helm`, which runs helm with network access: not rendered). */
  helmCharts: boolean;
  /** The file could not be read as a mapping. */
  unreadable: boolean;
}

/** `https://…`, `git@…`, `github.com/org/repo//dir?ref=v1`: a base kustomize downloads. */
export function isRemoteReference(reference: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(reference) ||
    /^git@/.test(reference) ||
    /\?(ref|version|submodules|timeout)=/.test(reference) ||
    /^[a-z0-9-]+(\.[a-z0-9-]+)+\//i.test(reference)
  );
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
}

function pathsOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .map((entry) => (entry && typeof entry === 'object' ? (entry as Record<string, unknown>).path : undefined))
    .filter((p): p is string => typeof p === 'string' && p !== '');
}

/** Files of `configMapGenerator`/`secretGenerator` entries: `files: [key=path]`, `envs: [path]`, `env: path`. */
function generatorFiles(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    if (!entry || typeof entry !== 'object') return [];
    const record = entry as Record<string, unknown>;
    return [
      ...strings(record.files).map((file) => file.slice(file.indexOf('=') + 1)),
      ...strings(record.envs),
      ...(typeof record.env === 'string' ? [record.env] : []),
    ];
  });
}

export async function readKustomization(tree: FileTree, all: Set<string>, file: string): Promise<Kustomization> {
  const dir = dirOf(file);
  const out: Kustomization = {
    file,
    dir,
    children: [],
    resources: [],
    patches: [],
    inputs: [],
    remote: [],
    escaping: [],
    helmCharts: false,
    unreadable: false,
  };
  const value = await readYamlMapping(tree, file);
  if (!value) {
    out.unreadable = true;
    return out;
  }
  const resolve = (reference: string): string | undefined => {
    const joined = joinRelative(dir, reference);
    if (joined === undefined) out.escaping.push(reference);
    return joined;
  };
  for (const reference of [...strings(value.resources), ...strings(value.bases), ...strings(value.components)]) {
    const local = resolve(reference);
    if (local === undefined) continue;
    const child = kustomizationIn(all, local);
    if (child !== undefined) out.children.push(local);
    else if (all.has(local)) out.resources.push(local);
    else if (isRemoteReference(reference)) out.remote.push(reference);
  }
  const patchRefs = [
    ...pathsOf(value.patches),
    ...pathsOf(value.patchesJson6902),
    // Inline strategic-merge patches are YAML text, not paths.
    ...strings(value.patchesStrategicMerge).filter((entry) => !entry.includes('\n')),
  ];
  for (const reference of patchRefs) {
    const local = resolve(reference);
    if (local !== undefined) out.patches.push(local);
  }
  const openapi =
    value.openapi && typeof value.openapi === 'object' ? (value.openapi as { path?: unknown }).path : undefined;
  const inputRefs = [
    ...pathsOf(value.replacements),
    ...strings(value.configurations),
    ...strings(value.crds),
    ...strings(value.generators),
    ...strings(value.transformers),
    ...strings(value.validators),
    ...generatorFiles(value.configMapGenerator),
    ...generatorFiles(value.secretGenerator),
    ...(typeof openapi === 'string' ? [openapi] : []),
  ];
  for (const reference of inputRefs) {
    if (isRemoteReference(reference)) {
      out.remote.push(reference);
      continue;
    }
    const local = resolve(reference);
    if (local !== undefined) out.inputs.push(local);
  }
  out.helmCharts = Array.isArray(value.helmCharts) && value.helmCharts.length > 0;
  return out;
}

/** The kustomization file in directory `dir`, if there is one. */
export function kustomizationIn(all: Set<string>, dir: string): string | undefined {
  for (const name of KUSTOMIZATION_NAMES) {
    const file = dir ? `${dir}/${name}` : name;
    if (all.has(file)) return file;
  }
  return undefined;
}

/** Kustomizations keyed by directory, and the top-level ones: those no other kustomization includes. */
export async function readKustomizations(
  tree: FileTree,
  all: string[],
): Promise<{ byDir: Map<string, Kustomization>; topLevel: Kustomization[] }> {
  const set = new Set(all);
  const byDir = new Map<string, Kustomization>();
  for (const file of all.filter(isKustomizationFile)) {
    const dir = dirOf(file);
    // One per directory, in kustomize's order of preference.
    if (kustomizationIn(set, dir) !== file) continue;
    byDir.set(dir, await readKustomization(tree, set, file));
  }
  const included = new Set([...byDir.values()].flatMap((k) => k.children));
  const topLevel = [...byDir.values()].filter((k) => !included.has(k.dir));
  return { byDir, topLevel };
}

/** Every kustomization a top-level one includes, itself first. */
export function closure(top: Kustomization, byDir: Map<string, Kustomization>): Kustomization[] {
  const seen = new Map<string, Kustomization>();
  const pending = [top];
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (seen.has(current.dir)) continue;
    seen.set(current.dir, current);
    for (const child of current.children) {
      const next = byDir.get(child);
      if (next) pending.push(next);
    }
  }
  return [...seen.values()];
}

export interface KustomizeRender {
  unit?: RenderedUnit;
  /** Why it was not rendered and is no failure: remote bases, helmCharts. */
  refused?: string;
  failure?: string;
}

export interface KustomizeRenderInput {
  tree: FileTree;
  all: string[];
  top: Kustomization;
  members: Kustomization[];
  binary: string;
  limits: RenderLimits;
  signal?: AbortSignal;
  virtualPath: string;
}

/** Why a kustomization is not rendered at all, or undefined. */
export function refusal(members: Kustomization[]): string | undefined {
  const remote = members.flatMap((k) => k.remote);
  if (remote.length > 0)
    return `remote base not rendered (${remote.slice(0, 3).join(', ')}): the gate never fetches from the network`;
  const escaping = members.flatMap((k) => k.escaping);
  if (escaping.length > 0) return `it refers to ${escaping.slice(0, 3).join(', ')}, outside the repository`;
  if (members.some((k) => k.helmCharts))
    return 'it inflates Helm charts (`helmCharts:`), which needs `--enable-helm` and network access; render the chart directly instead';
  return undefined;
}

export async function renderKustomization(input: KustomizeRenderInput): Promise<KustomizeRender> {
  const { tree, all, top, members } = input;
  const label = `the kustomization ${top.dir || '.'}`;
  const refused = refusal(members);
  if (refused) return { refused };
  const present = new Set(all);
  const files = new Set<string>();
  for (const member of members) {
    // The kustomization's own directory (kustomize reads files there by relative names we may not know of),
    // plus everything it names elsewhere.
    for (const file of all) if (dirOf(file) === member.dir) files.add(file);
    for (const file of [...member.resources, ...member.patches, ...member.inputs])
      if (present.has(file)) files.add(file);
  }
  const staged = await stageFiles(tree, files, input.limits);
  try {
    const text = (await tree.read(top.file, 1024 * 1024))?.toString('utf8') ?? '';
    await staged.write(top.file, withOriginAnnotations(text));
    const dir = staged.at(top.dir || '.');
    const kubectl = path.basename(input.binary).startsWith('kubectl');
    const args = kubectl ? ['kustomize', dir] : ['build', dir];
    const key = [
      input.binary,
      staged.digest(),
      JSON.stringify(input.limits),
      ...args.map((arg) => arg.split(staged.dir).join('<staged>')),
    ];
    const result = await cachedRender(JSON.stringify(key), () =>
      runTool(input.binary, args, { cwd: staged.dir, limits: input.limits, signal: input.signal }),
    );
    if (!result.ok && /external plugins disabled|unable to load external plugin/.test(result.message))
      return { refused: `it uses a kustomize plugin, which the gate never runs (${result.message})` };
    if (!result.ok)
      return { failure: `${kubectl ? 'kubectl kustomize' : 'kustomize build'} failed: ${result.message}` };
    const segments = await originSegments(tree, present, top, result.stdout);
    return { unit: { virtualPath: input.virtualPath, text: result.stdout, segments, label } };
  } finally {
    await staged.remove();
  }
}

/** The kustomization with `buildMetadata: [originAnnotations]` added (on the temporary copy only). */
export function withOriginAnnotations(text: string): string {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (!isMap(doc.contents)) return `${text}\nbuildMetadata: [originAnnotations]\n`;
  const root = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown> | null;
  const current = root?.buildMetadata;
  const list = Array.isArray(current) ? current.filter((v): v is string => typeof v === 'string') : [];
  doc.set('buildMetadata', [...new Set([...list, 'originAnnotations'])]);
  return stringify(doc);
}

interface Origin {
  path?: string;
  configuredIn?: string;
}

function originOf(annotation: string | undefined): Origin {
  if (!annotation) return {};
  try {
    const doc = parseYaml(annotation).documents[0];
    const value = (doc ? documentToJS(doc) : undefined) as Record<string, unknown> | undefined;
    const text = (key: string): string | undefined => (typeof value?.[key] === 'string' ? value[key] : undefined);
    return { path: text('path'), configuredIn: text('configuredIn') };
  } catch {
    return {};
  }
}

async function originSegments(
  tree: FileTree,
  present: Set<string>,
  top: Kustomization,
  output: string,
): Promise<RenderedSegment[]> {
  const parsed = parseYaml(output);
  const segments: RenderedSegment[] = [];
  const sources = new Map<string, { text: string; parsed: ReturnType<typeof parseManifestFile> } | undefined>();
  for (const doc of parsed.documents) {
    const contents = doc.contents;
    if (!contents || !isMap(contents)) continue;
    const value = (() => {
      try {
        return documentToJS(doc) as {
          kind?: unknown;
          metadata?: { name?: unknown; annotations?: Record<string, unknown> };
        };
      } catch {
        return undefined;
      }
    })();
    const annotation = value?.metadata?.annotations?.[ORIGIN_ANNOTATION];
    const origin = originOf(typeof annotation === 'string' ? annotation : undefined);
    const reference = origin.path ?? origin.configuredIn;
    const source = reference !== undefined ? joinRelative(top.dir, reference) : undefined;
    const startLine = parsed.position(contents.range?.[0] ?? 0).line;
    if (source === undefined || !present.has(source)) {
      segments.push({ startLine, path: top.file, line: 1, objectStart: false });
      continue;
    }
    if (!sources.has(source)) {
      const buffer = origin.path !== undefined ? await tree.read(source, 10 * 1024 * 1024) : undefined;
      const text = buffer?.toString('utf8');
      sources.set(source, text !== undefined ? { text, parsed: parseManifestFile(source, text) } : undefined);
    }
    const kind = typeof value?.kind === 'string' ? value.kind : '';
    const name = typeof value?.metadata?.name === 'string' ? value.metadata.name : '';
    const file = sources.get(source);
    const line = objectLine(file?.parsed, kind, name);
    segments.push({
      startLine,
      path: source,
      line: line ?? 1,
      objectStart: line !== undefined,
      ...(line !== undefined && file ? { objectLines: documentLinesFrom(file.text, line) } : {}),
    });
  }
  return segments.sort((a, b) => a.startLine - b.startLine);
}

/** Start of the object in its source file: the only one of its kind, or the one whose name it carries. */
function objectLine(
  file: ReturnType<typeof parseManifestFile> | undefined,
  kind: string,
  name: string,
): number | undefined {
  if (!file) return undefined;
  const sameKind = file.objects.filter((object) => object.kind === kind);
  const pick =
    sameKind.length === 1 ? sameKind : sameKind.filter((object) => object.name !== '' && name.includes(object.name));
  const best = pick.length > 1 ? pick.filter((object) => object.name === name) : pick;
  return best.length === 1 ? best[0]?.view.position.line : undefined;
}
