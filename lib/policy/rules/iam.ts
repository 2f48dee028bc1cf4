import { DEFAULT_COMPUTE_SA, iamMembers, iamRole, Rule } from './rule';

const BASIC_ROLES = new Set(['roles/owner', 'roles/editor', 'roles/viewer']);
/** Roles that let a member act as any service account of the project: grant them on one account instead. */
const IMPERSONATION_ROLES = new Set([
  'roles/iam.workloadIdentityUser',
  'roles/iam.serviceAccountUser',
  'roles/iam.serviceAccountTokenCreator',
  'roles/iam.serviceAccountKeyAdmin',
  'roles/iam.serviceAccountAdmin',
  'roles/iam.securityAdmin',
]);

const PROJECT_GRANTS = ['google_project_iam_member', 'google_project_iam_binding'];
const HIERARCHY_GRANTS = [
  ...PROJECT_GRANTS,
  'google_folder_iam_member',
  'google_folder_iam_binding',
  'google_organization_iam_member',
  'google_organization_iam_binding',
];
/** checkov's test for an administrative role: the name says admin, editor or owner. */
const ADMIN_ROLE = /(admin|Admin|editor|owner)/;
/** Google-created default accounts: Compute Engine's and App Engine's, both editors of their project by default. */
const DEFAULT_ACCOUNT = new RegExp(`${DEFAULT_COMPUTE_SA.source}|@appspot\\.gserviceaccount\\.com$`);

/** IAM grants and service account keys (CIS GCP 1.x). */
export const IAM_RULES: readonly Rule[] = [
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
  {
    id: 'CKV_GCP_42',
    resourceTypes: PROJECT_GRANTS,
    // Stricter than checkov, which looks only at literal service account members: any member of ours is one.
    check: (a) => {
      const role = iamRole(a);
      return role && ADMIN_ROLE.test(role) ? `grants the administrative role ${role} on the whole project` : undefined;
    },
    fix: 'grant the narrower predefined or custom role the member needs, or grant it on the one resource concerned',
  },
  {
    id: 'CKV_GCP_46',
    resourceTypes: HIERARCHY_GRANTS,
    check: (a) => {
      const defaults = iamMembers(a).filter((m) => DEFAULT_ACCOUNT.test(m));
      return defaults.length > 0 ? `grants ${String(a.role)} to the default service account ${defaults.join(', ')}` : undefined;
    },
    fix: 'grant the role to a dedicated service account instead of a Google-created default one',
  },
];
