import type { Probe } from '../k8s/pod';
import type { BoundPort } from '../k8s/pod-ports';

/** Cloud SQL Auth Proxy v2 release used unless config pins another (update regularly, as Google asks). */
export const DEFAULT_CLOUD_SQL_PROXY_IMAGE = 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.21.0';

/** Port the Cloud SQL Auth Proxy listens on inside the pod; clients connect to 127.0.0.1 on it. */
export const PROXY_PORT = 5432;
/** The proxy's own default for its health and metrics server (--http-port). */
export const PROXY_DEFAULT_HTTP_PORT = 9090;
/** The proxy's own default for its localhost admin server (--admin-port), where --quitquitquit adds /quitquitquit. */
export const PROXY_ADMIN_PORT = 9091;

/**
 * The proxy's health server (--health-check), cloud-sql-proxy v2.21.0 internal/healthcheck/healthcheck.go: /startup
 * answers 200 once the proxy listens; /readiness once started, until it stops or reaches --max-connections (it dials
 * no instance, so a database outage does not make it unready); /liveness answers 200 whenever the server runs.
 */
export type AuthProxyProbe = 'startup' | 'readiness' | 'liveness';

/**
 * A probe of the proxy's health server on `port` (see AuthProxyOptions.healthCheckPort), timed as the proxy's own
 * example (v2.21.0 examples/k8s-health-check/proxy_with_http_health_check.yaml): startup checked every second for a
 * minute, liveness every 10 s with three tries, readiness every 10 s with six.
 */
export function authProxyProbe(probe: AuthProxyProbe, port: number): Probe {
  const httpGet = { path: `/${probe}`, port };
  if (probe === 'startup') return { httpGet, periodSeconds: 1, timeoutSeconds: 10, failureThreshold: 60 };
  return { httpGet, periodSeconds: 10, timeoutSeconds: 10, failureThreshold: probe === 'liveness' ? 3 : 6 };
}

export interface AuthProxyOptions {
  /** `<project>:<region>:<instance>`. */
  readonly instanceConnectionName: string;
  /** Log in as the proxy's own Google identity (IAM database authentication). */
  readonly autoIamAuthn: boolean;
  /** Service account key file to authenticate with; omit to use the pod's Workload Identity. */
  readonly credentialsFile?: string;
  /**
   * Serve /startup, /readiness and /liveness on this port, on all addresses, for the kubelet's probes. Only where a
   * probe reads them: the server is one more port the pod's other containers must leave free.
   * @default no health server
   */
  readonly healthCheckPort?: number;
  /** Accept POST /quitquitquit so a job's main container can stop the proxy when it is done. */
  readonly quitQuitQuit?: boolean;
}

/** Arguments of the Cloud SQL Auth Proxy v2: private IP only (the instance has no public one), structured logs, the local port. */
export function authProxyArgs(options: AuthProxyOptions): string[] {
  return [
    '--private-ip',
    ...(options.autoIamAuthn ? ['--auto-iam-authn'] : []),
    ...(options.credentialsFile ? [`--credentials-file=${options.credentialsFile}`] : []),
    '--structured-logs',
    `--port=${PROXY_PORT}`,
    ...(options.healthCheckPort === undefined
      ? []
      : ['--health-check', `--http-port=${options.healthCheckPort}`, '--http-address=0.0.0.0']),
    ...(options.quitQuitQuit ? ['--quitquitquit', `--admin-port=${PROXY_ADMIN_PORT}`] : []),
    options.instanceConnectionName,
  ];
}

/**
 * The ports a proxy started with `args` binds, read from the flags as cloud-sql-proxy v2.21.0 reads them
 * (cmd/root.go: the HTTP server starts for --health-check or --prometheus on --http-port, default 9090; the admin
 * server for --quitquitquit or --debug on --admin-port, default 9091; a port it cannot bind ends the process).
 */
export function authProxyPorts(args: readonly string[]): BoundPort[] {
  const flag = (name: string) => args.includes(`--${name}`) || args.includes(`--${name}=true`);
  const value = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const port = value('port');
  if (port === undefined) throw new Error('the Cloud SQL Auth Proxy arguments must set --port');
  const ports: BoundPort[] = [{ port: Number(port), use: 'database connections' }];
  if (flag('health-check') || flag('prometheus')) {
    ports.push({ port: Number(value('http-port') ?? PROXY_DEFAULT_HTTP_PORT), use: 'health checks and metrics' });
  }
  if (flag('quitquitquit') || flag('debug')) {
    ports.push({ port: Number(value('admin-port') ?? PROXY_ADMIN_PORT), use: 'its admin server' });
  }
  return ports;
}
