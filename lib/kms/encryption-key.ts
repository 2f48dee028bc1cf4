import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { Construct } from 'constructs';

export interface EncryptionKeyProps {
  readonly project: string;
  /** `global` or a region. */
  readonly location: string;
  readonly keyRing: string;
  readonly key: string;
  /**
   * Days between automatic rotations; new encryptions use the new version, old versions still decrypt.
   * @default 90 (CKV_GCP_43, CIS GCP 1.10)
   */
  readonly rotationPeriodDays?: number;
}

/**
 * A symmetric Cloud KMS key (purpose ENCRYPT_DECRYPT) in a key ring of its own, rotating automatically. Terraform
 * refuses to destroy the key (CKV_GCP_82): data encrypted under it would be lost for good, and Cloud KMS cannot delete a
 * key ring or key anyway, only schedule its versions for destruction.
 */
export class EncryptionKey extends Construct {
  readonly keyRing: KmsKeyRing;
  readonly key: KmsCryptoKey;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const rotationDays = props.rotationPeriodDays ?? 90;
    if (!Number.isInteger(rotationDays) || rotationDays < 1 || rotationDays > 90) {
      throw new Error(`key ${props.key}: rotationPeriodDays must be a whole number of days from 1 to 90 (got ${rotationDays})`);
    }
    this.keyRing = new KmsKeyRing(this, 'ring', {
      name: props.keyRing,
      location: props.location,
      project: props.project,
    });
    this.key = new KmsCryptoKey(this, 'Resource', {
      name: props.key,
      keyRing: this.keyRing.id,
      purpose: 'ENCRYPT_DECRYPT',
      rotationPeriod: `${rotationDays * 86400}s`,
      lifecycle: { preventDestroy: true },
    });
  }

  /** Lets `member` encrypt and decrypt with this key only (never a project-wide KMS role). */
  grantEncrypterDecrypter(id: string, member: string): KmsCryptoKeyIamMember {
    return new KmsCryptoKeyIamMember(this, id, {
      cryptoKeyId: this.key.id,
      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      member,
    });
  }
}
