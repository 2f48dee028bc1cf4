import { ITerraformDependable } from 'cdktf';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount as GoogleServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Construct } from 'constructs';
import { PROJECT_OR_ACCOUNT_ID } from '../naming';

export interface ServiceAccountProps {
  /** The part before `@`: 6-30 lowercase letters, digits or hyphens. */
  readonly accountId: string;
  readonly displayName: string;
  readonly description?: string;
  readonly project: string;
  /**
   * Project-level roles, one `google_project_iam_member` each (additive: other bindings are left alone).
   * @default none
   */
  readonly projectRoles?: readonly string[];
}

/** A dedicated service account and the project roles it holds. It never gets a key (CKV2_GCP_3). */
export class ServiceAccount extends Construct {
  readonly account: GoogleServiceAccount;
  readonly email: string;
  /** `serviceAccount:<email>`, for IAM bindings. */
  readonly member: string;

  /** The account's email, known at synth: `<accountId>@<project>.iam.gserviceaccount.com`. */
  readonly staticEmail: string;
  /** Its `projectRoles`: a machine or service that runs as this account waits for them before it starts. */
  readonly projectGrants: readonly ProjectIamMember[];

  constructor(scope: Construct, id: string, props: ServiceAccountProps) {
    super(scope, id);
    this.staticEmail = serviceAccountEmail(props.accountId, props.project);
    if (!PROJECT_OR_ACCOUNT_ID.test(props.accountId)) {
      throw new Error(
        `service account id must be 6-30 lowercase letters, digits or hyphens, starting with a letter (got "${props.accountId}")`,
      );
    }
    this.account = new GoogleServiceAccount(this, 'Resource', {
      accountId: props.accountId,
      displayName: props.displayName,
      description: props.description,
      project: props.project,
    });
    this.email = this.account.email;
    this.member = this.account.member;
    this.projectGrants = (props.projectRoles ?? []).map(
      (role) => new ProjectIamMember(this, roleId(role), { project: props.project, role, member: this.member }),
    );
  }

  /**
   * Lets a Kubernetes service account act as this account through Workload Identity: roles/iam.workloadIdentityUser
   * on this account only, never on the project (CKV_GCP_49).
   */
  allowKubernetesServiceAccount(
    id: string,
    workload: { pool: string; namespace: string; serviceAccount: string },
    dependsOn?: ITerraformDependable[],
  ): ServiceAccountIamMember {
    return new ServiceAccountIamMember(this, id, {
      serviceAccountId: this.account.name,
      role: 'roles/iam.workloadIdentityUser',
      member: `serviceAccount:${workload.pool}[${workload.namespace}/${workload.serviceAccount}]`,
      dependsOn,
    });
  }
}

export function serviceAccountEmail(accountId: string, project: string): string {
  return `${accountId}@${project}.iam.gserviceaccount.com`;
}

/** roles/logging.logWriter -> logging-logWriter: a stable construct id per role. */
function roleId(role: string): string {
  return role.replace(/^(roles|projects\/[^/]+\/roles)\//, '').replace(/\./g, '-');
}
