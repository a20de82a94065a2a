import type { RawFinding } from '../../../core/finding.js';
import type { RuleDefinition } from '../../../core/rules.js';
import { objectFinding } from './findings.js';
import type { PodTemplate } from './workload.js';
import { containerKey } from './workload.js';

export const imageLatestRule: RuleDefinition = {
  id: 'k8s/image-latest',
  check: 'manifests',
  title: 'Image without a tag or with :latest',
  severity: 'medium',
  description:
    'A container image reference has no tag and no digest (which means `:latest`), or uses the `:latest` tag. Images ' +
    'written as template placeholders (`{{ .Values.image }}`, `${IMAGE}`, as in Argo Workflows or envsubst ' +
    'templates) are not judged: their value is unknown.',
  rationale:
    '`latest` changes under you: two nodes can run different code for the same manifest, a rollback does not roll back, and whoever can push to the repository (or compromise it) ships straight to production at the next pod restart.',
  fix: 'Pin the image by digest (best) or at least an immutable version tag:\n\n```yaml\nimage: ghcr.io/acme/web:1.4.2@sha256:<digest>\n```',
  references: ['https://kubernetes.io/docs/concepts/containers/images/#image-names'],
};

export const imageUnpinnedRule: RuleDefinition = {
  id: 'k8s/image-unpinned',
  check: 'manifests',
  title: 'Image not pinned by digest',
  severity: 'low',
  description:
    'A container image is referenced by tag only (`name:tag`), without an `@sha256:` digest. Template placeholders ' +
    '(`{{ … }}`, `${…}`) are not judged.',
  rationale:
    'Tags are mutable. A registry compromise, a mistaken re-push or a malicious maintainer can change what a tag points to; a digest pins the exact bytes that were reviewed and scanned.',
  fix: 'Append the digest of the image you tested (tools like `crane digest` or Renovate/Dependabot keep it current):\n\n```yaml\nimage: nginx:1.27.2@sha256:<digest>\n```',
  references: ['https://kubernetes.io/docs/concepts/containers/images/#image-names'],
};

export interface ImageRef {
  name: string;
  tag?: string;
  digest?: string;
}

/** Splits `registry[:port]/repo[:tag][@digest]`; a `:` before the last `/` is a registry port, not a tag. */
export function parseImageRef(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { name: rest, digest };
}

const DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;

export function imageFindings(pod: PodTemplate): RawFinding[] {
  const out: RawFinding[] = [];
  for (const container of pod.containers) {
    const view = container.view.get('image');
    const image = view?.string();
    if (!view || !image) continue;
    // `{{ .Values.image }}`, `${IMAGE}`: filled in by a template tool (Helm, Argo, envsubst); the value is unknown.
    if (/\{\{|\$\{|\$\(/.test(image)) continue;
    const ref = parseImageRef(image);
    if (ref.digest && DIGEST_RE.test(ref.digest)) continue;
    const key = `${containerKey(container)}.image`;
    if (!ref.tag || ref.tag === 'latest') {
      out.push(
        objectFinding(
          imageLatestRule,
          pod.object,
          view,
          `Container "${container.name}" uses image "${image}" ${ref.tag ? 'with the mutable :latest tag' : 'without a tag (implicitly :latest)'}.`,
          key,
          { container: container.name, fix: `image: ${ref.name}:<version>@sha256:<digest>` },
        ),
      );
    } else {
      out.push(
        objectFinding(
          imageUnpinnedRule,
          pod.object,
          view,
          `Container "${container.name}" uses image "${image}", which is not pinned by digest.`,
          key,
          {
            container: container.name,
            fix: `image: ${ref.name}:${ref.tag}@sha256:<digest>`,
          },
        ),
      );
    }
  }
  return out;
}
