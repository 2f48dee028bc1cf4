import { JobV1 } from '@cdktf/provider-kubernetes/lib/job-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { readAsset, terraformLiteral } from '../assets';
import { RESTRICTED_SECURITY_CONTEXT } from '../k8s/pod';
import { authProxyArgs, PROXY_ADMIN_PORT, PROXY_PORT } from './auth-proxy';

export interface CloudSqlJobProps {
  /** Job, service account and secret name. */
  readonly name: string;
  readonly namespace: string;
  /** Google service account the proxy acts as (Workload Identity); it needs roles/cloudsql.client. */
  readonly googleServiceAccountEmail: string;
  readonly instanceConnectionName: string;
  readonly proxyImage: string;
  /** Image with psql, pg_isready, sh and wget, such as postgres:17-alpine. */
  readonly clientImage: string;
  readonly database: string;
  /** Built-in database user to log in as, with its password (kept in a Kubernetes secret of this job). */
  readonly user: string;
  readonly password: string;
  /** SQL to run once; it must be safe to run again, since a replaced Job runs it again. */
  readonly sql: string;
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * uid of the postgres user in the official postgres Alpine images (docker-library/postgres 17/alpine3.23/Dockerfile,
 * `adduser -u 70`). The image runs as root; psql needs no user of its own, but this one exists in /etc/passwd.
 */
export const POSTGRES_UID = 70;

/**
 * A Kubernetes Job that runs SQL once through the Cloud SQL Auth Proxy, as a built-in user: what the seed does by
 * hand in Cloud SQL Studio. The proxy runs as a second container (kubernetes_job_v1 has no native sidecars) and the
 * script stops it through /quitquitquit, so the Job completes. Terraform waits for the Job to succeed.
 */
export class CloudSqlJob extends Construct {
  readonly job: JobV1;
  /** Kubernetes service account of the job's pod; bind it to the Google account with Workload Identity. */
  readonly serviceAccountName: string;

  constructor(scope: Construct, id: string, props: CloudSqlJobProps) {
    super(scope, id);
    this.serviceAccountName = props.name;
    const metadata = { name: props.name, namespace: props.namespace };
    const serviceAccount = new ServiceAccountV1(this, 'service-account', {
      metadata: { ...metadata, annotations: { 'iam.gke.io/gcp-service-account': props.googleServiceAccountEmail } },
      dependsOn: props.dependsOn,
    });
    const secret = new SecretV1(this, 'password', {
      metadata,
      data: { password: props.password },
      dependsOn: props.dependsOn,
    });
    this.job = new JobV1(this, 'Resource', {
      metadata,
      spec: {
        backoffLimit: 4,
        // A pod whose psql container died without stopping the proxy would otherwise run forever.
        activeDeadlineSeconds: 600,
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': props.name } },
          spec: {
            serviceAccountName: serviceAccount.metadata.name,
            // The proxy finds its Google identity at the GKE metadata server, not in a Kubernetes token.
            automountServiceAccountToken: false,
            restartPolicy: 'Never',
            container: [
              {
                name: 'cloud-sql-proxy',
                image: props.proxyImage,
                imagePullPolicy: 'Always',
                args: authProxyArgs({
                  instanceConnectionName: props.instanceConnectionName,
                  autoIamAuthn: false,
                  quitQuitQuit: true,
                }),
                // The image runs as its numeric USER 65532 (cloud-sql-proxy v2.21.0 Dockerfile) and writes nothing.
                securityContext: RESTRICTED_SECURITY_CONTEXT,
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } },
              },
              {
                name: 'psql',
                image: props.clientImage,
                imagePullPolicy: 'Always',
                command: ['sh', '-c', terraformLiteral(readAsset('lib/sql/assets/run-sql.sh'))],
                env: [
                  { name: 'PGHOST', value: '127.0.0.1' },
                  { name: 'PGPORT', value: String(PROXY_PORT) },
                  { name: 'PGUSER', value: props.user },
                  { name: 'PGDATABASE', value: props.database },
                  {
                    name: 'PGPASSWORD',
                    valueFrom: { secretKeyRef: { name: secret.metadata.name, key: 'password' } },
                  },
                  { name: 'PROXY_ADMIN_PORT', value: String(PROXY_ADMIN_PORT) },
                  { name: 'WAIT_ATTEMPTS', value: '60' },
                  { name: 'SQL', value: terraformLiteral(props.sql) },
                ],
                // psql -c with --no-psqlrc, pg_isready and wget -O /dev/null write no file: a read-only root is enough.
                securityContext: { ...RESTRICTED_SECURITY_CONTEXT, runAsUser: String(POSTGRES_UID) },
                resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '64Mi' } },
              },
            ],
          },
        },
      },
      waitForCompletion: true,
      timeouts: { create: '10m', update: '10m' },
    });
  }
}
