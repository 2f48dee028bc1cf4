import { ProjectIamCustomRole } from '@cdktf/provider-google/lib/project-iam-custom-role';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { Construct } from 'constructs';

export interface CustomRoleProps {
  readonly project: string;
  /** 3-64 letters, digits, `_` or `.`; never containing "admin" (CKV_GCP_42 flags such roles on service accounts). */
  readonly roleId: string;
  readonly title: string;
  readonly description: string;
  readonly permissions: readonly string[];
}

/** A project custom role holding exactly `permissions`, and its grants. */
export class CustomRole extends Construct {
  readonly role: ProjectIamCustomRole;
  private readonly project: string;

  constructor(scope: Construct, id: string, props: CustomRoleProps) {
    super(scope, id);
    if (!/^[a-zA-Z0-9_.]{3,64}$/.test(props.roleId) || /admin/i.test(props.roleId)) {
      throw new Error(
        `custom role id must be 3-64 letters, digits, _ or . and must not contain "admin" (got "${props.roleId}")`,
      );
    }
    this.project = props.project;
    this.role = new ProjectIamCustomRole(this, 'Resource', {
      project: props.project,
      roleId: props.roleId,
      title: props.title,
      description: props.description,
      permissions: [...props.permissions].sort(),
      stage: 'GA',
    });
  }

  /** Grants the role to a member at project level. */
  grant(id: string, member: string): ProjectIamMember {
    return new ProjectIamMember(this, id, { project: this.project, role: this.role.name, member });
  }
}
