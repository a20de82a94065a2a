import type { RuleDefinition } from '../../../core/rules.js';
import type { DockerfileModel, Stage } from './parse.js';
import { offsetOf } from './parse.js';
import { parseImageReference, pinningOf } from '../image-reference.js';
import type { Pinning } from '../image-reference.js';
import type { DockerfileRule } from './report.js';
import { Reporter, code } from './report.js';

/** Stages built from an external image we can name (not `scratch`, not an earlier stage, no unknown ARG). */
function externalBase(stage: Stage): string | undefined {
  if (stage.parent || stage.image === undefined) return undefined;
  if (stage.image.toLowerCase() === 'scratch') return undefined;
  return stage.image;
}

function imageOffset(model: DockerfileModel, stage: Stage): { offset: number; length: number } {
  const range = stage.from.getImageRange();
  if (!range) return { offset: offsetOf(model, stage.from.getRange().start), length: 4 };
  const offset = offsetOf(model, range.start);
  return { offset, length: offsetOf(model, range.end) - offset };
}

const mutableRule: RuleDefinition = {
  id: 'dockerfile/base-image-latest',
  check: 'manifests',
  title: 'Base image is `latest` or untagged',
  severity: 'medium',
  description:
    'A `FROM` line names an image with the `latest` tag or with no tag at all (which means `latest`), and without a ' +
    'digest. Default values of `ARG`s declared before the first `FROM` are substituted first (`${VAR:-default}` ' +
    'forms included). `scratch`, and `FROM` lines that name an earlier build stage, are not images and are fine. ' +
    'A `FROM` whose image depends on a build argument without a default cannot be judged and is not reported.',
  rationale:
    '`latest` moves whenever the publisher pushes. Builds are not reproducible, a review of the Dockerfile says ' +
    'nothing about what is actually shipped, and a compromised or typo-squatted upstream push lands in your next ' +
    'build without any change on your side. It also silently pulls in major-version upgrades.',
  fix:
    'Pin a specific version, ideally with its digest (see `dockerfile/base-image-no-digest`):\n\n' +
    '```dockerfile\nFROM python:3.12.7-slim-bookworm@sha256:<digest>\n```\n\n' +
    'Get the digest with `docker buildx imagetools inspect python:3.12.7-slim-bookworm` and let Renovate or ' +
    'Dependabot keep it current.',
  references: ['https://docs.docker.com/build/building/best-practices/#pin-base-image-versions'],
};

const digestRule: RuleDefinition = {
  id: 'dockerfile/base-image-no-digest',
  check: 'manifests',
  title: 'Base image is not pinned by digest',
  severity: 'low',
  description:
    'A `FROM` line names an image by a version tag (`node:20.11-alpine`) but not by digest (`@sha256:…`). Tags can ' +
    'be moved to other content by whoever controls the repository; digests cannot. Stages, `scratch` and images that ' +
    'depend on a build argument without a default are not reported; `latest` and untagged images are reported by ' +
    '`dockerfile/base-image-latest` instead.',
  rationale:
    'A tag is a mutable pointer. If the upstream registry account or a mirror is compromised, the attacker can ' +
    're-point `node:20.11-alpine` at a backdoored image and every build picks it up. A digest makes the build ' +
    'content-addressed: the registry cannot serve anything else, and bumps become visible, reviewable diffs.',
  fix:
    'Append the digest to the tag (the tag stays for humans, the digest is what is pulled):\n\n' +
    '```dockerfile\nFROM node:20.11-alpine@sha256:<digest>\n```\n\n' +
    'Renovate (`pinDigests: true`) and Dependabot update both together.',
  references: [
    'https://docs.docker.com/reference/dockerfile/#from',
    'https://docs.renovatebot.com/docker/#digest-pinning',
  ],
};

function checkStages(model: DockerfileModel, rule: RuleDefinition, wanted: Pinning[]): Reporter {
  const reporter = new Reporter(model, rule);
  for (const stage of model.stages) {
    const image = externalBase(stage);
    if (image === undefined) continue;
    const pinning = pinningOf(image);
    if (!wanted.includes(pinning)) continue;
    const { offset, length } = imageOffset(model, stage);
    const shown =
      stage.from.getImage() === image ? code(image) : `${code(stage.from.getImage() ?? '')} (${code(image)})`;
    const name = parseImageReference(image).name;
    reporter.report({
      offset,
      length,
      stage,
      key: name,
      message:
        pinning === 'tag'
          ? `Base image ${shown} is pinned by tag only; the tag can be moved to different content.`
          : `Base image ${shown} ${pinning === 'latest' ? 'uses the `latest` tag' : 'has no tag, so it means `latest`'}; every build may get a different image.`,
      fix: `FROM ${name}:<version>@sha256:<digest>`,
    });
  }
  return reporter;
}

export const baseImageLatest: DockerfileRule = {
  rule: mutableRule,
  check: (model) => checkStages(model, mutableRule, ['latest', 'untagged']).findings,
};

export const baseImageNoDigest: DockerfileRule = {
  rule: digestRule,
  check: (model) => checkStages(model, digestRule, ['tag']).findings,
};
