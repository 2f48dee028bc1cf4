/**
 * Which Google API each Terraform type of the google provider calls, and which of those a fresh project already has.
 * Resources wait for the `google_project_service` of their API (ProjectSetup), because the provider does not retry
 * "API has not been used in project ... or it is disabled" (403 SERVICE_DISABLED).
 */

/**
 * Enabled on every new project (Google Cloud, Service Usage docs, "Enabled services": services enabled by default).
 * Only the ones a google provider type here can call are listed.
 */
export const DEFAULT_APIS: ReadonlySet<string> = new Set([
  'bigquery.googleapis.com',
  'cloudapis.googleapis.com',
  'cloudtrace.googleapis.com',
  'datastore.googleapis.com',
  'logging.googleapis.com',
  'monitoring.googleapis.com',
  'servicemanagement.googleapis.com',
  'serviceusage.googleapis.com',
  'sql-component.googleapis.com',
  'storage-api.googleapis.com',
  'storage-component.googleapis.com',
  'storage.googleapis.com',
]);

/**
 * Checked against the project of the credentials Terraform runs with, not the stack's project: Cloud Resource Manager
 * is a client-based API (Google Cloud, "Quota project overview"), and the provider reads the project through it
 * whenever it reads a `google_project_service` (terraform-provider-google,
 * google/services/resourcemanager/resource_google_project_service.go). A stack cannot enable these for itself; the
 * deploying identity's project must have them (docs/pipelines.md, Prerequisites).
 */
export const CREDENTIALS_PROJECT_APIS: ReadonlySet<string> = new Set([
  'cloudresourcemanager.googleapis.com',
  'serviceusage.googleapis.com',
]);

/** By Terraform type prefix; the longest matching prefix wins. `null`: the type calls no project API. */
const API_BY_TYPE_PREFIX: Readonly<Record<string, string | null>> = {
  google_artifact_registry_: 'artifactregistry.googleapis.com',
  google_client_config: null,
  google_cloud_run_v2_: 'run.googleapis.com',
  google_compute_: 'compute.googleapis.com',
  google_container_: 'container.googleapis.com',
  google_kms_: 'cloudkms.googleapis.com',
  google_project: 'cloudresourcemanager.googleapis.com',
  google_project_iam_custom_role: 'iam.googleapis.com',
  google_project_iam_member: 'cloudresourcemanager.googleapis.com',
  google_project_service: 'serviceusage.googleapis.com',
  google_redis_: 'redis.googleapis.com',
  google_secret_manager_: 'secretmanager.googleapis.com',
  google_service_account: 'iam.googleapis.com',
  google_service_networking_: 'servicenetworking.googleapis.com',
  google_sql_: 'sqladmin.googleapis.com',
  google_storage_: 'storage.googleapis.com',
  google_vpc_access_: 'vpcaccess.googleapis.com',
};

/**
 * The API a google provider resource or data source type calls; `null` when it calls none (or is not a google type).
 * Throws for a google type this table does not know yet, so a new resource type cannot skip the question.
 */
export function apiOfType(type: string): string | null {
  if (!type.startsWith('google_')) return null;
  const prefix = Object.keys(API_BY_TYPE_PREFIX)
    .filter((candidate) => type.startsWith(candidate))
    .sort((a, b) => b.length - a.length)[0];
  if (prefix === undefined) {
    throw new Error(`no API is known for the Terraform type ${type}; add it to lib/project/apis.ts`);
  }
  return API_BY_TYPE_PREFIX[prefix];
}

/**
 * APIs a resource needs besides its own when it sets an argument, by type and argument. GKE refuses a cluster that
 * evaluates pods with Binary Authorization while that API is off (Binary Authorization docs, "Set up": enable the API,
 * then create the cluster).
 */
const API_BY_ARGUMENT: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  google_container_cluster: { binary_authorization: 'binaryauthorization.googleapis.com' },
};

/** Whether some argument of `type` needs an API of its own (so its arguments are worth reading). */
export function hasArgumentApis(type: string): boolean {
  return type in API_BY_ARGUMENT;
}

/** The extra APIs a resource of `type` with these synthesized arguments needs enabled first. */
export function apisOfArguments(type: string, args: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(API_BY_ARGUMENT[type] ?? {})
    .filter(([argument]) => args[argument] !== undefined)
    .map(([, api]) => api);
}

/**
 * By the service part of a predefined role, `roles/<service>.<name>`. Such a role can be granted only once its API is
 * enabled (Service Usage docs, "Enabled services": some IAM roles are only visible when the service is enabled).
 */
const API_BY_ROLE_SERVICE: Readonly<Record<string, string>> = {
  artifactregistry: 'artifactregistry.googleapis.com',
  cloudkms: 'cloudkms.googleapis.com',
  cloudsql: 'sqladmin.googleapis.com',
  compute: 'compute.googleapis.com',
  container: 'container.googleapis.com',
  iam: 'iam.googleapis.com',
  logging: 'logging.googleapis.com',
  monitoring: 'monitoring.googleapis.com',
  redis: 'redis.googleapis.com',
  run: 'run.googleapis.com',
  secretmanager: 'secretmanager.googleapis.com',
  storage: 'storage.googleapis.com',
};

/**
 * The API that defines a predefined role; `null` for basic roles (roles/viewer) and custom roles, which a grant
 * refers to and so already waits for. Throws for a service this table does not know yet.
 */
export function apiOfRole(role: string): string | null {
  const service = /^roles\/([a-z]+)\.\w+$/.exec(role)?.[1];
  if (service === undefined) return null;
  const api = API_BY_ROLE_SERVICE[service];
  if (api === undefined) throw new Error(`no API is known for the role ${role}; add its service to lib/project/apis.ts`);
  return api;
}

/** An API a stack must enable (and its resources wait for): not on by default, not the credentials' project's. */
export function isStackApi(api: string | null): api is string {
  return api !== null && !DEFAULT_APIS.has(api) && !CREDENTIALS_PROJECT_APIS.has(api);
}
