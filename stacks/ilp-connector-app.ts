import { Fn, ITerraformDependable, TerraformIterator } from 'cdktf';
import { DomainMapping } from '@kubernetes-models/knative/serving.knative.dev/v1beta1/DomainMapping';
import { DataGoogleRedisInstance } from '@cdktf/provider-google/lib/data-google-redis-instance';
import { DataGoogleSecretManagerSecretVersion } from '@cdktf/provider-google/lib/data-google-secret-manager-secret-version';
import { ServiceAccountKey } from '@cdktf/provider-google/lib/service-account-key';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { IlpConnectorConfig } from '../lib/config/ilp-connector';
import { connectorService } from '../lib/ilp/connector-service';
import { ilpConnectorNames } from '../lib/ilp/names';
import { MEMORYSTORE_CA_FILE, REDIS_PROXY_CONFIG, redisProxyBootstrap } from '../lib/ilp/redis-proxy';
import { GkeAccess } from '../lib/k8s/gke-access';
import { CrdPresence, ValidatedManifest } from '../lib/k8s/manifest';
import { KNATIVE_SERVING_CRDS, KnativeServingInstall, KOURIER_GATEWAY } from '../lib/knative/serving-install';
import { GeneratedPassword } from '../lib/secrets/secret';
import { BlueprintContext, BlueprintStack } from '../lib/stack/blueprint-stack';

/** Kubernetes Secrets of the connector (names in its namespace). */
const SECRETS = {
  credentials: 'connector-credentials',
  redis: 'connector-redis',
  googleKey: 'connector-google-key',
} as const;
const CONFIG_MAPS = { redisProxy: 'connector-redis-proxy' } as const;

/**
 * `ilp-connector-app` (seed 000), the in-cluster half: Knative Serving with Kourier (through the Knative Operator)
 * unless the cluster has it, the connector's namespace, service account and secrets, the seed's Knative Service
 * `connector`, and a DomainMapping with a Let's Encrypt certificate for the custom domain. Deploy after
 * `ilp-connector`; it finds the cluster, database and Redis by the names in config.
 */
export class IlpConnectorAppStack extends BlueprintStack {
  constructor(scope: Construct, context: BlueprintContext, section: IlpConnectorConfig) {
    super(scope, 'ilp-connector-app', context);
    const names = ilpConnectorNames(section, this.projectId, this.region);
    const { kubernetes, connector, redis, domain, knative } = section;
    if (connector.nodeIlpAddress === undefined) {
      throw new Error('ilpConnector.connector.nodeIlpAddress is required');
    }
    const acmeEmail = domain?.tls ? domain.acmeEmail : undefined;
    if (domain?.tls && acmeEmail === undefined) throw new Error('ilpConnector.domain.acmeEmail is required with tls');
    const tls = acmeEmail !== undefined;

    new GkeAccess(this, 'gke', {
      project: this.projectId,
      clusterName: section.cluster.name,
      location: section.cluster.zone,
      helm: knative.install,
    });

    const knativeReady: ITerraformDependable[] = [];
    if (knative.install) {
      const install = new KnativeServingInstall(this, 'knative', {
        operatorVersion: knative.operatorVersion,
        servingVersion: knative.servingVersion,
        tls: acmeEmail ? { acmeEmail, certManagerVersion: knative.certManagerVersion } : undefined,
      });
      knativeReady.push(...install.ready);
    }

    // The seed used `default`, which exists already; any other namespace is created here.
    const namespace =
      kubernetes.namespace === 'default'
        ? undefined
        : new NamespaceV1(this, 'namespace', {
            metadata: { name: kubernetes.namespace, labels: { 'app.kubernetes.io/part-of': 'ilp-connector' } },
          });
    const inNamespace = (name: string) => ({ name, namespace: kubernetes.namespace });
    const workloadNeeds: ITerraformDependable[] = namespace ? [namespace] : [];

    const keyFile = section.serviceAccountKey;
    workloadNeeds.push(
      new ServiceAccountV1(this, 'service-account', {
        metadata: {
          ...inNamespace(kubernetes.serviceAccountName),
          annotations: keyFile ? undefined : { 'iam.gke.io/gcp-service-account': names.serviceAccountEmail },
        },
        automountServiceAccountToken: false,
        dependsOn: namespace ? [namespace] : undefined,
      }),
    );

    const admin = new GeneratedPassword(this, 'admin-password', {
      project: this.projectId,
      secretId: names.adminPasswordSecretId,
    });
    const databasePassword = new DataGoogleSecretManagerSecretVersion(this, 'database-password', {
      project: this.projectId,
      secret: names.databasePasswordSecretId,
    }).secretData;
    workloadNeeds.push(
      new SecretV1(this, 'credentials', {
        metadata: inNamespace(SECRETS.credentials),
        data: { 'database-password': databasePassword, 'admin-password': admin.value },
        dependsOn: namespace ? [namespace] : undefined,
      }),
    );

    const memorystore = new DataGoogleRedisInstance(this, 'redis', {
      project: this.projectId,
      region: this.region,
      name: redis.instanceName,
    });
    const redisProxied = redis.authEnabled || redis.transitEncryption;
    if (redisProxied) {
      workloadNeeds.push(
        new ConfigMapV1(this, 'redis-proxy-config', {
          metadata: inNamespace(CONFIG_MAPS.redisProxy),
          data: {
            [REDIS_PROXY_CONFIG.file]: stringify(
              redisProxyBootstrap({ host: memorystore.host, auth: redis.authEnabled, tls: redis.transitEncryption }),
              { singleQuote: true },
            ),
          },
          dependsOn: namespace ? [namespace] : undefined,
        }),
      );
      const caCertificates = TerraformIterator.fromComplexList(memorystore.serverCaCerts, 'serial_number').pluckProperty('cert');
      workloadNeeds.push(
        new SecretV1(this, 'redis-secret', {
          metadata: inNamespace(SECRETS.redis),
          data: {
            ...(redis.authEnabled ? { auth: memorystore.authString } : {}),
            ...(redis.transitEncryption ? { [MEMORYSTORE_CA_FILE]: Fn.join('\n', caCertificates as unknown as string[]) } : {}),
          },
          dependsOn: namespace ? [namespace] : undefined,
        }),
      );
    }

    if (keyFile) {
      // The seed's base64 key, only under serviceAccountKey and a CKV2_GCP_3 waiver: a cluster without Workload Identity.
      const key = new ServiceAccountKey(this, 'connector-key', {
        serviceAccountId: `projects/${this.projectId}/serviceAccounts/${names.serviceAccountEmail}`,
      });
      workloadNeeds.push(
        new SecretV1(this, 'google-key', {
          metadata: inNamespace(SECRETS.googleKey),
          // private_key is already the base64 of the JSON key file: what spring_cloud_gcp_credentials_encoded_key takes.
          data: { 'encoded-key': key.privateKey, 'key.json': Fn.base64decode(key.privateKey) },
          dependsOn: namespace ? [namespace] : undefined,
        }),
      );
    }

    const service = connectorService({
      name: names.serviceName,
      namespace: kubernetes.namespace,
      serviceAccountName: kubernetes.serviceAccountName,
      image: connector.image,
      minScale: connector.minScale,
      maxScale: connector.maxScale,
      containerConcurrency: connector.containerConcurrency,
      timeoutSeconds: connector.timeoutSeconds,
      cpu: connector.cpu,
      memory: connector.memory,
      javaOptions: connector.javaOptions,
      nodeIlpAddress: connector.nodeIlpAddress,
      globalPrefix: connector.globalPrefix,
      require32ByteSharedSecrets: connector.require32ByteSharedSecrets,
      projectId: this.projectId,
      kms: { location: section.kms.location, keyRing: section.kms.keyRing },
      adminPassword: { name: SECRETS.credentials, key: 'admin-password' },
      database: {
        name: section.database.name,
        user: section.database.user,
        password: { name: SECRETS.credentials, key: 'database-password' },
        instanceConnectionName: names.instanceConnectionName,
        proxy: section.cloudSqlProxy,
      },
      redis: {
        host: memorystore.host,
        auth: redis.authEnabled ? { name: SECRETS.redis, key: 'auth' } : undefined,
        caSecretName: redis.transitEncryption ? SECRETS.redis : undefined,
        proxyConfigMap: redisProxied ? CONFIG_MAPS.redisProxy : undefined,
        proxyImage: section.redisProxyImage,
      },
      googleKey: keyFile ? { secretName: SECRETS.googleKey, encodedKey: 'encoded-key', jsonKey: 'key.json' } : undefined,
      domainMapped: domain !== undefined,
    });
    // With Knative installed here, the Service waits for its CRD (the deploy after Knative Serving is ready).
    const awaitServing = (id: string, crd: string) => (knative.install ? new CrdPresence(this, id, crd) : undefined);
    const ksvc = new ValidatedManifest(this, 'connector', {
      model: service,
      awaitCrd: awaitServing('service-crd', KNATIVE_SERVING_CRDS.service),
      waitReady: true,
      dependsOn: [...knativeReady, ...workloadNeeds],
    });

    if (domain) {
      new ValidatedManifest(this, 'domain-mapping', {
        model: new DomainMapping({
          // A DomainMapping is named after the domain it maps.
          metadata: { name: domain.name, namespace: kubernetes.namespace },
          spec: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: names.serviceName } },
        }),
        awaitCrd: awaitServing('domain-mapping-crd', KNATIVE_SERVING_CRDS.domainMapping),
        dependsOn: [ksvc.manifest],
      });
    }

    const scheme = tls ? 'https' : 'http';
    this.addOutput(
      'url',
      domain ? `${scheme}://${domain.name}/` : `http://${names.serviceName}.${kubernetes.namespace}.example.com/ (Host header)`,
      'Where the connector answers once DNS points at the ingress address',
    );
    this.addOutput(
      'ingress_address_command',
      `kubectl get service ${KOURIER_GATEWAY.service} --namespace ${KOURIER_GATEWAY.namespace} --output jsonpath='{.status.loadBalancer.ingress[0].ip}'`,
      "Prints the Kourier load balancer's address: the A record of the domain",
    );
    this.addOutput('admin_password_command', admin.readCommand, 'Prints the password of the admin API (user admin)');
  }
}
