import type { StorageBucketConfig } from '@cdktf/provider-google/lib/storage-bucket';

/**
 * What every bucket here starts from: IAM only, no object ACLs (CKV_GCP_29); never public (CKV_GCP_114); every
 * overwrite recoverable (CKV_GCP_78); never emptied by Terraform.
 */
export const PRIVATE_BUCKET = {
  storageClass: 'STANDARD',
  uniformBucketLevelAccess: true,
  publicAccessPrevention: 'enforced',
  versioning: { enabled: true },
  forceDestroy: false,
} as const satisfies Partial<StorageBucketConfig>;
