import { parse } from 'yaml';
import type { Waiver } from '../../lib/config/global';
import type { SkypilotChartValues } from '../../lib/skypilot/values';
import { buildVariant, onlyResource, resourcesOf, TerraformJson } from '../support/app';
import { describeGkeBaseline } from '../support/gke-baseline';

const PROJECT = 'example-project-123';
const GSA = `skypilot-cloud-sql-access@${PROJECT}.iam.gserviceaccount.com`;
const INSTANCE = `${PROJECT}:us-central1:cloud-sql-skypilot-instance`;

function skypilot(overrides: Record<string, unknown> = {}, waivers: Waiver[] = []) {
  return buildVariant('skypilot', overrides, waivers, []);
}

/** The values document of the helm release, parsed. */
function chartValues(json: TerraformJson): SkypilotChartValues {
  const release = onlyResource(json, 'helm_release');
  return parse((release.values as string[])[0]) as SkypilotChartValues;
}

interface JobContainer {
  readonly args?: string[];
  readonly env?: unknown[];
}

function projectRoles(json: TerraformJson, memberPattern: RegExp): string[] {
  return Object.values(resourcesOf(json, 'google_project_iam_member'))
    .filter((binding) => memberPattern.test(binding.member as string))
    .map((binding) => binding.role as string)
    .sort();
}

describe('skypilot (seed 004), IAM mode', () => {
  const built = skypilot();
  const infra = built.json('skypilot');
  const app = built.json('skypilot-app');

  test('snapshots', () => {
    expect(infra).toMatchSnapshot('skypilot');
    expect(app).toMatchSnapshot('skypilot-app');
  });

  test('no finding of the security baseline', () => {
    expect(built.baseline.violations.filter((v) => v.stack.startsWith('skypilot'))).toEqual([]);
  });

  test('GKE: Workload Identity pool <project>.svc.id.goog, private nodes, release channel, node pool from config', () => {
    const cluster = onlyResource(infra, 'google_container_cluster');
    expect(cluster).toMatchObject({
      name: 'skypilot',
      location: 'us-central1-a',
      workload_identity_config: { workload_pool: `${PROJECT}.svc.id.goog` },
      private_cluster_config: { enable_private_nodes: true },
      release_channel: { channel: 'REGULAR' },
    });
    expect(onlyResource(infra, 'google_container_node_pool')).toMatchObject({
      name: 'skypilot-pool',
      node_count: 1,
      node_config: { machine_type: 'e2-standard-8', spot: false, workload_metadata_config: { mode: 'GKE_METADATA' } },
    });
  });

  describeGkeBaseline('skypilot', 'skypilot', () => built);

  test('Cloud SQL: private IP only through private services access, TLS required, IAM login, backups with PITR, pgAudit', () => {
    const instance = onlyResource(infra, 'google_sql_database_instance');
    expect(instance).toMatchObject({
      name: 'cloud-sql-skypilot-instance',
      database_version: 'POSTGRES_17',
      deletion_protection: true,
      depends_on: ['google_service_networking_connection.private-services', 'google_project_service.project_sqladmin'],
      settings: {
        deletion_protection_enabled: true,
        location_preference: { zone: 'us-central1-a' },
        ip_configuration: {
          ipv4_enabled: false,
          private_network: '${google_compute_network.network.id}',
          ssl_mode: 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED',
        },
        backup_configuration: { enabled: true, point_in_time_recovery_enabled: true, transaction_log_retention_days: 7 },
      },
    });
    const flags = (instance.settings as { database_flags: { name: string; value: string }[] }).database_flags;
    expect(flags).toContainEqual({ name: 'cloudsql.iam_authentication', value: 'on' });
    // The log flags are the baseline's to check (no finding of the security baseline); pgAudit's log class is not.
    expect(flags).toEqual(
      expect.arrayContaining([
        { name: 'cloudsql.enable_pgaudit', value: 'on' },
        { name: 'pgaudit.log', value: 'ddl,role' },
      ]),
    );
    expect(onlyResource(infra, 'google_compute_global_address')).toMatchObject({
      purpose: 'VPC_PEERING',
      address_type: 'INTERNAL',
      address: '10.72.0.0',
      prefix_length: 20,
    });
    expect(onlyResource(infra, 'google_service_networking_connection')).toMatchObject({
      service: 'servicenetworking.googleapis.com',
      reserved_peering_ranges: ['${google_compute_global_address.private-services_range.name}'],
    });
    expect(onlyResource(infra, 'google_sql_database').name).toBe('skypilot-db');
  });

  test('the proxy account: cloudsql.client and cloudsql.instanceUser, an IAM database user, Workload Identity', () => {
    const accounts = Object.values(resourcesOf(infra, 'google_service_account')).map((a) => a.account_id);
    expect(accounts.sort()).toEqual(['skypilot-cloud-sql-access', 'skypilot-nodes']);
    expect(projectRoles(infra, /database-client/)).toEqual(['roles/cloudsql.client', 'roles/cloudsql.instanceUser']);
    expect(onlyResource(infra, 'google_sql_user')).toMatchObject({
      name: `skypilot-cloud-sql-access@${PROJECT}.iam`,
      type: 'CLOUD_IAM_SERVICE_ACCOUNT',
    });
    const bindings = Object.values(resourcesOf(infra, 'google_service_account_iam_member'));
    expect(bindings.map((b) => [b.role, b.member])).toEqual([
      ['roles/iam.workloadIdentityUser', `serviceAccount:${PROJECT}.svc.id.goog[skypilot/skypilot-api-sa]`],
      ['roles/iam.workloadIdentityUser', `serviceAccount:${PROJECT}.svc.id.goog[skypilot/skypilot-db-grant]`],
    ]);
    expect(resourcesOf(infra, 'google_service_account_key')).toEqual({});
  });

  test('kubernetes and helm providers come from the cluster data source and a Google access token', () => {
    const connection = {
      host: 'https://${data.google_container_cluster.gke_cluster.endpoint}',
      token: '${data.google_client_config.gke_client.access_token}',
      cluster_ca_certificate:
        '${base64decode(data.google_container_cluster.gke_cluster.master_auth[0].cluster_ca_certificate)}',
    };
    expect(app.provider?.kubernetes).toEqual([connection]);
    expect(app.provider?.helm).toEqual([{ kubernetes: connection }]);
    expect(app.data?.google_container_cluster.gke_cluster).toMatchObject({ name: 'skypilot', location: 'us-central1-a' });
  });

  test('namespace and the connection secret: passwordless URI with the IAM user, @ written %40', () => {
    expect(onlyResource(app, 'kubernetes_namespace_v1').metadata).toMatchObject({ name: 'skypilot' });
    const secret = resourcesOf(app, 'kubernetes_secret_v1')['db-connection'];
    expect(secret.metadata).toEqual({ name: 'skypilot-db-connection-uri', namespace: '${kubernetes_namespace_v1.namespace.metadata[0].name}' });
    expect(secret.data).toEqual({
      connection_string: `postgresql://localhost:5432/skypilot-db?user=skypilot-cloud-sql-access%40${PROJECT}.iam`,
    });
  });

  test("the seed's GRANT and pgAudit's extension run as postgres in a Job before the release", () => {
    const job = onlyResource(app, 'kubernetes_job_v1') as { spec: { template: { spec: { container: JobContainer[] } } } };
    const [proxy, psql] = job.spec.template.spec.container;
    expect(proxy.args).toEqual(expect.arrayContaining(['--private-ip', '--quitquitquit', INSTANCE]));
    expect(proxy.args).not.toContain('--auto-iam-authn');
    expect(psql.env).toContainEqual({
      name: 'SQL',
      value: `GRANT cloudsqlsuperuser TO "skypilot-cloud-sql-access@${PROJECT}.iam"; CREATE EXTENSION IF NOT EXISTS pgaudit;`,
    });
    expect(psql.env).toContainEqual({
      name: 'PGPASSWORD',
      value_from: { secret_key_ref: { key: 'password', name: '${kubernetes_secret_v1.grant_password.metadata[0].name}' } },
    });
    expect(onlyResource(app, 'kubernetes_job_v1').wait_for_completion).toBe(true);
    expect(resourcesOf(app, 'kubernetes_secret_v1').grant_password.data).toEqual({
      password: '${data.google_secret_manager_secret_version.postgres-password.secret_data}',
    });
    expect(onlyResource(app, 'helm_release').depends_on).toEqual([
      'kubernetes_namespace_v1.namespace',
      'kubernetes_secret_v1.db-connection',
      'kubernetes_job_v1.grant',
    ]);
  });

  test('helm release: stable chart pinned, atomic, cleanup on fail', () => {
    expect(onlyResource(app, 'helm_release')).toMatchObject({
      name: 'skypilot',
      namespace: '${kubernetes_namespace_v1.namespace.metadata[0].name}',
      repository: 'https://helm.skypilot.co',
      chart: 'skypilot',
      version: '0.12.3',
      atomic: true,
      cleanup_on_fail: true,
      timeout: 900,
    });
    expect(onlyResource(app, 'helm_release').devel).toBeUndefined();
  });

  test("values as the seed's IAM values.yaml, with the proxy on private IP", () => {
    const values = chartValues(app);
    expect(values.apiService).toEqual({ dbConnectionSecretName: 'skypilot-db-connection-uri', config: null });
    expect(values.rbac).toEqual({
      serviceAccountName: 'skypilot-api-sa',
      serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': GSA },
    });
    expect(values.extraInitContainers).toHaveLength(1);
    expect(values.extraInitContainers[0]).toMatchObject({
      name: 'cloud-sql-proxy',
      restartPolicy: 'Always',
      image: 'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.21.0',
      securityContext: { runAsNonRoot: true },
      resources: { requests: { cpu: '1', memory: '2Gi' } },
    });
    expect(values.extraInitContainers[0].args).toEqual(
      expect.arrayContaining(['--auto-iam-authn', '--private-ip', '--structured-logs', '--port=5432', INSTANCE]),
    );
    expect(values.ingress).toEqual({
      authCredentials: '${jsonencode("skypilot:${random_password.web-password_value.bcrypt_hash}")}',
    });
    expect(values['ingress-nginx']).toEqual({
      controller: { service: { loadBalancerSourceRanges: ['198.51.100.0/24'] } },
    });
  });

  test('the web password: generated, kept in Secret Manager, an output says how to read it', () => {
    expect(onlyResource(app, 'random_password')).toMatchObject({ length: 32, special: false });
    expect(onlyResource(app, 'google_secret_manager_secret').secret_id).toBe('skypilot-web-password');
    expect(onlyResource(app, 'google_secret_manager_secret_version').secret_data).toBe(
      '${random_password.web-password_value.result}',
    );
    expect(app.output?.web_password_command.value).toBe(
      `gcloud secrets versions access latest --secret=\${google_secret_manager_secret.web-password.secret_id} --project=\${google_secret_manager_secret.web-password.project}`,
    );
  });
});

describe('skypilot (seed 004), password mode', () => {
  const built = skypilot({ authMode: 'password' });
  const infra = built.json('skypilot');
  const app = built.json('skypilot-app');

  test('snapshots', () => {
    expect(infra).toMatchSnapshot('skypilot');
    expect(app).toMatchSnapshot('skypilot-app');
  });

  test('user skypilot with a generated password in Secret Manager; only cloudsql.client; no IAM login flag', () => {
    expect(onlyResource(infra, 'google_sql_user')).toMatchObject({
      name: 'skypilot',
      password: '${random_password.database-password_value.result}',
    });
    expect(onlyResource(infra, 'google_secret_manager_secret').secret_id).toBe(
      'cloud-sql-skypilot-instance-skypilot-password',
    );
    expect(projectRoles(infra, /database-client/)).toEqual(['roles/cloudsql.client']);
    const instance = onlyResource(infra, 'google_sql_database_instance') as {
      settings: { database_flags: { name: string }[] };
      root_password?: string;
    };
    expect(instance.settings.database_flags.map((f) => f.name)).not.toContain(
      'cloudsql.iam_authentication',
    );
    expect(instance.root_password).toBeUndefined();
  });

  test('the connection URI carries user and password; no GRANT job', () => {
    expect(resourcesOf(app, 'kubernetes_secret_v1')['db-connection'].data).toEqual({
      connection_string:
        'postgresql://skypilot:${data.google_secret_manager_secret_version.database-password.secret_data}@localhost:5432/skypilot-db',
    });
    expect(resourcesOf(app, 'kubernetes_job_v1')).toEqual({});
  });

  test('the proxy still uses Workload Identity (no key) and logs in with the password', () => {
    const values = chartValues(app);
    expect(values.rbac.serviceAccountAnnotations).toEqual({ 'iam.gke.io/gcp-service-account': GSA });
    expect(values.extraInitContainers[0].args).not.toContain('--auto-iam-authn');
    expect(values.apiService.extraVolumes).toBeUndefined();
    expect(built.baseline.violations.filter((v) => v.stack.startsWith('skypilot'))).toEqual([]);
  });
});

describe("skypilot (seed 004), password mode with the seed's key file", () => {
  const keyFile = { authMode: 'password', serviceAccountKey: true, cluster: { workloadIdentity: false } };
  const waivers: Waiver[] = [
    { rule: 'GKE-WORKLOAD-IDENTITY', stack: 'skypilot', reason: 'the seed password path on a cluster without Workload Identity' },
    { rule: 'CKV_GCP_69', stack: 'skypilot', reason: 'the seed password path on a cluster without Workload Identity' },
    { rule: 'CKV2_GCP_3', stack: 'skypilot-app', reason: 'the proxy authenticates with the seed key file' },
  ];

  test('without waivers the key and the missing Workload Identity are violations', () => {
    const built = skypilot(keyFile);
    built.json('skypilot');
    built.json('skypilot-app');
    const found = built.baseline.violations.map((v) => `${v.stack} ${v.address} ${v.ruleId}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'skypilot google_container_cluster.cluster GKE-WORKLOAD-IDENTITY',
        'skypilot google_container_node_pool.cluster_nodes CKV_GCP_69',
        'skypilot-app google_service_account_key.proxy-key CKV2_GCP_3',
      ]),
    );
  });

  test('with waivers: key secret, mounted read-only for the proxy, no Workload Identity anywhere', () => {
    const built = skypilot(keyFile, waivers);
    const infra = built.json('skypilot');
    const app = built.json('skypilot-app');
    expect(built.baseline.violations.filter((v) => v.stack.startsWith('skypilot'))).toEqual([]);
    expect(resourcesOf(infra, 'google_service_account_iam_member')).toEqual({});
    expect(onlyResource(infra, 'google_container_cluster').workload_identity_config).toBeUndefined();
    expect(resourcesOf(app, 'kubernetes_secret_v1')['proxy-credentials']).toMatchObject({
      metadata: { name: 'cloud-sql-credentials' },
      data: { 'service-account-key.json': '${base64decode(google_service_account_key.proxy-key.private_key)}' },
    });
    const values = chartValues(app);
    expect(values.apiService.extraVolumes).toEqual([
      { name: 'cloud-sql-credentials', secret: { secretName: 'cloud-sql-credentials' } },
    ]);
    expect(values.rbac.serviceAccountAnnotations).toBeUndefined();
    expect(values.extraInitContainers[0].args).toContain(
      '--credentials-file=/var/secrets/google/service-account-key.json',
    );
    expect(values.extraInitContainers[0].volumeMounts).toEqual([
      { name: 'cloud-sql-credentials', mountPath: '/var/secrets/google', readOnly: true },
    ]);
  });
});

describe('skypilot chart choice', () => {
  test('the nightly chart: exact version from config, devel on', () => {
    const app = skypilot({ chart: { name: 'skypilot-nightly', version: '1.0.0-dev.20261101' } }).json('skypilot-app');
    expect(onlyResource(app, 'helm_release')).toMatchObject({
      chart: 'skypilot-nightly',
      version: '1.0.0-dev.20261101',
      devel: true,
    });
  });

  test('a pinned API server image goes to apiService.image', () => {
    const app = skypilot({ apiImage: 'berkeleyskypilot/skypilot:0.12.3' }).json('skypilot-app');
    expect(chartValues(app).apiService.image).toBe('berkeleyskypilot/skypilot:0.12.3');
  });

  test('the app stack depends on the infra stack', () => {
    const built = skypilot();
    expect(built.stacks['skypilot-app'].dependencies).toEqual([built.stacks.skypilot]);
  });
});
