import type { PodTemplate } from '../workload.js';
import { allowPrivilegeEscalation } from './privilege-escalation.js';
import { appArmorProfile } from './app-armor.js';
import { capabilitiesBaseline, capabilitiesRestricted } from './capabilities.js';
import { hostNamespaces } from './host-namespaces.js';
import { hostPorts } from './host-ports.js';
import { hostProbesAndHostLifecycle } from './host-probes.js';
import { privileged } from './privileged.js';
import { procMount, procMountRestricted } from './proc-mount.js';
import { runAsNonRoot, runAsUser } from './run-as.js';
import { seccompProfileBaseline, seccompProfileRestricted } from './seccomp.js';
import { seLinuxOptionsControl } from './selinux.js';
import { sysctls } from './sysctls.js';
import type { PssControl, PssLevel, Violation, VersionedCheck } from './types.js';
import { hostPathVolumes, restrictedVolumes } from './volumes.js';
import { windowsHostProcess } from './windows-host-process.js';

/**
 * Every check of upstream's pod-security-admission `policy` package (kubernetes/kubernetes
 * staging/src/k8s.io/pod-security-admission/policy/check_*.go), with the policy versions each revision
 * applies from. Versions are minor numbers of `1.<minor>`.
 */
export const PSS_CONTROLS: readonly PssControl[] = [
  // Baseline
  privileged,
  hostNamespaces,
  capabilitiesBaseline,
  hostPathVolumes,
  hostPorts,
  appArmorProfile,
  seLinuxOptionsControl,
  procMount,
  seccompProfileBaseline,
  sysctls,
  windowsHostProcess,
  hostProbesAndHostLifecycle,
  // Restricted
  restrictedVolumes,
  allowPrivilegeEscalation,
  runAsNonRoot,
  runAsUser,
  seccompProfileRestricted,
  capabilitiesRestricted,
  procMountRestricted,
];

/** Upstream's registry maxVersion: the newest MinimumVersion of any check. `latest` resolves to it. */
export const LATEST_MINOR = Math.max(...PSS_CONTROLS.flatMap((c) => c.versions.map((v) => v.minimumVersion)));

/**
 * The policy minor version for `latest`, `1.NN` or `v1.NN`; versions newer than the newest defined one
 * are clamped to it (as upstream does). Undefined for anything else.
 */
export function parsePolicyVersion(version: string | undefined): number | undefined {
  if (version === undefined || version === '' || version === 'latest') return LATEST_MINOR;
  const match = /^v?1\.(\d{1,4})$/.exec(version.trim());
  if (!match) return undefined;
  return Math.min(Number(match[1]), LATEST_MINOR);
}

/** The revision of a check in force at `minor`, or undefined when the check does not exist yet. */
export function revisionAt(control: PssControl, minor: number): VersionedCheck | undefined {
  let chosen: VersionedCheck | undefined;
  for (const revision of control.versions) if (revision.minimumVersion <= minor) chosen = revision;
  return chosen;
}

/** The checks admission runs at a level and version, each with the revision in force (upstream's EvaluatePod). */
export function checksFor(level: PssLevel, minor: number): { control: PssControl; revision: VersionedCheck }[] {
  if (level === 'privileged') return [];
  const active = PSS_CONTROLS.flatMap((control) => {
    const revision = revisionAt(control, minor);
    return revision ? [{ control, revision }] : [];
  });
  const baseline = active.filter((c) => c.control.level === 'baseline');
  if (level === 'baseline') return baseline;
  const restricted = active.filter((c) => c.control.level === 'restricted');
  const overridden = new Set(restricted.flatMap((c) => c.revision.overrideCheckIds ?? []));
  return [...baseline.filter((c) => !overridden.has(c.control.id)), ...restricted];
}

export interface ControlResult {
  control: PssControl;
  violations: Violation[];
}

/** The checks that deny the pod, each with its violations; an empty array means admission allows it. */
export function evaluatePod(pod: PodTemplate, level: PssLevel, minor: number): ControlResult[] {
  return checksFor(level, minor).flatMap(({ control, revision }) => {
    const violations = revision.checkPod(pod);
    return violations.length > 0 ? [{ control, violations }] : [];
  });
}
