import type { View } from '../yaml-view.js';
import type { ContainerRef, PodTemplate } from '../workload.js';
import { containerKey } from '../workload.js';
import type { Violation } from './types.js';

export const PSS_DOCS = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';
export const PSA_SOURCE =
  'https://github.com/kubernetes/kubernetes/tree/master/staging/src/k8s.io/pod-security-admission/policy';

export function quote(value: string): string {
  return JSON.stringify(value);
}

export function containerLabel(container: ContainerRef): string {
  return `container ${quote(container.name)}`;
}

/** The deepest existing view along `keys` below `start` (for a missing field, point at its closest parent). */
export function nearest(start: View, ...keys: string[]): View {
  let current = start;
  for (const key of keys) {
    const next = current.get(key);
    if (!next) return current;
    current = next;
  }
  return current;
}

export function containerViolation(container: ContainerRef, at: View, field: string, detail: string): Violation {
  return { at, container, detail, key: `${containerKey(container)}.${field}` };
}

export function podViolation(at: View, field: string, detail: string): Violation {
  return { at, detail, key: `spec.${field}` };
}

/** Upstream's `podSpec.OS != nil && podSpec.OS.Name == corev1.Windows`. */
export function isWindowsPod(pod: PodTemplate): boolean {
  return pod.spec.path('os', 'name')?.string() === 'windows';
}

/** Upstream's relaxPolicyForUserNamespacePod: `hostUsers` explicitly false. */
export function inUserNamespace(pod: PodTemplate): boolean {
  return pod.spec.get('hostUsers')?.bool() === false;
}

export function podSecurityContext(pod: PodTemplate): View | undefined {
  return pod.spec.get('securityContext');
}

export function securityContext(container: ContainerRef): View | undefined {
  return container.view.get('securityContext');
}

/** `"ALL"`-style list of strings of a sequence (non-scalars are skipped). */
export function stringItems(view: View | undefined): { value: string; view: View }[] {
  return (view?.items() ?? []).flatMap((item) => {
    const value = item.string();
    return value === undefined ? [] : [{ value, view: item }];
  });
}
