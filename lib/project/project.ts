import { ITerraformDependable } from 'cdktf';
import { Project } from '@cdktf/provider-google/lib/project';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { Construct } from 'constructs';

export interface ProjectCreation {
  /** @default the project id */
  readonly name?: string;
  readonly billingAccount: string;
  /** Numeric folder id; at most one of folderId and orgId. */
  readonly folderId?: string;
  readonly orgId?: string;
}

export interface ProjectSetupProps {
  readonly projectId: string;
  /**
   * Create the project (with billing) instead of using an existing one.
   * @default the project must exist
   */
  readonly create?: ProjectCreation;
  /** APIs to enable, such as container.googleapis.com. They stay enabled on destroy: other things may use them. */
  readonly services: readonly string[];
}

/**
 * A project ready for a blueprint: optionally created (no auto-mode default network, CKV_GCP_27; deletion_policy
 * PREVENT so a destroy never deletes a project), with the blueprint's APIs enabled.
 */
export class ProjectSetup extends Construct {
  /** The project id, carrying a dependency on the project's creation when this construct creates it. */
  readonly projectId: string;
  /** Resources that need the APIs enabled depend on these. */
  readonly ready: ITerraformDependable[];

  constructor(scope: Construct, id: string, props: ProjectSetupProps) {
    super(scope, id);
    const { create } = props;
    if (create?.folderId && create.orgId) {
      throw new Error(`set folderId or orgId for project ${props.projectId}, not both (got ${create.folderId} and ${create.orgId})`);
    }
    this.projectId = create
      ? new Project(this, 'Resource', {
          projectId: props.projectId,
          name: create.name ?? props.projectId,
          billingAccount: create.billingAccount,
          folderId: create.folderId,
          orgId: create.orgId,
          autoCreateNetwork: false,
          deletionPolicy: 'PREVENT',
        }).projectId
      : props.projectId;
    this.ready = props.services.map(
      (service) =>
        new ProjectService(this, service.split('.')[0], {
          project: this.projectId,
          service,
          disableOnDestroy: false,
          disableDependentServices: false,
        }),
    );
  }
}
