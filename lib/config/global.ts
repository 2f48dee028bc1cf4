import { z } from 'zod';
import { RULE_IDS } from '../policy/rules';
import { STACK_NAMES } from '../stack/names';
import { bucketName, environmentName, labels, projectId, region } from './fields';

/** A deliberate exception to the security baseline, printed on every synth. */
export const waiverSchema = z.strictObject({
  /** Rule id as printed by a violation, e.g. CKV_GCP_1. */
  rule: z.enum(RULE_IDS),
  stack: z.enum(STACK_NAMES),
  /** Terraform address (google_container_cluster.cluster); omit to waive the rule for the whole stack. */
  resource: z
    .string()
    .regex(/^[a-z0-9_]+\.[A-Za-z0-9_-]+$/, 'must be a Terraform address such as google_storage_bucket.state')
    .optional(),
  reason: z.string().trim().min(10, 'must say why, in at least 10 characters'),
});

export type Waiver = z.infer<typeof waiverSchema>;

/** Settings every stack shares. */
export const globalShape = {
  /** Default project for every stack (and the state bucket's project). */
  projectId,
  /** Default region for every stack. */
  region,
  /** Names this environment: state prefix `<environment>/<stack>` and the `environment` label. */
  environment: environmentName,
  /** Added to every labelable resource, together with environment, stack and managed-by. */
  labels: labels.default({}),
  /** Bucket that holds every stack's state; created by the state-bootstrap stack. */
  stateBucket: bucketName,
  policy: z
    .strictObject({
      waivers: z.array(waiverSchema).default([]),
    })
    .prefault({}),
};
