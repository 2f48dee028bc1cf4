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
 * (synth warns about each; see lib/config/adopt.ts). The seed's `gcloud container clusters create` makes a public-node
 * cluster in the project's default network with a default pool of 3 nodes; ours lives in its own VPC with private nodes
 * and Dataplane V2 and starts from 1 node. Each of these is ForceNew in google/services/container/
 * resource_container_cluster.go at v6.50.0 (network, subnetwork, ip_allocation_policy,
 * private_cluster_config.enable_private_nodes, datapath_provider, initial_node_count), so none can be kept by a key:
 * every adopting config gets these warnings. The project and its APIs change in place only.
 */
export function gkePlaygroundReplacements(config: Config): ForcedReplacement[] {
  const section = config.gkePlayground;
  const { clusterName, zone, network } = section;
  const project = section.projectId ?? config.projectId;
  const resource = `google_container_cluster ${clusterName}`;
  const same = `the same replacement of ${clusterName} as its network (decide once, see that warning)`;
  return [
    {
      resource,
      setting: 'network and subnetwork',
      seed: "the project's default network and subnet",
      ours: `the VPC ${network.name} and its subnet ${network.name}`,
      decide:
        `${clusterName} would be deleted with every workload, Service, Secret and PersistentVolumeClaim on it and created ` +
        'empty. Apply stops before that: the importer records deletion_protection = true, and the provider refuses the ' +
        'delete while its state says so. Decide first: keep it (another clusterName here, adoptExisting: false, and ' +
        `no createProject since the project exists) and move workloads over, or move them off, delete it (gcloud ` +
        `container clusters delete ${clusterName} --zone ${zone} --project ${project}) and set adoptExisting: false ` +
        'without createProject, which would fail with 409 on the existing project ' +
        '(docs/blueprints/gke-playground.md, "Adopt what the seed created")',
    },
    {
      resource,
      setting: 'ip_allocation_policy',
      seed: 'ranges GKE chose in the default subnet (or none: a routes-based cluster)',
      ours: `the secondary ranges pods and services of ${network.name}`,
      decide: same,
    },
    {
      resource,
      setting: 'private_cluster_config.enable_private_nodes',
      seed: 'false (nodes with public addresses)',
      ours: 'true (private nodes, AVD-GCP-0059)',
      decide: same,
    },
    {
      resource,
      setting: 'datapath_provider',
      seed: 'the legacy kube-proxy datapath',
      ours: 'ADVANCED_DATAPATH (Dataplane V2, network policy enforcement)',
      decide: same,
    },
    {
      resource,
      setting: 'initial_node_count',
      seed: '3 (--num-nodes=3)',
      ours: '1 (a first pool that is removed; nodes live in playground-pool)',
      decide: same,
    },
  ];
}
