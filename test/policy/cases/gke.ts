import type { Attrs, Case } from './case';

const SA = 'nodes@p.iam.gserviceaccount.com';
const goodNodeConfig = {
  service_account: SA,
  workload_metadata_config: { mode: 'GKE_METADATA' },
  shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
  image_type: 'COS_CONTAINERD',
};
const cluster = (attrs: Attrs): Attrs => ({ remove_default_node_pool: true, ...attrs });
const pool = (nodeConfig: Attrs): Attrs => ({ node_config: { ...goodNodeConfig, ...nodeConfig } });

export const GKE_CASES: Record<string, Case> = {
  CKV_GCP_1: {
    type: 'google_container_cluster',
    fails: cluster({ logging_service: 'none' }),
    passes: cluster({ logging_service: 'logging.googleapis.com/kubernetes' }),
  },
  CKV_GCP_7: {
    type: 'google_container_cluster',
    fails: cluster({ enable_legacy_abac: true }),
    passes: cluster({ enable_legacy_abac: false }),
  },
  CKV_GCP_13: {
    type: 'google_container_cluster',
    fails: cluster({}),
    passes: cluster({ master_auth: { client_certificate_config: { issue_client_certificate: false } } }),
  },
  CKV_GCP_70: {
    type: 'google_container_cluster',
    fails: cluster({ release_channel: { channel: 'UNSPECIFIED' } }),
    passes: cluster({ release_channel: { channel: 'REGULAR' } }),
  },
  CKV_GCP_71: {
    type: 'google_container_cluster',
    fails: cluster({ enable_shielded_nodes: false }),
    passes: cluster({ enable_shielded_nodes: true }),
  },
  'GKE-WORKLOAD-IDENTITY': {
    type: 'google_container_cluster',
    fails: cluster({}),
    passes: cluster({ workload_identity_config: { workload_pool: 'p.svc.id.goog' } }),
  },
  'AVD-GCP-0059': {
    type: 'google_container_cluster',
    fails: cluster({ private_cluster_config: { enable_private_nodes: false } }),
    passes: cluster({ private_cluster_config: { enable_private_nodes: true } }),
  },
  CKV_GCP_8: {
    type: 'google_container_cluster',
    fails: cluster({ monitoring_service: 'none' }),
    passes: cluster({ monitoring_service: 'monitoring.googleapis.com/kubernetes' }),
  },
  CKV_GCP_12: {
    type: 'google_container_cluster',
    fails: cluster({ network_policy: { enabled: false } }),
    passes: cluster({ datapath_provider: 'ADVANCED_DATAPATH' }),
  },
  CKV_GCP_18: {
    type: 'google_container_cluster',
    fails: cluster({ master_authorized_networks_config: { cidr_blocks: [{ cidr_block: '0.0.0.0/0' }] } }),
    passes: cluster({ master_authorized_networks_config: { cidr_blocks: [{ cidr_block: '198.51.100.0/24' }] } }),
  },
  CKV_GCP_20: {
    type: 'google_container_cluster',
    fails: cluster({}),
    passes: cluster({ master_authorized_networks_config: { cidr_blocks: [{ cidr_block: '198.51.100.0/24' }] } }),
  },
  CKV_GCP_21: {
    type: 'google_container_cluster',
    fails: cluster({ resource_labels: {} }),
    passes: cluster({ resource_labels: { environment: 'dev' } }),
  },
  CKV_GCP_22: {
    type: 'google_container_node_pool',
    fails: pool({ image_type: 'UBUNTU_CONTAINERD' }),
    passes: pool({}),
  },
  CKV_GCP_23: {
    type: 'google_container_cluster',
    fails: cluster({ networking_mode: 'ROUTES' }),
    passes: cluster({
      networking_mode: 'VPC_NATIVE',
      ip_allocation_policy: { cluster_secondary_range_name: 'pods', services_secondary_range_name: 'services' },
    }),
  },
  CKV_GCP_61: {
    type: 'google_container_cluster',
    fails: cluster({ enable_intranode_visibility: false }),
    passes: cluster({ enable_intranode_visibility: true }),
  },
  CKV_GCP_65: {
    type: 'google_container_cluster',
    fails: cluster({}),
    passes: cluster({ authenticator_groups_config: { security_group: 'gke-security-groups@example.com' } }),
  },
  CKV_GCP_66: {
    type: 'google_container_cluster',
    fails: cluster({ binary_authorization: { evaluation_mode: 'DISABLED' } }),
    passes: cluster({ binary_authorization: { evaluation_mode: 'PROJECT_SINGLETON_POLICY_ENFORCE' } }),
  },
  CKV_GCP_123: {
    type: 'google_container_cluster',
    fails: cluster({ node_pool: [{ name: 'inline', node_config: goodNodeConfig }] }),
    passes: cluster({}),
  },
  CKV2_GCP_19: {
    type: 'google_container_cluster',
    fails: cluster({ enable_kubernetes_alpha: true }),
    passes: cluster({ enable_kubernetes_alpha: false }),
  },
  CKV_GCP_69: {
    type: 'google_container_node_pool',
    fails: pool({ workload_metadata_config: { mode: 'GCE_METADATA' } }),
    passes: pool({}),
  },
  CKV_GCP_68: {
    type: 'google_container_node_pool',
    fails: pool({ shielded_instance_config: { enable_secure_boot: false } }),
    passes: pool({}),
  },
  CKV_GCP_72: {
    type: 'google_container_node_pool',
    fails: pool({ shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: false } }),
    passes: pool({}),
  },
  'AVD-GCP-0050': {
    type: 'google_container_node_pool',
    fails: pool({ service_account: '123456789-compute@developer.gserviceaccount.com' }),
    passes: pool({}),
  },
  CKV_GCP_9: {
    type: 'google_container_node_pool',
    fails: { management: { auto_repair: false } },
    passes: { management: { auto_repair: true } },
  },
  CKV_GCP_10: {
    type: 'google_container_node_pool',
    fails: { management: { auto_upgrade: false } },
    passes: { management: { auto_upgrade: true } },
  },
};
