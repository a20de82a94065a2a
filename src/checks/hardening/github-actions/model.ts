import { isScalar } from 'yaml';
import type { Document, Node, Scalar, YAMLMap } from 'yaml';
import { firstYamlError, parseYaml } from '../../../core/yaml.js';
import type { ParsedYaml, Position } from '../../../core/yaml.js';
import { asMap, asScalar, asSeq, entries, expandAliases, get, items, scalarText } from './yaml-nodes.js';
import type { Entry } from './yaml-nodes.js';

/*
 * Workflows are read straight from the `yaml` node tree rather than with GitHub's own
 * `@actions/workflow-parser`: that parser rewrites a script containing `${{ }}` into one `format(...)`
 * token located at the start of the scalar, so it cannot point at an expression on its real line inside a
 * `run: |` block; it also adds ~570 KB to the bundle and does not load unbundled on Node 20 (JSON import
 * without an import attribute).
 */

/** Workflows and actions larger than this are reported instead of parsed; real ones are a few KiB. */
export const MAX_WORKFLOW_BYTES = 2 * 1024 * 1024;

export interface StringValue {
  value: string;
  node: Scalar;
}

export interface StepModel {
  index: number;
  node: YAMLMap;
  /** `id`, else `name`, else `#<index>`: used in messages and finding keys. */
  label: string;
  uses?: StringValue;
  run?: StringValue;
  /** `with:` inputs keyed by lower-cased name (GitHub compares input names case-insensitively). */
  with: Map<string, Entry>;
  env?: YAMLMap;
  if?: Entry;
}

export interface JobModel {
  id: string;
  keyNode: Node;
  node: YAMLMap;
  /** True for the pseudo job that holds a composite action's `runs.steps`. */
  composite: boolean;
  permissions?: Entry;
  runsOn?: Entry;
  container?: Entry;
  services?: YAMLMap;
  /** A reusable workflow call: `jobs.<id>.uses`. */
  uses?: StringValue;
  secrets?: Entry;
  with?: YAMLMap;
  env?: YAMLMap;
  if?: Entry;
  matrix?: Entry;
  steps: StepModel[];
}

export interface Trigger {
  name: string;
  /** The node naming the trigger (a scalar in `on: push` / `on: [push]`, the key in `on: {push: …}`). */
  node: Node;
  config?: YAMLMap;
}

export type InputType = 'string' | 'boolean' | 'number' | 'choice' | 'environment' | 'unknown';

export interface WorkflowModel {
  kind: 'workflow' | 'action';
  path: string;
  text: string;
  parsed: ParsedYaml;
  doc: Document.Parsed;
  root: YAMLMap;
  on?: Entry;
  triggers: Trigger[];
  permissions?: Entry;
  env?: YAMLMap;
  jobs: JobModel[];
  /** Declared inputs: workflow_dispatch / workflow_call for workflows (merged), `inputs` for actions. */
  inputs: Map<string, InputType>;
  /** `runs.image` of a Docker container action (`docker://…` or a Dockerfile path); such actions have no jobs. */
  actionImage?: StringValue;
}

export type LoadResult =
  | { kind: 'model'; model: WorkflowModel }
  | { kind: 'error'; message: string; position: Position }
  /** Valid YAML that is not a workflow or composite action: skipped silently. */
  | { kind: 'skip' };

export function isWorkflowPath(path: string): boolean {
  return /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(path);
}

export function isActionPath(path: string): boolean {
  return /(^|\/)action\.ya?ml$/.test(path);
}

export function loadWorkflow(path: string, text: string): LoadResult {
  if (text.length > MAX_WORKFLOW_BYTES) {
    return {
      kind: 'error',
      message: `file is larger than ${MAX_WORKFLOW_BYTES} bytes and was not checked`,
      position: { line: 1, column: 1 },
    };
  }
  const parsed = parseYaml(text);
  const doc = parsed.documents[0];
  if (!doc) return { kind: 'skip' };
  const error = firstYamlError(parsed, doc);
  if (error) return { kind: 'error', message: `invalid YAML: ${error.message}`, position: error.position };
  expandAliases(doc);
  const root = asMap(doc.contents, doc);
  if (!root) return { kind: 'skip' };
  return isWorkflowPath(path)
    ? loadWorkflowFile(path, parsed.text, parsed, doc, root)
    : loadActionFile(path, parsed.text, parsed, doc, root);
}

function loadWorkflowFile(
  path: string,
  text: string,
  parsed: ParsedYaml,
  doc: Document.Parsed,
  root: YAMLMap,
): LoadResult {
  const jobsEntry = get(root, 'jobs', doc);
  const jobsMap = asMap(jobsEntry?.value, doc);
  if (!jobsMap) return { kind: 'skip' };
  // Under a `%YAML 1.1` directive the key `on` reads as the boolean true; GitHub still means the trigger.
  const on = get(root, 'on', doc) ?? entries(root, doc).find((e) => e.key === 'true' && isBooleanKey(e.keyNode));
  const triggers = readTriggers(on, doc);
  const jobs = entries(jobsMap, doc).flatMap((entry) => {
    const node = asMap(entry.value, doc);
    return node ? [readJob(entry.key, entry.keyNode, node, doc)] : [];
  });
  const model: WorkflowModel = {
    kind: 'workflow',
    path,
    text,
    parsed,
    doc,
    root,
    triggers,
    jobs,
    inputs: readWorkflowInputs(triggers, doc),
  };
  if (on) model.on = on;
  const permissions = get(root, 'permissions', doc);
  if (permissions) model.permissions = permissions;
  const env = asMap(get(root, 'env', doc)?.value, doc);
  if (env) model.env = env;
  return { kind: 'model', model };
}

function isBooleanKey(node: Node): boolean {
  return isScalar(node) && typeof node.value === 'boolean';
}

function loadActionFile(
  path: string,
  text: string,
  parsed: ParsedYaml,
  doc: Document.Parsed,
  root: YAMLMap,
): LoadResult {
  const runs = asMap(get(root, 'runs', doc)?.value, doc);
  if (!runs) return { kind: 'skip' };
  const using = scalarText(get(runs, 'using', doc)?.value, doc)?.toLowerCase();
  const inputs = new Map<string, InputType>();
  for (const e of entries(asMap(get(root, 'inputs', doc)?.value, doc), doc)) inputs.set(e.key.toLowerCase(), 'string');
  if (using === 'docker') {
    const model: WorkflowModel = { kind: 'action', path, text, parsed, doc, root, triggers: [], jobs: [], inputs };
    const image = stringValue(get(runs, 'image', doc)?.value, doc);
    if (image) model.actionImage = image;
    return { kind: 'model', model };
  }
  if (using !== 'composite') return { kind: 'skip' };
  const stepsEntry = get(runs, 'steps', doc);
  const runsEntry = get(root, 'runs', doc)!;
  const job: JobModel = {
    id: 'runs',
    keyNode: runsEntry.keyNode,
    node: runs,
    composite: true,
    steps: readSteps(stepsEntry, doc),
  };
  return {
    kind: 'model',
    model: { kind: 'action', path, text, parsed, doc, root, triggers: [], jobs: [job], inputs },
  };
}

function readTriggers(on: Entry | undefined, doc: Document.Parsed): Trigger[] {
  if (!on?.value) return [];
  const scalar = asScalar(on.value, doc);
  if (scalar) {
    const name = scalarText(scalar, doc);
    return name ? [{ name, node: scalar }] : [];
  }
  const seq = asSeq(on.value, doc);
  if (seq) {
    return items(seq, doc).flatMap((item) => {
      const name = scalarText(item, doc);
      return name ? [{ name, node: item }] : [];
    });
  }
  return entries(asMap(on.value, doc), doc).map((e) => {
    const trigger: Trigger = { name: e.key, node: e.keyNode };
    const config = asMap(e.value, doc);
    if (config) trigger.config = config;
    return trigger;
  });
}

function readWorkflowInputs(triggers: Trigger[], doc: Document.Parsed): Map<string, InputType> {
  const inputs = new Map<string, InputType>();
  for (const trigger of triggers) {
    if (trigger.name !== 'workflow_dispatch' && trigger.name !== 'workflow_call') continue;
    for (const e of entries(asMap(get(trigger.config, 'inputs', doc)?.value, doc), doc)) {
      const declared = scalarText(get(asMap(e.value, doc), 'type', doc)?.value, doc)?.toLowerCase();
      // workflow_dispatch inputs without a type are strings.
      const type: InputType =
        declared === undefined
          ? 'string'
          : ((['string', 'boolean', 'number', 'choice', 'environment'] as const).find((t) => t === declared) ??
            'unknown');
      const name = e.key.toLowerCase();
      const previous = inputs.get(name);
      // Declared by both triggers with different types: keep the one that can carry the most text.
      inputs.set(name, previous === undefined || previous === type ? type : 'string');
    }
  }
  return inputs;
}

function readJob(id: string, keyNode: Node, node: YAMLMap, doc: Document.Parsed): JobModel {
  const job: JobModel = { id, keyNode, node, composite: false, steps: readSteps(get(node, 'steps', doc), doc) };
  const permissions = get(node, 'permissions', doc);
  if (permissions) job.permissions = permissions;
  const runsOn = get(node, 'runs-on', doc);
  if (runsOn) job.runsOn = runsOn;
  const container = get(node, 'container', doc);
  if (container) job.container = container;
  const services = asMap(get(node, 'services', doc)?.value, doc);
  if (services) job.services = services;
  const uses = stringValue(get(node, 'uses', doc)?.value, doc);
  if (uses) job.uses = uses;
  const secrets = get(node, 'secrets', doc);
  if (secrets) job.secrets = secrets;
  const withMap = asMap(get(node, 'with', doc)?.value, doc);
  if (withMap) job.with = withMap;
  const env = asMap(get(node, 'env', doc)?.value, doc);
  if (env) job.env = env;
  const cond = get(node, 'if', doc);
  if (cond) job.if = cond;
  const matrix = get(asMap(get(node, 'strategy', doc)?.value, doc), 'matrix', doc);
  if (matrix) job.matrix = matrix;
  return job;
}

/**
 * The steps of a job in run order. A `parallel:` group (a list of steps run side by side) is read as its
 * steps, so every audit sees them.
 */
function stepNodes(stepsEntry: Entry | undefined, doc: Document.Parsed): YAMLMap[] {
  return items(asSeq(stepsEntry?.value, doc), doc).flatMap((item) => {
    const node = asMap(item, doc);
    if (!node) return [];
    const parallel = get(node, 'parallel', doc);
    if (parallel && !get(node, 'run', doc) && !get(node, 'uses', doc))
      return items(asSeq(parallel.value, doc), doc).flatMap((p) => asMap(p, doc) ?? []);
    return [node];
  });
}

function readSteps(stepsEntry: Entry | undefined, doc: Document.Parsed): StepModel[] {
  return stepNodes(stepsEntry, doc).map((node, index) => {
    const step: StepModel = { index, node, label: '', with: new Map() };
    const uses = stringValue(get(node, 'uses', doc)?.value, doc);
    if (uses) step.uses = uses;
    const run = stringValue(get(node, 'run', doc)?.value, doc);
    if (run) step.run = run;
    for (const e of entries(asMap(get(node, 'with', doc)?.value, doc), doc)) {
      const key = e.key.toLowerCase();
      if (!step.with.has(key)) step.with.set(key, e);
    }
    const env = asMap(get(node, 'env', doc)?.value, doc);
    if (env) step.env = env;
    const cond = get(node, 'if', doc);
    if (cond) step.if = cond;
    const id = scalarText(get(node, 'id', doc)?.value, doc);
    const name = scalarText(get(node, 'name', doc)?.value, doc);
    step.label = id ?? name ?? `#${index + 1}`;
    return step;
  });
}

export function stringValue(node: unknown, doc: Document.Parsed): StringValue | undefined {
  const scalar = asScalar(node, doc);
  const value = scalar ? scalarText(scalar, doc) : undefined;
  return scalar && value !== undefined ? { value, node: scalar } : undefined;
}

/** A `with:` input's text, or undefined when missing or not a scalar. */
export function withText(step: StepModel, name: string, doc: Document.Parsed): string | undefined {
  return scalarText(step.with.get(name)?.value, doc);
}

/** The action a `uses:` names, lower-cased, without the `@ref` (e.g. `actions/checkout`). */
export function usesTarget(uses: string): string {
  const at = uses.indexOf('@');
  return (at >= 0 ? uses.slice(0, at) : uses).trim().toLowerCase();
}

/** True when `uses:` names `owner/repo` (any sub-path / version) from the list. */
export function usesAction(step: StepModel, ...names: string[]): boolean {
  if (!step.uses) return false;
  const target = usesTarget(step.uses.value);
  return names.some((name) => target === name || target.startsWith(`${name}/`));
}
