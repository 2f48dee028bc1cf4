import type { Case } from './case';

const SA = 'app@p.iam.gserviceaccount.com';

export const IAM_CASES: Record<string, Case> = {
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
    passesAs: 'google_service_account',
  },
  CKV_GCP_49: {
    type: 'google_project_iam_member',
    fails: { project: 'p', role: 'roles/iam.workloadIdentityUser', member: 'serviceAccount:p.svc.id.goog[ns/ksa]' },
    passes: { project: 'p', role: 'roles/cloudsql.client', member: `serviceAccount:${SA}` },
  },
  CKV_GCP_42: {
    type: 'google_project_iam_member',
    fails: { project: 'p', role: 'roles/container.admin', member: `serviceAccount:${SA}` },
    passes: { project: 'p', role: 'roles/container.clusterViewer', member: `serviceAccount:${SA}` },
  },
  CKV_GCP_46: {
    type: 'google_project_iam_binding',
    fails: { project: 'p', role: 'roles/logging.logWriter', members: ['serviceAccount:p@appspot.gserviceaccount.com'] },
    passes: { project: 'p', role: 'roles/logging.logWriter', members: [`serviceAccount:${SA}`] },
  },
};
