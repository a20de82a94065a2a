import type { RuleDefinition } from '../../../../core/rules.js';
import type { Severity } from '../../../../core/severity.js';
import type { View } from '../yaml-view.js';
import type { ContainerRef, PodTemplate } from '../workload.js';

export type PssLevel = 'privileged' | 'baseline' | 'restricted';

/** One offending field: where it is, which container (if any), and what upstream's detail says about it. */
export interface Violation {
  at: View;
  container?: ContainerRef;
  detail: string;
  /** Distinguishes several violations of one control in one pod (field path, no line numbers). */
  key: string;
}

export type CheckPod = (pod: PodTemplate) => Violation[];

export interface VersionedCheck {
  /** Minor version of the first policy version (1.<minor>) this revision applies to. */
  minimumVersion: number;
  checkPod: CheckPod;
  /** Baseline checks this restricted check replaces at the same version (upstream's OverrideCheckIDs). */
  overrideCheckIds?: string[];
}

/** A pod-security-admission check, mirroring upstream's `policy.Check`. */
export interface PssControl {
  /** Upstream's check ID; the rule id is `pss/<id>`. */
  id: string;
  level: 'baseline' | 'restricted';
  /** Upstream's ForbiddenReason. */
  reason: string;
  /** Upstream's "Allowed Values", for messages. */
  allowed: string;
  severity: Severity;
  versions: VersionedCheck[];
  doc: Omit<RuleDefinition, 'id' | 'check' | 'severity'>;
}
