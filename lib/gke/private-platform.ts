import { Construct } from 'constructs';
import type { z } from 'zod';
import type { clusterNetworkSchema, postgresShape, privateClusterSchema } from '../config/shapes';
import { PrivateServicesAccess } from '../network/private-services-access';
import { PostgresInstance, PostgresInstanceProps } from '../sql/postgres';
import { BINARY_AUTHORIZATION_API, GkeCluster } from './cluster';
import { ClusterNetwork } from './cluster-network';

/**
 * APIs the platform and its PostgreSQL need: GKE and Binary Authorization (the cluster enforces the project's policy),
 * Compute, IAM (node and workload service accounts), Cloud SQL, Service Networking, Secret Manager.
 */
export const PRIVATE_PLATFORM_SERVICES = [
  'compute.googleapis.com',
  'container.googleapis.com',
  BINARY_AUTHORIZATION_API,
  'iam.googleapis.com',
  'sqladmin.googleapis.com',
  'servicenetworking.googleapis.com',
  'secretmanager.googleapis.com',
] as const;

export interface PrivatePlatformProps {
  readonly project: string;
  /** The stack's labels, written on the cluster. */
  readonly labels: Readonly<Record<string, string>>;
  readonly region: string;
  readonly network: z.output<ReturnType<typeof clusterNetworkSchema>>;
  readonly cluster: z.output<ReturnType<typeof privateClusterSchema>>;
}

/** What `addPrivatePlatform` created. */
export interface PrivatePlatform {
  readonly network: ClusterNetwork;
  readonly privateServices: PrivateServicesAccess;
  readonly gke: GkeCluster;
}

/**
 * The base of a GKE blueprint with managed data stores: a VPC with Cloud NAT, private services access (Cloud SQL,
 * Memorystore) and a zonal cluster with private nodes and its node pool. Added straight to `scope` (ids `network`,
 * `private-services`, `cluster`), so Terraform addresses stay those of a hand-written stack.
 */
export function addPrivatePlatform(scope: Construct, props: PrivatePlatformProps): PrivatePlatform {
  const { network, cluster } = props;
  const clusterNetwork = new ClusterNetwork(scope, 'network', {
    name: network.name,
    project: props.project,
    region: props.region,
    nodesCidr: network.nodesCidr,
    podsCidr: network.podsCidr,
    servicesCidr: network.servicesCidr,
  });
  const privateServices = new PrivateServicesAccess(scope, 'private-services', {
    project: props.project,
    network: clusterNetwork.vpc.network.id,
    rangeName: `${network.name}-private-services`,
    cidr: network.privateServicesCidr,
  });
  const gke = new GkeCluster(scope, 'cluster', {
    name: cluster.name,
    project: props.project,
    labels: props.labels,
    location: cluster.zone,
    ...clusterNetwork.clusterNetworking,
    nodeServiceAccountId: cluster.nodeServiceAccountId,
    releaseChannel: cluster.releaseChannel,
    workloadIdentity: cluster.workloadIdentity,
    controlPlaneAuthorizedCidrs: cluster.controlPlaneAuthorizedCidrs,
    rbacSecurityGroup: cluster.rbacSecurityGroup,
    deletionProtection: cluster.deletionProtection,
  });
  gke.addNodePool('nodes', cluster.nodePool);
  return { network: clusterNetwork, privateServices, gke };
}

/** A `database` section (postgresShape), as parsed. */
export type PostgresSection = z.output<z.ZodObject<ReturnType<typeof postgresShape>>>;

/**
 * Cloud SQL for PostgreSQL `database` on the platform: private address in its VPC, in the cluster's zone, sized and
 * backed up as the section says. `options` adds what only one blueprint sets (IAM login, flags, postgres password).
 */
export function addPlatformPostgres(
  scope: Construct,
  platform: PrivatePlatform,
  props: { project: string; region: string; zone: string; database: PostgresSection },
  options: Pick<PostgresInstanceProps, 'iamAuthentication' | 'postgresPassword' | 'flags'> = {},
): PostgresInstance {
  const { database } = props;
  return new PostgresInstance(scope, 'database', {
    name: database.instanceName,
    project: props.project,
    region: props.region,
    zone: props.zone,
    version: database.version,
    edition: database.edition,
    tier: database.tier,
    availability: database.availability,
    diskSizeGb: database.diskSizeGb,
    privateNetwork: platform.network.vpc.network.id,
    privateServicesAccess: platform.privateServices.connection,
    backups: {
      startTime: database.backupStartTime,
      retainedBackups: database.retainedBackups,
      pointInTimeRecoveryDays: database.pointInTimeRecoveryDays,
    },
    deletionProtection: database.deletionProtection,
    ...options,
  });
}
