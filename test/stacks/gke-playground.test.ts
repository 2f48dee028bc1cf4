import { buildApp, exampleConfig, onlyResource, resourcesOf } from '../support/app';

describe('gke-playground (seed 002)', () => {
  const built = buildApp(exampleConfig());
  const json = built.json('gke-playground');
  const cluster = onlyResource(json, 'google_container_cluster');
  const pool = onlyResource(json, 'google_container_node_pool');

  test('snapshot', () => {
    expect(json).toMatchSnapshot();
  });

  test('a zonal cluster-1 in us-central1-a whose default pool is replaced by a managed pool', () => {
    expect(cluster).toMatchObject({
      name: 'cluster-1',
      location: 'us-central1-a',
      remove_default_node_pool: true,
      initial_node_count: 1,
      release_channel: { channel: 'REGULAR' },
    });
    expect(pool).toMatchObject({
      cluster: '${google_container_cluster.cluster.id}',
      location: '${google_container_cluster.cluster.location}',
      node_count: 1,
      management: { auto_repair: true, auto_upgrade: true },
    });
  });

  test("the seed's cost savers: small spot nodes, 10 GB pd-standard, Cloud Logging off", () => {
    expect(pool.node_config).toMatchObject({
      machine_type: 'e2-medium',
      spot: true,
      preemptible: false,
      disk_size_gb: 10,
      disk_type: 'pd-standard',
    });
    expect(cluster.logging_service).toBe('none');
    // Cloud Logging off by design; the control plane and Google Groups wait for values only a real config knows.
    expect(built.baseline.waived.map((f) => `${f.address} ${f.ruleId}`).sort()).toEqual([
      'google_container_cluster.cluster CKV_GCP_1',
      'google_container_cluster.cluster CKV_GCP_20',
      'google_container_cluster.cluster CKV_GCP_65',
    ]);
    expect(built.baseline.violations).toEqual([]);
  });

  test('baseline settings that cost nothing: monitoring, intranode visibility, Binary Authorization, labels, COS', () => {
    expect(cluster).toMatchObject({
      monitoring_service: 'monitoring.googleapis.com/kubernetes',
      datapath_provider: 'ADVANCED_DATAPATH',
      networking_mode: 'VPC_NATIVE',
      enable_intranode_visibility: true,
      enable_kubernetes_alpha: false,
      binary_authorization: { evaluation_mode: 'PROJECT_SINGLETON_POLICY_ENFORCE' },
      resource_labels: { environment: 'example', stack: 'gke-playground', 'managed-by': 'cdktf', owner: 'platform-team' },
    });
    expect(cluster).not.toHaveProperty('master_authorized_networks_config');
    expect(cluster).not.toHaveProperty('authenticator_groups_config');
    // The default pool, deleted right after creation, and the managed pool both run Container-Optimized OS.
    for (const nodeConfig of [cluster.node_config, pool.node_config]) {
      expect(nodeConfig).toMatchObject({
        image_type: 'COS_CONTAINERD',
        shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
      });
    }
  });

  test('the cluster is created once the Binary Authorization API is on', () => {
    expect(cluster.depends_on).toContain('google_project_service.project_binaryauthorization');
  });

  test('secure defaults: Workload Identity, shielded nodes, private nodes, dedicated node account', () => {
    expect(cluster).toMatchObject({
      workload_identity_config: { workload_pool: 'example-project-123.svc.id.goog' },
      enable_shielded_nodes: true,
      enable_legacy_abac: false,
      private_cluster_config: { enable_private_nodes: true },
      master_auth: { client_certificate_config: { issue_client_certificate: false } },
      deletion_protection: true,
    });
    const nodeSa = onlyResource(json, 'google_service_account');
    expect(nodeSa.account_id).toBe('gke-playground-nodes');
    const saEmail = '${google_service_account.cluster_node-sa.email}';
    expect(pool.node_config).toMatchObject({
      service_account: saEmail,
      workload_metadata_config: { mode: 'GKE_METADATA' },
      shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
    });
    // The short-lived default pool runs as the same account, and its removal does not replace the cluster.
    expect(cluster.node_config).toMatchObject({ service_account: saEmail });
    expect(cluster.lifecycle).toEqual({ ignore_changes: ['node_config'] });
  });

  test('the node account holds only the logging and monitoring writer roles', () => {
    const roles = Object.values(resourcesOf(json, 'google_project_iam_member')).map((m) => m.role);
    expect(roles.sort()).toEqual(['roles/logging.logWriter', 'roles/monitoring.metricWriter']);
  });

  test('compute and container APIs (and IAM, Binary Authorization for the cluster), kept enabled on destroy', () => {
    const services = Object.values(resourcesOf(json, 'google_project_service'));
    expect(services.map((s) => s.service).sort()).toEqual([
      'binaryauthorization.googleapis.com',
      'compute.googleapis.com',
      'container.googleapis.com',
      'iam.googleapis.com',
    ]);
    for (const service of services) expect(service.disable_on_destroy).toBe(false);
    expect(resourcesOf(json, 'google_project')).toEqual({});
  });

  test('private nodes get egress through Cloud NAT on a VPC-native subnet', () => {
    expect(onlyResource(json, 'google_compute_router_nat')).toMatchObject({
      source_subnetwork_ip_ranges_to_nat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
    });
    expect(onlyResource(json, 'google_compute_subnetwork')).toMatchObject({
      ip_cidr_range: '10.10.0.0/24',
      secondary_ip_range: [
        { range_name: 'pods', ip_cidr_range: '10.20.0.0/16' },
        { range_name: 'services', ip_cidr_range: '10.30.0.0/20' },
      ],
    });
    expect(cluster.ip_allocation_policy).toEqual({
      cluster_secondary_range_name: 'pods',
      services_secondary_range_name: 'services',
    });
  });

  test('outputs: name, location and the get-credentials command', () => {
    expect(json.output).toEqual({
      cluster_name: expect.objectContaining({ value: '${google_container_cluster.cluster.name}' }),
      cluster_location: expect.objectContaining({ value: '${google_container_cluster.cluster.location}' }),
      get_credentials: expect.objectContaining({
        value:
          'gcloud container clusters get-credentials ${google_container_cluster.cluster.name} ' +
          '--location ${google_container_cluster.cluster.location} --project ${google_container_cluster.cluster.project}',
      }),
    });
  });

  test('state in GCS under <environment>/gke-playground', () => {
    expect(json.terraform?.backend).toEqual({
      gcs: { bucket: 'example-project-123-tfstate', prefix: 'example/gke-playground' },
    });
  });
});

/** The keys that close the control plane and name a Google Groups security group. */
const CLOSED = { controlPlaneAuthorizedCidrs: ['203.0.113.0/24'], rbacSecurityGroup: 'gke-security-groups@example.com' };

describe('gke-playground options', () => {
  test('0 nodes suspends the cluster; preemptible as in the seed', () => {
    const json = buildApp(exampleConfig({ gkePlayground: { nodeCount: 0, provisioning: 'preemptible' } })).json(
      'gke-playground',
    );
    const pool = onlyResource(json, 'google_container_node_pool');
    expect(pool.node_count).toBe(0);
    expect(pool.node_config).toMatchObject({ spot: false, preemptible: true });
  });

  test('creating the project: billing, parent, no default network, APIs wait for it', () => {
    const json = buildApp(
      exampleConfig({
        gkePlayground: {
          projectId: 'kube-playground-1',
          createProject: { billingAccount: '0123AB-4567CD-89EF01', folderId: '123456789012' },
        },
      }),
    ).json('gke-playground');
    expect(onlyResource(json, 'google_project')).toMatchObject({
      project_id: 'kube-playground-1',
      name: 'kube-playground-1',
      billing_account: '0123AB-4567CD-89EF01',
      folder_id: '123456789012',
      auto_create_network: false,
      deletion_policy: 'PREVENT',
    });
    for (const service of Object.values(resourcesOf(json, 'google_project_service'))) {
      expect(service.project).toBe('${google_project.project.project_id}');
    }
    expect(onlyResource(json, 'google_container_cluster').project).toBe('${google_project.project.project_id}');
    expect(json.provider?.google[0].project).toBe('kube-playground-1');
  });

  test('Cloud Logging on needs no waiver', () => {
    const config = exampleConfig({ gkePlayground: { cloudLogging: true, ...CLOSED }, policy: { waivers: [] } });
    const built = buildApp(config);
    expect(onlyResource(built.json('gke-playground'), 'google_container_cluster').logging_service).toBe(
      'logging.googleapis.com/kubernetes',
    );
    expect(built.baseline.violations).toEqual([]);
  });

  test('Cloud Logging off without a waiver is a violation', () => {
    const built = buildApp(exampleConfig({ gkePlayground: CLOSED, policy: { waivers: [] } }));
    built.json('gke-playground');
    expect(built.baseline.violations.map((f) => f.ruleId)).toEqual(['CKV_GCP_1']);
  });

  test('authorized networks and a Google Groups security group, when given, need no waiver', () => {
    const built = buildApp(exampleConfig({ gkePlayground: { cloudLogging: true, ...CLOSED }, policy: { waivers: [] } }));
    const cluster = onlyResource(built.json('gke-playground'), 'google_container_cluster');
    expect(cluster.master_authorized_networks_config).toEqual({
      cidr_blocks: [{ cidr_block: '203.0.113.0/24', display_name: '203.0.113.0/24' }],
    });
    expect(cluster.authenticator_groups_config).toEqual({ security_group: 'gke-security-groups@example.com' });
    expect(built.baseline.violations).toEqual([]);
  });

  test('an open control plane and no Google Groups are violations without their waivers', () => {
    const built = buildApp(exampleConfig({ gkePlayground: { cloudLogging: true }, policy: { waivers: [] } }));
    built.json('gke-playground');
    expect(built.baseline.violations.map((f) => f.ruleId).sort()).toEqual(['CKV_GCP_20', 'CKV_GCP_65']);
  });

  test('an empty list closes the control plane to every outside address; 0.0.0.0/0 is a violation', () => {
    const closed = buildApp(exampleConfig({ gkePlayground: { controlPlaneAuthorizedCidrs: [] } }));
    expect(onlyResource(closed.json('gke-playground'), 'google_container_cluster')).toHaveProperty(
      'master_authorized_networks_config',
    );
    const open = buildApp(exampleConfig({ gkePlayground: { controlPlaneAuthorizedCidrs: ['0.0.0.0/0'] } }));
    open.json('gke-playground');
    expect(open.baseline.violations.map((f) => f.ruleId)).toEqual(['CKV_GCP_18']);
  });
});
