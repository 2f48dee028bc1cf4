import { Service } from '@kubernetes-models/knative/serving.knative.dev/v1/Service';
import { authProxyArgs, PROXY_PORT } from '../sql/auth-proxy';
import { MEMORYSTORE_CA_DIR, REDIS_AUTH_ENV, REDIS_PROXY_CONFIG, REDIS_PROXY_LISTENER } from './redis-proxy';

/** A key of a Kubernetes Secret. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/** The seed's profiles: Liquibase migrations, PostgreSQL, and keys in Cloud KMS (gcp-kms wins over jks). */
export const CONNECTOR_PROFILES = 'migrate,jks,postgres,gcp-kms';
/** The connector's HTTP port (server.port). */
export const CONNECTOR_PORT = 8080;
/** Spring actuator health, open to anonymous GET. */
export const CONNECTOR_HEALTH_PATH = '/manage/health';

const GOOGLE_KEY_DIR = '/var/secrets/google';

export interface ConnectorServiceOptions {
  readonly name: string;
  readonly namespace: string;
  /** Kubernetes service account; bound to the Google account by Workload Identity. */
  readonly serviceAccountName: string;
  readonly image: string;
  readonly minScale: number;
  readonly maxScale: number;
  readonly containerConcurrency: number;
  readonly timeoutSeconds: number;
  readonly cpu: string;
  readonly memory: string;
  readonly javaOptions: string;
  readonly nodeIlpAddress: string;
  readonly globalPrefix: string;
  readonly require32ByteSharedSecrets: boolean;
  readonly projectId: string;
  readonly kms: { readonly location: string; readonly keyRing: string };
  readonly adminPassword: SecretKeyRef;
  readonly database: {
    readonly name: string;
    readonly user: string;
    readonly password: SecretKeyRef;
    readonly instanceConnectionName: string;
    readonly proxy: { readonly image: string; readonly cpu: string; readonly memory: string };
  };
  /**
   * Memorystore. With AUTH or TLS, the connector talks to an Envoy sidecar on 127.0.0.1:6379 that adds them;
   * otherwise straight to the instance.
   */
  readonly redis: {
    readonly host: string;
    readonly auth?: SecretKeyRef;
    /** Secret holding the CA certificates as `ca.pem`; TLS is on when set. */
    readonly caSecretName?: string;
    /** ConfigMap with the proxy's bootstrap (see redisProxyBootstrap); required with AUTH or TLS. */
    readonly proxyConfigMap?: string;
    readonly proxyImage: string;
  };
  /**
   * The seed's service account key instead of Workload Identity: `encoded` (base64 JSON) for the connector,
   * `json` for the Cloud SQL Auth Proxy.
   */
  readonly googleKey?: { readonly secretName: string; readonly encodedKey: string; readonly jsonKey: string };
  /** A custom domain maps to the service: no certificate for its default cluster domain. */
  readonly domainMapped: boolean;
}

type Volume = { name: string; secret?: { secretName: string }; configMap?: { name: string } };
type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef: SecretKeyRef } };

const fromSecret = (name: string, ref: SecretKeyRef): EnvVar => ({ name, valueFrom: { secretKeyRef: { ...ref } } });

/** Drop every capability and never gain privileges (the pod-security "restricted" profile's container part). */
const RESTRICTED = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

/**
 * The seed's Knative Service `connector` on serving.knative.dev/v1: two instances exactly, 80 concurrent requests,
 * 300 s timeout, 768m CPU and 768Mi, port 8080, the seed's environment with every secret from a Kubernetes Secret, and
 * two sidecars: the Cloud SQL Auth Proxy (the instance takes only trusted client certificates) and, for AUTH or TLS,
 * an Envoy Redis proxy.
 */
export function connectorService(options: ConnectorServiceOptions): Service {
  const { database, redis } = options;
  const redisProxied = redis.auth !== undefined || redis.caSecretName !== undefined;
  const env: EnvVar[] = [
    { name: 'spring_profiles_active', value: CONNECTOR_PROFILES },
    { name: 'redis_host', value: redisProxied ? REDIS_PROXY_LISTENER.host : redis.host },
    { name: 'redis_port', value: String(REDIS_PROXY_LISTENER.port) },
    { name: 'spring_datasource_url', value: `jdbc:postgresql://127.0.0.1:${PROXY_PORT}/${database.name}` },
    { name: 'spring_datasource_username', value: database.user },
    fromSecret('spring_datasource_password', database.password),
    fromSecret('interledger_connector_adminPassword', options.adminPassword),
    { name: 'interledger_connector_nodeIlpAddress', value: options.nodeIlpAddress },
    { name: 'interledger_connector_globalPrefix', value: options.globalPrefix },
    {
      name: 'interledger_connector_enabledFeatures_require32ByteSharedSecrets',
      value: String(options.require32ByteSharedSecrets),
    },
    { name: 'spring_cloud_gcp_project_id', value: options.projectId },
    { name: '_JAVA_OPTIONS', value: options.javaOptions },
    { name: 'interledger_connector_keystore_gcpkms_locationId', value: options.kms.location },
    { name: 'interledger_connector_keystore_gcpkms_keyringId', value: options.kms.keyRing },
  ];
  if (options.googleKey) {
    env.push(
      fromSecret('spring_cloud_gcp_credentials_encoded_key', {
        name: options.googleKey.secretName,
        key: options.googleKey.encodedKey,
      }),
    );
  }

  const volumes: Volume[] = [];
  const containers: NonNullable<NonNullable<NonNullable<Service['spec']>['template']>['spec']>['containers'] = [
    {
      name: 'user-container',
      image: options.image,
      ports: [{ containerPort: CONNECTOR_PORT }],
      env,
      readinessProbe: { httpGet: { path: CONNECTOR_HEALTH_PATH }, successThreshold: 1 },
      resources: { limits: { cpu: options.cpu, memory: options.memory } },
      securityContext: RESTRICTED,
    },
  ];

  const proxyMounts = [];
  if (options.googleKey) {
    volumes.push({ name: 'google-key', secret: { secretName: options.googleKey.secretName } });
    proxyMounts.push({ name: 'google-key', mountPath: GOOGLE_KEY_DIR, readOnly: true });
  }
  containers.push({
    name: 'cloud-sql-proxy',
    image: database.proxy.image,
    args: authProxyArgs({
      instanceConnectionName: database.instanceConnectionName,
      autoIamAuthn: false,
      credentialsFile: options.googleKey ? `${GOOGLE_KEY_DIR}/${options.googleKey.jsonKey}` : undefined,
    }),
    resources: { requests: { cpu: database.proxy.cpu, memory: database.proxy.memory } },
    securityContext: { ...RESTRICTED, runAsNonRoot: true },
    volumeMounts: proxyMounts.length > 0 ? proxyMounts : undefined,
  });

  if (redisProxied) {
    if (redis.proxyConfigMap === undefined) throw new Error('the Redis proxy needs the ConfigMap with its bootstrap');
    volumes.push({ name: 'redis-proxy-config', configMap: { name: redis.proxyConfigMap } });
    const mounts: { name: string; mountPath: string; readOnly: boolean }[] = [
      { name: 'redis-proxy-config', mountPath: REDIS_PROXY_CONFIG.dir, readOnly: true },
    ];
    if (redis.caSecretName) {
      volumes.push({ name: 'memorystore-ca', secret: { secretName: redis.caSecretName } });
      mounts.push({ name: 'memorystore-ca', mountPath: MEMORYSTORE_CA_DIR, readOnly: true });
    }
    containers.push({
      name: 'redis-proxy',
      image: redis.proxyImage,
      // The image's entrypoint runs envoy when the first argument is a flag.
      args: ['-c', `${REDIS_PROXY_CONFIG.dir}/${REDIS_PROXY_CONFIG.file}`, '--log-level', 'warn'],
      env: redis.auth ? [fromSecret(REDIS_AUTH_ENV, redis.auth)] : undefined,
      resources: { requests: { cpu: '50m', memory: '64Mi' } },
      // uid 101 is the image's envoy user: its entrypoint then skips su-exec, which would need capabilities.
      securityContext: { ...RESTRICTED, runAsNonRoot: true, runAsUser: 101 },
      volumeMounts: mounts,
    });
  }

  return new Service({
    metadata: {
      name: options.name,
      namespace: options.namespace,
      annotations: options.domainMapped ? { 'networking.knative.dev/disable-external-domain-tls': 'true' } : undefined,
    },
    spec: {
      template: {
        metadata: {
          annotations: {
            'autoscaling.knative.dev/min-scale': String(options.minScale),
            'autoscaling.knative.dev/max-scale': String(options.maxScale),
          },
        },
        spec: {
          serviceAccountName: options.serviceAccountName,
          containerConcurrency: options.containerConcurrency,
          timeoutSeconds: options.timeoutSeconds,
          containers,
          volumes: volumes.length > 0 ? volumes : undefined,
        },
      },
      traffic: [{ latestRevision: true, percent: 100 }],
    },
  });
}
