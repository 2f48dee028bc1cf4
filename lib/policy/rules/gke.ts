import { attribute, Attributes, DEFAULT_COMPUTE_SA, Rule } from './rule';

const CLUSTER = 'google_container_cluster';
const NODE_POOL = 'google_container_node_pool';
const NODE_TYPES = [CLUSTER, NODE_POOL] as const;

/**
 * The node configurations a resource puts nodes on: a node pool's own; a cluster's `node_config` (its default pool,
 * even when removed right after creation) and inline `node_pool` blocks.
 */
function nodeConfigs(attrs: Attributes, resourceType: string): unknown[] {
  if (resourceType === NODE_POOL) return [attribute(attrs, 'node_config') ?? {}];
  const configs: unknown[] = [];
  const clusterNodeConfig = attribute(attrs, 'node_config');
  if (clusterNodeConfig !== undefined) configs.push(clusterNodeConfig);
  else if (attrs.remove_default_node_pool !== true) configs.push({});
  const inlinePools = Array.isArray(attrs.node_pool) ? attrs.node_pool : [];
  for (const pool of inlinePools) configs.push(attribute(pool, 'node_config') ?? {});
  return configs;
}

function everyNodeConfig(predicate: (nodeConfig: unknown) => boolean, problem: string) {
  return (attrs: Attributes, resourceType: string) =>
    nodeConfigs(attrs, resourceType).every(predicate) ? undefined : problem;
}

/** Binary Authorization modes that check every admitted pod against the project's singleton policy. */
const PROJECT_POLICY_MODES = [
  'PROJECT_SINGLETON_POLICY_ENFORCE',
  'POLICY_BINDINGS_AND_PROJECT_SINGLETON_POLICY_ENFORCE',
];

/** The `cidr_block` of each master authorized network. */
function authorizedCidrs(attrs: Attributes): string[] {
  const blocks = attribute(attrs, 'master_authorized_networks_config.cidr_blocks');
  return (Array.isArray(blocks) ? blocks : [])
    .map((block) => attribute(block, 'cidr_block'))
    .filter((cidr): cidr is string => typeof cidr === 'string');
}

/** GKE clusters and node pools (CIS GKE 5.x). */
export const GKE_RULES: readonly Rule[] = [
  {
    id: 'CKV_GCP_1',
    resourceTypes: [CLUSTER],
    check: (a) => {
      const components = attribute(a, 'logging_config.enable_components');
      if (a.logging_service === 'none' || (Array.isArray(components) && components.length === 0)) {
        return 'Cloud Logging is turned off for the cluster';
      }
      return undefined;
    },
    fix: 'leave logging_service unset or set it to "logging.googleapis.com/kubernetes"',
  },
  {
    id: 'CKV_GCP_7',
    resourceTypes: [CLUSTER],
    check: (a) => (a.enable_legacy_abac === true ? 'legacy ABAC authorization is enabled' : undefined),
    fix: 'set enable_legacy_abac = false and grant access with RBAC',
  },
  {
    id: 'CKV_GCP_13',
    resourceTypes: [CLUSTER],
    check: (a) =>
      attribute(a, 'master_auth.client_certificate_config.issue_client_certificate') === false
        ? undefined
        : 'client certificate authentication is not explicitly disabled',
    fix: 'set master_auth { client_certificate_config { issue_client_certificate = false } }',
  },
  {
    id: 'CKV_GCP_70',
    resourceTypes: [CLUSTER],
    check: (a) => {
      const channel = attribute(a, 'release_channel.channel');
      return typeof channel === 'string' && channel !== 'UNSPECIFIED' ? undefined : 'the cluster is on no release channel';
    },
    fix: 'set release_channel { channel = "REGULAR" } (or RAPID, STABLE, EXTENDED)',
  },
  {
    id: 'CKV_GCP_71',
    resourceTypes: [CLUSTER],
    check: (a) => (a.enable_shielded_nodes === true ? undefined : 'shielded GKE nodes are not explicitly enabled'),
    fix: 'set enable_shielded_nodes = true',
  },
  {
    id: 'GKE-WORKLOAD-IDENTITY',
    resourceTypes: [CLUSTER],
    check: (a) => {
      const pool = attribute(a, 'workload_identity_config.workload_pool');
      return typeof pool === 'string' && pool.endsWith('.svc.id.goog')
        ? undefined
        : 'Workload Identity is not enabled (no workload_identity_config.workload_pool)';
    },
    fix: 'set workload_identity_config { workload_pool = "<project>.svc.id.goog" }',
  },
  {
    id: 'AVD-GCP-0059',
    resourceTypes: [CLUSTER],
    // Covers checkov's CKV_GCP_25 and CKV_GCP_64, which only ask for a private_cluster_config block.
    check: (a) =>
      attribute(a, 'private_cluster_config.enable_private_nodes') === true
        ? undefined
        : 'nodes get public IP addresses (private nodes are off)',
    fix: 'set private_cluster_config { enable_private_nodes = true } and give the nodes egress through Cloud NAT',
  },
  {
    id: 'CKV_GCP_8',
    resourceTypes: [CLUSTER],
    // checkov passes an absent monitoring_service (the provider default sends metrics); we want it written.
    check: (a) => {
      const components = attribute(a, 'monitoring_config.enable_components');
      if (a.monitoring_service !== 'monitoring.googleapis.com/kubernetes') {
        return 'Cloud Monitoring is not set on (monitoring_service is not "monitoring.googleapis.com/kubernetes")';
      }
      return Array.isArray(components) && components.length === 0
        ? 'Cloud Monitoring collects no component metrics (monitoring_config.enable_components is empty)'
        : undefined;
    },
    fix: 'set monitoring_service = "monitoring.googleapis.com/kubernetes"',
  },
  {
    id: 'CKV_GCP_12',
    resourceTypes: [CLUSTER],
    // Dataplane V2 enforces NetworkPolicy itself, without the (Calico) network_policy add-on. checkov passes it only
    // beside a written network_policy { enabled = false }, and fails a Dataplane V2 cluster without that block.
    check: (a) =>
      a.datapath_provider === 'ADVANCED_DATAPATH' || attribute(a, 'network_policy.enabled') === true
        ? undefined
        : 'Kubernetes NetworkPolicy is not enforced (neither Dataplane V2 nor the network_policy add-on)',
    fix: 'set datapath_provider = "ADVANCED_DATAPATH" (Dataplane V2, at creation) or network_policy { enabled = true }',
  },
  {
    id: 'CKV_GCP_18',
    resourceTypes: [CLUSTER],
    check: (a) => {
      const open = authorizedCidrs(a).filter((cidr) => /\/0$/.test(cidr));
      return open.length > 0 ? `an authorized network admits every address (${open.join(', ')})` : undefined;
    },
    fix: 'list only your office, VPN or CI egress ranges in master_authorized_networks_config.cidr_blocks',
  },
  {
    id: 'CKV_GCP_20',
    resourceTypes: [CLUSTER],
    check: (a) =>
      attribute(a, 'master_authorized_networks_config') === undefined
        ? 'any address may reach the control plane endpoint (no master_authorized_networks_config)'
        : undefined,
    fix: 'set master_authorized_networks_config { cidr_blocks { cidr_block = "<your range>" } }',
  },
  {
    id: 'CKV_GCP_21',
    resourceTypes: [CLUSTER],
    // The provider's default_labels reach the cluster too, but only what resource_labels holds is in the resource.
    check: (a) => {
      const labels = a.resource_labels;
      return labels !== null && typeof labels === 'object' && Object.keys(labels).length > 0
        ? undefined
        : 'the cluster has no resource_labels';
    },
    fix: 'set resource_labels = { environment = ..., stack = ... }',
  },
  {
    id: 'CKV_GCP_22',
    resourceTypes: NODE_TYPES,
    // checkov reads node pools of Kubernetes before 1.24 only; we want Container-Optimized OS on every node written.
    check: everyNodeConfig((n) => {
      const image = attribute(n, 'image_type');
      return typeof image === 'string' && /^cos/i.test(image);
    }, 'nodes do not run Container-Optimized OS (node_config.image_type is not COS_CONTAINERD)'),
    fix: 'set node_config { image_type = "COS_CONTAINERD" }',
  },
  {
    id: 'CKV_GCP_23',
    resourceTypes: [CLUSTER],
    check: (a) =>
      attribute(a, 'ip_allocation_policy') !== undefined && a.networking_mode !== 'ROUTES'
        ? undefined
        : 'the cluster is routes-based: pods get no alias IP ranges (no ip_allocation_policy)',
    fix:
      'set networking_mode = "VPC_NATIVE" and ' +
      'ip_allocation_policy { cluster_secondary_range_name, services_secondary_range_name }',
  },
  {
    id: 'CKV_GCP_61',
    resourceTypes: [CLUSTER],
    check: (a) =>
      a.enable_intranode_visibility === true
        ? undefined
        : 'traffic between pods on one node bypasses the VPC: no flow logs or firewall rules see it',
    fix: 'set enable_intranode_visibility = true',
  },
  {
    id: 'CKV_GCP_65',
    resourceTypes: [CLUSTER],
    check: (a) => {
      const group = attribute(a, 'authenticator_groups_config.security_group');
      return typeof group === 'string' && group.startsWith('gke-security-groups@')
        ? undefined
        : 'RBAC cannot name Google Groups (no authenticator_groups_config.security_group)';
    },
    fix: 'set authenticator_groups_config { security_group = "gke-security-groups@<your domain>" }',
  },
  {
    id: 'CKV_GCP_66',
    resourceTypes: [CLUSTER],
    check: (a) =>
      PROJECT_POLICY_MODES.includes(attribute(a, 'binary_authorization.evaluation_mode') as string)
        ? undefined
        : "pods are admitted without the project's Binary Authorization policy",
    fix:
      'enable binaryauthorization.googleapis.com, then set ' +
      'binary_authorization { evaluation_mode = "PROJECT_SINGLETON_POLICY_ENFORCE" }',
  },
  {
    id: 'CKV_GCP_123',
    resourceTypes: [CLUSTER],
    // Stricter than checkov, which passes inline node_pool blocks beside remove_default_node_pool = true.
    check: (a) => {
      if (Array.isArray(a.node_pool) && a.node_pool.length > 0) {
        return 'node pools are declared inside the cluster: changing one replaces the cluster';
      }
      return a.remove_default_node_pool === true ? undefined : 'the cluster keeps its default node pool';
    },
    fix: 'set remove_default_node_pool = true and declare pools as google_container_node_pool resources',
  },
  {
    id: 'CKV2_GCP_19',
    resourceTypes: [CLUSTER],
    check: (a) =>
      a.enable_kubernetes_alpha === false
        ? undefined
        : 'enable_kubernetes_alpha is not false (an alpha cluster is never upgraded and is deleted after 30 days)',
    fix: 'set enable_kubernetes_alpha = false',
  },
  {
    id: 'CKV_GCP_69',
    resourceTypes: NODE_TYPES,
    check: everyNodeConfig(
      (n) => attribute(n, 'workload_metadata_config.mode') === 'GKE_METADATA',
      'nodes expose the Compute Engine metadata server to pods (workload_metadata_config.mode is not GKE_METADATA)',
    ),
    fix: 'set node_config { workload_metadata_config { mode = "GKE_METADATA" } }',
  },
  {
    id: 'CKV_GCP_68',
    resourceTypes: NODE_TYPES,
    check: everyNodeConfig(
      (n) => attribute(n, 'shielded_instance_config.enable_secure_boot') === true,
      'nodes boot without Secure Boot',
    ),
    fix: 'set node_config { shielded_instance_config { enable_secure_boot = true, enable_integrity_monitoring = true } }',
  },
  {
    id: 'CKV_GCP_72',
    resourceTypes: NODE_TYPES,
    // checkov passes a node_config without shielded_instance_config (on by default); we want it written.
    check: everyNodeConfig(
      (n) => attribute(n, 'shielded_instance_config.enable_integrity_monitoring') === true,
      'nodes boot without integrity monitoring',
    ),
    fix: 'set node_config { shielded_instance_config { enable_integrity_monitoring = true } }',
  },
  {
    id: 'AVD-GCP-0050',
    resourceTypes: NODE_TYPES,
    // Covers checkov's CKV2_GCP_1, which only sees a google_project_default_service_accounts resource given to nodes.
    check: everyNodeConfig((n) => {
      const account = attribute(n, 'service_account');
      return typeof account === 'string' && account !== 'default' && !DEFAULT_COMPUTE_SA.test(account);
    }, 'nodes run as the Compute Engine default service account'),
    fix: 'set node_config { service_account = <a dedicated, least-privilege service account> }',
  },
  {
    id: 'CKV_GCP_9',
    resourceTypes: [NODE_POOL],
    check: (a) => (attribute(a, 'management.auto_repair') === true ? undefined : 'node auto-repair is not enabled'),
    fix: 'set management { auto_repair = true }',
  },
  {
    id: 'CKV_GCP_10',
    resourceTypes: [NODE_POOL],
    check: (a) => (attribute(a, 'management.auto_upgrade') === true ? undefined : 'node auto-upgrade is not enabled'),
    fix: 'set management { auto_upgrade = true }',
  },
];
