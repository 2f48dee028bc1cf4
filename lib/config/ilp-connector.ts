import type { ForcedReplacement } from './adopt';
import type { Config } from './schema';
import { z } from 'zod';
import { adoptExisting, asRecord, dns1123Label, pinnedImage, quantity, regionOfZone, resourceName, serviceAccountId } from './fields';
import { isKnownZone } from './catalog';
import { zoneOfRegionMessage } from './location-defaults';
import type { CrossFieldProblem } from './schema';
import { refuseCredentials } from './secrets';
import { cloudSqlProxySchema, clusterNetworkSchema, postgresName, postgresShape, privateClusterSchema } from './shapes';

/**
 * ILP allocation schemes (IL-RFC 15): `g` is the global network, `test`/`test1..3` test networks, `private`, `example`,
 * `peer`, `self` and `local` the others.
 */
export const ILP_ALLOCATION_SCHEMES = ['g', 'private', 'example', 'peer', 'self', 'test', 'test1', 'test2', 'test3', 'local'] as const;

const ILP_SEGMENT = '[A-Za-z0-9_~-]+';
const ILP_ADDRESS = new RegExp(`^(${ILP_ALLOCATION_SCHEMES.join('|')})(\\.${ILP_SEGMENT})+$`);

/** A node's ILP address: an allocation scheme and at least one segment, such as `test.my-connector`. */
export const ilpAddress = z
  .string()
  .max(1023, 'must be at most 1023 characters')
  .regex(
    ILP_ADDRESS,
    `must be an ILP address: an allocation scheme (${ILP_ALLOCATION_SCHEMES.join(', ')}) and one or more ` +
      'dot-separated segments of letters, digits, _, ~ or -, such as test.my-connector',
  );

/** A fully qualified domain name in lowercase, such as connector.example.com (at least two labels). */
export const domainName = z
  .string()
  .max(253, 'must be at most 253 characters')
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/,
    'must be a lowercase domain name such as connector.example.com',
  );

/** Knative Operator chart versions as published on knative.github.io/operator: v1.18.0. */
const OPERATOR_VERSION = /^v\d+\.\d+\.\d+$/;
const operatorChartVersion = z.string().regex(OPERATOR_VERSION, 'must be an exact chart version such as v1.18.0');
/** KnativeServing spec.version: an exact release such as 1.18.0. */
const SERVING_VERSION = /^\d+\.\d+\.\d+$/;
const knativeVersion = z.string().regex(SERVING_VERSION, 'must be an exact Knative release such as 1.18.0');

/** The Knative Operator chart installed when `knative.install` is not set otherwise. */
export const DEFAULT_KNATIVE_OPERATOR_VERSION = 'v1.18.0';

/** The `ilpConnector` section (seed 000): the Java ILPv4 connector on Knative on GKE, Cloud SQL, Memorystore, KMS. */
export const ilpConnectorSchema = z.strictObject({
  enabled: z.boolean().default(true),
  adoptExisting,
  /** Google service account of the connector (KMS encrypt/decrypt; Cloud SQL client for its proxy). */
  serviceAccountId: serviceAccountId.default('connector'),
  /**
   * The seed's base64 key in spring_cloud_gcp_credentials_encoded_key, for clusters without Workload Identity. A key is
   * a long-lived secret: it needs cluster.workloadIdentity false and a CKV2_GCP_3 waiver for ilp-connector-app.
   */
  serviceAccountKey: z.boolean().default(false),
  network: clusterNetworkSchema({
    name: 'ilp-connector',
    nodesCidr: '10.80.0.0/22',
    podsCidr: '10.84.0.0/14',
    servicesCidr: '10.88.0.0/20',
    privateServicesCidr: '10.92.0.0/20',
  }),
  cluster: privateClusterSchema({
    name: 'connector',
    zone: 'us-central1-a',
    nodeServiceAccountId: 'connector-nodes',
    // The seed's 2 x e2-highcpu-4 on standard persistent disks. 20 GB instead of its 10: the connector, proxy and
    // Knative images do not fit next to COS on 10 GB.
    nodePool: {
      name: 'connector-pool',
      machineType: 'e2-highcpu-4',
      nodeCount: 2,
      diskSizeGb: 20,
      diskType: 'pd-standard',
      provisioning: 'standard',
    },
  }),
  database: z
    .strictObject({
      // The seed's --cpu=1 --memory=4096MiB.
      ...postgresShape({ instanceName: 'connector', tier: 'db-custom-1-4096', databaseName: 'connector' }),
      /** Connection cap (flag max_connections): the seed raises Cloud SQL's default for the connection pools. */
      maxConnections: z.number().int().min(14).max(262143).default(500),
      /** Built-in user of the connector; its generated password is kept in Secret Manager. */
      user: postgresName.default('connector'),
    })
    .prefault({}),
  redis: z
    .strictObject({
      instanceName: resourceName(40).default('connector'),
      /** BASIC: one node (the seed's); STANDARD_HA adds a replica in another zone. */
      tier: z.enum(['BASIC', 'STANDARD_HA']).default('BASIC'),
      memorySizeGb: z.number().int().min(1).max(300).default(1),
      /** The seed used REDIS_4_0, which Memorystore no longer offers for new instances. */
      version: z.enum(['REDIS_6_X', 'REDIS_7_0', 'REDIS_7_2']).default('REDIS_7_2'),
      /** Redis AUTH (CKV_GCP_95). Off needs a waiver. */
      authEnabled: z.boolean().default(true),
      /** TLS with server authentication (CKV_GCP_97). Off needs a waiver. */
      transitEncryption: z.boolean().default(true),
    })
    .prefault({}),
  kms: z
    .strictObject({
      /**
       * The connector's gcp-kms profile reads keyring `connector` in `global`; other values are passed to it. Lower case
       * only, as resource names here are: the connector lower-cases the key ring of every secret it decrypts.
       */
      keyRing: resourceName(63).default('connector'),
      location: z
        .string()
        .regex(/^(global|[a-z]+-[a-z]+\d+|[a-z]+\d*)$/, 'must be a KMS location such as global or us-central1')
        .default('global'),
      /** The connector's default key alias. */
      key: resourceName(63).default('secret0'),
      rotationPeriodDays: z.number().int().min(1).max(90).default(90),
    })
    .prefault({}),
  kubernetes: z
    .strictObject({
      /** The seed deployed to `default`; a namespace of its own keeps the connector's secrets apart. */
      namespace: dns1123Label.default('interledger'),
      serviceAccountName: dns1123Label.default('connector'),
    })
    .prefault({}),
  knative: z
    .strictObject({
      /** Install the Knative Operator, Knative Serving and Kourier; false when the cluster already runs Knative. */
      install: z.boolean().default(true),
      operatorVersion: operatorChartVersion.default(DEFAULT_KNATIVE_OPERATOR_VERSION),
      /** Knative Serving release the operator installs; one it ships (its own minor or up to three before). */
      servingVersion: knativeVersion.default('1.18.0'),
      /** cert-manager chart (charts.jetstack.io) for the domain's certificate. */
      certManagerVersion: z
        .string()
        .regex(/^v\d+\.\d+\.\d+$/, 'must be an exact chart version such as v1.17.2')
        .default('v1.17.2'),
    })
    .prefault({}),
  connector: z
    .strictObject({
    /** The seed used 0.2.0; 0.5.1 is the last release and reads the KMS keyring and location from config. */
    image: pinnedImage.default('docker.io/interledger4j/java-ilpv4-connector:0.5.1'),
    /** The node's ILP address, the seed's test.<YOUR_CONNECTOR_NAME>. Required (checked with the section's other rules). */
    nodeIlpAddress: ilpAddress.optional(),
    /** The allocation scheme the node lives in; nodeIlpAddress must start with it. */
    globalPrefix: z.enum(ILP_ALLOCATION_SCHEMES).default('test'),
    /** The seed turns the 32-byte shared-secret rule off; keep it on for new peers. */
    require32ByteSharedSecrets: z.boolean().default(false),
    /**
     * JVM flags (_JAVA_OPTIONS); no double quotes, backslashes or line breaks, which the manifest cannot carry, and no
     * credentials: they would sit in plain text in the Knative Service and the Terraform state.
     */
    javaOptions: z
      .string()
      .regex(/^[^"\\\n]+$/, 'must be JVM flags without double quotes, backslashes or line breaks, such as -Xmx512m')
      .superRefine(refuseCredentials('the connector reads its passwords from Kubernetes Secrets made from Secret Manager'))
      .default('-Xmx512m'),
    minScale: z.number().int().min(1).max(100).default(2),
    maxScale: z.number().int().min(1).max(100).default(2),
    containerConcurrency: z.number().int().min(0).max(1000).default(80),
    timeoutSeconds: z.number().int().min(1).max(3600).default(300),
    cpu: quantity.default('768m'),
    memory: quantity.default('768Mi'),
    })
    .prefault({}),
  /** A custom domain for the connector: Knative DomainMapping, with a Let's Encrypt certificate unless tls is false. */
  domain: z
    .strictObject({
      name: domainName,
      /** HTTPS with a certificate cert-manager obtains from Let's Encrypt (HTTP-01), the seed's autoTLS. */
      tls: z.boolean().default(true),
      /** Let's Encrypt account email: expiry notices go there. Required with tls. */
      acmeEmail: z.email('must be an email address').optional(),
    })
    .optional(),
  cloudSqlProxy: cloudSqlProxySchema({ cpu: '100m', memory: '128Mi' }),
  /** Envoy, the TLS tunnel to Memorystore's encrypted port: the connector's Redis client has no TLS. */
  redisProxyImage: pinnedImage.default('docker.io/envoyproxy/envoy:v1.39.0'),
});

export type IlpConnectorConfig = z.infer<typeof ilpConnectorSchema>;

function minorOf(version: string): [number, number] {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  return [major, minor];
}

/** Checks across the section: zone in region, address under the prefix, scale bounds, identity, versions, domain. */
export function ilpConnectorProblems(section: unknown, region: unknown): CrossFieldProblem[] {
  const root = asRecord(section);
  if (root.enabled === false) return [];
  const problems: CrossFieldProblem[] = [];
  const problem = (path: string[], input: unknown, message: string) =>
    problems.push({ path: ['ilpConnector', ...path], input, message });
  const cluster = asRecord(root.cluster);
  const connector = asRecord(root.connector);
  const knative = asRecord(root.knative);
  const domain = root.domain === undefined ? undefined : asRecord(root.domain);

  if (typeof region === 'string' && typeof cluster.zone === 'string' && isKnownZone(cluster.zone) && regionOfZone(cluster.zone) !== region) {
    problem(['cluster', 'zone'], cluster.zone, zoneOfRegionMessage(region));
  }
  const address = connector.nodeIlpAddress;
  if (address === undefined) {
    problem(['connector', 'nodeIlpAddress'], undefined, 'is required: the ILP address of this node, such as test.my-connector');
  }
  const prefix = connector.globalPrefix ?? 'test';
  const validPrefix = (ILP_ALLOCATION_SCHEMES as readonly unknown[]).includes(prefix);
  if (typeof address === 'string' && ILP_ADDRESS.test(address) && validPrefix && !address.startsWith(`${prefix}.`)) {
    problem(
      ['connector', 'nodeIlpAddress'],
      address,
      `must start with the globalPrefix "${prefix}." (such as ${prefix}.${address.split('.').slice(1).join('.') || 'my-connector'})`,
    );
  }
  if (typeof connector.minScale === 'number' && typeof connector.maxScale === 'number') {
    if (connector.minScale > connector.maxScale) {
      problem(['connector', 'minScale'], connector.minScale, `must not exceed maxScale ${connector.maxScale}`);
    }
  }
  if (root.serviceAccountKey === true && cluster.workloadIdentity !== false) {
    problem(
      ['serviceAccountKey'],
      true,
      'is only for a cluster with workloadIdentity false; with Workload Identity the connector needs no key',
    );
  }
  if (root.serviceAccountKey !== true && cluster.workloadIdentity === false) {
    problem(
      ['cluster', 'workloadIdentity'],
      false,
      'leaves the connector without a Google identity for KMS: keep Workload Identity on (recommended) or set serviceAccountKey: true',
    );
  }
  const operator = knative.operatorVersion ?? DEFAULT_KNATIVE_OPERATOR_VERSION;
  const serving = knative.servingVersion;
  const pinned =
    typeof operator === 'string' && OPERATOR_VERSION.test(operator) && typeof serving === 'string' && SERVING_VERSION.test(serving);
  if (knative.install !== false && pinned) {
    const [operatorMajor, operatorMinor] = minorOf(operator);
    const [servingMajor, servingMinor] = minorOf(serving);
    if (servingMajor !== operatorMajor || servingMinor > operatorMinor || servingMinor < operatorMinor - 3) {
      problem(
        ['knative', 'servingVersion'],
        serving,
        `must be a release Knative Operator ${operator} ships: ${operatorMajor}.${Math.max(0, operatorMinor - 3)} to ${operatorMajor}.${operatorMinor}`,
      );
    }
  }
  if (domain && domain.tls !== false && domain.acmeEmail === undefined) {
    problem(['domain', 'acmeEmail'], undefined, "is required with tls: Let's Encrypt sends expiry notices there");
  }
  return problems;
}

/** What the seed's steps set where this config may differ in a way Terraform cannot apply in place. */
const SEED = {
  /** `gcloud beta sql instances create connector --region=us-west1`; `gcloud redis instances create --region=us-west1`. */
  region: 'us-west1',
  /** `--network default` (Cloud SQL); Memorystore's default network and connect mode (the seed names neither). */
  network: 'default',
  connectMode: 'DIRECT_PEERING',
  /** Memorystore's defaults for `gcloud redis instances create` without --tier or --transit-encryption-mode. */
  redisTier: 'BASIC',
  transitEncryptionMode: 'DISABLED',
} as const;

/**
 * With `adoptExisting`, the settings of this config that Terraform cannot apply in place to what the seed created
 * (synth warns about each; see lib/config/adopt.ts). ForceNew fields of google provider 6.50.0:
 * google/services/redis/resource_redis_instance.go (authorized_network, connect_mode, tier, transit_encryption_mode)
 * and google/services/sql/resource_sql_database_instance.go (region).
 */
export function ilpConnectorReplacements(config: Config): ForcedReplacement[] {
  const { database, redis, network } = config.ilpConnector;
  const replacements: ForcedReplacement[] = [];
  const sql = `google_sql_database_instance ${database.instanceName}`;
  const memorystore = `google_redis_instance ${redis.instanceName}`;
  if (config.region !== SEED.region) {
    replacements.push({
      resource: sql,
      setting: 'region',
      seed: SEED.region,
      ours: config.region,
      // The seed's steps say us-west1, but the page invites another region for who created the instances elsewhere:
      // config cannot tell which, so the warning says how to check before it says what is lost.
      decide:
        `check with gcloud sql instances describe ${database.instanceName} --format='value(region)': if it prints ` +
        `${config.region} (gcloud was given another --region than the seed's), nothing is replaced and this warning ` +
        `does not apply. Otherwise a new instance starts empty: the connector's accounts, routes and settlements in ` +
        `database ${database.name} stay in the old one (and the deletion protection the import sets stops apply at ` +
        "the destroy). Set region to the instance's region, or export the database first (gcloud sql export sql) and " +
        'import it into the new instance',
    });
  }
  const name = redis.instanceName;
  const anyway =
    "the network replaces the instance anyway, losing the connector's balances in Redis unless exported first (see " +
    'the warning about authorized_network)';
  replacements.push({
    resource: memorystore,
    setting: 'authorized_network and connect_mode',
    seed: `${SEED.network} and ${SEED.connectMode}`,
    ours: `${network.name} and PRIVATE_SERVICE_ACCESS`,
    decide:
      "no key keeps them (the cluster reaches Memorystore only in the blueprint's VPC). Replacing it loses the " +
      "connector's balances in Redis, which start again from zero; to keep them, export before apply (gcloud redis " +
      `instances export gs://<bucket>/${name}.rdb ${name} --region ${config.region}) and import after it (gcloud ` +
      `redis instances import gs://<bucket>/${name}.rdb ${name} --region ${config.region}; Memorystore imports RDB ` +
      'files of older Redis versions)',
  });
  if (redis.tier !== SEED.redisTier) {
    replacements.push({
      resource: memorystore,
      setting: 'tier',
      seed: SEED.redisTier,
      ours: redis.tier,
      decide: `redis.tier: ${SEED.redisTier} keeps the seed's tier, but ${anyway}`,
    });
  }
  if (redis.transitEncryption) {
    replacements.push({
      resource: memorystore,
      setting: 'transit_encryption_mode',
      seed: SEED.transitEncryptionMode,
      ours: 'SERVER_AUTHENTICATION',
      decide: `redis.transitEncryption: false keeps the seed's mode (with a CKV_GCP_97 waiver), but ${anyway}`,
    });
  }
  return replacements;
}
