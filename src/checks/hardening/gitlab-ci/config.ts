import { posix } from 'node:path';
import { minimatch } from 'minimatch';
import type { Severity } from '../../../core/severity.js';
import type { FileTree } from '../../../core/tree.js';
import { MAX_FILE_BYTES } from '../../../core/tree.js';
import type { LMap, LScalar, LValue, Position } from './located.js';
import { deepMerge, emptyMap, get, listItems, parseCiFile, positionOf, stringValue, withoutKeys } from './located.js';
import { decodeSourceText } from '../../../core/text.js';

/** GitLab's default limit of included files per pipeline, nested ones included. */
export const MAX_INCLUDES = 150;
/** Total bytes of included files read for one pipeline; the rest is reported, not read. */
export const MAX_INCLUDED_BYTES = 20 * 1024 * 1024;
/** `extends` supports up to eleven levels of inheritance. */
export const MAX_EXTENDS_DEPTH = 11;
/** `!reference` tags nest up to 10 levels. */
export const MAX_REFERENCE_DEPTH = 10;
/** Values visited while resolving jobs and `!reference` tags (all jobs together), against alias- and reference-shaped blow-ups; far above real pipelines. */
export const MAX_RESOLVE_STEPS = 1_000_000;

export const UNRESOLVED_RULE = 'gitlab-ci/unresolvable-config';
export const PARSE_ERROR_RULE = 'hardening/parse-error';

/** Top-level keys that are not jobs. `image`, `services`, `cache`, `*_script` are deprecated global defaults. */
const GLOBAL_KEYWORDS = new Set([
  'default',
  'include',
  'stages',
  'variables',
  'workflow',
  'spec',
  'image',
  'services',
  'cache',
  'before_script',
  'after_script',
  'types',
]);
const DEPRECATED_GLOBAL_DEFAULTS = ['image', 'services', 'cache', 'before_script', 'after_script'];
/** The keywords `default:` can set for jobs. */
const DEFAULT_KEYWORDS = [
  'after_script',
  'artifacts',
  'before_script',
  'cache',
  'hooks',
  'id_tokens',
  'image',
  'interruptible',
  'retry',
  'services',
  'tags',
  'timeout',
];

export interface Problem {
  ruleId: string;
  severity?: Severity;
  message: string;
  position: Position;
  key: string;
  object?: string;
}

export type IncludeKind = 'local' | 'remote' | 'project' | 'template' | 'component';

export interface IncludeRef {
  kind: IncludeKind;
  /** The scalar holding the location (path, URL, project, template or component address). */
  location: LScalar;
  /** The `- local: ...` map form, with `integrity`, `ref`, `file`, `inputs`... */
  fields?: LMap;
}

export interface VariableDef {
  name: string;
  /** The value node (the scalar, or `value:` of the expanded form). */
  value: LValue;
  scope: 'global' | 'job' | 'rule';
}

export interface CiJob {
  name: string;
  /** The job after `extends`, `!reference` and `default:` are applied. */
  config: LMap;
  /** Variables the job sees from the file: inherited globals, then its own (its own win). */
  variables: Map<string, VariableDef>;
}

export interface CiModel {
  mainPath: string;
  jobs: CiJob[];
  includes: IncludeRef[];
  problems: Problem[];
  /** `spec:` headers by file path, for component/include inputs. */
  headers: Map<string, LMap>;
  /** Every file read, main file first. */
  files: string[];
  /** Local configuration files of child pipelines (`trigger: include:`), linted as pipelines of their own. */
  childPipelines: ChildPipeline[];
}

export interface ChildPipeline {
  path: string;
  /** Where the trigger names it. */
  location: LScalar;
  job: string;
}

interface LoadState {
  tree: FileTree;
  list?: string[];
  includes: IncludeRef[];
  problems: Problem[];
  headers: Map<string, LMap>;
  files: string[];
  loaded: number;
  bytes: number;
}

function problem(ruleId: string, message: string, at: Position, key: string, object?: string): Problem {
  return { ruleId, message, position: at, key, ...(object ? { object } : {}) };
}

/** Loads `.gitlab-ci.yml` and its local includes, then resolves `extends`, `!reference` and `default:`. */
export async function buildModel(mainPath: string, mainText: string, tree: FileTree): Promise<CiModel> {
  const state: LoadState = { tree, includes: [], problems: [], headers: new Map(), files: [], loaded: 0, bytes: 0 };
  const root = await loadFile(mainPath, mainText, [mainPath], state);
  const model: CiModel = {
    mainPath,
    jobs: [],
    includes: state.includes,
    problems: state.problems,
    headers: state.headers,
    files: state.files,
    childPipelines: [],
  };
  const external = state.includes.filter((include) => include.kind !== 'local');
  if (root) model.jobs = resolveJobs(root, state.problems, external);
  for (const job of model.jobs) collectTriggerIncludes(job, model);
  return model;
}

/**
 * `trigger: include:` of a child pipeline: local files become child pipelines to lint; other forms are
 * audited like includes; `artifact:` (generated configuration) cannot be read before the pipeline runs.
 */
function collectTriggerIncludes(job: CiJob, model: CiModel): void {
  const trigger = get(job.config, 'trigger');
  if (trigger?.kind !== 'map') return;
  const items = listItems(get(trigger, 'include')).filter(
    (item) => !(item.kind === 'map' && item.entries.has('artifact')),
  );
  for (const include of includeItems(items, model.problems)) {
    if (include.kind !== 'local') {
      model.includes.push(include);
      continue;
    }
    const raw = String(include.location.value ?? '').trim();
    const path = posix.normalize(raw.replace(/^\/+/, ''));
    if (raw.includes('$') || raw.includes('*') || path.startsWith('../')) {
      model.problems.push(
        problem(
          UNRESOLVED_RULE,
          `Child pipeline configuration \`${raw}\` cannot be resolved statically and was not checked.`,
          positionOf(include.location),
          `child:${raw}`,
          job.name,
        ),
      );
      continue;
    }
    model.childPipelines.push({ path, location: include.location, job: job.name });
  }
}

async function loadFile(path: string, text: string, stack: string[], state: LoadState): Promise<LMap | undefined> {
  state.files.push(path);
  const parsed = parseCiFile(path, text);
  if (parsed.error) {
    state.problems.push(
      problem(
        PARSE_ERROR_RULE,
        `${path} is not valid GitLab CI YAML: ${parsed.error.message}`,
        parsed.error.position,
        'yaml',
      ),
    );
    return undefined;
  }
  if (parsed.header) state.headers.set(path, parsed.header);
  const root = parsed.root;
  if (root === undefined || (root.kind === 'scalar' && root.value === null)) return emptyMap(parsed.src, '');
  if (root.kind !== 'map') {
    state.problems.push(
      problem(PARSE_ERROR_RULE, `${path} must be a mapping of jobs and global keywords`, positionOf(root), 'shape'),
    );
    return undefined;
  }
  let merged = emptyMap(parsed.src, '');
  for (const include of includeRefs(get(root, 'include'), state.problems)) {
    state.includes.push(include);
    if (include.kind !== 'local') continue;
    for (const target of await localTargets(include, state)) {
      const included = await loadIncluded(include, target, stack, state);
      if (included) merged = deepMerge(merged, included);
    }
  }
  return deepMerge(merged, withoutKeys(root, ['include']));
}

async function loadIncluded(
  include: IncludeRef,
  target: string,
  stack: string[],
  state: LoadState,
): Promise<LMap | undefined> {
  const at = positionOf(include.location);
  if (stack.includes(target)) {
    const chain = [...stack, target].join(' → ');
    state.problems.push(
      problem(
        UNRESOLVED_RULE,
        `Include cycle: ${chain}. GitLab rejects this pipeline.`,
        at,
        `cycle:${target}`,
        'include',
      ),
    );
    return undefined;
  }
  if (state.loaded >= MAX_INCLUDES) {
    state.problems.push(
      problem(
        UNRESOLVED_RULE,
        `More than ${MAX_INCLUDES} included files; ${target} and later includes were not read.`,
        at,
        'too-many',
        'include',
      ),
    );
    return undefined;
  }
  const size = await state.tree.size(target);
  if (size !== undefined && state.bytes + size > MAX_INCLUDED_BYTES) {
    state.problems.push(
      problem(
        UNRESOLVED_RULE,
        `Included files exceed ${MAX_INCLUDED_BYTES} bytes; ${target} was not read.`,
        at,
        `size:${target}`,
        'include',
      ),
    );
    return undefined;
  }
  const bytes = await state.tree.read(target, MAX_FILE_BYTES);
  if (!bytes) {
    state.problems.push(
      problem(
        UNRESOLVED_RULE,
        `Included file ${target} does not exist or is not a readable regular file.`,
        at,
        `missing:${target}`,
        'include',
      ),
    );
    return undefined;
  }
  state.loaded++;
  state.bytes += bytes.length;
  return loadFile(target, decodeSourceText(bytes), [...stack, target], state);
}

/** The repository paths a `local` include names: one path, or the files a `*`/`**` pattern matches. */
async function localTargets(include: IncludeRef, state: LoadState): Promise<string[]> {
  const raw = String(include.location.value ?? '').trim();
  const at = positionOf(include.location);
  if (raw.includes('$')) {
    state.problems.push(
      problem(
        UNRESOLVED_RULE,
        `Local include \`${raw}\` uses a CI/CD variable; it cannot be resolved statically and was not checked.`,
        at,
        `variable:${raw}`,
        'include',
      ),
    );
    return [];
  }
  const normalized = posix.normalize(raw.replace(/^\/+/, ''));
  if (normalized.startsWith('../') || normalized === '..' || normalized === '.' || posix.isAbsolute(normalized)) {
    state.problems.push(
      problem(
        UNRESOLVED_RULE,
        `Local include \`${raw}\` points outside the repository.`,
        at,
        `outside:${raw}`,
        'include',
      ),
    );
    return [];
  }
  if (!normalized.includes('*')) return [normalized];
  state.list ??= await state.tree.list();
  // GitLab: `configs/*.yml` stays in one folder, `configs/**.yml` also matches subfolders.
  const pattern = normalized
    .split('/')
    .map((segment) => (segment !== '**' && segment.includes('**') ? `**/${segment.replace(/\*\*/g, '*')}` : segment))
    .join('/');
  const matches = state.list.filter((file) => /\.ya?ml$/.test(file) && minimatch(file, pattern, { dot: true }));
  if (matches.length === 0) {
    state.problems.push(
      problem(UNRESOLVED_RULE, `Local include pattern \`${raw}\` matches no file.`, at, `empty:${raw}`, 'include'),
    );
  }
  return matches;
}

/** The include entries of one file, in order: string, list, or map forms. `rules:` are ignored (all included). */
export function includeRefs(value: LValue | undefined, problems: Problem[]): IncludeRef[] {
  if (!value || (value.kind === 'scalar' && value.value === null)) return [];
  return includeItems(value.kind === 'seq' ? value.items : [value], problems);
}

function includeItems(items: LValue[], problems: Problem[]): IncludeRef[] {
  const refs: IncludeRef[] = [];
  for (const item of items) {
    if (item.kind === 'scalar' && typeof item.value === 'string') {
      refs.push({ kind: /^https?:\/\//i.test(item.value.trim()) ? 'remote' : 'local', location: item });
      continue;
    }
    if (item.kind === 'map') {
      const kind = (['local', 'remote', 'project', 'template', 'component'] as const).find((k) => item.entries.has(k));
      const location = kind ? get(item, kind) : undefined;
      if (kind && location?.kind === 'scalar' && location.value !== null) {
        refs.push({ kind, location, fields: item });
        continue;
      }
    }
    problems.push(
      problem(
        UNRESOLVED_RULE,
        'This `include` entry is not a form GitLab accepts (local, remote, project, template, component).',
        positionOf(item),
        'include-shape',
        'include',
      ),
    );
  }
  return refs;
}

interface ResolveContext {
  root: LMap;
  problems: Problem[];
  extended: Map<string, LMap>;
  steps: number;
  exhausted: boolean;
  /** Includes that were not fetched: names missing locally are probably defined there. */
  external: IncludeRef[];
}

/** A name that may live in an include that was not fetched is reported as info, not as a problem. */
function unknownName(ctx: ResolveContext, message: string, at: Position, key: string, object?: string): Problem {
  if (ctx.external.length === 0) return problem(UNRESOLVED_RULE, `${message}.`, at, key, object);
  const sources = ctx.external.map((include) => `${include.kind}: ${String(include.location.value)}`);
  return {
    ...problem(
      UNRESOLVED_RULE,
      `${message}; it is probably defined in an include that was not fetched (${sources.slice(0, 3).join(', ')}${sources.length > 3 ? ', …' : ''}), so what it brings in was not checked.`,
      at,
      key,
      object,
    ),
    severity: 'info',
  };
}

function resolveJobs(root: LMap, problems: Problem[], external: IncludeRef[]): CiJob[] {
  const ctx: ResolveContext = { root, problems, extended: new Map(), steps: 0, exhausted: false, external };
  const defaults = defaultSettings(root, ctx);
  const globals = get(root, 'variables');
  const globalVariables = globals ? resolveReferences(globals, ctx, 0, []) : undefined;
  const jobs: CiJob[] = [];
  for (const [name, entry] of root.entries) {
    if (GLOBAL_KEYWORDS.has(name) || name.startsWith('.')) continue;
    if (entry.value.kind !== 'map') continue;
    const extended = extendedJob(name, ctx);
    if (!extended) continue;
    const resolved = resolveReferences(extended, ctx, 0, []);
    if (resolved.kind !== 'map') continue;
    const config = applyDefaults(resolved, defaults);
    jobs.push({ name, config, variables: jobVariables(config, globalVariables) });
  }
  return jobs;
}

function defaultSettings(root: LMap, ctx: ResolveContext): LMap | undefined {
  let defaults: LMap | undefined;
  for (const key of DEPRECATED_GLOBAL_DEFAULTS) {
    const entry = root.entries.get(key);
    if (!entry) continue;
    defaults ??= { ...root, entries: new Map() };
    defaults.entries.set(key, entry);
  }
  const explicit = get(root, 'default');
  if (explicit?.kind === 'map') defaults = defaults ? deepMerge(defaults, explicit) : explicit;
  if (!defaults) return undefined;
  const resolved = resolveReferences(defaults, ctx, 0, []);
  return resolved.kind === 'map' ? resolved : undefined;
}

/** Copies each default keyword to the job when the job lacks it, honouring `inherit:default`. */
function applyDefaults(job: LMap, defaults: LMap | undefined): LMap {
  if (!defaults) return job;
  const inherit = get(get(job, 'inherit'), 'default');
  if (inherit?.kind === 'scalar' && inherit.value === false) return job;
  const allowed =
    inherit?.kind === 'seq' ? new Set(inherit.items.map((item) => stringValue(item)).filter(Boolean)) : undefined;
  const entries = new Map(job.entries);
  for (const key of DEFAULT_KEYWORDS) {
    const entry = defaults.entries.get(key);
    if (!entry || entries.has(key) || (allowed && !allowed.has(key))) continue;
    entries.set(key, entry);
  }
  return { ...job, entries };
}

function jobVariables(job: LMap, resolvedGlobals: LValue | undefined): Map<string, VariableDef> {
  const variables = new Map<string, VariableDef>();
  const inherit = get(get(job, 'inherit'), 'variables');
  const inheritAll = !(inherit?.kind === 'scalar' && inherit.value === false);
  const allowed =
    inherit?.kind === 'seq' ? new Set(inherit.items.map((item) => stringValue(item)).filter(Boolean)) : undefined;
  if (inheritAll && resolvedGlobals?.kind === 'map') {
    for (const [name, entry] of resolvedGlobals.entries) {
      if (allowed && !allowed.has(name)) continue;
      variables.set(name, { name, value: variableValue(entry.value), scope: 'global' });
    }
  }
  const own = get(job, 'variables');
  if (own?.kind === 'map') {
    for (const [name, entry] of own.entries)
      variables.set(name, { name, value: variableValue(entry.value), scope: 'job' });
  }
  return variables;
}

/** `NAME: value` or `NAME: { value: ..., description: ... }`. */
export function variableValue(value: LValue): LValue {
  return value.kind === 'map' ? (get(value, 'value') ?? value) : value;
}

/** Variables set by `rules:` entries of a job (they apply when the rule matches). */
export function ruleVariables(job: LMap): VariableDef[] {
  const rules = get(job, 'rules');
  if (rules?.kind !== 'seq') return [];
  const out: VariableDef[] = [];
  for (const rule of listItems(rules)) {
    const vars = get(rule, 'variables');
    if (vars?.kind !== 'map') continue;
    for (const [name, entry] of vars.entries) out.push({ name, value: variableValue(entry.value), scope: 'rule' });
  }
  return out;
}

/** The job with its `extends` chain merged in (bases in order, last wins, then the job itself). */
function extendedJob(name: string, ctx: ResolveContext, depth = 0, stack: string[] = [name]): LMap | undefined {
  const cached = ctx.extended.get(name);
  if (cached) return cached;
  const job = get(ctx.root, name);
  if (job?.kind !== 'map') return undefined;
  const extendsValue = get(job, 'extends');
  if (!extendsValue) {
    ctx.extended.set(name, job);
    return job;
  }
  const parents =
    extendsValue.kind === 'seq' ? extendsValue.items : extendsValue.kind === 'scalar' ? [extendsValue] : [];
  let merged: LMap | undefined;
  for (const parentNode of parents) {
    const parent = stringValue(parentNode);
    const at = positionOf(parentNode);
    if (!parent) continue;
    if (stack.includes(parent)) {
      ctx.problems.push(
        problem(
          UNRESOLVED_RULE,
          `\`extends\` cycle: ${[...stack, parent].join(' → ')}. GitLab rejects this pipeline.`,
          at,
          `extends-cycle:${parent}`,
          name,
        ),
      );
      continue;
    }
    if (depth + 1 > MAX_EXTENDS_DEPTH) {
      ctx.problems.push(
        problem(
          UNRESOLVED_RULE,
          `\`extends\` nests deeper than ${MAX_EXTENDS_DEPTH} levels at \`${parent}\`; GitLab rejects this pipeline.`,
          at,
          `extends-depth:${parent}`,
          name,
        ),
      );
      continue;
    }
    if (get(ctx.root, parent)?.kind !== 'map') {
      ctx.problems.push(
        unknownName(
          ctx,
          `\`extends: ${parent}\` names no job or template in this repository`,
          at,
          `extends-unknown:${parent}`,
          name,
        ),
      );
      continue;
    }
    const base = extendedJob(parent, ctx, depth + 1, [...stack, parent]);
    if (base) merged = merged ? deepMerge(merged, base) : base;
  }
  const own = withoutKeys(job, ['extends']);
  const result = merged ? deepMerge(withoutKeys(merged, ['extends']), own) : own;
  if (depth === 0) ctx.extended.set(name, result);
  return result;
}

/** Replaces `!reference` tags with the values they point at (which keep their own locations). */
function resolveReferences(value: LValue, ctx: ResolveContext, depth: number, stack: string[]): LValue {
  if (ctx.exhausted) return value;
  if (++ctx.steps > MAX_RESOLVE_STEPS) {
    ctx.exhausted = true;
    ctx.problems.push(
      problem(
        UNRESOLVED_RULE,
        `The configuration expands to more than ${MAX_RESOLVE_STEPS} values; the rest was not resolved.`,
        positionOf(value),
        'too-large',
      ),
    );
    return value;
  }
  switch (value.kind) {
    case 'scalar':
      return value;
    case 'seq': {
      let changed = false;
      const items = value.items.map((item) => {
        const resolved = resolveReferences(item, ctx, depth, stack);
        if (resolved !== item) changed = true;
        return resolved;
      });
      return changed ? { ...value, items } : value;
    }
    case 'map': {
      let changed = false;
      const entries = new Map(value.entries);
      for (const [key, entry] of value.entries) {
        const resolved = resolveReferences(entry.value, ctx, depth, stack);
        if (resolved !== entry.value) {
          changed = true;
          entries.set(key, { ...entry, value: resolved });
        }
      }
      return changed ? { ...value, entries } : value;
    }
    case 'ref':
      return resolveReference(value, ctx, depth, stack);
  }
}

function resolveReference(ref: LValue & { kind: 'ref' }, ctx: ResolveContext, depth: number, stack: string[]): LValue {
  const at = positionOf(ref);
  const label = `!reference [${ref.path.join(', ')}]`;
  const nullValue: LScalar = {
    kind: 'scalar',
    src: ref.src,
    start: ref.start,
    end: ref.start,
    owner: ref.owner,
    value: null,
  };
  const fail = (message: string, key: string): LValue => {
    ctx.problems.push(problem(UNRESOLVED_RULE, message, at, key, ref.owner || undefined));
    return nullValue;
  };
  if (!ref.valid) return fail('A `!reference` tag needs a list of job and key names.', 'reference-shape');
  const id = ref.path.join('\u0000');
  if (stack.includes(id)) return fail(`${label} refers back to itself.`, `reference-cycle:${ref.path.join('.')}`);
  if (depth >= MAX_REFERENCE_DEPTH) {
    return fail(`${label} nests deeper than ${MAX_REFERENCE_DEPTH} levels.`, `reference-depth:${ref.path.join('.')}`);
  }
  const [top, ...keys] = ref.path;
  let target: LValue | undefined = top ? (extendedJob(top, ctx) ?? get(ctx.root, top)) : undefined;
  for (const key of keys) target = get(target, key);
  if (!target) {
    const key = `reference-unknown:${ref.path.join('.')}`;
    ctx.problems.push(
      unknownName(ctx, `${label} points at nothing in this repository`, at, key, ref.owner || undefined),
    );
    return nullValue;
  }
  return resolveReferences(target, ctx, depth + 1, [...stack, id]);
}
