import type { RuleDefinition } from '../../../core/rules.js';
import type { Pinning } from '../image-reference.js';
import { parseImageReference, pinningOf } from '../image-reference.js';
import type { ComposeFile, ComposeRule } from './report.js';
import { Reporter, code, withDefaults } from './report.js';

const latestRule: RuleDefinition = {
  id: 'compose/image-latest',
  check: 'manifests',
  title: 'Service image is `latest` or untagged',
  severity: 'medium',
  description:
    'A compose service runs an `image:` with the `latest` tag or no tag (which means `latest`) and no digest. ' +
    'Services that also have `build:` (the image is the name of what they build) are not reported. ' +
    '`${VAR:-default}` uses the default; an image that is only a variable without default is not judged.',
  rationale:
    '`latest` changes whenever the publisher pushes: each `docker compose pull` may run different code, a reviewed ' +
    'change says nothing about what runs, and a compromised upstream push is deployed without any change on your side.',
  fix: 'Pin a version, ideally with its digest:\n\n```yaml\nservices:\n  cache:\n    image: redis:7.4.1-alpine@sha256:<digest>\n```',
  references: ['https://docs.docker.com/reference/compose-file/services/#image'],
};

const digestRule: RuleDefinition = {
  id: 'compose/image-no-digest',
  check: 'manifests',
  title: 'Service image is not pinned by digest',
  severity: 'low',
  description:
    'A compose service runs an `image:` by version tag but without `@sha256:` digest. Services with `build:` are ' +
    'not reported; `latest` and untagged images are reported by `compose/image-latest`.',
  rationale:
    'Tags are mutable: whoever controls the repository (or compromises it) can point `redis:7.4` at different ' +
    'content. A digest pins the exact bytes that were reviewed and scanned.',
  fix: 'Append the digest and let Renovate or Dependabot maintain it:\n\n```yaml\nservices:\n  cache:\n    image: redis:7.4.1-alpine@sha256:<digest>\n```',
  references: [
    'https://docs.docker.com/reference/compose-file/services/#image',
    'https://docs.renovatebot.com/docker/#digest-pinning',
  ],
};

function check(file: ComposeFile, rule: RuleDefinition, wanted: Pinning[]): Reporter {
  const reporter = new Reporter(file, rule);
  const { view } = file;
  for (const service of file.services) {
    if (view.get(service.node, 'build')) continue;
    const entry = view.get(service.node, 'image');
    const raw = view.scalar(entry?.value);
    if (raw === undefined) continue;
    const image = withDefaults(raw.trim());
    if (image === undefined || image === '') continue;
    const pinning = pinningOf(image);
    if (!wanted.includes(pinning)) continue;
    const name = parseImageReference(image).name;
    reporter.report(service, entry?.value, {
      key: name,
      message:
        pinning === 'tag'
          ? `Service \`${service.name}\` runs ${code(image)}, pinned by tag only.`
          : `Service \`${service.name}\` runs ${code(image)}, ${pinning === 'latest' ? 'the moving `latest` tag' : 'which has no tag and means `latest`'}.`,
      fix: `image: ${name}:<version>@sha256:<digest>`,
    });
  }
  return reporter;
}

export const imageLatest: ComposeRule = {
  rule: latestRule,
  check: (file) => check(file, latestRule, ['latest', 'untagged']).findings,
};

export const imageNoDigest: ComposeRule = {
  rule: digestRule,
  check: (file) => check(file, digestRule, ['tag']).findings,
};
