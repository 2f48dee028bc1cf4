import { iamRole, Rule } from './rule';

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
];
