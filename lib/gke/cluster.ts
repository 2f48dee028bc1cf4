import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { Construct } from 'constructs';
import { ServiceAccount } from '../iam/service-account';
import { GkeNodePool, GkeNodePoolProps, metadataMode } from './node-pool';
import type { ReleaseChannel } from './options';

/**
 * GKE refuses a cluster that enforces the project's Binary Authorization policy while this API is off: the stack's
 * ProjectSetup must enable it, and the cluster then waits for it (lib/project/apis.ts).
 */
export const BINARY_AUTHORIZATION_API = 'binaryauthorization.googleapis.com';

export interface GkeClusterProps {
  readonly name: string;
  readonly project: string;
  /**
   * The cluster's resource_labels (CKV_GCP_21); GKE copies them to its nodes' VMs and disks. Pass the stack's default
   * labels: the provider adds them anyway, written here they are in the synthesized resource a scanner reads.
   */
  readonly labels: Readonly<Record<string, string>>;
  /** A zone (zonal cluster) or a region (regional cluster). */
  readonly location: string;
  /** Self link or id of the VPC. */
  readonly network: string;
  readonly subnetwork: string;
  /** Secondary range of `subnetwork` for pod addresses (VPC-native cluster). */
  readonly podsRangeName: string;
  /** Secondary range of `subnetwork` for service addresses. */
  readonly servicesRangeName: string;
  /** Account id of the node service account this construct creates. */
  readonly nodeServiceAccountId: string;
  /** @default REGULAR (CKV_GCP_70) */
  readonly releaseChannel?: ReleaseChannel;
  /**
   * Nodes without public addresses (AVD-GCP-0059); they need Cloud NAT to pull images from outside Google.
   * @default true
   */
  readonly privateNodes?: boolean;
  /**
   * Workload Identity: pods act as Google service accounts without keys (GKE-WORKLOAD-IDENTITY, CKV_GCP_69). Off
   * only for a blueprint that must run without it, under a waiver.
   * @default true
   */
  readonly workloadIdentity?: boolean;
  /**
   * Cloud Logging for system and workload logs (CKV_GCP_1).
   * @default true
   */
  readonly cloudLogging?: boolean;
  /**
   * CIDRs allowed to reach the control plane endpoint (master authorized networks, CKV_GCP_20); an empty list admits
   * no address outside Google Cloud's own.
   * @default any address; every request is still authenticated by Google IAM
   */
  readonly controlPlaneAuthorizedCidrs?: readonly string[];
  /**
   * `gke-security-groups@<domain>`: RBAC bindings may then name Google Groups of that Workspace or Cloud Identity
   * domain nested in it (CKV_GCP_65).
   * @default none: RBAC names users and service accounts only
   */
  readonly rbacSecurityGroup?: string;
  /**
   * Refuse `terraform destroy` until set to false and applied.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

const NODE_ROLES = ['roles/logging.logWriter', 'roles/monitoring.metricWriter'];

/**
 * A VPC-native GKE Standard cluster whose nodes live only in separately managed pools (`addNodePool`, CKV_GCP_123),
 * with its node service account. Always on: Workload Identity (GKE-WORKLOAD-IDENTITY), shielded nodes (CKV_GCP_71),
 * no legacy ABAC (CKV_GCP_7), no client certificates (CKV_GCP_13), no alpha features (CKV2_GCP_19), Dataplane V2
 * with network policy enforcement (CKV_GCP_12), alias IP ranges (CKV_GCP_23), intranode visibility (CKV_GCP_61),
 * Cloud Monitoring (CKV_GCP_8), labels (CKV_GCP_21) and Binary Authorization with the project's policy (CKV_GCP_66).
 */
export class GkeCluster extends Construct {
  readonly cluster: ContainerCluster;
  readonly nodeServiceAccount: ServiceAccount;
  /** `<project>.svc.id.goog`: Kubernetes service accounts appear in IAM as members of this pool. */
  readonly workloadPool: string;
  readonly workloadIdentity: boolean;

  constructor(scope: Construct, id: string, props: GkeClusterProps) {
    super(scope, id);
    this.workloadPool = `${props.project}.svc.id.goog`;
    this.workloadIdentity = props.workloadIdentity ?? true;
    this.nodeServiceAccount = new ServiceAccount(this, 'node-sa', {
      accountId: props.nodeServiceAccountId,
      displayName: `GKE nodes of ${props.name}`,
      description: 'Runs the nodes; may only write logs and metrics',
      project: props.project,
      projectRoles: NODE_ROLES,
    });
    const nodeBaseline = {
      serviceAccount: this.nodeServiceAccount.email,
      oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
      workloadMetadataConfig: { mode: metadataMode(this.workloadIdentity) },
      shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
      imageType: 'COS_CONTAINERD',
    };
    const authorizedCidrs = props.controlPlaneAuthorizedCidrs;

    this.cluster = new ContainerCluster(this, 'Resource', {
      name: props.name,
      project: props.project,
      location: props.location,
      network: props.network,
      subnetwork: props.subnetwork,
      networkingMode: 'VPC_NATIVE',
      ipAllocationPolicy: {
        clusterSecondaryRangeName: props.podsRangeName,
        servicesSecondaryRangeName: props.servicesRangeName,
      },
      // GKE cannot create a cluster without nodes: this first pool is deleted as soon as the cluster exists. It
      // still gets the node baseline, so even it never runs as the default compute service account.
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      nodeConfig: nodeBaseline,
      // The provider would otherwise plan a replacement of the whole cluster once the default pool is gone.
      lifecycle: { ignoreChanges: ['node_config'] },
      releaseChannel: { channel: props.releaseChannel ?? 'REGULAR' },
      workloadIdentityConfig: this.workloadIdentity ? { workloadPool: this.workloadPool } : undefined,
      enableShieldedNodes: true,
      enableLegacyAbac: false,
      enableKubernetesAlpha: false,
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      datapathProvider: 'ADVANCED_DATAPATH',
      // Pod-to-pod traffic on one node goes through the VPC too, so flow logs and firewall rules see it.
      enableIntranodeVisibility: true,
      // The project's singleton policy decides; a project that never set one admits every image (Google's default),
      // so nothing is blocked until its owners write a policy (dry-run first: docs/blueprints/gke-playground.md).
      binaryAuthorization: { evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' },
      authenticatorGroupsConfig: props.rbacSecurityGroup ? { securityGroup: props.rbacSecurityGroup } : undefined,
      resourceLabels: { ...props.labels },
      privateClusterConfig: { enablePrivateNodes: props.privateNodes ?? true, enablePrivateEndpoint: false },
      masterAuthorizedNetworksConfig: authorizedCidrs
        ? { cidrBlocks: authorizedCidrs.map((cidrBlock) => ({ cidrBlock, displayName: cidrBlock })) }
        : undefined,
      loggingService: props.cloudLogging === false ? 'none' : 'logging.googleapis.com/kubernetes',
      // System metrics, which Cloud Monitoring does not bill; written so a provider default cannot turn them off.
      monitoringService: 'monitoring.googleapis.com/kubernetes',
      deletionProtection: props.deletionProtection ?? true,
    });
  }

  /** Outputs every GKE stack offers: cluster name, location and the command that points kubectl at it. */
  addOutputs(stack: { addOutput(name: string, value: string, description: string): unknown }): void {
    const { name, location, project } = this.cluster;
    stack.addOutput('cluster_name', name, 'GKE cluster name');
    stack.addOutput('cluster_location', location, 'Zone or region of the cluster');
    stack.addOutput(
      'get_credentials',
      `gcloud container clusters get-credentials ${name} --location ${location} --project ${project}`,
      'Command that points kubectl at the cluster',
    );
  }

  /** Adds a node pool running as this cluster's node service account, created once that account holds its roles. */
  addNodePool(
    id: string,
    props: Omit<GkeNodePoolProps, 'cluster' | 'serviceAccountEmail' | 'workloadIdentity' | 'dependsOn'>,
  ): GkeNodePool {
    return new GkeNodePool(this, id, {
      ...props,
      cluster: this.cluster,
      serviceAccountEmail: this.nodeServiceAccount.email,
      workloadIdentity: this.workloadIdentity,
      // Nodes write logs and metrics from their first boot.
      dependsOn: [...this.nodeServiceAccount.projectGrants],
    });
  }
}
