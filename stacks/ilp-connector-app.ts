import { Fn, ITerraformDependable, TerraformIterator, TerraformLocal, Token } from 'cdktf';
import { ClusterDomainClaim } from '@kubernetes-models/knative/networking.internal.knative.dev/v1alpha1/ClusterDomainClaim';
import { DomainMapping } from '@kubernetes-models/knative/serving.knative.dev/v1beta1/DomainMapping';
import { DataGoogleComputeAddress } from '@cdktf/provider-google/lib/data-google-compute-address';
import { DataGoogleRedisInstance } from '@cdktf/provider-google/lib/data-google-redis-instance';
import { DataGoogleSecretManagerSecretVersion } from '@cdktf/provider-google/lib/data-google-secret-manager-secret-version';
import { KmsSecretCiphertext } from '@cdktf/provider-google/lib/kms-secret-ciphertext';
import { ServiceAccountKey } from '@cdktf/provider-google/lib/service-account-key';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { Annotations } from '@cdktf/provider-kubernetes/lib/annotations';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { IlpConnectorConfig } from '../lib/config/ilp-connector';
import { connectorService } from '../lib/ilp/connector-service';
import { gcpKmsEncryptedSecret } from '../lib/ilp/encrypted-secret';
import { ilpConnectorNames } from '../lib/ilp/names';
import { GkeAccess } from '../lib/k8s/gke-access';
import { CrdPresence, ValidatedManifest } from '../lib/k8s/manifest';
import { KNATIVE_SERVING_CRDS, KnativeServingInstall } from '../lib/knative/serving-install';
import { MEMORYSTORE_CA_FILE, REDIS_TUNNEL_CONFIG, redisTlsTunnelBootstrap } from '../lib/redis/tls-tunnel';
import { GeneratedPassword } from '../lib/secrets/secret';
import { BlueprintContext, BlueprintStack } from '../lib/stack/blueprint-stack';

/** Kubernetes Secrets of the connector (names in its namespace). */
const SECRETS = {
  credentials: 'connector-credentials',
  redis: 'connector-redis',
  googleKey: 'connector-google-key',
} as const;
const CONFIG_MAPS = { redisTunnel: 'connector-redis-tunnel' } as const;

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
    // The address `ilp-connector` reserved for Kourier, so DNS can point at it before Kourier exists.
    const ingressAddress = names.ingressAddressName
      ? new DataGoogleComputeAddress(this, 'ingress-address', {
          project: this.projectId,
          region: this.region,
          name: names.ingressAddressName,
        }).address
      : undefined;
    // Without a domain, Services get names under <address>.sslip.io, which resolve to the address (the seed did this
    // with xip.io, long gone); Knative's own default, svc.cluster.local, is not served outside the cluster.
    const defaultDomain = !domain && ingressAddress ? `${ingressAddress}.sslip.io` : undefined;
    if (knative.install) {
      const install = new KnativeServingInstall(this, 'knative', {
        operatorVersion: knative.operatorVersion,
        servingVersion: knative.servingVersion,
        tls: acmeEmail ? { acmeEmail, certManagerVersion: knative.certManagerVersion } : undefined,
        loadBalancerAddress: ingressAddress,
        defaultDomain,
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
    // The connector sends AUTH only with a password Cloud KMS encrypted for it (RedisConfig, v0.5.1): encrypted here
    // with its key. The ciphertext stays in the state and the Secret; only the connector's account can decrypt it.
    const redisPassword = redis.authEnabled
      ? gcpKmsEncryptedSecret({
          keyRing: section.kms.keyRing,
          key: section.kms.key,
          ciphertext: new KmsSecretCiphertext(this, 'redis-password', {
            cryptoKey: `projects/${this.projectId}/locations/${section.kms.location}/keyRings/${section.kms.keyRing}/cryptoKeys/${section.kms.key}`,
            plaintext: memorystore.authString,
          }).ciphertext,
        })
      : undefined;
    const tunnelBootstrap = redis.transitEncryption ? redisTlsTunnelBootstrap(memorystore.host) : undefined;
    if (tunnelBootstrap) {
      workloadNeeds.push(
        new ConfigMapV1(this, 'redis-tunnel-config', {
          metadata: inNamespace(CONFIG_MAPS.redisTunnel),
          data: { [REDIS_TUNNEL_CONFIG.file]: stringify(tunnelBootstrap, { singleQuote: true }) },
          dependsOn: namespace ? [namespace] : undefined,
        }),
      );
    }
    const caCertificates = Fn.join(
      '\n',
      TerraformIterator.fromComplexList(memorystore.serverCaCerts, 'serial_number').pluckProperty('cert') as unknown as string[],
    );
    if (redisPassword !== undefined || tunnelBootstrap) {
      workloadNeeds.push(
        new SecretV1(this, 'redis-secret', {
          metadata: inNamespace(SECRETS.redis),
          data: {
            ...(redisPassword === undefined ? {} : { password: redisPassword }),
            ...(tunnelBootstrap ? { [MEMORYSTORE_CA_FILE]: caCertificates } : {}),
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

    // The pods read Redis's address, password and CA when they start: a change to any starts a new revision. The
    // digest of a random AUTH string reveals nothing, so it is not kept sensitive in the plan.
    const redisSettings = Fn.sha256(
      Fn.join('\n', [memorystore.host, redis.authEnabled ? memorystore.authString : '', redis.transitEncryption ? caCertificates : '']),
    );
    const redisSettingsDigest = new TerraformLocal(
      this,
      'redis-settings-digest',
      redis.authEnabled ? Fn.nonsensitive(redisSettings) : redisSettings,
    );
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
      settingsDigest: redisSettingsDigest.asString,
      redis: {
        host: memorystore.host,
        encryptedPassword: redisPassword === undefined ? undefined : { name: SECRETS.redis, key: 'password' },
        tls: tunnelBootstrap
          ? { configMap: CONFIG_MAPS.redisTunnel, caSecretName: SECRETS.redis, bootstrap: tunnelBootstrap }
          : undefined,
        tunnelImage: section.redisProxyImage,
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
      // Knative routes a domain only for the namespace a ClusterDomainClaim delegates it to; it creates none itself
      // (config-network autocreate-cluster-domain-claims is false by default), and a claim is the administrator's
      // statement that this namespace may take the name.
      const claim = new ValidatedManifest(this, 'domain-claim', {
        model: new ClusterDomainClaim({ metadata: { name: domain.name }, spec: { namespace: kubernetes.namespace } }),
        awaitCrd: awaitServing('domain-claim-crd', KNATIVE_SERVING_CRDS.clusterDomainClaim),
        dependsOn: knativeReady,
      });
      const mappingCrd = awaitServing('domain-mapping-crd', KNATIVE_SERVING_CRDS.domainMapping);
      const mapping = new ValidatedManifest(this, 'domain-mapping', {
        model: new DomainMapping({
          // A DomainMapping is named after the domain it maps.
          metadata: { name: domain.name, namespace: kubernetes.namespace },
          spec: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: names.serviceName } },
        }),
        awaitCrd: mappingCrd,
        // With TLS, Ready turns True already while the mapping serves plain HTTP (http-protocol Enabled); its URL turns
        // https only once the certificate is issued, which needs DNS at the ingress address. Apply fails here, not later.
        ...(tls ? { waitFields: { 'status.url': '^https://' } } : { waitReady: true }),
        waitTimeout: '20m',
        dependsOn: [ksvc.manifest, claim.manifest],
      });
      if (tls) {
        // Now that the domain has its certificate, plain HTTP redirects to HTTPS. Renewals still pass: Kourier serves the
        // ACME challenge over HTTPS too once the domain has TLS, and Let's Encrypt follows the redirect.
        new Annotations(this, 'domain-https-redirect', {
          apiVersion: 'serving.knative.dev/v1beta1',
          kind: 'DomainMapping',
          metadata: { name: domain.name, namespace: kubernetes.namespace },
          annotations: { 'networking.knative.dev/http-protocol': 'redirected' },
          count: mappingCrd ? Token.asNumber(Fn.conditional(mappingCrd.present, 1, 0)) : undefined,
          dependsOn: [mapping.manifest],
        });
      }
    }

    const scheme = tls ? 'https' : 'http';
    const defaultUrl = defaultDomain
      ? `http://${names.serviceName}.${kubernetes.namespace}.${defaultDomain}/`
      : `kubectl get ksvc ${names.serviceName} --namespace ${kubernetes.namespace} --output jsonpath='{.status.url}'`;
    this.addOutput(
      'url',
      domain ? `${scheme}://${domain.name}/` : defaultUrl,
      domain ? 'Where the connector answers once DNS points at the ingress address' : 'Where the connector answers (or the command that prints it)',
    );
    this.addOutput('admin_password_command', admin.readCommand, 'Prints the password of the admin API (user admin)');
  }
}
