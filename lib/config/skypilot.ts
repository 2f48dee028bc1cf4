import type { ForcedReplacement } from './adopt';
import type { Config } from './schema';
import { z } from 'zod';
import { adoptExisting, asRecord, dns1123Label, ipv4Cidr, pinnedImage, regionOfZone, resourceName, serviceAccountId } from './fields';
import { isKnownZone } from './catalog';
import { zoneOfRegionMessage } from './location-defaults';
import type { CrossFieldProblem } from './schema';
import { cloudSqlProxySchema, clusterNetworkSchema, postgresSchema, privateClusterSchema } from './shapes';

/** The stable chart version used when `chart.version` is not set (stable chart only). */
export const DEFAULT_STABLE_CHART_VERSION = '0.12.3';

/** Chart versions as published on helm.skypilot.co: 0.12.3, 0.11.0-rc.1, 1.0.0-dev.20250410. */
const chartVersion = z
  .string()
  .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'must be an exact chart version such as 0.12.3 or 1.0.0-dev.20250410');

/** The `skypilot` section (seed 004): SkyPilot API server on GKE with its state in Cloud SQL for PostgreSQL. */
export const skypilotSchema = z.strictObject({
  enabled: z.boolean().default(true),
  adoptExisting,
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
  network: clusterNetworkSchema({
    name: 'skypilot',
    nodesCidr: '10.60.0.0/22',
    podsCidr: '10.64.0.0/14',
    servicesCidr: '10.68.0.0/20',
    privateServicesCidr: '10.72.0.0/20',
  }),
  /** The database runs in the cluster's zone, as the seed asks. authMode iam requires Workload Identity. */
  cluster: privateClusterSchema({
    name: 'skypilot',
    zone: 'us-central1-a',
    nodeServiceAccountId: 'skypilot-nodes',
    nodePool: {
      name: 'skypilot-pool',
      // The API server requests 4 CPU and 8 GiB (the chart refuses less), the proxy 1 CPU and 2 GiB, and SkyPilot
      // may launch task pods on the same cluster.
      machineType: 'e2-standard-8',
      nodeCount: 1,
      diskSizeGb: 100,
      diskType: 'pd-balanced',
      // A spot reclaim would take the API server down.
      provisioning: 'standard',
    },
  }),
  database: postgresSchema({
    instanceName: 'cloud-sql-skypilot-instance',
    tier: 'db-custom-1-3840',
    databaseName: 'skypilot-db',
  }),
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
  /** The seed's requests for the proxy: 1 CPU and 2 GiB. */
  cloudSqlProxy: cloudSqlProxySchema({ cpu: '1', memory: '2Gi' }),
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

  if (typeof region === 'string' && typeof cluster.zone === 'string' && isKnownZone(cluster.zone) && regionOfZone(cluster.zone) !== region) {
    problem(['cluster', 'zone'], cluster.zone, zoneOfRegionMessage(region));
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

/**
 * With `adoptExisting`, the settings of this config that Terraform cannot apply in place to what the seed created
 * (synth warns about each; see lib/config/adopt.ts). None can be told from config: the seed names no region, version,
 * tier or disk for its instance, and what this section sets differently from the console's instance changes in place
 * (google provider 6.50.0, google/services/sql/resource_sql_database_instance.go): the public IP (private_network
 * forces replacement only when removed), TLS, flags, backups, edition and tier, database_version (patched; an older
 * version is refused by the API, not replaced). The one setting that would replace it, a disk_size below the live
 * disk's, is ignored on the adopted instance (stacks/skypilot.ts). Region and disk type also force replacement, but
 * the seed's values are not in config: docs/blueprints/skypilot.md says how to check them. The seed's cluster is not
 * adopted, so none of its ForceNew settings (network, private nodes, Dataplane V2) can replace it.
 */
export function skypilotReplacements(_config: Config): ForcedReplacement[] {
  return [];
}
