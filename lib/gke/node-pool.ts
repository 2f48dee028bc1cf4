import { ITerraformDependable } from 'cdktf';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { Construct } from 'constructs';
import type { NodeProvisioning } from './options';


export interface GkeNodePoolProps {
  readonly cluster: ContainerCluster;
  /** Node pool name in GKE. */
  readonly name: string;
  /** Email of the service account the nodes run as. */
  readonly serviceAccountEmail: string;
  /**
   * Fixed node count (no autoscaler); 0 keeps the pool with no machines.
   * @default 1
   */
  readonly nodeCount?: number;
  /** @default e2-medium */
  readonly machineType?: string;
  /** @default standard */
  readonly provisioning?: NodeProvisioning;
  /** @default 100 */
  readonly diskSizeGb?: number;
  /** @default pd-balanced */
  readonly diskType?: string;
  /**
   * Whether the cluster has Workload Identity: the pool then serves pods the GKE metadata server (CKV_GCP_69).
   * @default true
   */
  readonly workloadIdentity?: boolean;
  /** What the nodes need when they boot, such as their service account's roles. @default none */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A managed node pool with the baseline's node settings always on: GKE metadata server for Workload Identity
 * (CKV_GCP_69), Secure Boot and integrity monitoring (CKV_GCP_68, CKV_GCP_72), a dedicated service account
 * (AVD-GCP-0050), Container-Optimized OS with containerd (CKV_GCP_22), auto-repair and auto-upgrade (CKV_GCP_9,
 * CKV_GCP_10).
 */
export class GkeNodePool extends Construct {
  readonly pool: ContainerNodePool;

  constructor(scope: Construct, id: string, props: GkeNodePoolProps) {
    super(scope, id);
    const nodeCount = props.nodeCount ?? 1;
    if (!Number.isInteger(nodeCount) || nodeCount < 0) {
      throw new Error(`node pool ${props.name}: nodeCount must be a whole number of 0 or more (got ${nodeCount})`);
    }
    const diskSizeGb = props.diskSizeGb ?? 100;
    if (diskSizeGb < 10) {
      throw new Error(`node pool ${props.name}: diskSizeGb must be at least 10, GKE's minimum (got ${diskSizeGb})`);
    }
    const provisioning = props.provisioning ?? 'standard';
    this.pool = new ContainerNodePool(this, 'Resource', {
      name: props.name,
      cluster: props.cluster.id,
      location: props.cluster.location,
      project: props.cluster.project,
      nodeCount,
      management: { autoRepair: true, autoUpgrade: true },
      nodeConfig: {
        machineType: props.machineType ?? 'e2-medium',
        diskSizeGb,
        diskType: props.diskType ?? 'pd-balanced',
        imageType: 'COS_CONTAINERD',
        spot: provisioning === 'spot',
        preemptible: provisioning === 'preemptible',
        serviceAccount: props.serviceAccountEmail,
        // Access is governed by the service account's IAM roles, not by legacy scopes.
        oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
        workloadMetadataConfig: { mode: metadataMode(props.workloadIdentity ?? true) },
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        metadata: { 'disable-legacy-endpoints': 'true' },
      },
      dependsOn: props.dependsOn,
    });
  }
}

/** GKE_METADATA serves pods their Workload Identity; without it pods see the node's (GCE) metadata server. */
export function metadataMode(workloadIdentity: boolean): 'GKE_METADATA' | 'GCE_METADATA' {
  return workloadIdentity ? 'GKE_METADATA' : 'GCE_METADATA';
}
