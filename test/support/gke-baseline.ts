import { BuiltApp, buildVariant, exampleConfig, onlyResource } from './app';

/**
 * The GKE baseline settings every blueprint cluster shares (lib/gke/cluster.ts), asserted on `stack` as built from the
 * example config, and its control plane ranges and Google Groups for RBAC from `section`'s cluster config.
 */
export function describeGkeBaseline(stack: string, section: 'skypilot' | 'ilpConnector', built: () => BuiltApp): void {
  test('GKE baseline: intranode visibility, Binary Authorization once its API is on, monitoring, labels, COS nodes', () => {
    const infra = built().json(stack);
    const cluster = onlyResource(infra, 'google_container_cluster');
    expect(cluster).toMatchObject({
      enable_intranode_visibility: true,
      enable_kubernetes_alpha: false,
      monitoring_service: 'monitoring.googleapis.com/kubernetes',
      binary_authorization: { evaluation_mode: 'PROJECT_SINGLETON_POLICY_ENFORCE' },
      resource_labels: { environment: 'example', stack },
    });
    expect(cluster.depends_on).toContain('google_project_service.project_binaryauthorization');
    expect(onlyResource(infra, 'google_container_node_pool').node_config).toMatchObject({
      image_type: 'COS_CONTAINERD',
      shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
    });
    // The example cannot know where cdktf deploy runs, nor assume a Workspace group: both waived there.
    expect(cluster).not.toHaveProperty('master_authorized_networks_config');
    expect(built().baseline.waived.filter((f) => f.stack === stack).map((f) => f.ruleId).sort()).toEqual([
      'CKV_GCP_20',
      'CKV_GCP_65',
    ]);
  });

  test('GKE: control plane ranges and the Google Groups security group from config', () => {
    const cluster = {
      ...exampleConfig()[section].cluster,
      controlPlaneAuthorizedCidrs: ['203.0.113.0/24'],
      rbacSecurityGroup: 'gke-security-groups@example.com',
    };
    const configured = onlyResource(buildVariant(section, { cluster }, [], [stack]).json(stack), 'google_container_cluster');
    expect(configured).toMatchObject({
      master_authorized_networks_config: { cidr_blocks: [{ cidr_block: '203.0.113.0/24', display_name: '203.0.113.0/24' }] },
      authenticator_groups_config: { security_group: 'gke-security-groups@example.com' },
    });
  });
}
