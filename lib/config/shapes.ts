/**
 * Section shapes that several blueprints share: a VPC for GKE with private services access, a private zonal GKE
 * cluster with one node pool, a Cloud SQL for PostgreSQL instance and the Cloud SQL Auth Proxy sidecar. Each takes
 * the blueprint's own defaults, so every key keeps its meaning across blueprints.
 */
import { z } from 'zod';
import { DEFAULT_CLOUD_SQL_PROXY_IMAGE } from '../sql/auth-proxy';
import {
  controlPlaneAuthorizedCidrs,
  diskType,
  gkeSecurityGroup,
  ipv4Cidr,
  machineType,
  nodeProvisioning,
  pinnedImage,
  quantity,
  releaseChannel,
  resourceName,
  serviceAccountId,
  zone,
} from './fields';

type DiskType = z.infer<typeof diskType>;
type NodeProvisioning = z.infer<typeof nodeProvisioning>;

export interface ClusterNetworkDefaults {
  readonly name: string;
  readonly nodesCidr: string;
  readonly podsCidr: string;
  readonly servicesCidr: string;
  readonly privateServicesCidr: string;
}

/** CIDR keys of `network`, in the order overlaps are reported. */
export const CLUSTER_NETWORK_RANGES = ['nodesCidr', 'podsCidr', 'servicesCidr', 'privateServicesCidr'] as const;

/** VPC, subnet ranges and the range reserved for Google-managed services (Cloud SQL, Memorystore). */
export function clusterNetworkSchema(defaults: ClusterNetworkDefaults) {
  return z
    .strictObject({
      name: resourceName(63).default(defaults.name),
      nodesCidr: ipv4Cidr.default(defaults.nodesCidr),
      podsCidr: ipv4Cidr.default(defaults.podsCidr),
      servicesCidr: ipv4Cidr.default(defaults.servicesCidr),
      /** Range reserved for Google-managed services reached through private services access. */
      privateServicesCidr: ipv4Cidr.default(defaults.privateServicesCidr),
    })
    .prefault({});
}

export interface PrivateClusterDefaults {
  readonly name: string;
  readonly zone: string;
  readonly nodeServiceAccountId: string;
  readonly nodePool: {
    readonly name: string;
    readonly machineType: string;
    readonly nodeCount: number;
    readonly diskSizeGb: number;
    readonly diskType: DiskType;
    readonly provisioning: NodeProvisioning;
  };
}

/** A zonal GKE cluster with private nodes and one node pool. */
export function privateClusterSchema(defaults: PrivateClusterDefaults) {
  const pool = defaults.nodePool;
  return z
    .strictObject({
      name: resourceName(40).default(defaults.name),
      /** Zonal cluster; must lie in the global region. */
      zone: zone.default(defaults.zone),
      releaseChannel: releaseChannel.default('REGULAR'),
      /** Pods act as Google service accounts without keys; turning it off needs waivers (GKE-WORKLOAD-IDENTITY, CKV_GCP_69). */
      workloadIdentity: z.boolean().default(true),
      deletionProtection: z.boolean().default(true),
      /** Who may reach the control plane, cdktf deploy of the -app stack too. Default: any address, with a warning. */
      controlPlaneAuthorizedCidrs: controlPlaneAuthorizedCidrs.optional(),
      /** Google Groups for RBAC. Default: none, which needs a CKV_GCP_65 waiver. */
      rbacSecurityGroup: gkeSecurityGroup.optional(),
      nodeServiceAccountId: serviceAccountId.default(defaults.nodeServiceAccountId),
      nodePool: z
        .strictObject({
          name: resourceName(40).default(pool.name),
          machineType: machineType.default(pool.machineType),
          nodeCount: z.number().int().min(1).max(100).default(pool.nodeCount),
          diskSizeGb: z.number().int().min(10).max(65536).default(pool.diskSizeGb),
          diskType: diskType.default(pool.diskType),
          provisioning: nodeProvisioning.default(pool.provisioning),
        })
        .prefault({}),
    })
    .prefault({});
}

export const postgresVersion = z.enum(['POSTGRES_14', 'POSTGRES_15', 'POSTGRES_16', 'POSTGRES_17', 'POSTGRES_18']);

/** A PostgreSQL identifier as Cloud SQL takes it for databases and users. */
export const postgresName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,62}$/, 'must be a PostgreSQL name of at most 63 characters');

export interface PostgresDefaults {
  readonly instanceName: string;
  readonly tier: string;
  readonly databaseName: string;
}

/** Keys of a Cloud SQL for PostgreSQL instance with private IP, backups and point-in-time recovery. */
export function postgresShape(defaults: PostgresDefaults) {
  return {
    instanceName: resourceName(98).default(defaults.instanceName),
    version: postgresVersion.default('POSTGRES_17'),
    /** ENTERPRISE takes db-custom-* tiers; ENTERPRISE_PLUS takes db-perf-optimized-N-*. */
    edition: z.enum(['ENTERPRISE', 'ENTERPRISE_PLUS']).default('ENTERPRISE'),
    tier: z
      .string()
      .regex(/^db-[a-z0-9-]+$/, 'must be a Cloud SQL tier such as db-custom-1-3840')
      .default(defaults.tier),
    /** REGIONAL adds a standby in another zone (high availability) at twice the price. */
    availability: z.enum(['ZONAL', 'REGIONAL']).default('ZONAL'),
    diskSizeGb: z.number().int().min(10).max(65536).default(10),
    name: postgresName.default(defaults.databaseName),
    /** Daily backup window start, UTC. */
    backupStartTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):00$/, 'must be a whole hour such as 03:00')
      .default('03:00'),
    retainedBackups: z.number().int().min(1).max(365).default(7),
    /** Point-in-time recovery window: days of write-ahead log kept. */
    pointInTimeRecoveryDays: z.number().int().min(1).max(7).default(7),
    deletionProtection: z.boolean().default(true),
  };
}

/** A Cloud SQL for PostgreSQL section with no keys of its own. */
export function postgresSchema(defaults: PostgresDefaults) {
  return z.strictObject(postgresShape(defaults)).prefault({});
}

/** The Cloud SQL Auth Proxy sidecar: image and requests. */
export function cloudSqlProxySchema(defaults: { readonly cpu: string; readonly memory: string }) {
  return z
    .strictObject({
      image: pinnedImage.default(DEFAULT_CLOUD_SQL_PROXY_IMAGE),
      /** Memory grows with open connections, CPU with database traffic. */
      cpu: quantity.default(defaults.cpu),
      memory: quantity.default(defaults.memory),
    })
    .prefault({});
}
