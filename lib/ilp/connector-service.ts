import { Service } from '@kubernetes-models/knative/serving.knative.dev/v1/Service';
import { Probe, RESTRICTED_SECURITY_CONTEXT, UNPRIVILEGED_UID } from '../k8s/pod';
import { checkPodPorts, declaredPorts, KNATIVE_QUEUE_PROXY } from '../k8s/pod-ports';
import { envoyPorts, MEMORYSTORE_CA_DIR, MEMORYSTORE_CA_FILE, REDIS_TUNNEL_CONFIG, REDIS_TUNNEL_LISTENER } from '../redis/tls-tunnel';
import { authProxyArgs, authProxyPorts, authProxyProbe, PROXY_PORT } from '../sql/auth-proxy';

/** A key of a Kubernetes Secret. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/** The seed's profiles: Liquibase migrations, PostgreSQL, and keys in Cloud KMS (gcp-kms wins over jks). */
export const CONNECTOR_PROFILES = 'migrate,jks,postgres,gcp-kms';
/** Revision-template annotation carrying the digest of the settings the pods read at start. */
export const SETTINGS_DIGEST_ANNOTATION = 'ilp-connector/settings-sha256';
/** The connector's HTTP port (server.port). */
export const CONNECTOR_PORT = 8080;
/** Spring actuator health, open to anonymous GET; it reports the database and Redis (INFO) too. */
export const CONNECTOR_HEALTH_PATH = '/manage/health';
/**
 * The Auth Proxy's health server in the connector pod, for its startup probe: not 9090, its default, which Knative's
 * queue-proxy takes (the proxy's own documentation uses 9191 in its example).
 */
export const CONNECTOR_PROXY_HEALTH_PORT = 9191;

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
  /** Memorystore, on port 6379 (plain) or through a TLS tunnel sidecar on the pod's loopback. */
  readonly redis: {
    readonly host: string;
    /**
     * The AUTH string encrypted with the connector's KMS key, in the connector's `enc:gcpkms:...` form (see
     * gcpKmsEncryptedSecret): it sends AUTH only for an encrypted value and ignores a plain one.
     */
    readonly encryptedPassword?: SecretKeyRef;
    /** TLS to Memorystore through an Envoy tunnel: the ConfigMap with its bootstrap and the Secret with the CA. */
    readonly tls?: { readonly configMap: string; readonly caSecretName: string; readonly bootstrap: Record<string, unknown> };
    readonly tunnelImage: string;
  };
  /**
   * The seed's service account key instead of Workload Identity: `encoded` (base64 JSON) for the connector,
   * `json` for the Cloud SQL Auth Proxy.
   */
  readonly googleKey?: { readonly secretName: string; readonly encodedKey: string; readonly jsonKey: string };
  /** A custom domain maps to the service: no certificate for its default cluster domain. */
  readonly domainMapped: boolean;
  /**
   * A digest of what the pods read only at start (Redis's address, password and CA), on the revision template: when it
   * changes, Knative starts a new revision, whose pods read the new values.
   * @default none
   */
  readonly settingsDigest?: string;
}

type Volume = {
  name: string;
  secret?: { secretName: string; items?: { key: string; path: string }[] };
  configMap?: { name: string };
  emptyDir?: Record<string, never>;
};
type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef: SecretKeyRef } };

/** Knative takes startupProbe from 1.15 on (knative/serving#15309); the typed model predates it. */
type ModelContainer = NonNullable<NonNullable<NonNullable<Service['spec']>['template']>['spec']>['containers'][number];
type ServiceContainer = ModelContainer & { startupProbe?: Probe };

const fromSecret = (name: string, ref: SecretKeyRef): EnvVar => ({ name, valueFrom: { secretKeyRef: { ...ref } } });

/**
 * The connector's image (jib-maven-plugin 1.8.0 on adoptopenjdk/openjdk11:alpine-jre, v0.5.1 connector-server/pom.xml)
 * sets no user, so it runs as root unless told otherwise. Embedded Jetty keeps its work directory, and the JVM its
 * temporary files, under java.io.tmpdir: an emptyDir there leaves the root read-only.
 */
const JAVA_TMP = '/tmp';

/**
 * The seed's Knative Service `connector` on serving.knative.dev/v1: two instances exactly, 80 concurrent requests,
 * 300 s timeout, 768m CPU and 768Mi, port 8080, the seed's environment with every secret from a Kubernetes Secret, and
 * two sidecars: the Cloud SQL Auth Proxy (the instance takes only trusted client certificates) and, for TLS, an Envoy
 * tunnel to Memorystore. Fails when a container would bind a port another one, or Knative's queue-proxy, binds.
 */
export function connectorService(options: ConnectorServiceOptions): Service {
  const { database, redis } = options;
  const env: EnvVar[] = [
    { name: 'spring_profiles_active', value: CONNECTOR_PROFILES },
    // application.yml (v0.5.1) disables every endpoint and means to enable health under a key Spring Boot does not
    // read (management.endpoints.health.enabled): without this, /manage/health is 404 and no probe ever passes.
    { name: 'management_endpoint_health_enabled', value: 'true' },
    { name: 'redis_host', value: redis.tls ? REDIS_TUNNEL_LISTENER.host : redis.host },
    { name: 'redis_port', value: String(REDIS_TUNNEL_LISTENER.port) },
    ...(redis.encryptedPassword ? [fromSecret('redis_password', redis.encryptedPassword)] : []),
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
    // Spring Boot binds @ConfigurationProperties such as spring.cloud.gcp.project-id from upper-case variables only
    // (SystemEnvironmentPropertyMapper, 2.2.2): the seed's lower-case spring_cloud_gcp_project_id is never read.
    { name: 'SPRING_CLOUD_GCP_PROJECTID', value: options.projectId },
    { name: '_JAVA_OPTIONS', value: options.javaOptions },
    { name: 'interledger_connector_keystore_gcpkms_locationId', value: options.kms.location },
    { name: 'interledger_connector_keystore_gcpkms_keyringId', value: options.kms.keyRing },
  ];
  if (options.googleKey) {
    env.push(
      fromSecret('SPRING_CLOUD_GCP_CREDENTIALS_ENCODEDKEY', {
        name: options.googleKey.secretName,
        key: options.googleKey.encodedKey,
      }),
    );
  }

  const volumes: Volume[] = [{ name: 'tmp', emptyDir: {} }];
  const containers: ServiceContainer[] = [
    {
      name: 'user-container',
      image: options.image,
      imagePullPolicy: 'Always',
      ports: [{ containerPort: CONNECTOR_PORT }],
      env,
      // Knative's queue-proxy reads it on the serving port: no traffic while the database or Redis is out of reach.
      readinessProbe: { httpGet: { path: CONNECTOR_HEALTH_PATH }, successThreshold: 1 },
      // Liveness is whether Jetty accepts connections, not the health above: that one includes the database and Redis,
      // and restarting every pod when they blip helps nothing. Not an HTTP path either: the connector's security
      // admits anonymous GETs only on /manage, /manage/health and /manage/info, any other /manage/** needs the admin
      // (v0.5.1 SecurityConfiguration.java). Jetty opens its port once the context is up, so the startup probe, which
      // Knative passes on as written, holds liveness off while Liquibase migrates and Spring starts.
      livenessProbe: { tcpSocket: { port: CONNECTOR_PORT }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
      startupProbe: { tcpSocket: { port: CONNECTOR_PORT }, periodSeconds: 5, failureThreshold: 60 },
      resources: {
        requests: { cpu: options.cpu, memory: options.memory },
        limits: { cpu: options.cpu, memory: options.memory },
      },
      securityContext: { ...RESTRICTED_SECURITY_CONTEXT, runAsUser: UNPRIVILEGED_UID },
      volumeMounts: [{ name: 'tmp', mountPath: JAVA_TMP }],
    },
  ];

  const proxyMounts = [];
  if (options.googleKey) {
    volumes.push({ name: 'google-key', secret: { secretName: options.googleKey.secretName } });
    proxyMounts.push({ name: 'google-key', mountPath: GOOGLE_KEY_DIR, readOnly: true });
  }
  const proxyArgs = authProxyArgs({
    instanceConnectionName: database.instanceConnectionName,
    autoIamAuthn: false,
    credentialsFile: options.googleKey ? `${GOOGLE_KEY_DIR}/${options.googleKey.jsonKey}` : undefined,
    healthCheckPort: CONNECTOR_PROXY_HEALTH_PORT,
  });
  const proxy: ServiceContainer = {
    name: 'cloud-sql-proxy',
    image: database.proxy.image,
    imagePullPolicy: 'Always',
    args: proxyArgs,
    // Knative allows a sidecar a startup probe only (liveness and readiness need its multi-container-probing feature,
    // left off: the connector's readiness already covers the database): the pod is not Ready before the proxy has
    // started, and the kubelet restarts a proxy that never does.
    startupProbe: authProxyProbe('startup', CONNECTOR_PROXY_HEALTH_PORT),
    resources: {
      requests: { cpu: database.proxy.cpu, memory: database.proxy.memory },
      limits: { memory: database.proxy.memory },
    },
    // The image runs as its numeric USER 65532 (cloud-sql-proxy v2.21.0 Dockerfile) and writes nothing.
    securityContext: RESTRICTED_SECURITY_CONTEXT,
    volumeMounts: proxyMounts.length > 0 ? proxyMounts : undefined,
  };
  containers.push(proxy);
  const ports = [
    { container: 'user-container', binds: declaredPorts(containers[0].ports) },
    { container: 'cloud-sql-proxy', binds: authProxyPorts(proxyArgs) },
  ];

  if (redis.tls) {
    volumes.push(
      { name: 'redis-tunnel-config', configMap: { name: redis.tls.configMap } },
      // Only the CA: the Secret also holds the encrypted password, which Envoy has no use for.
      { name: 'memorystore-ca', secret: { secretName: redis.tls.caSecretName, items: [{ key: MEMORYSTORE_CA_FILE, path: MEMORYSTORE_CA_FILE }] } },
    );
    containers.push({
      name: 'redis-tls',
      image: redis.tunnelImage,
      imagePullPolicy: 'Always',
      // Envoy itself, not the image's docker-entrypoint.sh, whose su-exec to its envoy user needs root. Envoy reads
      // its mounted bootstrap and CA and writes nothing (no admin interface, logs to stderr): any UID does.
      command: ['envoy'],
      args: ['-c', `${REDIS_TUNNEL_CONFIG.dir}/${REDIS_TUNNEL_CONFIG.file}`, '--log-level', 'warn'],
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '64Mi' } },
      securityContext: { ...RESTRICTED_SECURITY_CONTEXT, runAsUser: UNPRIVILEGED_UID },
      volumeMounts: [
        { name: 'redis-tunnel-config', mountPath: REDIS_TUNNEL_CONFIG.dir, readOnly: true },
        { name: 'memorystore-ca', mountPath: MEMORYSTORE_CA_DIR, readOnly: true },
      ],
    });
    ports.push({ container: 'redis-tls', binds: envoyPorts(redis.tls.bootstrap) });
  }
  checkPodPorts(`Knative Service ${options.namespace}/${options.name}`, ports, [KNATIVE_QUEUE_PROXY]);

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
            ...(options.settingsDigest === undefined ? {} : { [SETTINGS_DIGEST_ANNOTATION]: options.settingsDigest }),
          },
        },
        spec: {
          serviceAccountName: options.serviceAccountName,
          // Its Google identity comes from the GKE metadata server; nothing in the pod calls the Kubernetes API.
          automountServiceAccountToken: false,
          containerConcurrency: options.containerConcurrency,
          timeoutSeconds: options.timeoutSeconds,
          containers,
          volumes,
        },
      },
      traffic: [{ latestRevision: true, percent: 100 }],
    },
  });
}
