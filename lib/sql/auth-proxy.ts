/** Cloud SQL Auth Proxy v2 release used unless config pins another (update regularly, as Google asks). */
export const DEFAULT_CLOUD_SQL_PROXY_IMAGE = 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.21.0';

/** Port the Cloud SQL Auth Proxy listens on inside the pod; clients connect to 127.0.0.1 on it. */
export const PROXY_PORT = 5432;
/** Port of the proxy's health endpoints (/startup, /liveness, /readiness). */
export const PROXY_HTTP_PORT = 9090;
/** Port of the proxy's localhost admin server, where --quitquitquit adds POST /quitquitquit. */
export const PROXY_ADMIN_PORT = 9091;

export interface AuthProxyOptions {
  /** `<project>:<region>:<instance>`. */
  readonly instanceConnectionName: string;
  /** Log in as the proxy's own Google identity (IAM database authentication). */
  readonly autoIamAuthn: boolean;
  /** Service account key file to authenticate with; omit to use the pod's Workload Identity. */
  readonly credentialsFile?: string;
  /** Accept POST /quitquitquit so a job's main container can stop the proxy when it is done. */
  readonly quitQuitQuit?: boolean;
}

/**
 * Arguments of the Cloud SQL Auth Proxy v2: private IP only (the instance has no public one), structured logs, the
 * local port, health endpoints for a startup probe, and the instance.
 */
export function authProxyArgs(options: AuthProxyOptions): string[] {
  return [
    '--private-ip',
    ...(options.autoIamAuthn ? ['--auto-iam-authn'] : []),
    ...(options.credentialsFile ? [`--credentials-file=${options.credentialsFile}`] : []),
    '--structured-logs',
    `--port=${PROXY_PORT}`,
    '--health-check',
    `--http-port=${PROXY_HTTP_PORT}`,
    '--http-address=0.0.0.0',
    ...(options.quitQuitQuit ? ['--quitquitquit', `--admin-port=${PROXY_ADMIN_PORT}`] : []),
    options.instanceConnectionName,
  ];
}
