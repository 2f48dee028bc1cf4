import { Fn, ITerraformDependable } from 'cdktf';
import { DataGoogleSecretManagerSecretVersion } from '@cdktf/provider-google/lib/data-google-secret-manager-secret-version';
import { ServiceAccountKey } from '@cdktf/provider-google/lib/service-account-key';
import { Release } from '@cdktf/provider-helm/lib/release';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Construct } from 'constructs';
import type { SkypilotConfig } from '../lib/config/skypilot';
import { DEFAULT_STABLE_CHART_VERSION } from '../lib/config/skypilot';
import { helmValuesYaml } from '../lib/helm/values';
import { GkeAccess } from '../lib/k8s/gke-access';
import { GeneratedPassword } from '../lib/secrets/secret';
import { skypilotNames } from '../lib/skypilot/names';
import {
  connectionUri,
  DB_CONNECTION_KEY,
  DB_CONNECTION_SECRET,
  PROXY_CREDENTIALS_KEY,
  PROXY_CREDENTIALS_SECRET,
  skypilotValues,
} from '../lib/skypilot/values';
import { PROXY_PORT } from '../lib/sql/auth-proxy';
import { CloudSqlJob } from '../lib/sql/sql-job';
import { BlueprintContext, BlueprintStack } from '../lib/stack/blueprint-stack';

export const SKYPILOT_CHART_REPOSITORY = 'https://helm.skypilot.co';

/**
 * `skypilot-app` (seed 004), the in-cluster half: namespace, database connection secret, the seed's one-off GRANT
 * (IAM mode), the web login, and the SkyPilot chart with the Cloud SQL Auth Proxy as a native sidecar. Deploy after
 * `skypilot`; it finds the cluster and secrets by the names in config.
 */
export class SkypilotAppStack extends BlueprintStack {
  constructor(scope: Construct, context: BlueprintContext, section: SkypilotConfig) {
    super(scope, 'skypilot-app', context);
    const names = skypilotNames(section, this.projectId, this.region);
    const iamMode = section.authMode === 'iam';
    const proxyKeyFile = section.serviceAccountKey;
    const { namespace: namespaceName, serviceAccountName } = section.kubernetes;

    new GkeAccess(this, 'gke', {
      project: this.projectId,
      clusterName: section.cluster.name,
      location: section.cluster.zone,
      helm: true,
    });

    const namespace = new NamespaceV1(this, 'namespace', {
      metadata: { name: namespaceName, labels: { 'app.kubernetes.io/part-of': 'skypilot' } },
    });
    const inNamespace = (name: string) => ({ name, namespace: namespace.metadata.name });
    const releaseNeeds: ITerraformDependable[] = [];

    const databasePassword = iamMode ? undefined : this.readSecret('database-password', names.databasePasswordSecretId);
    releaseNeeds.push(
      new SecretV1(this, 'db-connection', {
        metadata: inNamespace(DB_CONNECTION_SECRET),
        data: {
          [DB_CONNECTION_KEY]: connectionUri({
            database: section.database.name,
            user: iamMode ? names.iamDatabaseUser : names.databaseUser,
            password: databasePassword,
            port: PROXY_PORT,
          }),
        },
      }),
    );

    if (iamMode) {
      // The seed's manual step in Cloud SQL Studio: an IAM user starts with no privileges in the database. The same
      // job creates pgAudit's extension (Terraform cannot), whose event triggers name the objects in DDL audit entries.
      releaseNeeds.push(
        new CloudSqlJob(this, 'grant', {
          name: names.grantJobName,
          namespace: namespaceName,
          googleServiceAccountEmail: names.serviceAccountEmail,
          instanceConnectionName: names.instanceConnectionName,
          proxyImage: section.cloudSqlProxy.image,
          clientImage: section.postgresClientImage,
          database: section.database.name,
          user: 'postgres',
          password: this.readSecret('postgres-password', names.postgresPasswordSecretId),
          sql: `GRANT cloudsqlsuperuser TO "${names.iamDatabaseUser}"; CREATE EXTENSION IF NOT EXISTS pgaudit;`,
          dependsOn: [namespace],
        }).job,
      );
    }

    if (proxyKeyFile) {
      // The seed's key file, only under serviceAccountKey and a CKV2_GCP_3 waiver: a cluster without Workload Identity.
      const key = new ServiceAccountKey(this, 'proxy-key', {
        serviceAccountId: `projects/${this.projectId}/serviceAccounts/${names.serviceAccountEmail}`,
      });
      releaseNeeds.push(
        new SecretV1(this, 'proxy-credentials', {
          metadata: inNamespace(PROXY_CREDENTIALS_SECRET),
          data: { [PROXY_CREDENTIALS_KEY]: Fn.base64decode(key.privateKey) },
        }),
      );
    }

    const web = new GeneratedPassword(this, 'web-password', {
      project: this.projectId,
      secretId: section.web.passwordSecretId,
    });
    const values = skypilotValues({
      authMode: section.authMode,
      serviceAccountName,
      workloadIdentityEmail: proxyKeyFile ? undefined : names.serviceAccountEmail,
      proxyKeyFile,
      instanceConnectionName: names.instanceConnectionName,
      proxy: section.cloudSqlProxy,
      // bcrypt_hash of random_password is salted once and kept in state, so plans stay quiet (bcrypt() would not).
      authCredentials: `${section.web.username}:${web.password.bcryptHash}`,
      apiImage: section.apiImage,
      sourceCidrs: section.web.sourceCidrs,
    });

    const { chart } = section;
    const release = new Release(this, 'skypilot', {
      name: chart.releaseName,
      namespace: namespace.metadata.name,
      repository: SKYPILOT_CHART_REPOSITORY,
      chart: chart.name,
      version: chart.version ?? DEFAULT_STABLE_CHART_VERSION,
      devel: chart.name === 'skypilot-nightly' ? true : undefined,
      values: [helmValuesYaml(values)],
      atomic: true,
      cleanupOnFail: true,
      timeout: chart.timeoutSeconds,
      dependsOn: [namespace, ...releaseNeeds],
    });

    const ingressService = `${chart.releaseName}-ingress-nginx-controller`;
    this.addOutput('release', `${release.name} ${release.version}`, 'Helm release and chart version');
    this.addOutput('web_username', section.web.username, 'User name of the API server basic auth');
    this.addOutput('web_password_command', web.readCommand, 'Prints the basic auth password');
    this.addOutput(
      'endpoint_command',
      `kubectl get service ${ingressService} --namespace ${namespaceName} --output jsonpath='{.status.loadBalancer.ingress[0].ip}'`,
      'Prints the address of the API server (the ingress-nginx load balancer)',
    );
  }

  /** The latest version of a Secret Manager secret created by the `skypilot` stack (sensitive). */
  private readSecret(id: string, secretId: string): string {
    return new DataGoogleSecretManagerSecretVersion(this, id, { project: this.projectId, secret: secretId }).secretData;
  }
}
