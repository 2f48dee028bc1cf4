/**
 * The security baseline's rules. Each reads the attributes of one synthesized resource (snake_case, exactly as
 * Terraform sees them) and says what is wrong. Ids are checkov's (CKV_*) or trivy's (AVD-GCP-*) where one exists,
 * otherwise our own. Unlike checkov, a rule that wants a safe value wants it written: a provider default can change,
 * the synthesized configuration cannot.
 */

export type Attributes = Record<string, unknown>;

export interface Rule {
  readonly id: string;
  readonly resourceTypes: readonly string[];
  /** What is wrong with the resource, or undefined when it complies. */
  readonly check: (attrs: Attributes, resourceType: string) => string | undefined;
  /** How to comply, in Terraform attribute terms. */
  readonly fix: string;
}

/** Reads `a.b.c`, stepping into single-block lists the way Terraform JSON may nest them. */
export function attribute(attrs: unknown, path: string): unknown {
  let current: unknown = attrs;
  for (const key of path.split('.')) {
    if (Array.isArray(current)) current = current[0];
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

const DEFAULT_COMPUTE_SA = /-compute@developer\.gserviceaccount\.com$/;
const BASIC_ROLES = new Set(['roles/owner', 'roles/editor', 'roles/viewer']);
const MAX_KEY_ROTATION_SECONDS = 90 * 24 * 3600;

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

function iamRole(attrs: Attributes): string | undefined {
  return typeof attrs.role === 'string' ? attrs.role : undefined;
}

function durationSeconds(value: unknown): number | undefined {
  const match = typeof value === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(value) : null;
  return match ? Number(match[1]) : undefined;
}

/** Storage, GKE, IAM, project, subnet and KMS rules. */
const BASE_RULES: readonly Rule[] = [
  {
    id: 'CKV_GCP_29',
    resourceTypes: ['google_storage_bucket'],
    check: (a) => (a.uniform_bucket_level_access === true ? undefined : 'uniform bucket-level access is not enabled'),
    fix: 'set uniform_bucket_level_access = true',
  },
  {
    id: 'CKV_GCP_114',
    resourceTypes: ['google_storage_bucket'],
    check: (a) =>
      a.public_access_prevention === 'enforced'
        ? undefined
        : `public access prevention is not enforced (got ${JSON.stringify(a.public_access_prevention ?? null)})`,
    fix: 'set public_access_prevention = "enforced"',
  },
  {
    id: 'CKV_GCP_78',
    resourceTypes: ['google_storage_bucket'],
    check: (a) => (attribute(a, 'versioning.enabled') === true ? undefined : 'object versioning is not enabled'),
    fix: 'set versioning { enabled = true }',
  },
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
  {
    id: 'CKV_GCP_117',
    resourceTypes: [
      'google_project_iam_member',
      'google_project_iam_binding',
      'google_folder_iam_member',
      'google_folder_iam_binding',
      'google_organization_iam_member',
      'google_organization_iam_binding',
      'google_service_account_iam_member',
      'google_service_account_iam_binding',
      'google_storage_bucket_iam_member',
      'google_storage_bucket_iam_binding',
    ],
    check: (a) => {
      const role = iamRole(a);
      return role && BASIC_ROLES.has(role) ? `grants the basic role ${role}` : undefined;
    },
    fix: 'grant a predefined or custom role with only the permissions needed',
  },
  {
    id: 'CKV2_GCP_3',
    resourceTypes: ['google_service_account_key'],
    check: () => 'creates a user-managed service account key, a long-lived secret',
    fix: 'remove the key; use Workload Identity, attached service accounts or impersonation',
  },
  {
    id: 'CKV_GCP_27',
    resourceTypes: ['google_project'],
    check: (a) =>
      a.auto_create_network === false ? undefined : 'the project gets the auto-mode default network with open firewall rules',
    fix: 'set auto_create_network = false and create a custom-mode VPC',
  },
  {
    id: 'CKV_GCP_26',
    resourceTypes: ['google_compute_subnetwork'],
    check: (a) => (attribute(a, 'log_config') !== undefined ? undefined : 'VPC flow logs are off'),
    fix: 'set log_config { aggregation_interval, flow_sampling, metadata }',
  },
  {
    id: 'CKV_GCP_74',
    resourceTypes: ['google_compute_subnetwork'],
    check: (a) => (a.private_ip_google_access === true ? undefined : 'Private Google Access is off'),
    fix: 'set private_ip_google_access = true',
  },
  {
    id: 'CKV_GCP_43',
    resourceTypes: ['google_kms_crypto_key'],
    check: (a) => {
      const seconds = durationSeconds(a.rotation_period);
      return seconds !== undefined && seconds >= 86400 && seconds <= MAX_KEY_ROTATION_SECONDS
        ? undefined
        : `the key does not rotate within 90 days (rotation_period ${JSON.stringify(a.rotation_period ?? null)})`;
    },
    fix: 'set rotation_period between "86400s" and "7776000s"',
  },
];

const INSTANCE = 'google_compute_instance';

function metadataFlag(attrs: Attributes, key: string): string | undefined {
  const value = attribute(attrs, `metadata.${key}`);
  return typeof value === 'string' ? value.toLowerCase() : typeof value === 'boolean' ? String(value) : undefined;
}

/** Compute Engine instance rules (CIS GCP 4.x). */
const INSTANCE_RULES: readonly Rule[] = [
  {
    id: 'CKV_GCP_39',
    resourceTypes: [INSTANCE],
    check: (a) =>
      ['enable_secure_boot', 'enable_vtpm', 'enable_integrity_monitoring'].every(
        (key) => attribute(a, `shielded_instance_config.${key}`) === true,
      )
        ? undefined
        : 'not a Shielded VM (Secure Boot, vTPM and integrity monitoring must all be on)',
    fix: 'set shielded_instance_config { enable_secure_boot = true, enable_vtpm = true, enable_integrity_monitoring = true }',
  },
  {
    id: 'CKV_GCP_32',
    resourceTypes: [INSTANCE],
    check: (a) =>
      metadataFlag(a, 'block-project-ssh-keys') === 'true' ? undefined : 'project-wide SSH keys can log in to the VM',
    fix: 'set metadata "block-project-ssh-keys" = "true"',
  },
  {
    id: 'CKV_GCP_35',
    resourceTypes: [INSTANCE],
    check: (a) => (metadataFlag(a, 'serial-port-enable') === 'true' ? 'the interactive serial console is enabled' : undefined),
    fix: 'remove metadata "serial-port-enable" or set it to "false"',
  },
  {
    id: 'CKV_GCP_36',
    resourceTypes: [INSTANCE],
    check: (a) => (a.can_ip_forward === true ? 'the VM may forward packets for other addresses' : undefined),
    fix: 'set can_ip_forward = false (an alias IP needs no forwarding)',
  },
  {
    id: 'CKV_GCP_30',
    resourceTypes: [INSTANCE],
    check: (a) => {
      const email = attribute(a, 'service_account.email');
      return typeof email === 'string' && email !== 'default' && !DEFAULT_COMPUTE_SA.test(email)
        ? undefined
        : 'the VM runs as the Compute Engine default service account';
    },
    fix: 'set service_account { email = <a dedicated service account> }',
  },
];

const SQL_INSTANCE = 'google_sql_database_instance';
/** Roles that let a member act as any service account of the project: grant them on one account instead. */
const IMPERSONATION_ROLES = new Set([
  'roles/iam.workloadIdentityUser',
  'roles/iam.serviceAccountUser',
  'roles/iam.serviceAccountTokenCreator',
  'roles/iam.serviceAccountKeyAdmin',
  'roles/iam.serviceAccountAdmin',
  'roles/iam.securityAdmin',
]);

/** Cloud SQL rules (CIS GCP 6.4-6.7) and project-wide impersonation (CIS GCP 1.6). */
const SQL_AND_IAM_RULES: readonly Rule[] = [
  {
    id: 'CKV_GCP_60',
    resourceTypes: [SQL_INSTANCE],
    // Stricter than checkov, which passes when the attribute is absent although the provider default is true.
    check: (a) =>
      attribute(a, 'settings.ip_configuration.ipv4_enabled') === false
        ? undefined
        : 'the instance gets a public IP address (ipv4_enabled is not false; the provider default is true)',
    fix: 'set settings.ip_configuration { ipv4_enabled = false, private_network = <VPC> }',
  },
  {
    id: 'CKV_GCP_6',
    resourceTypes: [SQL_INSTANCE],
    check: (a) => {
      const mode = attribute(a, 'settings.ip_configuration.ssl_mode');
      return mode === 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED'
        ? undefined
        : `connections need not present a trusted client certificate (ssl_mode ${JSON.stringify(mode ?? null)})`;
    },
    fix: 'set settings.ip_configuration.ssl_mode = "TRUSTED_CLIENT_CERTIFICATE_REQUIRED" and connect through the Cloud SQL Auth Proxy or a connector',
  },
  {
    id: 'CKV_GCP_14',
    resourceTypes: [SQL_INSTANCE],
    check: (a) =>
      a.master_instance_name !== undefined || attribute(a, 'settings.backup_configuration.enabled') === true
        ? undefined
        : 'automated backups are off',
    fix: 'set settings.backup_configuration { enabled = true }',
  },
  {
    id: 'CKV_GCP_11',
    resourceTypes: [SQL_INSTANCE],
    check: (a) => {
      const networks = attribute(a, 'settings.ip_configuration.authorized_networks');
      const open = (Array.isArray(networks) ? networks : []).some(
        (n) => typeof attribute(n, 'value') === 'string' && /\/0$/.test(attribute(n, 'value') as string),
      );
      return open ? 'an authorized network admits any address' : undefined;
    },
    fix: 'remove the /0 entry from settings.ip_configuration.authorized_networks',
  },
  {
    id: 'CKV_GCP_49',
    resourceTypes: ['google_project_iam_member', 'google_project_iam_binding'],
    check: (a) => {
      const role = iamRole(a);
      return role && IMPERSONATION_ROLES.has(role)
        ? `grants ${role} on the whole project, so the member can act as every service account in it`
        : undefined;
    },
    fix: 'grant the role on the one service account that needs it (google_service_account_iam_member)',
  },
];

/** Firewall rules (CIS GCP 3.6, 3.7): no ingress from anywhere unless a waiver says the blueprint wants it. */
const FIREWALL_RULES: readonly Rule[] = [
  {
    id: 'AVD-GCP-0027',
    resourceTypes: ['google_compute_firewall'],
    check: (a) => {
      const ingress = (a.direction ?? 'INGRESS') === 'INGRESS' && a.disabled !== true && attribute(a, 'allow') !== undefined;
      const ranges = Array.isArray(a.source_ranges) ? a.source_ranges : [];
      return ingress && ranges.some((r) => r === '0.0.0.0/0' || r === '::/0')
        ? `allows ingress from anywhere (${ranges.join(', ')})`
        : undefined;
    },
    fix: 'list the source CIDRs that need access in source_ranges',
  },
];

/** Memorystore (CKV_GCP_95, 97) and KMS key protection (CKV_GCP_82). */
const DATA_STORE_RULES: readonly Rule[] = [
  {
    id: 'CKV_GCP_95',
    resourceTypes: ['google_redis_instance'],
    check: (a) => (a.auth_enabled === true ? undefined : 'Redis AUTH is off: anyone on the network can read and write'),
    fix: 'set auth_enabled = true and give clients the instance auth_string',
  },
  {
    id: 'CKV_GCP_97',
    resourceTypes: ['google_redis_instance'],
    check: (a) =>
      a.transit_encryption_mode === 'SERVER_AUTHENTICATION'
        ? undefined
        : `traffic to Redis is not encrypted (transit_encryption_mode ${JSON.stringify(a.transit_encryption_mode ?? null)})`,
    fix: 'set transit_encryption_mode = "SERVER_AUTHENTICATION" and have clients trust server_ca_certs on port 6378',
  },
  {
    id: 'CKV_GCP_82',
    resourceTypes: ['google_kms_crypto_key'],
    check: (a) =>
      attribute(a, 'lifecycle.prevent_destroy') === true
        ? undefined
        : 'Terraform may destroy the key, and with it every secret encrypted under it',
    fix: 'set lifecycle { prevent_destroy = true } (cdktf: lifecycle: { preventDestroy: true })',
  },
];

const CLOUD_RUN_SERVICE = 'google_cloud_run_v2_service';
const PUBLIC_MEMBERS = new Set(['allUsers', 'allAuthenticatedUsers']);
const INTERNAL_INGRESS = new Set(['INGRESS_TRAFFIC_INTERNAL_ONLY', 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER']);

/** Cloud Run, which checkov and trivy do not cover: internal ingress, no public invoker, a dedicated identity. */
const CLOUD_RUN_RULES: readonly Rule[] = [
  {
    id: 'RUN-INGRESS-INTERNAL',
    resourceTypes: [CLOUD_RUN_SERVICE],
    check: (a) =>
      typeof a.ingress === 'string' && INTERNAL_INGRESS.has(a.ingress)
        ? undefined
        : `the service's URL is reachable from the internet (ingress ${JSON.stringify(a.ingress ?? null)})`,
    fix: 'set ingress = "INGRESS_TRAFFIC_INTERNAL_ONLY" (or INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER behind a load balancer)',
  },
  {
    id: 'RUN-PUBLIC-INVOKER',
    resourceTypes: ['google_cloud_run_v2_service_iam_member', 'google_cloud_run_v2_service_iam_binding'],
    check: (a) => {
      const members = [a.member, ...(Array.isArray(a.members) ? a.members : [])];
      const open = members.filter((m): m is string => typeof m === 'string' && PUBLIC_MEMBERS.has(m));
      return open.length > 0 ? `grants ${String(a.role)} to ${open.join(', ')}: anyone may call the service` : undefined;
    },
    fix: 'grant roles/run.invoker to the service accounts or groups that call the service',
  },
  {
    id: 'RUN-DEDICATED-SA',
    resourceTypes: [CLOUD_RUN_SERVICE],
    check: (a) => {
      const account = attribute(a, 'template.service_account');
      if (typeof account !== 'string') return 'runs as the Compute Engine default service account (none is set)';
      return DEFAULT_COMPUTE_SA.test(account) ? `runs as the Compute Engine default service account ${account}` : undefined;
    },
    fix: 'set template.service_account to a service account of its own with only the roles the service needs',
  },
];

export const RULES: readonly Rule[] = [
  ...BASE_RULES,
  ...INSTANCE_RULES,
  ...SQL_AND_IAM_RULES,
  ...FIREWALL_RULES,
  ...DATA_STORE_RULES,
  ...CLOUD_RUN_RULES,
];
export const RULE_IDS = RULES.map((rule) => rule.id) as [string, ...string[]];
