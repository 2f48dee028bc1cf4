import type { Case } from './case';
import { CLOUD_RUN_CASES } from './cloud-run';
import { COMPUTE_CASES } from './compute';
import { GKE_CASES } from './gke';
import { IAM_CASES } from './iam';
import { KMS_CASES } from './kms';
import { KUBERNETES_CASES } from './kubernetes';
import { NETWORK_CASES } from './network';
import { REDIS_CASES } from './redis';
import { REGISTRY_CASES } from './registry';
import { SQL_CASES } from './sql';
import { STORAGE_CASES } from './storage';

/** Every rule's failing and passing resource, one module per module of lib/policy/rules. */
export const CASES: Record<string, Case> = {
  ...STORAGE_CASES,
  ...GKE_CASES,
  ...IAM_CASES,
  ...NETWORK_CASES,
  ...KMS_CASES,
  ...COMPUTE_CASES,
  ...SQL_CASES,
  ...REDIS_CASES,
  ...REGISTRY_CASES,
  ...CLOUD_RUN_CASES,
  ...KUBERNETES_CASES,
};
