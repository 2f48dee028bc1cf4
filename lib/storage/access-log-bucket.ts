import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { Construct } from 'constructs';
import { PRIVATE_BUCKET } from './private-bucket';

/** The Google group Cloud Storage writes usage and storage logs as (cloud.google.com/storage/docs/access-logs). */
export const STORAGE_ANALYTICS_GROUP = 'group:cloud-storage-analytics@google.com';

export interface AccessLogBucketProps {
  readonly name: string;
  /** Same location as the buckets it logs, so logs stay where the data is. */
  readonly location: string;
  /**
   * Days a log object is kept.
   * @default 365
   */
  readonly retentionDays?: number;
}

/**
 * A bucket that receives other buckets' Cloud Storage usage logs (hourly, every request) and storage logs (daily
 * size), with the write grant Cloud Storage needs: roles/storage.objectCreator for its analytics group. Private like
 * every bucket here (CKV_GCP_29, 114), versioned (CKV_GCP_78), logs deleted after `retentionDays`. It does not log
 * its own access: it is the end of the chain (see the CKV_GCP_62 rule).
 */
export class AccessLogBucket extends Construct {
  readonly bucket: StorageBucket;
  /** Log a bucket into this one only once this exists, or the first hour's logs are refused. */
  readonly writeGrant: StorageBucketIamMember;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? 365;
    this.bucket = new StorageBucket(this, 'Resource', {
      name: props.name,
      location: props.location,
      ...PRIVATE_BUCKET,
      lifecycleRule: [
        { condition: { age: retentionDays }, action: { type: 'Delete' } },
        // Log objects are never overwritten; a deleted one leaves a noncurrent version that goes a day later.
        { condition: { daysSinceNoncurrentTime: 1, withState: 'ARCHIVED' }, action: { type: 'Delete' } },
      ],
      lifecycle: { preventDestroy: true },
    });
    this.writeGrant = new StorageBucketIamMember(this, 'analytics-writer', {
      bucket: this.bucket.name,
      role: 'roles/storage.objectCreator',
      member: STORAGE_ANALYTICS_GROUP,
    });
  }
}
