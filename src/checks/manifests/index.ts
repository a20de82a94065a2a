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
});
