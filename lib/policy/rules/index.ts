import { CLOUD_RUN_RULES } from './cloud-run';
import { COMPUTE_RULES } from './compute';
import { GKE_RULES } from './gke';
import { IAM_RULES } from './iam';
import { KMS_RULES } from './kms';
import { KUBERNETES_RULES } from './kubernetes';
import { NETWORK_RULES } from './network';
import { REDIS_RULES } from './redis';
import { REGISTRY_RULES } from './registry';
import type { Rule } from './rule';
import { SQL_RULES } from './sql';
import { STORAGE_RULES } from './storage';

export type { Attributes, Rule, StackResource } from './rule';
export { attribute } from './rule';

/** The security baseline: every rule, one module per kind of resource. */
export const RULES: readonly Rule[] = [
  ...STORAGE_RULES,
  ...GKE_RULES,
  ...IAM_RULES,
  ...NETWORK_RULES,
  ...KMS_RULES,
  ...COMPUTE_RULES,
  ...SQL_RULES,
  ...REDIS_RULES,
  ...REGISTRY_RULES,
  ...CLOUD_RUN_RULES,
  ...KUBERNETES_RULES,
];
export const RULE_IDS = RULES.map((rule) => rule.id) as [string, ...string[]];
