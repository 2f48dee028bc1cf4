import { DataGoogleStorageProjectServiceAccount } from '@cdktf/provider-google/lib/data-google-storage-project-service-account';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { Construct } from 'constructs';
import { PRIVATE_BUCKET } from '../storage/private-bucket';
import type { AccessLogBucket } from '../storage/access-log-bucket';

export interface StateBucketProps {
  readonly name: string;
  /** Region, dual-region or multi-region. */
  readonly location: string;
  /**
   * Noncurrent versions kept per state object; older ones are deleted, so history is bounded.
   * @default 10
   */
  readonly noncurrentVersionsToKeep?: number;
  /**
   * Days a deleted or overwritten object can still be restored (Cloud Storage soft delete).
   * @default 7
   */
  readonly softDeleteRetentionDays?: number;
  /** Where Cloud Storage writes the usage and storage logs of this bucket (CKV_GCP_62). @default not logged */
  readonly accessLogs?: AccessLogBucket;
  /**
   * Customer-managed key; the project's Cloud Storage service agent is granted use of it.
   * @default Google-managed encryption
   */
  readonly kmsKeyName?: string;
}

/**
 * The bucket that holds Terraform state: versioned (CKV_GCP_78), uniform bucket-level access (CKV_GCP_29), public
 * access prevention enforced (CKV_GCP_114), access logged to another bucket (CKV_GCP_62), soft delete, bounded noncurrent versions, never force-destroyed, and
 * protected from `terraform destroy` by prevent_destroy.
 */
export class StateBucket extends Construct {
  readonly bucket: StorageBucket;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    const keep = props.noncurrentVersionsToKeep ?? 10;
    if (!Number.isInteger(keep) || keep < 1) {
      throw new Error(`noncurrentVersionsToKeep must be a whole number of at least 1 (got ${keep})`);
    }
    const softDeleteDays = props.softDeleteRetentionDays ?? 7;

    // The service agent must be able to use the key before the bucket can be created with it.
    const keyGrant = props.kmsKeyName
      ? new KmsCryptoKeyIamMember(this, 'kms-grant', {
          cryptoKeyId: props.kmsKeyName,
          role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
          member: `serviceAccount:${new DataGoogleStorageProjectServiceAccount(this, 'gcs-agent', {}).emailAddress}`,
        })
      : undefined;

    this.bucket = new StorageBucket(this, 'Resource', {
      name: props.name,
      location: props.location,
      ...PRIVATE_BUCKET,
      softDeletePolicy: { retentionDurationSeconds: softDeleteDays * 24 * 3600 },
      lifecycleRule: [
        {
          // numNewerVersions counts the live version among the newer ones: keep noncurrent ones plus the live one.
          condition: { numNewerVersions: keep + 1, withState: 'ARCHIVED' },
          action: { type: 'Delete' },
        },
      ],
      encryption: props.kmsKeyName ? { defaultKmsKeyName: props.kmsKeyName } : undefined,
      logging: props.accessLogs ? { logBucket: props.accessLogs.bucket.name, logObjectPrefix: props.name } : undefined,
      dependsOn: [...(keyGrant ? [keyGrant] : []), ...(props.accessLogs ? [props.accessLogs.writeGrant] : [])],
      lifecycle: { preventDestroy: true },
    });
  }
}
