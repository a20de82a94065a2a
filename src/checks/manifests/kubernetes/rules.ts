import type { RuleDefinition } from '../../../core/rules.js';
import { envSecretRule, readOnlyRootFilesystemRule, resourceLimitsRule } from './containers.js';
import { runtimeSocketRule, sensitiveHostPathRule } from './host-paths.js';
import { imageLatestRule, imageUnpinnedRule } from './images.js';
import { hostPortRule, missingNetworkPolicyRule, serviceExposedRule } from './network.js';
import { podSecurityRules } from './pod-security/index.js';
import { clusterAdminBindingRule, rbacEscalationRule, rbacSecretsRule, rbacWildcardRule } from './rbac.js';
import { runtimeClassRule } from './runtime-class.js';
import { automountTokenRule } from './service-account.js';

/** The `k8s/…` rules (the `pss/…` ones come from pod-security/). */
export const k8sRules: RuleDefinition[] = [
  imageLatestRule,
  imageUnpinnedRule,
  automountTokenRule,
  envSecretRule,
  readOnlyRootFilesystemRule,
  resourceLimitsRule,
  runtimeSocketRule,
  sensitiveHostPathRule,
  hostPortRule,
  serviceExposedRule,
  missingNetworkPolicyRule,
  rbacWildcardRule,
  rbacEscalationRule,
  rbacSecretsRule,
  clusterAdminBindingRule,
  runtimeClassRule,
];

/** Every rule the Kubernetes linter reports, except the shared `manifests/…` ones (src/checks/common-rules.ts). */
export const kubernetesRules: RuleDefinition[] = [...podSecurityRules, ...k8sRules];
