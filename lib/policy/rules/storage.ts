import { attribute, Rule } from './rule';

/** Cloud Storage buckets (CIS GCP 5.x). */
export const STORAGE_RULES: readonly Rule[] = [
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
];
