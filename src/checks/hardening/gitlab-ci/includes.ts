import type { RuleDefinition } from '../../../core/rules.js';
import type { AuditFamily, Hit } from './audit.js';
import type { IncludeRef } from './config.js';
import { get, positionOf, stringValue } from './located.js';

const REMOTE = 'gitlab-ci/remote-include-without-integrity';
const PROJECT = 'gitlab-ci/unpinned-project-include';
const COMPONENT = 'gitlab-ci/unpinned-component';
const EXTERNAL = 'gitlab-ci/external-include-not-checked';

const rules: RuleDefinition[] = [
  {
    id: REMOTE,
    check: 'hardening',
    title: 'Remote include without integrity',
    severity: 'high',
    description:
      'An `include: remote:` entry (or a bare `include:` URL) fetches pipeline configuration over HTTP(S) with no ' +
      '`integrity:` hash, so GitLab runs whatever that URL serves when the pipeline is created.',
    rationale:
      "Included configuration defines jobs that run with this project's CI/CD variables, job token and runners. " +
      'Whoever controls the URL (its owner, a compromised account, a hijacked domain) can add a job that ' +
      'exfiltrates secrets or pushes to your registry, and no pipeline or notification fires when the remote file ' +
      'changes. `integrity:` makes GitLab refuse content whose SHA-256 differs from the reviewed one.',
    fix:
      'Add the SHA-256 of the reviewed file (GitLab 17.9 or later), or copy the file into the repository and use ' +
      '`include: local:`:\n\n```yaml\ninclude:\n  - remote: https://example.com/ci/templates/build.yml\n' +
      '    integrity: sha256-L3/GAoKaw0Arw6hDCKeKQlV1QPEgHYxGBHsH4zG1IY8=\n```\n\n' +
      'Compute it with `curl -s URL | openssl dgst -sha256 -binary | openssl base64 -A`.',
    references: ['https://docs.gitlab.com/ci/yaml/#includeintegrity', 'https://docs.gitlab.com/ci/yaml/#includeremote'],
  },
  {
    id: PROJECT,
    check: 'hardening',
    title: 'Project include not pinned to a commit',
    severity: 'medium',
    description:
      "An `include: project:` entry has no `ref:` (it follows the other project's default branch) or a `ref:` " +
      'that is a branch or tag name instead of a full 40-character commit SHA.',
    rationale:
      "The included file defines jobs that run with this project's secrets. Anyone who can push to the other " +
      "project's branch, or move its tag, changes your pipeline without a change or a review in your repository, " +
      "and no pipeline is triggered to tell you. GitLab's own documentation recommends the full SHA as the most " +
      'stable option.',
    fix:
      'Pin the full commit SHA and keep the version as a comment for readers and update bots:\n\n```yaml\n' +
      'include:\n  - project: my-group/ci-templates\n    ref: 787123b47f14b552955ca2786bc9542ae66fee5b # v1.4.0\n' +
      '    file: /templates/build.yml\n```\n\nIf you keep a tag, protect it in the other project.',
    references: ['https://docs.gitlab.com/ci/yaml/#includeproject'],
  },
  {
    id: COMPONENT,
    check: 'hardening',
    title: 'CI/CD component not pinned to an exact version',
    severity: 'medium',
    description:
      'An `include: component:` address ends in `@~latest`, a branch name, a partial version (`@1`, `@1.2`), or ' +
      'no version at all, instead of an exact release (`@1.2.3`) or a full commit SHA.',
    rationale:
      'A component is code from another project that runs in your pipeline with your secrets. A moving version ' +
      'lets a new release, or a push to a branch, change your pipeline silently; a compromised component ' +
      'project then compromises every pipeline that follows it.',
    fix:
      'Pin a commit SHA, or at least an exact released version:\n\n```yaml\ninclude:\n' +
      '  - component: $CI_SERVER_FQDN/my-org/security-components/secret-detection@1.4.2\n```',
    references: [
      'https://docs.gitlab.com/ci/components/#component-versions',
      'https://docs.gitlab.com/ci/yaml/#includecomponent',
    ],
  },
  {
    id: EXTERNAL,
    check: 'hardening',
    title: 'External configuration not checked',
    severity: 'info',
    description:
      'The pipeline includes configuration that is not in this repository (`remote:`, `project:`, `template:` or ' +
      '`component:`). containersec lists it but does not fetch it, so the jobs it defines were not checked.',
    rationale:
      'A clean result covers only the files that were read. This finding says which part of the pipeline the ' +
      'result does not cover, so nobody reads it as a clean bill of health for the whole pipeline.',
    fix: 'Nothing to fix. Check the included project with containersec in its own repository.',
  },
];

const SHA1 = /^[0-9a-f]{40}$/i;
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const INTEGRITY = /^sha256-[A-Za-z0-9+/]{43}=$/;

function auditInclude(include: IncludeRef): Hit[] {
  const location = String(include.location.value ?? '').trim();
  const base = {
    position: positionOf(include.location),
    owner: 'include',
  };
  const hits: Hit[] = [];
  if (include.kind !== 'local') {
    hits.push({
      ruleId: EXTERNAL,
      ...base,
      message: `\`include: ${include.kind}: ${location}\` was not fetched; the jobs it defines were not checked.`,
      key: `${include.kind}:${location}`,
    });
  }
  if (include.kind === 'remote') {
    const integrity = stringValue(get(include.fields, 'integrity'));
    if (!integrity || !INTEGRITY.test(integrity.trim())) {
      hits.push({
        ruleId: REMOTE,
        ...base,
        message: integrity
          ? `\`integrity\` of remote include ${location} is not a \`sha256-<base64>\` hash.`
          : `Remote include ${location} has no \`integrity\`: whoever controls that URL controls this pipeline.`,
        key: location,
        fix: 'Add `integrity: sha256-<base64 of the SHA-256 of the reviewed file>`, or vendor the file and use `include: local:`.',
      });
    }
  }
  if (include.kind === 'project') {
    const refValue = get(include.fields, 'ref');
    const ref = stringValue(refValue);
    if (!ref || !SHA1.test(ref.trim())) {
      hits.push({
        ruleId: PROJECT,
        ...base,
        ...(refValue ? { position: positionOf(refValue) } : {}),
        message: ref
          ? `\`include: project: ${location}\` uses \`ref: ${ref}\`, a name that can move, not a 40-character commit SHA.`
          : `\`include: project: ${location}\` has no \`ref\`: it follows that project's default branch.`,
        key: location,
        fix: 'Set `ref:` to the full 40-character commit SHA of the reviewed version.',
      });
    }
  }
  if (include.kind === 'component') {
    const at = location.lastIndexOf('@');
    const version = at >= 0 ? location.slice(at + 1) : '';
    if (!SHA1.test(version) && !EXACT_VERSION.test(version)) {
      hits.push({
        ruleId: COMPONENT,
        ...base,
        message: version
          ? `Component ${location} follows \`@${version}\`, which can change; pin an exact version or commit SHA.`
          : `Component ${location} has no version; pin an exact version or commit SHA.`,
        key: at >= 0 ? location.slice(0, at) : location,
        fix: 'Use `@<major>.<minor>.<patch>` of a reviewed release, or `@<40-character commit SHA>`.',
      });
    }
  }
  return hits;
}

export const includePinning: AuditFamily = {
  rules,
  audit: (model) => model.includes.flatMap(auditInclude),
};
