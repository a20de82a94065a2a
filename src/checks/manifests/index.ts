import { fileCheck } from '../file-check.js';
import { commonFileRules } from '../common-rules.js';
import type { FileLinter, RenderedFiles } from '../linter.js';
import type { CheckContext } from '../../core/check.js';
import { composeLinter } from './compose/index.js';
import { dockerfileLinter } from './dockerfile/index.js';
import { kubernetesLinter } from './kubernetes/index.js';
import { locateRendered, renderFailedRule, renderManifests } from './render/index.js';

/** Kubernetes, Dockerfile and compose linters plug in here. */
export const manifestLinters: FileLinter[] = [kubernetesLinter, dockerfileLinter, composeLinter];

/** Helm charts and kustomizations, rendered with the real tools; their output is linted as Kubernetes YAML. */
export async function renderedManifests(context: CheckContext, selected: string[]): Promise<RenderedFiles> {
  const outcome = await renderManifests(context, selected);
  return {
    files: outcome.units.map((unit) => ({ path: unit.virtualPath, text: unit.text })),
    skip: outcome.skip,
    findings: outcome.findings,
    notes: outcome.notes,
    locate: (findings) => locateRendered(findings, outcome.units),
  };
}

export const manifestsCheck = fileCheck({
  id: 'manifests',
  title: 'Manifest linting',
  linters: manifestLinters,
  commonRules: [...commonFileRules('manifests', 'Kubernetes YAML/JSON, Dockerfiles, compose files'), renderFailedRule],
  render: renderedManifests,
  nothingToCheck: {
    label: 'nothing to check',
    reason: 'no Kubernetes manifest, Dockerfile or compose file under checks.manifests.paths.',
    hint: 'point checks.manifests.paths at the files to lint (globs, e.g. "deploy/**").',
  },
});
