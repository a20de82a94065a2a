import type { RuleDefinition } from '../../../core/rules.js';
import type { AuditFamily, Hit } from './audit.js';
import type { CiJob } from './config.js';
import { positionOf } from './located.js';
import { imageParts, imageUses, isDigestPinned } from './images.js';

const UNPINNED = 'gitlab-ci/unpinned-image';

const rules: RuleDefinition[] = [
  {
    id: UNPINNED,
    check: 'hardening',
    title: 'Job image or service not pinned by digest',
    severity: 'medium',
    description:
      "A job's `image:` or one of its `services:` (string or `name:` form, set in the job, a template it " +
      'extends, or `default:`) names a tag such as `node:20` or no tag at all, instead of a digest ' +
      '(`node:20@sha256:…`). References whose name or tag comes from a CI/CD variable the file does not set are ' +
      'not reported, since their value is unknown.',
    rationale:
      'A tag is a movable pointer. Whoever can push to that repository (the publisher, someone who stole their ' +
      'credentials, a compromised mirror) decides what your job runs next time, with your CI/CD variables, job ' +
      'token and deploy credentials in its environment. A digest names exact bytes: a changed image is a ' +
      'different digest and a visible change in review.',
    fix:
      'Pin by digest and keep the tag for readers; let a bot (Renovate, Dependabot) propose digest updates:\n\n' +
      '```yaml\ndefault:\n  image: node:20.18-bookworm@sha256:<digest>\n\ntest:\n  services:\n' +
      '    - name: postgres:17@sha256:<digest>\n      alias: db\n```\n\n' +
      'Get the digest with `docker buildx imagetools inspect node:20.18-bookworm` or `crane digest`.',
    references: [
      'https://docs.gitlab.com/ci/yaml/#image',
      'https://docs.gitlab.com/ci/yaml/#services',
      'https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier',
    ],
  },
];

function auditJob(job: CiJob): Hit[] {
  const hits: Hit[] = [];
  for (const use of imageUses(job)) {
    if (isDigestPinned(use.expanded)) continue;
    // A name or tag that still holds an unknown variable cannot be judged.
    const expanded = imageParts(use.expanded);
    if (`${expanded.name}:${expanded.tag ?? ''}`.includes('$')) continue;
    const tag = expanded.tag;
    const what = use.kind === 'image' ? 'Image' : 'Service';
    hits.push({
      ruleId: UNPINNED,
      message: `${what} \`${use.written}\` is ${tag ? `pinned to the tag \`${tag}\`` : 'not pinned (implicit `latest`)'}, not to a digest: its publisher can change what this job runs.`,
      position: positionOf(use.scalar),
      owner: use.scalar.owner,
      job: job.name,
      key: `${use.kind}:${use.written}`,
      fix: `Pin it: \`${use.expanded.split('@')[0]}@sha256:<digest>\`.`,
    });
  }
  return hits;
}

export const imagePinning: AuditFamily = {
  rules,
  audit: (model) => model.jobs.flatMap(auditJob),
};
