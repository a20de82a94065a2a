import { fileCheck } from '../file-check.js';
import { commonFileRules } from '../common-rules.js';
import type { FileLinter } from '../linter.js';
import { composeLinter } from './compose/index.js';
import { dockerfileLinter } from './dockerfile/index.js';
import { kubernetesLinter } from './kubernetes/index.js';

/** Kubernetes, Dockerfile and compose linters plug in here. */
export const manifestLinters: FileLinter[] = [kubernetesLinter, dockerfileLinter, composeLinter];

export const manifestsCheck = fileCheck({
  id: 'manifests',
  title: 'Manifest linting',
  linters: manifestLinters,
  commonRules: commonFileRules('manifests', 'Kubernetes YAML/JSON, Dockerfiles, compose files'),
  nothingToCheck: {
    label: 'nothing to check',
    reason: 'no Kubernetes manifest, Dockerfile or compose file under checks.manifests.paths.',
    hint: 'point checks.manifests.paths at the files to lint (globs, e.g. "deploy/**").',
  },
});
