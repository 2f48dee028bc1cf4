import { Construct } from 'constructs';
import type { SkypilotConfig } from '../lib/config/skypilot';
import { addPlatformPostgres, addPrivatePlatform, PRIVATE_PLATFORM_SERVICES } from '../lib/gke/private-platform';
import { ServiceAccount } from '../lib/iam/service-account';
import { ProjectSetup } from '../lib/project/project';
import { GeneratedPassword } from '../lib/secrets/secret';
import { skypilotNames } from '../lib/skypilot/names';
import { adopt } from '../lib/stack/adopt';
import { BlueprintContext, BlueprintStack, defaultLabels } from '../lib/stack/blueprint-stack';

/**
 * `skypilot` (seed 004), the Google Cloud half: VPC with private services access, a private GKE cluster with Workload
 * Identity, Cloud SQL for PostgreSQL on a private address, the proxy's service account with its roles, and the
 * database users of the chosen auth mode. `skypilot-app` installs the API server on the cluster.
 */
export class SkypilotStack extends BlueprintStack {
  constructor(scope: Construct, context: BlueprintContext, section: SkypilotConfig) {
    super(scope, 'skypilot', context);
    const names = skypilotNames(section, this.projectId, this.region);
    const iamMode = section.authMode === 'iam';
    new ProjectSetup(this, 'project', {
      projectId: this.projectId,
      services: [...PRIVATE_PLATFORM_SERVICES],
    });

    const { cluster: clusterConfig, database } = section;
    const platform = addPrivatePlatform(this, {
      project: this.projectId,
      labels: defaultLabels(context.config, this.node.id),
      region: this.region,
      network: section.network,
      cluster: clusterConfig,
    });

    const proxyAccount = new ServiceAccount(this, 'database-client', {
      accountId: section.serviceAccountId,
      displayName: 'SkyPilot Cloud SQL access',
      description: 'The Cloud SQL Auth Proxy beside the SkyPilot API server',
      project: this.projectId,
    });

    // IAM mode: the one-off GRANT of the seed logs in as postgres, so postgres gets a generated password.
    const postgresPassword = iamMode
      ? new GeneratedPassword(this, 'postgres-password', {
          project: this.projectId,
          secretId: names.postgresPasswordSecretId,
        })
      : undefined;

    const sql = addPlatformPostgres(
      this,
      platform,
      { project: this.projectId, region: this.region, zone: clusterConfig.zone, database },
      { iamAuthentication: iamMode, postgresPassword: postgresPassword?.value },
    );
    const skypilotDatabase = sql.addDatabase('skypilot-db', database.name);
    sql.grantClient('proxy', proxyAccount.member, { iamLogin: iamMode });

    let user;
    if (iamMode) {
      user = sql.addIamServiceAccountUser('iam-user', proxyAccount.staticEmail);
    } else {
      const password = new GeneratedPassword(this, 'database-password', {
        project: this.projectId,
        secretId: names.databasePasswordSecretId,
      });
      user = sql.addBuiltInUser('password-user', names.databaseUser, password.value);
    }

    if (section.adoptExisting) {
      // What the seed's console and gcloud steps created, by the names in config; import ids in the formats the
      // google provider 6.50.0 documents (website/docs/r/*.html.markdown, "Import"). The seed's cluster is not
      // adopted (docs/blueprints/skypilot.md, "Adopt what the seed created").
      const project = this.projectId;
      const instance = database.instanceName;
      adopt(proxyAccount.account, `projects/${project}/serviceAccounts/${proxyAccount.staticEmail}`);
      adopt(sql.instance, `projects/${project}/instances/${instance}`);
      adopt(skypilotDatabase, `projects/${project}/instances/${instance}/databases/${database.name}`);
      adopt(user, `${project}/${instance}/${iamMode ? names.iamDatabaseUser : names.databaseUser}`);
      // If the console gave the instance a private IP (in `default`, say), the new VPC's network named by its id is
      // unknown when Terraform plans, and privateNetworkCustomizeDiff reads an unknown as "": a private network
      // "removed", which forces replacement (ResourceDiff.GetChange of a NewComputed value, terraform-plugin-sdk
      // v2.37.0). The id spelled out is known at plan; depends_on already waits for private services access.
      sql.instance.addOverride(
        'settings.ip_configuration.private_network',
        `projects/${project}/global/networks/${section.network.name}`,
      );
    }

    if (clusterConfig.workloadIdentity) {
      // The pool <project>.svc.id.goog exists once the first Workload Identity cluster does.
      const workload = { pool: platform.gke.workloadPool, namespace: section.kubernetes.namespace };
      proxyAccount.allowKubernetesServiceAccount(
        'api-server',
        { ...workload, serviceAccount: section.kubernetes.serviceAccountName },
        [platform.gke.cluster],
      );
      if (iamMode) {
        proxyAccount.allowKubernetesServiceAccount('grant-job', { ...workload, serviceAccount: names.grantJobName }, [
          platform.gke.cluster,
        ]);
      }
    }

    platform.gke.addOutputs(this);
    this.addOutput('instance_connection_name', sql.instance.connectionName, 'Cloud SQL instance, as the proxy takes it');
    this.addOutput('database_service_account', proxyAccount.email, 'Google service account of the Cloud SQL Auth Proxy');
  }
}
