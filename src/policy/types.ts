import type { CheckId } from '../core/finding.js';
import type { Threshold } from '../core/severity.js';

/**
 * The resolved policy: presets and `extends:` merged, defaults filled in, inputs applied.
 * Keys keep the spelling of `.containersec.yml`; schema/containersec.schema.json is the truth.
 */
export type OnError = 'fail' | 'warn';
export type Mode = 'enforce' | 'audit';
export type Switch = 'fail' | 'warn' | 'off';

export interface CheckPolicyBase {
  enabled: boolean;
  'fail-on': Threshold;
  'on-error'?: OnError;
  /** minimatch globs, repository-relative. */
  paths: string[];
  /** Seconds before the runner gives up on the check. */
  timeout: number;
}

/** zizmor's unpinned-uses policy levels: a commit SHA, any ref, or nothing required. */
export type PinLevel = 'hash-pin' | 'ref-pin' | 'any';

export interface HardeningPolicy extends CheckPolicyBase {
  /** Action owners or `owner/repo` globs that may be referenced by tag instead of a commit SHA. */
  'allowed-unpinned': string[];
  /** Pin level per `owner/repo/path`, `owner/repo`, `owner/*` or `*` pattern; the most specific wins. */
  'unpinned-uses'?: Record<string, PinLevel>;
  'runner-probe': boolean;
}

export interface PodSecurityPolicy {
  level: 'privileged' | 'baseline' | 'restricted';
  version: string;
}

export interface ManifestsPolicy extends CheckPolicyBase {
  'pod-security': PodSecurityPolicy;
  /** Workloads (`Kind/name` or `namespace/Kind/name` globs) that must run in a sandboxed runtimeClass. */
  untrusted: string[];
}

export interface VulnerabilityPolicy {
  'fail-on': Threshold;
  'ignore-unfixed': boolean;
  source: string;
  'on-unreachable': OnError;
  /** Paths of OpenVEX documents in the repository. */
  vex: string[];
}

export interface ImagesPolicy extends CheckPolicyBase {
  targets: string[];
  platform: string;
  vulnerabilities: VulnerabilityPolicy;
  eol: Switch;
  secrets: Switch;
  'insecure-registries': string[];
  limits: { 'max-layer-bytes': number; 'max-image-bytes': number };
}

/** GitHub Actions shorthand for a keyless identity: the repository, workflow file and ref that signed. */
export interface GithubIdentity {
  repository: string;
  workflow?: string;
  ref?: string;
}

export interface KeylessIdentity {
  github?: GithubIdentity;
  issuer?: string;
  'issuer-regexp'?: string;
  subject?: string;
  'subject-regexp'?: string;
  extensions?: Record<string, string>;
}

export interface SignatureRequirement {
  images: string;
  /** enforce: a failed requirement blocks (at the check's threshold). warn: it is reported, never blocking. */
  mode?: 'enforce' | 'warn';
  keyless?: KeylessIdentity;
  key?: string;
  /** Attestations the image must carry; provenance fields are pinned when given. */
  attestations?: { type: string; 'builder-id'?: string; 'source-repository'?: string; 'source-ref'?: string }[];
}

export interface SignaturesPolicy extends CheckPolicyBase {
  require: SignatureRequirement[];
  'pinned-digests': Switch;
  'trusted-root'?: string;
}

export interface PolicyException {
  rule: string;
  paths?: string[];
  images?: string[];
  packages?: string[];
  objects?: string[];
  reason: string;
  expires?: string;
  owner?: string;
  /** Where the exception is written, for "stale exception" messages. */
  source?: { file: string; line: number; column: number };
}

export interface Policy {
  version: 1;
  /** The file it came from, or undefined for the built-in default. */
  file?: string;
  extends: string[];
  mode: Mode;
  'on-error': OnError;
  gate: { 'new-only': boolean };
  checks: {
    hardening: HardeningPolicy;
    manifests: ManifestsPolicy;
    images: ImagesPolicy;
    signatures: SignaturesPolicy;
  };
  exceptions: PolicyException[];
  report: { comment: CommentMode; template?: string };
}

export type CheckPolicy = Policy['checks'][CheckId];

/** The PR/MR comment: edit one in place, add one per run, or none. */
export type CommentMode = 'update' | 'new' | 'off';
