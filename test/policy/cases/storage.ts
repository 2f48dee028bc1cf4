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
};
