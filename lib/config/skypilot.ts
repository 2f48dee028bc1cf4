import { z } from 'zod';
import {
  asRecord,
  diskType,
  dns1123Label,
  ipv4Cidr,
  machineType,
  nodeProvisioning,
  pinnedImage,
  quantity,
  regionOfZone,
  releaseChannel,
  resourceName,
  serviceAccountId,
  zone,
} from './fields';
import type { CrossFieldProblem } from './schema';

/** The stable chart version used when `chart.version` is not set (stable chart only). */
export const DEFAULT_STABLE_CHART_VERSION = '0.12.3';

/** Chart versions as published on helm.skypilot.co: 0.12.3, 0.11.0-rc.1, 1.0.0-dev.20250410. */
const chartVersion = z
  .string()
  .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'must be an exact chart version such as 0.12.3 or 1.0.0-dev.20250410');

const postgresVersion = z.enum(['POSTGRES_14', 'POSTGRES_15', 'POSTGRES_16', 'POSTGRES_17', 'POSTGRES_18']);

/** The `skypilot` section (seed 004): SkyPilot API server on GKE with its state in Cloud SQL for PostgreSQL. */
export const skypilotSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /**
   * How the API server logs in to PostgreSQL. `iam` (the seed's production path): as the Google service account,
   * through the proxy's --auto-iam-authn; no password exists. `password`: a built-in user `skypilot` whose generated
   * password is kept in Secret Manager.
   */
  authMode: z.enum(['iam', 'password']).default('iam'),
  /** Google service account the Cloud SQL Auth Proxy runs as (the seed's skypilot-cloud-sql-access). */
  serviceAccountId: serviceAccountId.default('skypilot-cloud-sql-access'),
  /**
   * The seed's key file for the proxy, for clusters without Workload Identity (password mode only). A key is a
   * long-lived secret: it needs a CKV2_GCP_3 waiver for skypilot-app.
   */
  serviceAccountKey: z.boolean().default(false),
  network: z
    .strictObject({
      name: resourceName(63).default('skypilot'),
      nodesCidr: ipv4Cidr.default('10.60.0.0/22'),
      podsCidr: ipv4Cidr.default('10.64.0.0/14'),
      servicesCidr: ipv4Cidr.default('10.68.0.0/20'),
      /** Range reserved for Google-managed services (Cloud SQL) reached through private services access. */
      privateServicesCidr: ipv4Cidr.default('10.72.0.0/20'),
    })
    .prefault({}),
  cluster: z
    .strictObject({
      name: resourceName(40).default('skypilot'),
      /** Zonal cluster; the database runs in the same zone, as the seed asks. Must lie in the global region. */
      zone: zone.default('us-central1-a'),
      releaseChannel: releaseChannel.default('REGULAR'),
      /** Required by authMode iam; turning it off needs waivers (GKE-WORKLOAD-IDENTITY, CKV_GCP_69). */
      workloadIdentity: z.boolean().default(true),
      deletionProtection: z.boolean().default(true),
      controlPlaneAuthorizedCidrs: z.array(ipv4Cidr).optional(),
      nodeServiceAccountId: serviceAccountId.default('skypilot-nodes'),
      nodePool: z
        .strictObject({
          name: resourceName(40).default('skypilot-pool'),
          /**
           * e2-standard-8: the API server requests 4 CPU and 8 GiB (the chart refuses less), the proxy 1 CPU and
           * 2 GiB, and SkyPilot may launch task pods on the same cluster.
           */
          machineType: machineType.default('e2-standard-8'),
          nodeCount: z.number().int().min(1).max(100).default(1),
          diskSizeGb: z.number().int().min(10).max(65536).default(100),
          diskType: diskType.default('pd-balanced'),
          /** standard: a spot reclaim would take the API server down. */
          provisioning: nodeProvisioning.default('standard'),
        })
        .prefault({}),
    })
    .prefault({}),
  database: z
    .strictObject({
      instanceName: resourceName(98).default('cloud-sql-skypilot-instance'),
      version: postgresVersion.default('POSTGRES_17'),
      /** ENTERPRISE takes db-custom-* tiers; ENTERPRISE_PLUS takes db-perf-optimized-N-*. */
      edition: z.enum(['ENTERPRISE', 'ENTERPRISE_PLUS']).default('ENTERPRISE'),
      tier: z
        .string()
        .regex(/^db-[a-z0-9-]+$/, 'must be a Cloud SQL tier such as db-custom-1-3840')
        .default('db-custom-1-3840'),
      /** REGIONAL adds a standby in another zone (high availability) at twice the price. */
      availability: z.enum(['ZONAL', 'REGIONAL']).default('ZONAL'),
      diskSizeGb: z.number().int().min(10).max(65536).default(10),
      name: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,62}$/, 'must be a PostgreSQL database name of at most 63 characters')
        .default('skypilot-db'),
      /** Daily backup window start, UTC. */
      backupStartTime: z
        .string()
        .regex(/^([01]\d|2[0-3]):00$/, 'must be a whole hour such as 03:00')
        .default('03:00'),
      retainedBackups: z.number().int().min(1).max(365).default(7),
      /** Point-in-time recovery window: days of write-ahead log kept. */
      pointInTimeRecoveryDays: z.number().int().min(1).max(7).default(7),
      deletionProtection: z.boolean().default(true),
    })
    .prefault({}),
  kubernetes: z
    .strictObject({
      namespace: dns1123Label.default('skypilot'),
      /** Kubernetes service account of the API server pod (created by the chart). */
      serviceAccountName: dns1123Label.default('skypilot-api-sa'),
    })
    .prefault({}),
  chart: z
    .strictObject({
      /** skypilot (stable releases) or skypilot-nightly (the seed's; needs an exact version). */
      name: z.enum(['skypilot', 'skypilot-nightly']).default('skypilot'),
      /** Exact chart version. Default for the stable chart: 0.12.3; required for the nightly chart. */
      version: chartVersion.optional(),
      releaseName: dns1123Label.default('skypilot'),
      /** Helm waits this long for the release; the first pull of the API server image is slow. */
      timeoutSeconds: z.number().int().min(60).max(3600).default(900),
    })
    .prefault({}),
  /** API server image (apiService.image). Default: the image the chart version pins. */
  apiImage: pinnedImage.optional(),
  cloudSqlProxy: z
    .strictObject({
      /** The seed used 2.14.1 and asks to update regularly. */
      image: pinnedImage.default('gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.21.0'),
      /** The seed's requests: memory grows with open connections, CPU with database traffic. */
      cpu: quantity.default('1'),
      memory: quantity.default('2Gi'),
    })
    .prefault({}),
  /** Runs the seed's one-off GRANT in authMode iam (psql through the proxy). */
  postgresClientImage: pinnedImage.default('postgres:17-alpine'),
  web: z
    .strictObject({
      /** User name of the ingress basic auth; the password is generated and kept in Secret Manager. */
      username: z
        .string()
        .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be 1-32 lowercase letters, digits, _ or -, starting with a letter')
        .default('skypilot'),
      passwordSecretId: resourceName(255).default('skypilot-web-password'),
      /**
       * Who may reach the API server's load balancer (ingress-nginx loadBalancerSourceRanges). Unset: anyone, as in
       * the seed, with a warning, since basic auth then travels over plain HTTP from anywhere.
       */
      sourceCidrs: z.array(ipv4Cidr).min(1, 'must list at least one CIDR; leave it out to allow any address').optional(),
    })
    .prefault({}),
});

export type SkypilotConfig = z.infer<typeof skypilotSchema>;

/** Checks across the section: identities the chosen auth mode needs, the nightly chart's pin, zone in region. */
export function skypilotProblems(section: unknown, region: unknown): CrossFieldProblem[] {
  const root = asRecord(section);
  if (root.enabled === false) return [];
  const problems: CrossFieldProblem[] = [];
  const problem = (path: string[], input: unknown, message: string) =>
    problems.push({ path: ['skypilot', ...path], input, message });
  const cluster = asRecord(root.cluster);
  const chart = asRecord(root.chart);

  if (typeof region === 'string' && typeof cluster.zone === 'string' && regionOfZone(cluster.zone) !== region) {
    problem(['cluster', 'zone'], cluster.zone, `must be a zone of the region ${region} (such as ${region}-b)`);
  }
  if (root.authMode === 'iam' && cluster.workloadIdentity === false) {
    problem(
      ['cluster', 'workloadIdentity'],
      false,
      'must be true with authMode iam: the proxy logs in to PostgreSQL as the Google service account through Workload Identity',
    );
  }
  if (root.serviceAccountKey === true && (root.authMode !== 'password' || cluster.workloadIdentity !== false)) {
    problem(
      ['serviceAccountKey'],
      true,
      'is only for authMode password on a cluster with workloadIdentity false; otherwise the proxy uses Workload Identity and needs no key',
    );
  }
  if (root.authMode === 'password' && cluster.workloadIdentity === false && root.serviceAccountKey !== true) {
    problem(
      ['cluster', 'workloadIdentity'],
      false,
      'leaves the proxy without a Google identity: keep Workload Identity on (recommended) or set serviceAccountKey: true',
    );
  }
  if (chart.name === 'skypilot-nightly' && chart.version === undefined) {
    problem(
      ['chart', 'version'],
      undefined,
      'is required for the skypilot-nightly chart: pin a nightly such as 1.0.0-dev.20260101, or use the stable chart',
    );
  }
  return problems;
}
