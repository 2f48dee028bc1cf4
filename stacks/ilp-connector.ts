import { ComputeAddress } from '@cdktf/provider-google/lib/compute-address';
import { Construct } from 'constructs';
import type { IlpConnectorConfig } from '../lib/config/ilp-connector';
import { addPlatformPostgres, addPrivatePlatform, PRIVATE_PLATFORM_SERVICES } from '../lib/gke/private-platform';
import { ServiceAccount } from '../lib/iam/service-account';
import { ilpConnectorNames } from '../lib/ilp/names';
import { EncryptionKey } from '../lib/kms/encryption-key';
import { ProjectSetup } from '../lib/project/project';
import { MemorystoreRedis } from '../lib/redis/memorystore';
import { GeneratedPassword } from '../lib/secrets/secret';
import { adopt } from '../lib/stack/adopt';
import { BlueprintContext, BlueprintStack, defaultLabels } from '../lib/stack/blueprint-stack';

/**
 * `ilp-connector` (seed 000), the Google Cloud half: VPC with private services access, Cloud SQL for PostgreSQL and
 * Memorystore for Redis on private addresses, the KMS key ring `connector` with key `secret0`, the connector's service
 * account, and a zonal GKE cluster with Workload Identity. `ilp-connector-app` installs Knative and the connector.
 */
export class IlpConnectorStack extends BlueprintStack {
  constructor(scope: Construct, context: BlueprintContext, section: IlpConnectorConfig) {
    super(scope, 'ilp-connector', context);
    const names = ilpConnectorNames(section, this.projectId, this.region);
    const { cluster: clusterConfig, database, redis, kms } = section;
    new ProjectSetup(this, 'project', {
      projectId: this.projectId,
      services: [...PRIVATE_PLATFORM_SERVICES, 'redis.googleapis.com', 'cloudkms.googleapis.com'],
    });
    const platform = addPrivatePlatform(this, {
      project: this.projectId,
      labels: defaultLabels(context.config, this.node.id),
      region: this.region,
      network: section.network,
      cluster: clusterConfig,
    });

    const sql = addPlatformPostgres(
      this,
      platform,
      { project: this.projectId, region: this.region, zone: clusterConfig.zone, database },
      // The seed's --database-flags max-connections=500 (the Cloud SQL flag is spelled max_connections).
      { flags: { max_connections: String(database.maxConnections) } },
    );
    const connectorDatabase = sql.addDatabase('connector-db', database.name);
    // The seed's `gcloud sql users create connector --password`: generated, kept in Secret Manager.
    const password = new GeneratedPassword(this, 'database-password', {
      project: this.projectId,
      secretId: names.databasePasswordSecretId,
    });
    const connectorUser = sql.addBuiltInUser('connector-user', database.user, password.value);

    const memorystore = new MemorystoreRedis(this, 'redis', {
      name: redis.instanceName,
      project: this.projectId,
      region: this.region,
      zone: clusterConfig.zone,
      tier: redis.tier,
      memorySizeGb: redis.memorySizeGb,
      version: redis.version,
      network: platform.network.vpc.network.id,
      privateServicesAccess: platform.privateServices.connection,
      authEnabled: redis.authEnabled,
      transitEncryption: redis.transitEncryption,
    });

    const key = new EncryptionKey(this, 'kms', {
      project: this.projectId,
      location: kms.location,
      keyRing: kms.keyRing,
      key: kms.key,
      rotationPeriodDays: kms.rotationPeriodDays,
    });
    const account = new ServiceAccount(this, 'connector', {
      accountId: section.serviceAccountId,
      displayName: 'connector',
      description: 'The Interledger connector: KMS encrypt/decrypt on its key, Cloud SQL client for its proxy',
      project: this.projectId,
    });
    // The seed grants the role on the whole project; on the one key is enough.
    key.grantEncrypterDecrypter('connector-encrypter', account.member);
    // The connector's pod reaches Cloud SQL through the Auth Proxy, which runs as this account.
    sql.grantClient('connector', account.member, { iamLogin: false });

    if (section.adoptExisting) {
      // What the seed's gcloud steps created, by the names in config; import ids in the formats the google provider
      // 6.50.0 documents (website/docs/r/*.html.markdown, "Import"). The seed's cluster is not adopted, and what apply
      // changes on the rest is on the page (docs/blueprints/ilp-connector.md, "Adopt what the seed created").
      const project = this.projectId;
      const instance = database.instanceName;
      const keyRing = `projects/${project}/locations/${kms.location}/keyRings/${kms.keyRing}`;
      adopt(sql.instance, `projects/${project}/instances/${instance}`);
      adopt(connectorDatabase, `projects/${project}/instances/${instance}/databases/${database.name}`);
      adopt(connectorUser, `${project}/${instance}/${database.user}`);
      adopt(memorystore.instance, `projects/${project}/locations/${this.region}/instances/${redis.instanceName}`);
      adopt(key.keyRing, keyRing);
      adopt(key.key, `${keyRing}/cryptoKeys/${kms.key}`);
      adopt(account.account, `projects/${project}/serviceAccounts/${names.serviceAccountEmail}`);
      // The seed's instance has a private IP in `default`. Named by the network's id, the new VPC's network is unknown
      // when Terraform plans (created in the same apply), and privateNetworkCustomizeDiff reads an unknown as "": old
      // `default`, new "" looks like a removal and forces replacement (ResourceDiff.GetChange of a NewComputed value,
      // terraform-plugin-sdk v2.37.0). The id spelled out is known at plan, so the move is planned in place.
      // depends_on already waits for private services access, and so for the network.
      sql.instance.addOverride(
        'settings.ip_configuration.private_network',
        `projects/${project}/global/networks/${section.network.name}`,
      );
    }

    if (clusterConfig.workloadIdentity) {
      account.allowKubernetesServiceAccount(
        'workload-identity',
        {
          pool: platform.gke.workloadPool,
          namespace: section.kubernetes.namespace,
          serviceAccount: section.kubernetes.serviceAccountName,
        },
        [platform.gke.cluster],
      );
    }

    if (names.ingressAddressName) {
      const ingress = new ComputeAddress(this, 'ingress-address', {
        project: this.projectId,
        region: this.region,
        name: names.ingressAddressName,
        description: `Kourier load balancer of the connector${section.domain ? `: the A record of ${section.domain.name}` : ''}`,
        addressType: 'EXTERNAL',
        // The tier of GKE's default external load balancer, which must match (cloud-provider-gcp verifyUserRequestedIP).
        networkTier: 'PREMIUM',
      });
      this.addOutput(
        'ingress_address',
        ingress.address,
        section.domain
          ? `Point the A record of ${section.domain.name} here before deploying ilp-connector-app`
          : "Kourier's address; the connector answers at connector.<namespace>.<address>.sslip.io",
      );
    }
    platform.gke.addOutputs(this);
    this.addOutput('instance_connection_name', sql.connectionName, 'Cloud SQL instance, as the Auth Proxy takes it');
    this.addOutput('database_password_command', password.readCommand, 'Prints the connector database password');
    this.addOutput('redis_host', memorystore.instance.host, 'Private address of Memorystore');
    this.addOutput('kms_key', key.key.id, 'The key the connector encrypts its secrets with');
    this.addOutput('connector_service_account', account.email, 'Google service account of the connector');
  }
}
