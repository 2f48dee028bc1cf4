import { ITerraformDependable, Precondition } from 'cdktf';
import { CloudRunV2Service, CloudRunV2ServiceTemplateContainersEnv } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { Construct } from 'constructs';

export type CloudRunIngress = 'internal' | 'all';

const INGRESS: Record<CloudRunIngress, string> = {
  internal: 'INGRESS_TRAFFIC_INTERNAL_ONLY',
  all: 'INGRESS_TRAFFIC_ALL',
};

export interface CloudRunServiceProps {
  readonly name: string;
  readonly project: string;
  readonly region: string;
  /** Pinned container image. */
  readonly image: string;
  /** Runtime identity: a dedicated service account (never the Compute Engine default one). */
  readonly serviceAccountEmail: string;
  readonly port: { readonly number: number; /** HTTP/2 end to end (cleartext h2c) instead of HTTP/1. */ readonly http2: boolean };
  /** Plain environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Environment variables from Secret Manager (latest version), by secret id in the same project. The runtime account
   * gets roles/secretmanager.secretAccessor on each of these secrets only.
   */
  readonly secretEnv?: Readonly<Record<string, string>>;
  /** gen2 runs a full Linux sandbox (iptables, mounts); gen1 a gVisor one. @default gen2 */
  readonly executionEnvironment?: 'gen1' | 'gen2';
  readonly concurrency: number;
  readonly timeoutSeconds: number;
  readonly cpu: string;
  readonly memory: string;
  readonly minInstances: number;
  /** @default Cloud Run's default */
  readonly maxInstances?: number;
  /** Serverless VPC Access connector (id) for traffic to private ranges. @default no VPC egress */
  readonly vpcConnector?: string;
  /** Who may reach the URL at the network level. @default internal */
  readonly ingress?: CloudRunIngress;
  /** @default false: the service holds no data */
  readonly deletionProtection?: boolean;
  /** Checked when Terraform plans: what must hold in other systems before a revision can start. @default none */
  readonly preconditions?: readonly Precondition[];
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A Cloud Run (v2) service with a dedicated runtime account, internal ingress unless told otherwise, and no invoker
 * but those granted through `allowInvoker`.
 */
export class CloudRunService extends Construct {
  readonly service: CloudRunV2Service;
  /** `https://<name>-<hash>-<region code>.a.run.app`, known after apply. */
  readonly uri: string;

  constructor(scope: Construct, id: string, props: CloudRunServiceProps) {
    super(scope, id);
    const secretEnv = Object.entries(props.secretEnv ?? {});
    const accessors = secretEnv.map(
      ([variable, secret]) =>
        new SecretManagerSecretIamMember(this, `secret-${variable}`, {
          project: props.project,
          secretId: secret,
          role: 'roles/secretmanager.secretAccessor',
          member: `serviceAccount:${props.serviceAccountEmail}`,
          dependsOn: props.dependsOn,
        }),
    );
    const env: CloudRunV2ServiceTemplateContainersEnv[] = [
      ...Object.entries(props.env ?? {}).map(([name, value]) => ({ name, value })),
      ...secretEnv.map(([name, secret]) => ({ name, valueSource: { secretKeyRef: { secret, version: 'latest' } } })),
    ];
    this.service = new CloudRunV2Service(this, 'Resource', {
      name: props.name,
      project: props.project,
      location: props.region,
      ingress: INGRESS[props.ingress ?? 'internal'],
      deletionProtection: props.deletionProtection ?? false,
      template: {
        serviceAccount: props.serviceAccountEmail,
        executionEnvironment: props.executionEnvironment === 'gen1' ? 'EXECUTION_ENVIRONMENT_GEN1' : 'EXECUTION_ENVIRONMENT_GEN2',
        maxInstanceRequestConcurrency: props.concurrency,
        timeout: `${props.timeoutSeconds}s`,
        scaling: { minInstanceCount: props.minInstances, maxInstanceCount: props.maxInstances },
        vpcAccess: props.vpcConnector ? { connector: props.vpcConnector, egress: 'PRIVATE_RANGES_ONLY' } : undefined,
        containers: [
          {
            image: props.image,
            ports: { name: props.port.http2 ? 'h2c' : 'http1', containerPort: props.port.number },
            resources: { limits: { cpu: props.cpu, memory: props.memory } },
            env: env.length > 0 ? env : undefined,
          },
        ],
      },
      dependsOn: [...(props.dependsOn ?? []), ...accessors],
      lifecycle: props.preconditions ? { precondition: [...props.preconditions] } : undefined,
    });
    this.uri = this.service.uri;
  }

  /** roles/run.invoker on this service for `member`. */
  allowInvoker(id: string, member: string): CloudRunV2ServiceIamMember {
    return new CloudRunV2ServiceIamMember(this, id, {
      project: this.service.project,
      location: this.service.location,
      name: this.service.name,
      role: 'roles/run.invoker',
      member,
    });
  }
}
