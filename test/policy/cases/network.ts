import type { Case } from './case';

export const NETWORK_CASES: Record<string, Case> = {
  CKV_GCP_27: {
    type: 'google_project',
    fails: { project_id: 'p-123456' },
    passes: { project_id: 'p-123456', auto_create_network: false },
  },
  CKV_GCP_26: {
    type: 'google_compute_subnetwork',
    fails: {},
    passes: { log_config: { aggregation_interval: 'INTERVAL_10_MIN' } },
  },
  CKV_GCP_74: {
    type: 'google_compute_subnetwork',
    fails: { private_ip_google_access: false },
    passes: { private_ip_google_access: true },
  },
  'AVD-GCP-0027': {
    type: 'google_compute_firewall',
    fails: { direction: 'INGRESS', source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['22'] }] },
    passes: { direction: 'INGRESS', source_ranges: ['198.51.100.0/24'], allow: [{ protocol: 'tcp', ports: ['22'] }] },
  },
  CKV2_GCP_2: {
    type: 'google_compute_network',
    fails: { name: 'vpc' },
    passes: { name: 'vpc', auto_create_subnetworks: false },
  },
  CKV_GCP_76: {
    type: 'google_compute_subnetwork',
    fails: { stack_type: 'IPV4_IPV6', private_ip_google_access: true, log_config: {} },
    passes: { stack_type: 'IPV4_IPV6', private_ipv6_google_access: 'ENABLE_OUTBOUND_VM_ACCESS_TO_GOOGLE' },
  },
};
