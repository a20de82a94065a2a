import type { CheckContext } from '../../../core/check.js';
import { errorMessage } from '../../../core/errors.js';
import type { RawFinding } from '../../../core/finding.js';
import { isFileLocation } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { HelmPolicy, KustomizePolicy } from '../../../policy/types.js';
import { DEFAULT_NAMESPACE, DEFAULT_RELEASE, findCharts, renderChart } from './helm.js';
import { availableParallelism } from 'node:os';
import type { Kustomization } from './kustomize.js';
import { closure, readKustomizations, renderKustomization } from './kustomize.js';
import type { RenderLimits } from './limits.js';
import { RENDER_LIMITS } from './limits.js';
import type { RenderOutcome, RenderedUnit } from './model.js';
import { keyLine, segmentAt } from './model.js';
import type { ToolLookup } from './sandbox.js';
import { findTool } from './sandbox.js';
import { StagingLimitError, dirOf, filesUnder } from './stage.js';

export type { RenderOutcome, RenderedUnit } from './model.js';

export const renderFailedRule: RuleDefinition = {
  id: 'manifests/render-failed',
  check: 'manifests',
  title: 'Helm chart or kustomization could not be rendered',
  severity: 'medium',
  description:
    '`helm template` or `kustomize build` failed on a chart or top-level kustomization (a template error, a required value with no default, a missing file, or the render hit its time or output limit), so the objects it produces were not checked.',
  rationale:
    'What is deployed is the rendered output, not the template files. A chart that does not render with the values the gate is given is a chart the gate cannot vouch for; it is reported once per chart, not once per template, and blocks only under a strict threshold.',
  fix: 'Fix the error quoted in the finding, or give the gate the values it needs:\n\n```yaml\nchecks:\n  manifests:\n    helm:\n      charts:\n        - path: deploy/chart\n          values: [deploy/chart/values-ci.yaml]\n```',
  references: ['https://helm.sh/docs/helm/helm_template/', 'https://kubectl.docs.kubernetes.io/references/kustomize/'],
};

const HELM_DEFAULTS: HelmPolicy = { enabled: true, release: DEFAULT_RELEASE, namespace: DEFAULT_NAMESPACE, charts: [] };
const KUSTOMIZE_DEFAULTS: KustomizePolicy = { enabled: true };

/** Virtual path of the n-th rendered output: linted by the Kubernetes linter, then mapped back to sources. */
export function virtualPath(index: number): string {
  return `.containersec-render/${index}.yaml`;
}

function renderFailed(path: string, message: string): RawFinding {
  return {
    ruleId: renderFailedRule.id,
    severity: renderFailedRule.severity,
    title: renderFailedRule.title,
    message,
    location: { path, startLine: 1, startColumn: 1 },
    key: 'render',
  };
}

/** `--kube-version` from the Pod Security version: "1.30" → "1.30.0"; latest leaves helm's default. */
export function kubeVersion(podSecurityVersion: string): string | undefined {
  return /^1\.\d+$/.test(podSecurityVersion) ? `${podSecurityVersion}.0` : undefined;
}

/** Renders run this many at a time (each is one helm/kubectl process). */
const RENDER_CONCURRENCY = Math.max(1, Math.min(4, availableParallelism()));

/** `fn` over `items` with at most `limit` running at once; results in the order of `items`. */
async function inOrder<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

interface Step {
  unit?: RenderedUnit;
  notes: string[];
  finding?: RawFinding;
  /** Files not linted on their own because this render covers them. */
  covers: string[];
}

async function guarded(path: string, what: string, render: () => Promise<Step>): Promise<Step> {
  try {
    return await render();
  } catch (error) {
    if (!(error instanceof StagingLimitError)) throw error;
    return { notes: [], covers: [], finding: renderFailed(path, `${what} was not rendered: ${errorMessage(error)}.`) };
  }
}

/**
 * Renders the Helm charts and top-level kustomizations that the selected files belong to, and says which
 * selected files must not be linted on their own (templates, patches, rendered resources).
 */
export async function renderManifests(
  context: CheckContext,
  selected: string[],
  limits: RenderLimits = RENDER_LIMITS,
): Promise<RenderOutcome> {
  const all = await context.tree.list();
  const selectedSet = new Set(selected);
  const outcome: RenderOutcome = { units: [], skip: new Set(), notes: [], findings: [] };
  const started = Date.now();
  const policy = context.policy.checks.manifests;

  const charts = findCharts(all).filter((dir) => filesUnder(selected, dir).length > 0);
  for (const chart of charts) for (const file of filesUnder(selected, chart)) outcome.skip.add(file);
  const inChart = (file: string): boolean => charts.some((dir) => dir === '' || file.startsWith(`${dir}/`));
  const { byDir, topLevel } = await readKustomizations(
    context.tree,
    all.filter((file) => !inChart(file)),
  );
  // Patches are partial objects: never linted on their own, rendered or not.
  for (const kustomization of byDir.values())
    for (const file of kustomization.patches) if (selectedSet.has(file)) outcome.skip.add(file);
  const tops = topLevel.filter(
    (top) => selectedSet.has(top.file) || all.some((f) => dirOf(f) === top.dir && selectedSet.has(f)),
  );

  const helm = { ...HELM_DEFAULTS, ...policy.helm };
  const kustomize = { ...KUSTOMIZE_DEFAULTS, ...policy.kustomize };
  const helmTool =
    charts.length > 0 && helm.enabled ? await findTool(['helm'], helm.binary, context.env.PATH, context.root) : {};
  const kustomizeTool =
    tops.length > 0 && kustomize.enabled
      ? await findTool(['kustomize', 'kubectl'], kustomize.binary, context.env.PATH, context.root)
      : {};
  if (charts.length > 0 && !helm.enabled)
    outcome.notes.push(
      `helm: rendering is off (checks.manifests.helm.enabled: false); ${charts.length} chart(s) not checked: ${charts.join(', ') || '.'}`,
    );
  if (tops.length > 0 && !kustomize.enabled)
    outcome.notes.push(
      `kustomize: rendering is off (checks.manifests.kustomize.enabled: false); ${tops.length} kustomization(s) not rendered; their resources are checked on their own.`,
    );

  type Job = { kind: 'chart'; dir: string } | { kind: 'kustomization'; top: Kustomization };
  const jobs: Job[] = [
    ...(helm.enabled ? charts.map((dir): Job => ({ kind: 'chart', dir })) : []),
    ...(kustomize.enabled ? tops.map((top): Job => ({ kind: 'kustomization', top })) : []),
  ];
  const steps = await inOrder(jobs, RENDER_CONCURRENCY, (job, index) =>
    job.kind === 'chart'
      ? chartStep(context, all, job.dir, helm, helmTool, limits, virtualPath(index))
      : kustomizationStep(context, all, job.top, closure(job.top, byDir), kustomizeTool, limits, virtualPath(index)),
  );
  const rendered = { charts: 0, kustomizations: 0 };
  steps.forEach((step, index) => {
    outcome.notes.push(...step.notes);
    if (step.finding) outcome.findings.push(step.finding);
    if (!step.unit) return;
    outcome.units.push(step.unit);
    rendered[jobs[index]!.kind === 'chart' ? 'charts' : 'kustomizations']++;
    for (const file of step.covers) if (selectedSet.has(file)) outcome.skip.add(file);
  });
  if (charts.length + tops.length > 0)
    outcome.notes.push(
      `rendered ${rendered.charts} of ${charts.length} Helm chart(s) and ${rendered.kustomizations} of ${tops.length} top-level kustomization(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  return outcome;
}

function chartStep(
  context: CheckContext,
  all: string[],
  chart: string,
  helm: HelmPolicy,
  tool: ToolLookup,
  limits: RenderLimits,
  path: string,
): Promise<Step> {
  const label = chart || '.';
  const chartFile = `${chart ? `${chart}/` : ''}Chart.yaml`;
  if (!tool.binary) {
    const why = tool.problem ?? 'no helm binary on PATH';
    return Promise.resolve({
      notes: [`helm: chart ${label} not rendered: ${why}; install helm or set checks.manifests.helm.binary.`],
      covers: [],
    });
  }
  const binary = tool.binary;
  const config = helm.charts.find((entry) => entry.path.replace(/\/$/, '') === chart);
  return guarded(chartFile, `The Helm chart ${label}`, async () => {
    const result = await renderChart({
      tree: context.tree,
      all,
      chartDir: chart,
      binary,
      config,
      release: config?.release ?? helm.release,
      namespace: config?.namespace ?? helm.namespace,
      kubeVersion: kubeVersion(context.policy.checks.manifests['pod-security'].version),
      limits,
      signal: context.signal,
      virtualPath: path,
    });
    return {
      unit: result.unit,
      notes: result.notes,
      covers: [],
      finding: result.failure
        ? renderFailed(
            chartFile,
            `The Helm chart ${label} was not rendered, so its objects were not checked: ${result.failure}.`,
          )
        : undefined,
    };
  });
}

function kustomizationStep(
  context: CheckContext,
  all: string[],
  top: Kustomization,
  members: Kustomization[],
  tool: ToolLookup,
  limits: RenderLimits,
  path: string,
): Promise<Step> {
  const label = top.dir || '.';
  if (!tool.binary) {
    const why = tool.problem ?? 'no kustomize or kubectl binary on PATH';
    return Promise.resolve({
      notes: [
        `kustomize: ${label} not rendered: ${why}; install kubectl or kustomize, or set checks.manifests.kustomize.binary. Its resources are checked on their own.`,
      ],
      covers: [],
    });
  }
  const binary = tool.binary;
  return guarded(top.file, `The kustomization ${label}`, async () => {
    const result = await renderKustomization({
      tree: context.tree,
      all,
      top,
      members,
      binary,
      limits,
      signal: context.signal,
      virtualPath: path,
    });
    return {
      unit: result.unit,
      notes: result.refused
        ? [`kustomize: ${label} not rendered: ${result.refused}. Its resources are checked on their own.`]
        : [],
      covers: members.flatMap((member) => [member.file, ...member.resources, ...member.inputs]),
      finding: result.failure
        ? renderFailed(
            top.file,
            `The kustomization ${label} was not rendered, so the objects it produces were not checked: ${result.failure}.`,
          )
        : undefined,
    };
  });
}

/** Findings on a rendered output, moved to the template or source file the object came from. */
export function locateRendered(findings: RawFinding[], units: RenderedUnit[]): RawFinding[] {
  const byPath = new Map(units.map((unit) => [unit.virtualPath, { unit, lines: unit.text.split('\n') }]));
  return findings.map((finding) => {
    const location = finding.location;
    if (!isFileLocation(location)) return finding;
    const rendered = byPath.get(location.path);
    if (!rendered) return finding;
    const { unit, lines } = rendered;
    const segment = segmentAt(unit, location.startLine ?? 1);
    if (!segment) return finding;
    const key = keyLine(lines[(location.startLine ?? 1) - 1] ?? '', segment);
    const patched = unit.label.startsWith('the kustomization') ? '; its patches may change it' : '';
    const where = key
      ? `line ${key.line} is where \`${key.key}:\` is written in the object in ${segment.path}${patched}`
      : segment.objectStart
        ? `line ${segment.line} is where the object starts in ${segment.path}`
        : `file-level: the object's line in ${segment.path} is not known`;
    const { endLine: _endLine, endColumn: _endColumn, ...rest } = location;
    return {
      ...finding,
      message: `${finding.message} (Found in the output of ${unit.label}; ${where}.)`,
      location: { ...rest, path: segment.path, startLine: key?.line ?? segment.line, startColumn: key?.column ?? 1 },
    };
  });
}
