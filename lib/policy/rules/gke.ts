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
    check: (a) =>
      attribute(a, 'private_cluster_config.enable_private_nodes') === true
        ? undefined
        : 'nodes get public IP addresses (private nodes are off)',
    fix: 'set private_cluster_config { enable_private_nodes = true } and give the nodes egress through Cloud NAT',
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
    id: 'AVD-GCP-0050',
    resourceTypes: NODE_TYPES,
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
