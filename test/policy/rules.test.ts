import { Aspects, TerraformResource, TerraformStack, Testing } from 'cdktf';
import { formatViolation, SecurityBaseline } from '../../lib/policy/baseline';
import { RULES } from '../../lib/policy/rules';
import { testApp } from '../support/app';

type Attrs = Record<string, unknown>;
interface Case {
  readonly type: string;
  readonly fails: Attrs;
  readonly passes: Attrs;
}

const SA = 'nodes@p.iam.gserviceaccount.com';
const goodNodeConfig = {
  service_account: SA,
  workload_metadata_config: { mode: 'GKE_METADATA' },
  shielded_instance_config: { enable_secure_boot: true },
};
const cluster = (attrs: Attrs): Case['fails'] => ({ remove_default_node_pool: true, ...attrs });
const pool = (nodeConfig: Attrs): Attrs => ({ node_config: { ...goodNodeConfig, ...nodeConfig } });

/** For each rule: one resource that breaks it and one that complies. */
const CASES: Record<string, Case> = {
  'RUN-INGRESS-INTERNAL': {
    type: 'google_cloud_run_v2_service',
    fails: { ingress: 'INGRESS_TRAFFIC_ALL' },
    passes: { ingress: 'INGRESS_TRAFFIC_INTERNAL_ONLY' },
  },
  'RUN-PUBLIC-INVOKER': {
    type: 'google_cloud_run_v2_service_iam_member',
    fails: { role: 'roles/run.invoker', member: 'allUsers' },
    passes: { role: 'roles/run.invoker', member: 'serviceAccount:p.svc.id.goog[istio-system/default]' },
  },
  'RUN-DEDICATED-SA': {
    type: 'google_cloud_run_v2_service',
    fails: { template: { service_account: '123-compute@developer.gserviceaccount.com' } },
    passes: { template: { service_account: 'k8s-fortio@p.iam.gserviceaccount.com' } },
  },
  CKV_GCP_29: { type: 'google_storage_bucket', fails: {}, passes: { uniform_bucket_level_access: true } },
  CKV_GCP_114: {
    type: 'google_storage_bucket',
    fails: { public_access_prevention: 'inherited' },
    passes: { public_access_prevention: 'enforced' },
  },
  CKV_GCP_78: {
    type: 'google_storage_bucket',
    fails: { versioning: { enabled: false } },
    passes: { versioning: { enabled: true } },
  },
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
  CKV_GCP_117: {
    type: 'google_project_iam_member',
    fails: { role: 'roles/editor', member: `serviceAccount:${SA}` },
    passes: { role: 'roles/logging.logWriter', member: `serviceAccount:${SA}` },
  },
  CKV2_GCP_3: {
    type: 'google_service_account_key',
    fails: { service_account_id: SA },
    // Compliance is the key's absence; an unrelated resource stands in for "no key".
    passes: {},
  },
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
  CKV_GCP_39: {
    type: 'google_compute_instance',
    fails: { shielded_instance_config: { enable_secure_boot: true, enable_vtpm: true } },
    passes: { shielded_instance_config: { enable_secure_boot: true, enable_vtpm: true, enable_integrity_monitoring: true } },
  },
  CKV_GCP_32: {
    type: 'google_compute_instance',
    fails: { metadata: { 'block-project-ssh-keys': 'false' } },
    passes: { metadata: { 'block-project-ssh-keys': 'TRUE' } },
  },
  CKV_GCP_35: {
    type: 'google_compute_instance',
    fails: { metadata: { 'serial-port-enable': 'TRUE' } },
    passes: { metadata: { 'serial-port-enable': 'FALSE' } },
  },
  CKV_GCP_36: {
    type: 'google_compute_instance',
    fails: { can_ip_forward: true },
    passes: { can_ip_forward: false },
  },
  CKV_GCP_30: {
    type: 'google_compute_instance',
    fails: { service_account: { email: '123-compute@developer.gserviceaccount.com' } },
    passes: { service_account: { email: SA } },
  },
  'AVD-GCP-0027': {
    type: 'google_compute_firewall',
    fails: { direction: 'INGRESS', source_ranges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['22'] }] },
    passes: { direction: 'INGRESS', source_ranges: ['198.51.100.0/24'], allow: [{ protocol: 'tcp', ports: ['22'] }] },
  },
  CKV_GCP_43: {
    type: 'google_kms_crypto_key',
    fails: { rotation_period: '31536000s' },
    passes: { rotation_period: '7776000s' },
  },
  CKV_GCP_82: {
    type: 'google_kms_crypto_key',
    fails: { rotation_period: '7776000s' },
    passes: { rotation_period: '7776000s', lifecycle: { prevent_destroy: true } },
  },
  CKV_GCP_95: {
    type: 'google_redis_instance',
    fails: { auth_enabled: false },
    passes: { auth_enabled: true },
  },
  CKV_GCP_97: {
    type: 'google_redis_instance',
    fails: { transit_encryption_mode: 'DISABLED' },
    passes: { transit_encryption_mode: 'SERVER_AUTHENTICATION' },
  },
  CKV_GCP_60: {
    type: 'google_sql_database_instance',
    fails: { settings: { ip_configuration: { private_network: 'vpc' } } },
    passes: { settings: { ip_configuration: { ipv4_enabled: false, private_network: 'vpc' } } },
  },
  CKV_GCP_6: {
    type: 'google_sql_database_instance',
    fails: { settings: { ip_configuration: { ssl_mode: 'ENCRYPTED_ONLY' } } },
    passes: { settings: { ip_configuration: { ssl_mode: 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED' } } },
  },
  CKV_GCP_14: {
    type: 'google_sql_database_instance',
    fails: { settings: { backup_configuration: { enabled: false } } },
    passes: { settings: { backup_configuration: { enabled: true } } },
  },
  CKV_GCP_11: {
    type: 'google_sql_database_instance',
    fails: { settings: { ip_configuration: { authorized_networks: [{ value: '0.0.0.0/0' }] } } },
    passes: { settings: { ip_configuration: { authorized_networks: [{ value: '198.51.100.0/24' }] } } },
  },
  CKV_GCP_49: {
    type: 'google_project_iam_member',
    fails: { project: 'p', role: 'roles/iam.workloadIdentityUser', member: 'serviceAccount:p.svc.id.goog[ns/ksa]' },
    passes: { project: 'p', role: 'roles/cloudsql.client', member: `serviceAccount:${SA}` },
  },
};

/** Synthesizes one resource of `type` with `attrs` and returns the rule ids the baseline reports on it. */
function findings(type: string, attrs: Attrs, baseline = new SecurityBaseline()): string[] {
  const stack = new TerraformStack(testApp(), 'gke-playground');
  const resource = new TerraformResource(stack, 'subject', { terraformResourceType: type });
  for (const [key, value] of Object.entries(attrs)) resource.addOverride(key, value);
  Aspects.of(stack).add(baseline);
  Testing.synth(stack);
  return [...baseline.violations, ...baseline.waived].map((f) => f.ruleId);
}

describe('security baseline rules', () => {
  test('every rule has a failing and a passing case', () => {
    expect(Object.keys(CASES).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  test.each(RULES.map((rule) => [rule.id, rule] as const))('%s', (id, rule) => {
    const { type, fails, passes } = CASES[id];
    expect(rule.resourceTypes).toContain(type);
    expect(findings(type, fails)).toContain(id);
    const passing = id === 'CKV2_GCP_3' ? findings('google_service_account', passes) : findings(type, passes);
    expect(passing).not.toContain(id);
  });

  test('a node rule checks the default pool of a cluster that keeps it', () => {
    expect(findings('google_container_cluster', {})).toContain('AVD-GCP-0050');
    expect(findings('google_container_cluster', { remove_default_node_pool: true })).not.toContain('AVD-GCP-0050');
    expect(findings('google_container_cluster', { remove_default_node_pool: true, node_config: {} })).toContain(
      'AVD-GCP-0050',
    );
  });

  test('a violation says where, which rule, what is wrong and how to fix or waive it', () => {
    const baseline = new SecurityBaseline();
    findings('google_storage_bucket', { uniform_bucket_level_access: true, public_access_prevention: 'enforced' }, baseline);
    expect(baseline.violations.map(formatViolation)).toEqual([
      'gke-playground/google_storage_bucket.subject: CKV_GCP_78 object versioning is not enabled; ' +
        'set versioning { enabled = true }, or waive it in config under policy.waivers: ' +
        '{ rule: CKV_GCP_78, stack: gke-playground, resource: google_storage_bucket.subject, reason: "<why>" }',
    ]);
  });

  test('a waiver moves a finding from violations to waived, with its reason', () => {
    const reason = 'throwaway bucket for a demo';
    const baseline = new SecurityBaseline([
      { rule: 'CKV_GCP_29', stack: 'gke-playground', resource: 'google_storage_bucket.subject', reason },
      { rule: 'CKV_GCP_78', stack: 'gke-playground', reason },
      { rule: 'CKV_GCP_114', stack: 'state-bootstrap', reason },
    ]);
    findings('google_storage_bucket', {}, baseline);
    expect(baseline.violations.map((f) => f.ruleId)).toEqual(['CKV_GCP_114']);
    expect(baseline.waived.map((f) => [f.ruleId, f.reason])).toEqual([
      ['CKV_GCP_29', reason],
      ['CKV_GCP_78', reason],
    ]);
    expect(baseline.unusedWaivers(['gke-playground', 'state-bootstrap']).map((w) => w.rule)).toEqual(['CKV_GCP_114']);
  });

  test('a waiver for another resource does not apply', () => {
    const baseline = new SecurityBaseline([
      { rule: 'CKV_GCP_29', stack: 'gke-playground', resource: 'google_storage_bucket.other', reason: 'not this one' },
    ]);
    findings('google_storage_bucket', {}, baseline);
    expect(baseline.violations.map((f) => f.ruleId)).toContain('CKV_GCP_29');
  });
});
