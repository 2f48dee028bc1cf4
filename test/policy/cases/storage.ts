import type { Case } from './case';

export const STORAGE_CASES: Record<string, Case> = {
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
  CKV_GCP_28: {
    type: 'google_storage_bucket_iam_member',
    fails: { bucket: 'b', role: 'roles/storage.objectViewer', member: 'allUsers' },
    passes: { bucket: 'b', role: 'roles/storage.objectCreator', member: 'group:cloud-storage-analytics@google.com' },
  },
  CKV_GCP_62: {
    type: 'google_storage_bucket',
    fails: { name: 'state' },
    passes: { name: 'state', logging: { log_bucket: 'state-access-logs' } },
  },
  CKV_GCP_63: {
    type: 'google_storage_bucket',
    fails: { name: 'state', logging: { log_bucket: 'state' } },
    passes: { name: 'state', logging: { log_bucket: 'state-access-logs' } },
  },
};
