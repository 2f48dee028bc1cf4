import type { ForcedReplacement } from './adopt';
import type { Config } from './schema';
import { z } from 'zod';
import {
  adoptExisting,
  billingAccount,
  controlPlaneAuthorizedCidrs,
  diskType,
  gkeSecurityGroup,
  ipv4Cidr,
  machineType,
  nodeProvisioning,
  projectId,
  releaseChannel,
  resourceName,
  serviceAccountId,
  zone,
} from './fields';

/** Creates the playground's project (the seed's `gcloud projects create` + billing). */
const createProjectSchema = z
  .strictObject({
    /** Display name. Default: the project id. */
    name: z.string().min(4).max(30).optional(),
    billingAccount,
    /** Parent folder (numeric id). At most one of folderId and orgId; neither creates a project with no parent. */
    folderId: z.string().regex(/^\d+$/, 'must be a numeric folder id').optional(),
    orgId: z.string().regex(/^\d+$/, 'must be a numeric organization id').optional(),
  })
  .superRefine((p, ctx) => {
    if (p.folderId && p.orgId) {
      ctx.addIssue({ code: 'custom', path: ['orgId'], input: p.orgId, message: 'set folderId or orgId, not both' });
    }
  });

/** The `gkePlayground` section (seed 002: a low-cost GKE playground). */
export const gkePlaygroundSchema = z.strictObject({
  enabled: z.boolean().default(true),
  adoptExisting,
  /** Project for the playground. Default: the global projectId. */
  projectId: projectId.optional(),
  /** When set, the project is created (with billing) rather than expected to exist. */
  createProject: createProjectSchema.optional(),
  clusterName: resourceName(40).default('cluster-1'),
  /** Zonal cluster: one control plane, no regional fee tier. Must lie in the global region. */
  zone: zone.default('us-central1-a'),
  /** Nodes in the pool; 0 suspends the cluster between sessions, as the seed does by resizing to 0. */
  nodeCount: z.number().int().min(0).max(100).default(1),
  /**
   * e2-medium (2 shared vCPU, 4 GB), GKE's own default: after the kubelet reservation (about 1 GB of a 4 GB node) and
   * the system pods it leaves room for real workloads. The seed's f1-micro (0.6 GB) is accepted with a warning: GKE
   * refuses node pools "due to insufficient memory". e2-small (2 GB) runs, but the system pods take most of it.
   */
  machineType: machineType.default('e2-medium'),
  /** spot (default; Google's successor to preemptible at the same price), preemptible (the seed's) or standard. */
  provisioning: nodeProvisioning.default('spot'),
  diskSizeGb: z.number().int().min(10).max(1000).default(10),
  diskType: diskType.default('pd-standard'),
  /** Cloud Logging for the cluster. Off as in the seed (--no-enable-cloud-logging); needs a CKV_GCP_1 waiver. */
  cloudLogging: z.boolean().default(false),
  releaseChannel: releaseChannel.default('REGULAR'),
  /** GKE deletion protection: `cdktf destroy` fails until this is false and applied. */
  deletionProtection: z.boolean().default(true),
  /** CIDRs that may reach the control plane. Default: any address (still authenticated by Google IAM), with a warning. */
  controlPlaneAuthorizedCidrs: controlPlaneAuthorizedCidrs.optional(),
  /** Google Groups for RBAC. Default: none, which needs a CKV_GCP_65 waiver. */
  rbacSecurityGroup: gkeSecurityGroup.optional(),
  nodeServiceAccountId: serviceAccountId.default('gke-playground-nodes'),
  network: z
    .strictObject({
      name: resourceName(63).default('gke-playground'),
      nodesCidr: ipv4Cidr.default('10.10.0.0/24'),
      podsCidr: ipv4Cidr.default('10.20.0.0/16'),
      servicesCidr: ipv4Cidr.default('10.30.0.0/20'),
    })
    .prefault({}),
});

export type GkePlaygroundConfig = z.infer<typeof gkePlaygroundSchema>;

/**
 * With `adoptExisting`, the settings of this config that Terraform cannot apply in place to what the seed created
 * (synth warns about each; see lib/config/adopt.ts).
 */
export function gkePlaygroundReplacements(config: Config): ForcedReplacement[] {
  void config;
  return [];
}
