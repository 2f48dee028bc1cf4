import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { Construct } from 'constructs';

/**
 * The Google services that encrypt with a customer-managed key here, by the domain of their service agent
 * (`service-<project number>@<domain>.iam.gserviceaccount.com`; Google Cloud, "Service agents").
 */
const SERVICE_AGENT_DOMAIN = {
  compute: 'compute-system',
  artifactregistry: 'gcp-sa-artifactregistry',
} as const;

export type KeyUsingService = keyof typeof SERVICE_AGENT_DOMAIN;

export interface ServiceAgentKeyUserProps {
  /** Full name of the Cloud KMS key. */
  readonly keyName: string;
  /** Number of the project whose service agent encrypts (a `google_project` data source's `number`). */
  readonly projectNumber: string;
  readonly service: KeyUsingService;
}

/**
 * Lets a Google service's agent in a project encrypt and decrypt with a customer-managed key. The resource using the
 * key must wait for this grant, or its creation fails with a permission error on the key.
 */
export class ServiceAgentKeyUser extends Construct {
  readonly grant: KmsCryptoKeyIamMember;

  constructor(scope: Construct, id: string, props: ServiceAgentKeyUserProps) {
    super(scope, id);
    const agent = `service-${props.projectNumber}@${SERVICE_AGENT_DOMAIN[props.service]}.iam.gserviceaccount.com`;
    this.grant = new KmsCryptoKeyIamMember(this, 'Resource', {
      cryptoKeyId: props.keyName,
      role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
      member: `serviceAccount:${agent}`,
    });
  }
}
