import { Aspects, dependable, IAspect, TerraformDataSource, TerraformResource, TerraformStack, Token } from 'cdktf';
import { Project } from '@cdktf/provider-google/lib/project';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { Construct, IConstruct } from 'constructs';
import { apiOfRole, apiOfType, apisOfArguments, hasArgumentApis, isStackApi } from './apis';

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
  /**
   * APIs to enable, such as container.googleapis.com. They stay enabled on destroy: other things may use them. Every
   * resource and data source of the stack that calls one of them, and every grant of a role one of them defines,
   * waits for it; one that needs an API missing here (and not enabled by default) stops the synth.
   */
  readonly services: readonly string[];
}

/**
 * A project ready for a blueprint: optionally created (no auto-mode default network, CKV_GCP_27; deletion_policy
 * PREVENT so a destroy never deletes a project), with the blueprint's APIs enabled before anything uses them.
 */
export class ProjectSetup extends Construct {
  /** The project id, carrying a dependency on the project's creation when this construct creates it. */
  readonly projectId: string;
  /** The enabled APIs, by service name. */
  readonly services: ReadonlyMap<string, ProjectService>;
  /** The google_project, when this construct creates the project. */
  readonly project?: Project;

  constructor(scope: Construct, id: string, props: ProjectSetupProps) {
    super(scope, id);
    const { create } = props;
    if (create?.folderId && create.orgId) {
      throw new Error(`set folderId or orgId for project ${props.projectId}, not both (got ${create.folderId} and ${create.orgId})`);
    }
    this.project = create
      ? new Project(this, 'Resource', {
          projectId: props.projectId,
          name: create.name ?? props.projectId,
          billingAccount: create.billingAccount,
          folderId: create.folderId,
          orgId: create.orgId,
          autoCreateNetwork: false,
          deletionPolicy: 'PREVENT',
        })
      : undefined;
    this.projectId = this.project?.projectId ?? props.projectId;
    this.services = new Map(
      props.services.map((service) => [
        service,
        new ProjectService(this, service.split('.')[0], {
          project: this.projectId,
          service,
          disableOnDestroy: false,
          disableDependentServices: false,
        }),
      ]),
    );
    Aspects.of(TerraformStack.of(this)).add(new WaitForApis(this));
  }
}

/**
 * Makes every resource and data source of the stack wait for the API it calls, so the first apply on a fresh project
 * does not race the enabling of its APIs.
 */
class WaitForApis implements IAspect {
  /** What each node already waits for: `dependable()` makes a new token each time, so tokens cannot be compared. */
  private readonly added = new WeakMap<IConstruct, Set<ProjectService>>();

  constructor(private readonly setup: ProjectSetup) {}

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformResource || node instanceof TerraformDataSource)) return;
    if (node instanceof ProjectService || node instanceof Project) return;
    this.waitFor(node, apiOfType(node.terraformResourceType), 'calls');
    // An IAM grant of a predefined role also waits for the API that defines the role.
    const role = (node as { roleInput?: unknown }).roleInput;
    if (typeof role === 'string' && !Token.isUnresolved(role)) this.waitFor(node, apiOfRole(role), `grants ${role} of`);
    // Some arguments need another API too (a GKE cluster's Binary Authorization); only types that have one are read.
    if (node instanceof TerraformResource && hasArgumentApis(node.terraformResourceType)) {
      const args = Object.values(node.toTerraform().resource[node.terraformResourceType])[0] as Record<string, unknown>;
      for (const api of apisOfArguments(node.terraformResourceType, args)) this.waitFor(node, api, 'sets an argument of');
    }
  }

  private waitFor(node: TerraformResource | TerraformDataSource, api: string | null, how: string): void {
    if (!isStackApi(api)) return;
    const service = this.setup.services.get(api);
    if (!service) {
      throw new Error(
        `${node.node.path} (${node.terraformResourceType}) ${how} ${api}, which ${this.setup.node.path} does not ` +
          'enable; add it to its services',
      );
    }
    const added = this.added.get(node) ?? new Set<ProjectService>();
    if (added.has(service)) return;
    added.add(service);
    this.added.set(node, added);
    node.dependsOn = [...(node.dependsOn ?? []), dependable(service)];
  }
}
