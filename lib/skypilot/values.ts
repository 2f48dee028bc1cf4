import { Container, RESTRICTED_SECURITY_CONTEXT, SecretVolume } from '../k8s/pod';
import { checkPodPorts } from '../k8s/pod-ports';
import { authProxyArgs, authProxyPorts, authProxyProbe, PROXY_DEFAULT_HTTP_PORT } from '../sql/auth-proxy';

/**
 * The values of the SkyPilot chart (helm.skypilot.co, charts `skypilot` and `skypilot-nightly`) that this blueprint
 * sets. Names and meanings follow the chart's values.yaml and values.schema.json; everything else keeps the chart's
 * default.
 */
export interface SkypilotChartValues {
  readonly apiService: {
    /** API server image; the published chart pins its own version when unset. */
    readonly image?: string;
    /** Existing Secret whose key `connection_string` holds the PostgreSQL URI (env SKYPILOT_DB_CONNECTION_URI). */
    readonly dbConnectionSecretName: string;
    /** Must be null with an external database: the chart refuses to render otherwise; config lives in the DB. */
    readonly config: null;
    /** Pod volumes; here the key-file secret the proxy mounts. */
    readonly extraVolumes?: readonly SecretVolume[];
  };
  readonly rbac: {
    /** Kubernetes service account the chart creates and the pod runs as. */
    readonly serviceAccountName: string;
    /** On that service account; `iam.gke.io/gcp-service-account` binds it to a Google account (Workload Identity). */
    readonly serviceAccountAnnotations?: Readonly<Record<string, string>>;
  };
  /** Appended to the pod's init containers; `restartPolicy: Always` makes one a native sidecar. */
  readonly extraInitContainers: readonly Container[];
  readonly ingress: {
    /** One htpasswd line `user:hash` for the ingress-nginx basic auth (Secret `<release>-basic-auth`, key `auth`). */
    readonly authCredentials: string;
  };
  /** The bundled ingress-nginx subchart; its LoadBalancer Service is the API server's address. */
  readonly 'ingress-nginx'?: {
    readonly controller: { readonly service: { readonly loadBalancerSourceRanges: readonly string[] } };
  };
}

/** The API server's port (container skypilot-api, the chart's templates/api-deployment.yaml). */
export const SKYPILOT_API_PORT = 46580;
export const DB_CONNECTION_SECRET = 'skypilot-db-connection-uri';
export const DB_CONNECTION_KEY = 'connection_string';
/** Secret and mount path of the seed's key file (password mode without Workload Identity). */
export const PROXY_CREDENTIALS_SECRET = 'cloud-sql-credentials';
export const PROXY_CREDENTIALS_KEY = 'service-account-key.json';
const PROXY_CREDENTIALS_DIR = '/var/secrets/google';

export interface SkypilotValuesOptions {
  readonly authMode: 'iam' | 'password';
  /** Kubernetes service account of the API server. */
  readonly serviceAccountName: string;
  /** Google service account the pod acts as through Workload Identity; omit when the proxy uses a key file. */
  readonly workloadIdentityEmail?: string;
  /** Give the proxy the key file in Secret `cloud-sql-credentials` instead of Workload Identity. */
  readonly proxyKeyFile: boolean;
  readonly instanceConnectionName: string;
  readonly proxy: { readonly image: string; readonly cpu: string; readonly memory: string };
  /** htpasswd line for the ingress; may be a token (a hash generated at apply). */
  readonly authCredentials: string;
  readonly apiImage?: string;
  /** Who may reach the load balancer. @default anyone, as in the seed */
  readonly sourceCidrs?: readonly string[];
}

/**
 * The chart values for one auth mode, following the seed's values.yaml: the external database secret, config null,
 * the Workload Identity service account, and the Cloud SQL Auth Proxy as a native sidecar (private IP, IAM login or
 * key file). Added over the seed: startup, liveness and readiness probes for the proxy (the API server starts only once
 * it listens), a memory limit, and the security baseline's restricted container settings.
 */
export function skypilotValues(options: SkypilotValuesOptions): SkypilotChartValues {
  if (options.proxyKeyFile === (options.workloadIdentityEmail !== undefined)) {
    throw new Error('the proxy authenticates with exactly one of Workload Identity and a key file');
  }
  if (options.authMode === 'iam' && options.proxyKeyFile) {
    throw new Error('IAM database login needs Workload Identity: the proxy logs in as the pod identity');
  }
  const proxy: Container = {
    name: 'cloud-sql-proxy',
    restartPolicy: 'Always',
    image: options.proxy.image,
    imagePullPolicy: 'Always',
    args: authProxyArgs({
      instanceConnectionName: options.instanceConnectionName,
      autoIamAuthn: options.authMode === 'iam',
      credentialsFile: options.proxyKeyFile ? `${PROXY_CREDENTIALS_DIR}/${PROXY_CREDENTIALS_KEY}` : undefined,
      healthCheckPort: PROXY_DEFAULT_HTTP_PORT,
    }),
    // The image runs as its numeric USER 65532 (v2.21.0 Dockerfile) and writes nothing.
    securityContext: RESTRICTED_SECURITY_CONTEXT,
    // Memory limited to what is reserved for it: the proxy cannot take the API server's share of the node.
    resources: {
      requests: { cpu: options.proxy.cpu, memory: options.proxy.memory },
      limits: { memory: options.proxy.memory },
    },
    // A native sidecar takes all three: the API server starts once the proxy has, and the pod is Ready while it is.
    startupProbe: authProxyProbe('startup', PROXY_DEFAULT_HTTP_PORT),
    livenessProbe: authProxyProbe('liveness', PROXY_DEFAULT_HTTP_PORT),
    readinessProbe: authProxyProbe('readiness', PROXY_DEFAULT_HTTP_PORT),
    volumeMounts: options.proxyKeyFile
      ? [{ name: PROXY_CREDENTIALS_SECRET, mountPath: PROXY_CREDENTIALS_DIR, readOnly: true }]
      : undefined,
  };
  // The chart's logrotate sidecar listens on nothing; its metrics server (apiService.metrics) stays off here.
  checkPodPorts('SkyPilot API server pod', [
    { container: 'skypilot-api', binds: [{ port: SKYPILOT_API_PORT, use: 'the API server' }] },
    { container: proxy.name, binds: authProxyPorts(proxy.args ?? []) },
  ]);
  return {
    apiService: {
      image: options.apiImage,
      dbConnectionSecretName: DB_CONNECTION_SECRET,
      config: null,
      extraVolumes: options.proxyKeyFile
        ? [{ name: PROXY_CREDENTIALS_SECRET, secret: { secretName: PROXY_CREDENTIALS_SECRET } }]
        : undefined,
    },
    rbac: {
      serviceAccountName: options.serviceAccountName,
      serviceAccountAnnotations: options.workloadIdentityEmail
        ? { 'iam.gke.io/gcp-service-account': options.workloadIdentityEmail }
        : undefined,
    },
    extraInitContainers: [proxy],
    ingress: { authCredentials: options.authCredentials },
    'ingress-nginx': options.sourceCidrs
      ? { controller: { service: { loadBalancerSourceRanges: options.sourceCidrs } } }
      : undefined,
  };
}

/**
 * The PostgreSQL URI the API server reads, pointing at the proxy on localhost. IAM login: no password, the user is
 * the service account's database name with `@` written `%40`, as in the seed. Password login: user and password in
 * the authority (the generated password has only letters and digits, so it needs no escaping).
 */
export function connectionUri(options: { database: string; user: string; password?: string; port: number }): string {
  const base = `localhost:${options.port}/${encodeURIComponent(options.database)}`;
  return options.password === undefined
    ? `postgresql://${base}?user=${encodeURIComponent(options.user)}`
    : `postgresql://${encodeURIComponent(options.user)}:${options.password}@${base}`;
}
