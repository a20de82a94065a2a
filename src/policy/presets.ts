import type { Policy } from './types.js';

/** A policy fragment as written in YAML: any subset of the keys. */
export type PolicyFragment = Record<string, unknown>;

export const PRESET_NAMES = ['recommended', 'strict', 'audit'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** Everything a preset or a policy file leaves out. */
export function defaultPolicy(): Policy {
  return {
    version: 1,
    extends: [],
    mode: 'enforce',
    'on-error': 'fail',
    gate: { 'new-only': true },
    checks: {
      hardening: {
        enabled: true,
        'fail-on': 'high',
        paths: ['.github/workflows/*.{yml,yaml}', '**/action.{yml,yaml}', '.gitlab-ci.yml', '**/*.gitlab-ci.yml'],
        timeout: 300,
        'allowed-unpinned': ['actions/*', 'github/*'],
        'runner-probe': true,
      },
      manifests: {
        enabled: true,
        'fail-on': 'high',
        paths: [
          '**/*.{yaml,yml,json}',
          '**/Dockerfile',
          '**/Dockerfile.*',
          '**/*.{Dockerfile,dockerfile}',
          '**/Containerfile*',
          '!**/node_modules/**',
          '!**/.git/**',
          '!.github/**',
          '!**/package.json',
          '!**/package-lock.json',
          '!**/tsconfig*.json',
          '!.gitlab-ci.yml',
          '!**/*.gitlab-ci.yml',
          '!.containersec.{yml,yaml}',
        ],
        timeout: 300,
        'pod-security': { level: 'restricted', version: 'latest' },
        untrusted: [],
        helm: { enabled: true, release: 'release-name', namespace: 'default', charts: [] },
        kustomize: { enabled: true },
      },
      images: {
        enabled: true,
        'fail-on': 'high',
        paths: [],
        timeout: 900,
        targets: [],
        platform: 'linux/amd64',
        vulnerabilities: {
          'fail-on': 'critical',
          'ignore-unfixed': true,
          source: 'osv-api',
          'on-unreachable': 'fail',
          vex: [],
        },
        eol: 'fail',
        secrets: 'fail',
        'insecure-registries': [],
        limits: { 'max-layer-bytes': 4 * 1024 ** 3, 'max-image-bytes': 16 * 1024 ** 3 },
      },
      signatures: {
        enabled: true,
        'fail-on': 'high',
        paths: [],
        timeout: 300,
        require: [],
        'pinned-digests': 'warn',
      },
    },
    exceptions: [],
    report: { comment: 'update' },
  };
}

/** The built-in presets, as fragments merged over the defaults. */
export const PRESETS: Record<PresetName, PolicyFragment> = {
  /** The defaults: block on high findings this change introduces, critical fixable vulnerabilities. */
  recommended: {},
  /** Block on medium and above, existing findings too, every vulnerability with a known advisory. */
  strict: {
    gate: { 'new-only': false },
    checks: {
      hardening: { 'fail-on': 'medium', 'allowed-unpinned': [] },
      manifests: { 'fail-on': 'medium' },
      images: {
        'fail-on': 'medium',
        vulnerabilities: { 'fail-on': 'high', 'ignore-unfixed': false },
      },
      signatures: { 'fail-on': 'medium', 'pinned-digests': 'fail' },
    },
  },
  /** Report everything, block nothing: for rolling the gate out. */
  audit: {
    mode: 'audit',
    'on-error': 'warn',
    gate: { 'new-only': false },
  },
};

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}
