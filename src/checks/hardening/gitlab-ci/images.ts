import type { CiJob } from './config.js';
import type { LMap, LScalar, LValue } from './located.js';
import { get, listItems } from './located.js';

export interface ImageUse {
  kind: 'image' | 'service';
  /** The scalar holding the reference (the string form, or `name:`). */
  scalar: LScalar;
  /** The reference as written. */
  written: string;
  /** The reference with the job's literal variables expanded. */
  expanded: string;
  /** The service map (`name:`, `command:`, `variables:`...), when written in that form. */
  entry?: LMap;
}

function nameScalar(value: LValue): LScalar | undefined {
  const scalar = value.kind === 'map' ? get(value, 'name') : value;
  return scalar?.kind === 'scalar' && typeof scalar.value === 'string' ? scalar : undefined;
}

/** The job's `image` and `services` (after `default:`), string and `name:` forms. */
export function imageUses(job: CiJob): ImageUse[] {
  const uses: ImageUse[] = [];
  const add = (kind: ImageUse['kind'], value: LValue): void => {
    const scalar = nameScalar(value);
    if (!scalar) return;
    const written = String(scalar.value).trim();
    if (!written) return;
    uses.push({
      kind,
      scalar,
      written,
      expanded: expandVariables(written, job),
      ...(value.kind === 'map' ? { entry: value } : {}),
    });
  };
  const image = get(job.config, 'image');
  if (image) add('image', image);
  const services = get(job.config, 'services');
  if (services?.kind === 'seq') for (const service of listItems(services)) add('service', service);
  return uses;
}

/** Expands `$VAR`/`${VAR}` from the job's literal variables (a few rounds, as GitLab expands nested ones). */
export function expandVariables(text: string, job: CiJob): string {
  let current = text;
  for (let round = 0; round < 5 && current.includes('$'); round++) {
    const next = current.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (whole, braced, bare) => {
        const name = String(braced ?? bare);
        const def = job.variables.get(name);
        return def?.value.kind === 'scalar' && def.value.value !== null ? String(def.value.value) : whole;
      },
    );
    if (next === current) break;
    current = next;
  }
  return current;
}

export interface ImageParts {
  /** The last path component's repository name (`docker` in `registry/library/docker:27-dind`). */
  name: string;
  tag?: string;
  digest?: string;
}

export function imageParts(reference: string): ImageParts {
  const [withoutDigest, digest] = reference.split('@', 2) as [string, string | undefined];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const last = withoutDigest.slice(lastSlash + 1);
  const colon = last.indexOf(':');
  return {
    name: colon >= 0 ? last.slice(0, colon) : last,
    ...(colon >= 0 ? { tag: last.slice(colon + 1) } : {}),
    ...(digest ? { digest } : {}),
  };
}

export function isDigestPinned(reference: string): boolean {
  return /@sha256:[0-9a-f]{64}$/i.test(reference.trim()) || /@sha512:[0-9a-f]{128}$/i.test(reference.trim());
}
