import type { Severity } from './severity.js';

export const CHECK_IDS = ['hardening', 'images', 'manifests', 'signatures'] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** A place in a file of the checked repository. Lines and columns are 1-based. */
export interface FileLocation {
  path: string;
  startLine?: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
  /** `Kind/name` of a Kubernetes object, a job id, a compose service, a Dockerfile stage... */
  object?: string;
  container?: string;
}

/** A place inside a container image. */
export interface ImageLocation {
  image: string;
  layer?: string;
  path?: string;
}

export type Location = FileLocation | ImageLocation;

export function isFileLocation(location: Location): location is FileLocation {
  return !('image' in location);
}

export interface PackageRef {
  ecosystem: string;
  name: string;
  version: string;
  purl?: string;
}

export interface VulnerabilityRef {
  id: string;
  aliases: string[];
  fixed: string[];
  /** Where the severity came from (`CVSS_V3 9.8`, `Debian urgency high`, ...), or `unknown`: no rating found. */
  rating?: string;
  /** The CVSS base score behind the severity, when it came from one. */
  score?: number;
}

export interface ExceptionRef {
  reason: string;
  expires?: string;
  owner?: string;
  /** The exception matched but its date has passed, so it no longer applies. */
  expired?: boolean;
  /**
   * `policy` for `.containersec.yml`, `inline` for an in-file ignore comment or annotation, `vex` for a VEX
   * statement (a document next to the code, not in the flagged file: SARIF calls that `external`).
   */
  source: 'policy' | 'inline' | 'vex';
}

/**
 * What a check reports. The runner adds `fingerprint`; the gate adds `new`, `blocking` and `exception`.
 * `key` distinguishes several findings of one rule on one object (e.g. the env var name); it is part of
 * the fingerprint, so it must not contain line numbers or anything else that moves when unrelated lines do.
 */
export interface RawFinding {
  ruleId: string;
  /**
   * Other rule ids this one finding also stands for: the same problem seen by two rule families
   * (`k8s/host-port` and `pss/hostPorts`), or findings grouped at one place. An exception naming any of them
   * applies.
   */
  relatedRuleIds?: string[];
  severity: Severity;
  title: string;
  message: string;
  location: Location;
  key?: string;
  /** A short, concrete fix for this occurrence ("pin to sha256:…", "upgrade to 1.2.3"). */
  fix?: string;
  package?: PackageRef;
  vulnerability?: VulnerabilityRef;
  /** Set by a check when the source suppresses the finding inline, or a VEX statement does (with a reason). */
  suppressed?: { reason: string; source?: 'inline' | 'vex' };
  /** The policy asks to report this finding but never block on it (e.g. `signatures.require[].mode: warn`). */
  warnOnly?: boolean;
  /**
   * Findings of one object and container at the same place with the same group name are shown as one (a
   * container missing several hardening settings), after the gate decided each of them.
   */
  group?: string;
}

export interface Finding extends Omit<RawFinding, 'suppressed' | 'key' | 'warnOnly' | 'group'> {
  fingerprint: string;
  new: boolean;
  blocking: boolean;
  exception?: ExceptionRef;
  /**
   * Set when this finding stands for several identical ones at one source location (a GitLab `default:` image,
   * a YAML anchor): every object it applies to, in document order. `location.object` is the first.
   */
  objects?: string[];
  /** Set on a finding that stands for several: the fingerprint of each (`fingerprint` is the first's). */
  fingerprints?: string[];
}

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'error' | 'skipped';
export type Verdict = 'pass' | 'warn' | 'fail' | 'error';

/** Why a check is `skipped`: it was not asked to run, or it ran and found nothing to examine. */
export interface SkipInfo {
  /** A few neutral words shown as the check's status: "not configured", "nothing to check", "not selected". */
  label: string;
  /** One sentence: what was missing. */
  reason: string;
  /** One line: how to turn the check on. */
  hint?: string;
}

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  errors: string[];
  /**
   * Parts the check could not examine although the policy lets it go on (e.g. the vulnerability source was
   * unreachable with `on-unreachable: warn`): the check is `warn`, never a clean pass.
   */
  warnings: string[];
  /** Set when the status is `skipped`. */
  skip?: SkipInfo;
  /** What the check looked at and what it could not see; shown in reports, never a finding. */
  notes: string[];
  findings: Finding[];
  durationMs?: number;
}
