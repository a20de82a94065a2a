import { realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * Whether `candidate` (absolute, or relative to `root`) stays inside the repository `root`, both as written
 * and once symlinks are followed: a pull request can commit a symlink (`data -> /home/runner`) as easily as
 * a path, so a lexical check alone would let the policy point the gate at the runner's own files. A path
 * that does not exist yet is judged by its nearest existing ancestor.
 */
export function staysInsideRepository(root: string, candidate: string): boolean {
  const absoluteRoot = path.resolve(root);
  const absolute = path.resolve(absoluteRoot, candidate);
  if (!isWithin(absoluteRoot, absolute)) return false;
  const realRoot = realpathOrSelf(absoluteRoot);
  return isWithin(realRoot, realpathOfNearestExisting(absolute));
}

function isWithin(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

function realpathOrSelf(target: string): string {
  try {
    return realpathSync(target);
  } catch {
    return target;
  }
}

function realpathOfNearestExisting(target: string): string {
  const missing: string[] = [];
  let current = target;
  for (;;) {
    try {
      return path.join(realpathSync(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return target;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/** The file path in a local image target (`oci:PATH[:TAG]`, `dir:PATH`, …), or undefined for registry refs. */
export function localTargetPath(target: string): string | undefined {
  return /^(oci|oci-archive|docker-archive|dir|sbom|trivy|grype):([^:]*)/.exec(target)?.[2];
}
