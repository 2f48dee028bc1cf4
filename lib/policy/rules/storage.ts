import { attribute, Attributes, noPublicMembers, Rule, StackResource } from './rule';

const BUCKET = 'google_storage_bucket';

/** Whether another bucket of the stack names this one, by name or by reference, as its access-log destination. */
function isAccessLogDestination(bucket: Attributes, stack: readonly StackResource[]): boolean {
  const self = stack.find((resource) => resource.attrs === bucket);
  const names = [bucket.name, ...(self ? [`\${${self.address}.name}`, `\${${self.address}.id}`] : [])];
  return stack.some(
    (other) => other.type === BUCKET && other !== self && names.includes(attribute(other.attrs, 'logging.log_bucket')),
  );
}

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
  noPublicMembers('CKV_GCP_28', ['google_storage_bucket_iam_member', 'google_storage_bucket_iam_binding'], 'a bucket'),
  {
    id: 'CKV_GCP_62',
    resourceTypes: [BUCKET],
    // A bucket that receives another bucket's access logs ends the chain: logging it would need yet another bucket.
    check: (a, _type, stack) =>
      typeof attribute(a, 'logging.log_bucket') === 'string' || isAccessLogDestination(a, stack)
        ? undefined
        : 'access to the bucket is not logged (no logging.log_bucket)',
    fix: 'set logging { log_bucket = <a separate bucket for access logs> } (lib/storage/access-log-bucket.ts)',
  },
  {
    id: 'CKV_GCP_63',
    resourceTypes: [BUCKET],
    check: (a) => {
      const destination = attribute(a, 'logging.log_bucket');
      return destination !== undefined && destination === a.name ? 'the bucket logs access into itself' : undefined;
    },
    fix: 'set logging.log_bucket to a separate bucket: each log object written would itself be logged',
  },
];
