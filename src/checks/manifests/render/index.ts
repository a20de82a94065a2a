import type { CheckContext } from '../../../core/check.js';
import { errorMessage } from '../../../core/errors.js';
import type { RawFinding } from '../../../core/finding.js';
import { isFileLocation } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import type { HelmPolicy, KustomizePolicy } from '../../../policy/types.js';
import { DEFAULT_NAMESPACE, DEFAULT_RELEASE, findCharts, renderChart } from './helm.js';
import { closure, readKustomizations } from './kustomize.js';
import { renderKustomization } from './kustomize.js';
import type { RenderLimits } from './limits.js';
import { RENDER_LIMITS } from './limits.js';
import type { RenderOutcome, RenderedUnit } from './model.js';
import { segmentAt } from './model.js';
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
  const touches = (dir: string): boolean => filesUnder(selected, dir).length > 0;
  const outcome: RenderOutcome = { units: [], skip: new Set(), notes: [], findings: [] };
  const started = Date.now();
  let rendered = 0;

  const policy = context.policy.checks.manifests;
  const helm = { ...HELM_DEFAULTS, ...policy.helm };
  const charts = findCharts(all).filter(touches);
  const chartDirs = new Set(charts);
  for (const chart of charts) for (const file of filesUnder(selected, chart)) outcome.skip.add(file);
  if (charts.length > 0 && !helm.enabled) {
    outcome.notes.push(
      `helm: rendering is off (checks.manifests.helm.enabled: false); ${charts.length} chart(s) not checked: ${charts.join(', ') || '.'}`,
    );
  } else if (charts.length > 0) {
    const tool = await findTool(['helm'], helm.binary, context.env.PATH, context.root);
    for (const chart of charts) {
      const label = chart || '.';
      if (!tool.binary) {
        outcome.notes.push(
          `helm: chart ${label} not rendered: ${tool.problem ?? 'no helm binary on PATH'}; install helm or set checks.manifests.helm.binary.`,
        );
        continue;
      }
      const config = helm.charts.find((entry) => entry.path.replace(/\/$/, '') === chart);
      try {
        const result = await renderChart({
          tree: context.tree,
          all,
          chartDir: chart,
          binary: tool.binary,
          config,
          release: config?.release ?? helm.release,
          namespace: config?.namespace ?? helm.namespace,
          kubeVersion: kubeVersion(policy['pod-security'].version),
          limits,
          signal: context.signal,
          virtualPath: virtualPath(outcome.units.length),
        });
        outcome.notes.push(...result.notes);
        if (result.unit) {
          outcome.units.push(result.unit);
          rendered++;
        }
        if (result.failure)
          outcome.findings.push(
            renderFailed(
              `${chart ? `${chart}/` : ''}Chart.yaml`,
              `The Helm chart ${label} was not rendered, so its objects were not checked: ${result.failure}.`,
            ),
          );
      } catch (error) {
        if (!(error instanceof StagingLimitError)) throw error;
        outcome.findings.push(
          renderFailed(
            `${chart ? `${chart}/` : ''}Chart.yaml`,
            `The Helm chart ${label} was not rendered: ${errorMessage(error)}.`,
          ),
        );
      }
    }
  }

  const kustomize = { ...KUSTOMIZE_DEFAULTS, ...policy.kustomize };
  const inChart = (file: string): boolean => [...chartDirs].some((dir) => dir === '' || file.startsWith(`${dir}/`));
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
  if (tops.length > 0 && !kustomize.enabled) {
    outcome.notes.push(
      `kustomize: rendering is off (checks.manifests.kustomize.enabled: false); ${tops.length} kustomization(s) not rendered; their resources are checked on their own.`,
    );
  } else if (tops.length > 0) {
    const tool = await findTool(['kustomize', 'kubectl'], kustomize.binary, context.env.PATH, context.root);
    for (const top of tops) {
      const label = top.dir || '.';
      const members = closure(top, byDir);
      if (!tool.binary) {
        outcome.notes.push(
          `kustomize: ${label} not rendered: ${tool.problem ?? 'no kustomize or kubectl binary on PATH'}; install kubectl or kustomize, or set checks.manifests.kustomize.binary. Its resources are checked on their own.`,
        );
        continue;
      }
      try {
        const result = await renderKustomization({
          tree: context.tree,
          all,
          top,
          members,
          binary: tool.binary,
          limits,
          signal: context.signal,
          virtualPath: virtualPath(outcome.units.length),
        });
        if (result.refused)
          outcome.notes.push(
            `kustomize: ${label} not rendered: ${result.refused}. Its resources are checked on their own.`,
          );
        if (result.failure)
          outcome.findings.push(
            renderFailed(
              top.file,
              `The kustomization ${label} was not rendered, so the objects it produces were not checked: ${result.failure}.`,
            ),
          );
        if (!result.unit) continue;
        outcome.units.push(result.unit);
        rendered++;
        for (const member of members)
          for (const file of [member.file, ...member.resources, ...member.inputs])
            if (selectedSet.has(file)) outcome.skip.add(file);
      } catch (error) {
        if (!(error instanceof StagingLimitError)) throw error;
        outcome.findings.push(
          renderFailed(top.file, `The kustomization ${label} was not rendered: ${errorMessage(error)}.`),
        );
      }
    }
  }
  if (rendered > 0)
    outcome.notes.push(
      `rendered ${rendered} Helm chart(s)/kustomization(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  return outcome;
}

/** Findings on a rendered output, moved to the template or source file the object came from. */
export function locateRendered(findings: RawFinding[], units: RenderedUnit[]): RawFinding[] {
  const byPath = new Map(units.map((unit) => [unit.virtualPath, unit]));
  return findings.map((finding) => {
    const location = finding.location;
    if (!isFileLocation(location)) return finding;
    const unit = byPath.get(location.path);
    if (!unit) return finding;
    const segment = segmentAt(unit, location.startLine ?? 1);
    if (!segment) return finding;
    const where = segment.objectStart
      ? `line ${segment.line} is where the object starts in ${segment.path}`
      : `file-level: the object's line in ${segment.path} is not known`;
    const { endLine: _endLine, endColumn: _endColumn, ...rest } = location;
    return {
      ...finding,
      message: `${finding.message} (Found in the output of ${unit.label}; ${where}.)`,
      location: { ...rest, path: segment.path, startLine: segment.line, startColumn: 1 },
    };
  });
}
