import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { Construct } from 'constructs';

export interface SecretProps {
  readonly project: string;
  readonly secretId: string;
}

/**
 * A Secret Manager secret whose value never passes through Terraform: an operator adds versions
 * (`gcloud secrets versions add`), so the value is in neither the repository nor the state.
 */
export class ExternalSecret extends Construct {
  readonly secret: SecretManagerSecret;

  constructor(scope: Construct, id: string, props: SecretProps) {
    super(scope, id);
    this.secret = new SecretManagerSecret(this, 'Resource', {
      project: props.project,
      secretId: props.secretId,
      replication: { auto: {} },
    });
  }

  /** Lets `member` read the secret's versions (this secret only). */
  grantAccessor(id: string, member: string): SecretManagerSecretIamMember {
    return new SecretManagerSecretIamMember(this, id, {
      project: this.secret.project,
      secretId: this.secret.secretId,
      role: 'roles/secretmanager.secretAccessor',
      member,
    });
  }
}
