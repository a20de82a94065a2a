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
}

export interface ExceptionRef {
  reason: string;
  expires?: string;
  owner?: string;
  /** The exception matched but its date has passed, so it no longer applies. */
  expired?: boolean;
  /** `policy` for `.containersec.yml`, `inline` for an in-file ignore comment or annotation. */
  source: 'policy' | 'inline';
}

/**
 * What a check reports. The runner adds `fingerprint`; the gate adds `new`, `blocking` and `exception`.
 * `key` distinguishes several findings of one rule on one object (e.g. the env var name); it is part of
 * the fingerprint, so it must not contain line numbers or anything else that moves when unrelated lines do.
 */
export interface RawFinding {
  ruleId: string;
  severity: Severity;
  title: string;
  message: string;
  location: Location;
  key?: string;
  /** A short, concrete fix for this occurrence ("pin to sha256:…", "upgrade to 1.2.3"). */
  fix?: string;
  package?: PackageRef;
  vulnerability?: VulnerabilityRef;
  /** Set by a check when the source suppresses the finding inline (with a reason). */
  suppressed?: { reason: string };
  /** The policy asks to report this finding but never block on it (e.g. `signatures.require[].mode: warn`). */
  warnOnly?: boolean;
}

export interface Finding extends Omit<RawFinding, 'suppressed' | 'key' | 'warnOnly'> {
  fingerprint: string;
  new: boolean;
  blocking: boolean;
  exception?: ExceptionRef;
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
