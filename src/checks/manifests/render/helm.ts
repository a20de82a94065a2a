import { stringify } from 'yaml';
import type { FileTree } from '../../../core/tree.js';
import type { HelmChartPolicy } from '../../../policy/types.js';
import type { RenderLimits } from './limits.js';
import type { RenderedSegment, RenderedUnit } from './model.js';
import { documentLinesFrom } from './model.js';
import { cachedRender } from './cache.js';
import { runTool } from './sandbox.js';
import { dirOf, filesUnder, readYamlMapping, stageFiles } from './stage.js';

export const DEFAULT_RELEASE = 'release-name';
export const DEFAULT_NAMESPACE = 'default';

const CHART_FILE = /(^|\/)Chart\.yaml$/;

/**
 * Directories of the charts to render: every `Chart.yaml`, except charts vendored in another chart's
 * `charts/` directory (they render as part of their parent).
 */
export function findCharts(all: string[]): string[] {
  const charts = new Set(all.filter((file) => CHART_FILE.test(file)).map(dirOf));
  return [...charts].filter((dir) => !isVendored(dir, charts)).sort();
}

function isVendored(dir: string, charts: Set<string>): boolean {
  const parts = dir.split('/');
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i] !== 'charts') continue;
    if (charts.has(parts.slice(0, i).join('/'))) return true;
  }
  return false;
}

interface Dependency {
  name: string;
  /** The file that lists it: Chart.yaml (apiVersion v2) or requirements.yaml (v1). */
  listedIn: string;
}

function dependencyNames(value: Record<string, unknown> | undefined): string[] {
  const list = value?.dependencies;
  if (!Array.isArray(list)) return [];
  return list
    .map((entry) => (entry && typeof entry === 'object' ? (entry as Record<string, unknown>).name : undefined))
    .filter((name): name is string => typeof name === 'string' && name !== '');
}

/** Dependencies with neither a chart directory nor a packaged `<name>-<version>.tgz` under `charts/`. */
async function missingDependencies(tree: FileTree, all: string[], chartDir: string): Promise<Dependency[]> {
  const prefix = chartDir ? `${chartDir}/` : '';
  const vendored = filesUnder(all, `${prefix}charts`).map((file) => file.slice(`${prefix}charts/`.length));
  const present = (name: string): boolean =>
    vendored.some((file) => file.startsWith(`${name}/`) || (file.startsWith(`${name}-`) && file.endsWith('.tgz')));
  const out: Dependency[] = [];
  for (const listedIn of [`${prefix}Chart.yaml`, `${prefix}requirements.yaml`]) {
    for (const name of dependencyNames(await readYamlMapping(tree, listedIn)))
      if (!present(name)) out.push({ name, listedIn });
  }
  return out;
}

/** The dependency list of `file` without the missing ones, so the chart's own templates still render. */
async function withoutDependencies(tree: FileTree, file: string, names: Set<string>): Promise<string | undefined> {
  const value = await readYamlMapping(tree, file);
  if (!value || !Array.isArray(value.dependencies)) return undefined;
  const dependencies = value.dependencies.filter(
    (entry) => !(entry && typeof entry === 'object' && names.has(String((entry as Record<string, unknown>).name))),
  );
  return stringify({ ...value, dependencies });
}

export interface ChartRender {
  unit?: RenderedUnit;
  notes: string[];
  /** Why the chart did not render (a `manifests/render-failed` finding). */
  failure?: string;
}

export interface ChartRenderInput {
  tree: FileTree;
  all: string[];
  chartDir: string;
  binary: string;
  config?: HelmChartPolicy;
  release: string;
  namespace: string;
  /** `--kube-version`, e.g. "1.30.0"; undefined leaves helm's default. */
  kubeVersion?: string;
  limits: RenderLimits;
  signal?: AbortSignal;
  virtualPath: string;
}

export async function renderChart(input: ChartRenderInput): Promise<ChartRender> {
  const { tree, all, chartDir } = input;
  const label = `the Helm chart ${chartDir || '.'}`;
  const notes: string[] = [];
  const valuesFiles = input.config?.values ?? [];
  const absentValues = valuesFiles.filter((file) => !all.includes(file));
  if (absentValues.length > 0)
    return {
      notes,
      failure: `the values file${absentValues.length > 1 ? 's' : ''} ${absentValues.join(', ')} of ${label} do not exist`,
    };

  const missing = await missingDependencies(tree, all, chartDir);
  const staged = await stageFiles(tree, new Set([...filesUnder(all, chartDir), ...valuesFiles]), input.limits);
  try {
    if (missing.length > 0) {
      const names = new Set(missing.map((d) => d.name));
      for (const listedIn of new Set(missing.map((d) => d.listedIn))) {
        const rewritten = await withoutDependencies(tree, listedIn, names);
        if (rewritten !== undefined) await staged.write(listedIn, rewritten);
      }
      notes.push(
        `${label}: dependency ${[...names].join(', ')} is not vendored in charts/, so the chart was rendered without it (run \`helm dependency build\` before the gate to check it too).`,
      );
    }
    const template = (values: string[]) => {
      const args = [
        'template',
        input.release,
        staged.at(chartDir || '.'),
        '--namespace',
        input.namespace,
        ...(input.kubeVersion ? ['--kube-version', input.kubeVersion] : []),
        ...values.flatMap((file) => ['--values', staged.at(file)]),
      ];
      const key = [
        input.binary,
        staged.digest(),
        JSON.stringify(input.limits),
        ...args.map((arg) => arg.split(staged.dir).join('<staged>')),
      ];
      return cachedRender(JSON.stringify(key), () =>
        runTool(input.binary, args, { cwd: staged.dir, limits: input.limits, signal: input.signal }),
      );
    };
    let result = await template(valuesFiles);
    if (!result.ok && result.reason === 'failed' && valuesFiles.length === 0) {
      // Charts that need values (`required`) ship test values for chart-testing in ci/*-values.yaml.
      for (const ci of ciValuesFiles(all, chartDir)) {
        const retry = await template([ci]);
        if (!retry.ok) continue;
        notes.push(
          `${label} does not render with its default values (${result.message}); it was rendered with ${ci}, the chart's own test values. Set checks.manifests.helm.charts to choose values.`,
        );
        result = retry;
        break;
      }
    }
    if (!result.ok) {
      const hint = missing.length > 0 ? ` (it was rendered without its missing dependencies, which may be why)` : '';
      return { notes, failure: `helm template failed: ${result.message}${hint}` };
    }
    const segments = await helmSegments(tree, all, chartDir, result.stdout);
    return { notes, unit: { virtualPath: input.virtualPath, text: result.stdout, segments, label } };
  } finally {
    await staged.remove();
  }
}

/** chart-testing's convention: `<chart>/ci/*-values.yaml`, tried in order when the defaults do not render. */
const MAX_CI_VALUES_TRIES = 3;

function ciValuesFiles(all: string[], chartDir: string): string[] {
  const prefix = `${chartDir ? `${chartDir}/` : ''}ci/`;
  return all
    .filter((file) => file.startsWith(prefix) && /^[^/]+-values\.ya?ml$/.test(file.slice(prefix.length)))
    .sort()
    .slice(0, MAX_CI_VALUES_TRIES);
}

const SOURCE_LINE = /^# Source: (.+)$/;

interface SourceChunk {
  startLine: number;
  source: string;
  kind?: string;
}

/** Splits `helm template` output at its `# Source: <chart>/templates/x.yaml` comments. */
export function sourceChunks(output: string): SourceChunk[] {
  const chunks: SourceChunk[] = [];
  output.split('\n').forEach((line, index) => {
    const source = SOURCE_LINE.exec(line.trimEnd())?.[1];
    if (source !== undefined) {
      chunks.push({ startLine: index + 1, source });
      return;
    }
    const last = chunks[chunks.length - 1];
    const kind = /^kind:\s*["']?([A-Za-z][A-Za-z0-9]*)/.exec(line)?.[1];
    if (last && kind && last.kind === undefined) last.kind = kind;
  });
  return chunks;
}

async function helmSegments(
  tree: FileTree,
  all: string[],
  chartDir: string,
  output: string,
): Promise<RenderedSegment[]> {
  const chunks = sourceChunks(output);
  const bySource = new Map<string, SourceChunk[]>();
  for (const chunk of chunks) bySource.set(chunk.source, [...(bySource.get(chunk.source) ?? []), chunk]);
  const segments: RenderedSegment[] = [];
  for (const [source, list] of bySource) {
    const path = sourcePath(all, chartDir, source);
    const buffer = all.includes(path) ? await tree.read(path, 10 * 1024 * 1024) : undefined;
    const text = buffer?.toString('utf8');
    const starts = text !== undefined ? objectStarts(templateDocuments(text), list) : [];
    list.forEach((chunk, index) => {
      const line = starts[index];
      segments.push({
        startLine: chunk.startLine,
        path,
        line: line ?? 1,
        objectStart: line !== undefined,
        ...(line !== undefined && text !== undefined ? { objectLines: documentLinesFrom(text, line) } : {}),
      });
    });
  }
  return segments.sort((a, b) => a.startLine - b.startLine);
}

/**
 * The repository file of a `# Source:` path: `<chart name>/templates/x.yaml` is under the chart directory;
 * a template of a packaged dependency (`<chart>/charts/<dep>/...` with only `charts/<dep>-1.0.0.tgz` in the
 * repository) maps to the archive, else to the chart's Chart.yaml.
 */
export function sourcePath(all: string[], chartDir: string, source: string): string {
  const rest = source.slice(source.indexOf('/') + 1);
  const prefix = chartDir ? `${chartDir}/` : '';
  const direct = `${prefix}${rest}`;
  if (all.includes(direct)) return direct;
  const dependency = /^charts\/([^/]+)\//.exec(rest)?.[1];
  if (dependency) {
    const archive = all.find(
      (file) =>
        file.startsWith(`${prefix}charts/${dependency}-`) &&
        file.endsWith('.tgz') &&
        !file.slice(prefix.length + 7).includes('/'),
    );
    if (archive) return archive;
  }
  return `${prefix}Chart.yaml`;
}

interface TemplateDocument {
  /** Line of the object's first top-level key (apiVersion, kind or metadata). */
  start: number;
  /** The literal `kind:` when it is not templated. */
  kind?: string;
}

/** The YAML documents of a template file that hold an object, split at `---` lines. */
export function templateDocuments(text: string): TemplateDocument[] {
  const docs: TemplateDocument[] = [];
  let current: TemplateDocument | undefined;
  text.split('\n').forEach((line, index) => {
    if (/^---(\s|$)/.test(line)) {
      current = undefined;
      return;
    }
    if (!current && /^(apiVersion|kind|metadata)\s*:/.test(line)) {
      current = { start: index + 1 };
      docs.push(current);
    }
    const kind = /^kind:\s*["']?([A-Za-z][A-Za-z0-9]*)["']?\s*$/.exec(line.trimEnd())?.[1];
    if (current && kind) current.kind = kind;
  });
  return docs;
}

/**
 * Where each rendered object starts in its template, when that can be told honestly: the template has as
 * many object documents as were rendered (and the literal kinds agree), or exactly one document of the
 * object's kind. Otherwise undefined (the finding is file-level).
 */
export function objectStarts(docs: TemplateDocument[], rendered: { kind?: string }[]): (number | undefined)[] {
  const aligned =
    docs.length === rendered.length && docs.every((doc, i) => doc.kind === undefined || doc.kind === rendered[i]?.kind);
  return rendered.map((object, i) => {
    if (aligned) return docs[i]?.start;
    const sameKind = docs.filter((doc) => doc.kind !== undefined && doc.kind === object.kind);
    return sameKind.length === 1 ? sameKind[0]?.start : undefined;
  });
}
